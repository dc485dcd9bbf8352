// Shared builders for the Order validator tests: valid wire Orders that a test then breaks.
import { readFileSync } from 'node:fs'

// Orders are JSON from the wire; tests edit them freely.
export type Wire = Record<string, any>

/** The fixed clock of the Order tests; valid card expiries are after it. */
export const NOW = new Date('2026-11-23T10:00:00Z')

const readFixture = (name: string): Wire =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'))

const CARD_ORDER = readFixture('card-order.json')
const PO_ORDER = readFixture('seed-004-po-order.json')

/** A valid CC order (test/fixtures/card-order.json). */
export const cardOrder = (): Wire => structuredClone(CARD_ORDER)
/** The Order seed 004's PHP sample sends (test/fixtures/seed-004-po-order.json). */
export const seed004Order = (): Wire => structuredClone(PO_ORDER)

export const THREE_DS = {
  Vendor3DSReturnURL: 'https://shop.example.com/3ds/return',
  Vendor3DSCancelURL: 'https://shop.example.com/3ds/cancel'
}
export const REDIRECT = {
  ReturnURL: 'https://shop.example.com/return',
  CancelURL: 'https://shop.example.com/cancel'
}

export const visaCard = (): Wire => ({
  CardNumber: '4111111111111111',
  CardType: 'visa',
  ExpirationYear: '2029',
  ExpirationMonth: '12',
  HolderName: 'John Doe',
  CCID: '123',
  ...THREE_DS
})

/** A valid PaymentMethod for every payment type. */
export const VALID_METHODS: Record<string, () => Wire | null> = {
  CC: visaCard,
  TEST: visaCard,
  ENCRYPTED_PAYMENT_DATA: () => ({ EesToken: 'cdefa07d-0595-4469-8aa8-c54d2edd445f', ...THREE_DS }),
  EES_TOKEN_PAYMENT: () => ({ EesToken: '7b88d2cf-6121-4cac-90a1-8eefc4cb3e6e', ...THREE_DS }),
  APPLE_PAY: () => ({ PaymentToken: 'eyJhcHBsZSI6InRva2VuIn0=', ...THREE_DS }),
  GOOGLE_PAY: () => ({ PaymentToken: 'eyJnb29nbGUiOiJ0b2tlbiJ9', ...THREE_DS }),
  PAYPAL: () => ({ Email: 'buyer@example.com', ...REDIRECT }),
  PAYPAL_EXPRESS: () => ({ Email: 'buyer@example.com', ...REDIRECT, FundingSource: 'Standard' }),
  DIRECT_EBANKING: () => ({ ...REDIRECT }),
  WE_CHAT_PAY: () => ({ ...REDIRECT }),
  TRUSTLY: () => ({ ReturnURL: REDIRECT.ReturnURL }),
  ALIPAY: () => ({ ...REDIRECT }),
  UNIONPAY: () => ({ ...REDIRECT }),
  BOLETO: () => ({ ReturnURL: REDIRECT.ReturnURL }),
  IDEAL: () => ({ BankCode: 'RABONL2U+RAB', ...REDIRECT }),
  DIRECTDEBIT: () => ({ FirstName: 'Jan', LastName: 'Jansen', Iban: 'DE89 3704 0044 0532 0130 00', Swift: 'COBADEFF' }),
  DIRECT_DEBIT_ACH: () => ({ AccountHolderName: 'John Doe', BankRoutingNumber: '011000015', AccountNumber: '123456789', AccountType: 'C' }),
  PREVIOUS_ORDER: () => ({ RefNo: '79753045' }),
  EXISTING_PAYMENT_DATA: () => ({ TransientToken: 'a1b2c3d4e5', CCID: '123' }),
  PURCHASEORDER: () => ({ InternalPONumber: 'PO-2026-001', AutoApprove: false }),
  WIRE: () => null,
  CHECK: () => ({}),
  STORED_CREDIT: () => null,
  FREE: () => null
}

export const BR_BILLING = {
  FirstName: 'Customer',
  LastName: 'Brasil',
  CountryCode: 'BR',
  State: 'DF',
  City: 'Brasilia',
  Address1: 'Test Address',
  Zip: '70403-900',
  Email: 'customer@example.com',
  Phone: '556133127400',
  FiscalCode: '056.027.963-98'
}

/** A valid order paid with `type` (billing adapted where the type needs it). */
export function orderPaidWith (type: string, method: Wire | null = VALID_METHODS[type]?.() ?? null): Wire {
  const order = cardOrder()
  order.PaymentDetails = { Type: type, Currency: 'USD', PaymentMethod: method }
  if (type === 'PURCHASEORDER') order.BillingDetails.Company = 'ABC Company'
  if (type === 'BOLETO') {
    order.BillingDetails = { ...BR_BILLING }
    order.Currency = 'BRL'
    order.PaymentDetails.Currency = 'BRL'
  }
  return order
}
