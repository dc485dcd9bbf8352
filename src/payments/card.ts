import type { WireCardPaymentMethod, WirePaymentMethod } from '../wire/order-output.js'
import type { CardPaymentMethod } from '../wire/payment-method-schemas.js'
import { newPaymentPage } from './payment-page-token.js'
import type { GatewayDeps, PaymentOutcome, PaymentRequest, PaymentStrategy } from './payment-strategy.js'

type CardPaymentMethodOutput = WireCardPaymentMethod

/** The card as the wire shows it after placeOrder: brand, first 6 and last 4 digits only. */
export function maskCard (method: { CardNumber: string, CardType: string, ExpirationMonth: string, ExpirationYear: string, HolderName: string, RecurringEnabled?: boolean | undefined, Vendor3DSReturnURL: string, Vendor3DSCancelURL: string }): CardPaymentMethodOutput {
  return {
    CardType: method.CardType,
    FirstDigits: method.CardNumber.slice(0, 6),
    LastDigits: method.CardNumber.slice(-4),
    ExpirationMonth: method.ExpirationMonth,
    ExpirationYear: method.ExpirationYear,
    HolderName: method.HolderName,
    RecurringEnabled: method.RecurringEnabled ?? false,
    Vendor3DSReturnURL: method.Vendor3DSReturnURL,
    Vendor3DSCancelURL: method.Vendor3DSCancelURL
  }
}

/** What any card-like payment charges: a new number or a processor token, and how it is shown. */
export type CardCharge = {
  source: { cardNumber: string } | { cardToken: string }
  holderName: string
  /** brand, first 6, last 4, expiry (absent for a PayPal account) */
  card?: { brand: string, first6: string, last4: string, expiry: string }
  /** the masked wire PaymentMethod */
  paymentMethod: WirePaymentMethod
  /** 3-D Secure return and cancel URLs; a charge without them never asks for 3DS */
  threeDs?: { returnUrl: string, cancelUrl: string }
  /** a stored card charged by the merchant: no shopper, no 3-D Secure */
  merchantInitiated?: boolean
}

/**
 * Charges a card through the gateway. Approved → AUTHRECEIVED and the card is stored for the
 * customer (token and display data only); declined → PENDING with Errors.PAYMENT_ERROR (not an
 * RPC error, as 2Checkout); 3-D Secure → PENDING with Authorize3DS; fraud rule → PENDING, review OPEN.
 */
export async function chargeCard (deps: GatewayDeps, request: Omit<PaymentRequest, 'details'>, charge: CardCharge): Promise<PaymentOutcome> {
  const result = await deps.gateway.authorizeCard({
    ...charge.source,
    holderName: charge.holderName,
    amountMinor: request.amountMinor,
    currency: request.currency,
    ...(charge.merchantInitiated === true ? { merchantInitiated: true } : {})
  })
  const base = { paymentMethod: charge.paymentMethod, ...(charge.card !== undefined ? { card: charge.card } : {}), processorReference: result.reference, vendorApproveStatus: 'OK' as const }
  const details = result.outcome === 'DECLINED' ? { holderName: charge.holderName } : { holderName: charge.holderName, paymentToken: result.cardToken }
  switch (result.outcome) {
    case 'DECLINED':
      return { ...base, details, status: 'PENDING', approveStatus: 'WAITING', paymentStatus: 'DECLINED', errors: { PAYMENT_ERROR: result.reason }, declineReason: result.reason }
    case 'REQUIRES_3DS': {
      if (charge.threeDs === undefined) {
        const reason = 'The card requires 3-D Secure, which this payment cannot ask for'
        return { ...base, details, status: 'PENDING', approveStatus: 'WAITING', paymentStatus: 'DECLINED', errors: { PAYMENT_ERROR: reason }, declineReason: reason }
      }
      // The sealed token is stored; the answer shows the token (src/payments/payment-page-token.ts).
      const { page, sealed } = newPaymentPage(deps.clock.now(), '3DS', charge.threeDs.returnUrl, charge.threeDs.cancelUrl)
      return {
        ...base,
        // Only card-like charges (CardPaymentMethodOutput) carry the 3-D Secure return URLs that lead here.
        paymentMethod: { ...charge.paymentMethod as CardPaymentMethodOutput, Authorize3DS: { Href: `${deps.publicUrl}/sandbox/3ds`, Method: 'GET', Params: { avng8apitoken: sealed } } },
        status: 'PENDING',
        approveStatus: 'WAITING',
        paymentStatus: 'PENDING',
        errors: null,
        details: { ...details, threeDs: page }
      }
    }
    case 'APPROVED':
      if (result.fraudReview !== undefined) {
        return { ...base, details, status: 'PENDING', approveStatus: 'WAITING', paymentStatus: 'APPROVED', errors: null, fraud: { status: 'OPEN', reason: result.fraudReview } }
      }
      return {
        ...base,
        details,
        status: 'AUTHRECEIVED',
        approveStatus: 'WAITING',
        paymentStatus: 'APPROVED',
        errors: null,
        ...(charge.card !== undefined ? { storedCard: { ...charge.card, holderName: charge.holderName, processorToken: result.cardToken } } : {})
      }
  }
}

async function payByCard (deps: GatewayDeps, request: Omit<PaymentRequest, 'details'>, method: CardPaymentMethod): Promise<PaymentOutcome> {
  return await chargeCard(deps, request, {
    source: { cardNumber: method.CardNumber },
    holderName: method.HolderName,
    card: { brand: method.CardType, first6: method.CardNumber.slice(0, 6), last4: method.CardNumber.slice(-4), expiry: `${method.ExpirationYear}-${method.ExpirationMonth}` },
    paymentMethod: maskCard(method),
    threeDs: { returnUrl: method.Vendor3DSReturnURL, cancelUrl: method.Vendor3DSCancelURL }
  })
}

export const CC_STRATEGY: PaymentStrategy<'CC'> = { type: 'CC', database: 'none', pay: async (deps, request) => await payByCard(deps, request, request.details.PaymentMethod) }
export const TEST_STRATEGY: PaymentStrategy<'TEST'> = { type: 'TEST', database: 'none', pay: async (deps, request) => await payByCard(deps, request, request.details.PaymentMethod) }
