import { randomBytes } from 'node:crypto'
import { fromMinor } from '../catalog/money.js'
import type { WirePaymentMethod } from '../wire/order-output.js'
import type { GatewayDeps, PaymentOutcome, PaymentRequest, PaymentStrategy } from './payment-strategy.js'

// Offline methods (WIRE, CHECK, DIRECTDEBIT, DIRECT_DEBIT_ACH, BOLETO): the order stays PENDING
// and the answer carries the payment instructions, as 2Checkout's placeOrder response does,
// until the merchant marks the payment received (markOrderPaid → COMPLETE).
// The shopper's IBAN / account number goes to the processor (a direct-debit mandate) and is
// kept and shown only masked (SPEC §4 "Never stored, never logged").

/** The sandbox beneficiary account shoppers pay into (a fictitious bank; shown in full, it is the payee's). */
export const SANDBOX_BENEFICIARY = {
  Bank: 'Sandbox Bank N.A.',
  Country: 'us',
  City: 'New York',
  Address: '1 Sandbox Plaza, New York, NY 10001',
  AccountHolder: 'ordergate sandbox payments',
  AccountNumber: '000123456789',
  RoutingNumber: '021000021',
  SwiftCode: 'SBXBUS33',
  Iban: 'GB33BUKB20201555555555'
} as const

export const SANDBOX_CHECK_PAYEE = { PayableTo: 'ordergate sandbox payments', MailingAddress: 'PO Box 1000, New York, NY 10001, us' } as const

/** `DE89370400440532013000` → `DE89**************3000`: country, check digits and the last 4. */
export function maskIban (iban: string): string {
  return iban.length <= 8 ? '*'.repeat(iban.length) : iban.slice(0, 4) + '*'.repeat(iban.length - 8) + iban.slice(-4)
}

/** `123456789` → `*****6789`. */
export function maskAccountNumber (account: string): string {
  return account.length <= 4 ? '*'.repeat(account.length) : '*'.repeat(account.length - 4) + account.slice(-4)
}

const paymentReference = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`

function pending (paymentMethod: WirePaymentMethod, details: Record<string, unknown>, processorReference?: string): PaymentOutcome {
  return {
    status: 'PENDING',
    approveStatus: 'WAITING',
    vendorApproveStatus: 'OK',
    paymentStatus: 'PENDING',
    errors: null,
    paymentMethod,
    details,
    ...(processorReference !== undefined ? { processorReference } : {})
  }
}

const amount = (request: Omit<PaymentRequest, 'details'>): { Amount: number, Currency: string } => ({ Amount: fromMinor(request.amountMinor, request.currency), Currency: request.currency.toLowerCase() })

export const WIRE_STRATEGY: PaymentStrategy<'WIRE'> = {
  type: 'WIRE',
  database: 'none',
  async pay (_deps, request) {
    const reference = paymentReference('WIRE')
    return pending({ ...amount(request), PaymentReference: reference, BankAccounts: [{ ...SANDBOX_BENEFICIARY }] }, { offline: { paymentReference: reference } })
  }
}

export const CHECK_STRATEGY: PaymentStrategy<'CHECK'> = {
  type: 'CHECK',
  database: 'none',
  async pay (_deps, request) {
    const reference = paymentReference('CHECK')
    return pending({ ...amount(request), PaymentReference: reference, ...SANDBOX_CHECK_PAYEE }, { offline: { paymentReference: reference } })
  }
}

export const BOLETO_STRATEGY: PaymentStrategy<'BOLETO'> = {
  type: 'BOLETO',
  database: 'none',
  async pay (deps, request) {
    // The sandbox boleto: a 47-digit "linha digitável" that is plainly a test number.
    const reference = paymentReference('BOLETO')
    const barcode = '00190000090' + String(request.amountMinor).padStart(36, '0')
    const dueDate = new Date(deps.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10)
    const method = request.details.PaymentMethod
    return pending({
      ...amount(request),
      ReturnURL: method.ReturnURL,
      CancelURL: method.CancelURL ?? null,
      PaymentReference: reference,
      BoletoNumber: barcode,
      DueDate: dueDate
    }, { offline: { paymentReference: reference, dueDate } })
  }
}

async function mandate (deps: GatewayDeps, kind: 'SEPA' | 'ACH', holderName: string, accountNumber: string, bankCode?: string): Promise<string> {
  return (await deps.gateway.registerBankAccount({ kind, holderName, accountNumber, bankCode })).mandateReference
}

export const DIRECTDEBIT_STRATEGY: PaymentStrategy<'DIRECTDEBIT'> = {
  type: 'DIRECTDEBIT',
  database: 'none',
  async pay (deps, request) {
    const m = request.details.PaymentMethod
    const reference = await mandate(deps, 'SEPA', `${m.FirstName} ${m.LastName}`, m.Iban, m.Swift)
    return pending({
      ...amount(request),
      FirstName: m.FirstName,
      LastName: m.LastName,
      Iban: maskIban(m.Iban),
      Swift: m.Swift ?? null,
      MandateReference: reference
    }, { offline: { mandateReference: reference, ibanMasked: maskIban(m.Iban) } }, reference)
  }
}

export const DIRECT_DEBIT_ACH_STRATEGY: PaymentStrategy<'DIRECT_DEBIT_ACH'> = {
  type: 'DIRECT_DEBIT_ACH',
  database: 'none',
  async pay (deps, request) {
    const m = request.details.PaymentMethod
    const reference = await mandate(deps, 'ACH', m.AccountHolderName, m.AccountNumber, m.BankRoutingNumber)
    return pending({
      ...amount(request),
      AccountHolderName: m.AccountHolderName,
      BankRoutingNumber: m.BankRoutingNumber,
      AccountNumber: maskAccountNumber(m.AccountNumber),
      AccountType: m.AccountType,
      MandateReference: reference
    }, { offline: { mandateReference: reference, accountMasked: maskAccountNumber(m.AccountNumber) } }, reference)
  }
}
