import { randomBytes } from 'node:crypto'
import type { CardPaymentMethod } from './payment-method-schemas.js'
import type { PaymentDeps, PaymentOutcome, PaymentRequest, PaymentStrategy } from './payment-strategy.js'

/** The card as the wire shows it after placeOrder: brand, first 6 and last 4 digits only. */
export function maskCard (method: { CardNumber: string, CardType: string, ExpirationMonth: string, ExpirationYear: string, HolderName: string, RecurringEnabled?: boolean | undefined, Vendor3DSReturnURL: string, Vendor3DSCancelURL: string }): Record<string, unknown> {
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

async function payByCard (deps: PaymentDeps, request: Omit<PaymentRequest, 'details'>, method: CardPaymentMethod): Promise<PaymentOutcome> {
  const masked = maskCard(method)
  const card = {
    brand: method.CardType,
    first6: method.CardNumber.slice(0, 6),
    last4: method.CardNumber.slice(-4),
    expiry: `${method.ExpirationYear}-${method.ExpirationMonth}`
  }
  const result = await deps.gateway.authorizeCard({
    cardNumber: method.CardNumber,
    holderName: method.HolderName,
    amountMinor: request.amountMinor,
    currency: request.currency
  })
  const base = { paymentMethod: masked, card, processorReference: result.reference, vendorApproveStatus: 'OK' as const }
  switch (result.outcome) {
    case 'DECLINED':
      // A decline is not an RPC error (2Checkout): the order is stored PENDING with Errors.
      return { ...base, status: 'PENDING', approveStatus: 'WAITING', paymentStatus: 'DECLINED', errors: { PAYMENT_ERROR: result.reason }, declineReason: result.reason }
    case 'REQUIRES_3DS': {
      const token = randomBytes(24).toString('base64url')
      return {
        ...base,
        paymentMethod: { ...masked, Authorize3DS: { Href: `${deps.publicUrl}/sandbox/3ds`, Method: 'GET', Params: { avng8apitoken: token } } },
        status: 'PENDING',
        approveStatus: 'WAITING',
        paymentStatus: 'PENDING',
        errors: null,
        details: { threeDs: { token, returnUrl: method.Vendor3DSReturnURL, cancelUrl: method.Vendor3DSCancelURL } }
      }
    }
    case 'APPROVED':
      if (result.fraudReview !== undefined) {
        return { ...base, status: 'PENDING', approveStatus: 'WAITING', paymentStatus: 'APPROVED', errors: null, fraud: { status: 'OPEN', reason: result.fraudReview } }
      }
      return { ...base, status: 'AUTHRECEIVED', approveStatus: 'WAITING', paymentStatus: 'APPROVED', errors: null }
  }
}

export const CC_STRATEGY: PaymentStrategy<'CC'> = { type: 'CC', pay: async (deps, request) => await payByCard(deps, request, request.details.PaymentMethod) }
export const TEST_STRATEGY: PaymentStrategy<'TEST'> = { type: 'TEST', pay: async (deps, request) => await payByCard(deps, request, request.details.PaymentMethod) }
