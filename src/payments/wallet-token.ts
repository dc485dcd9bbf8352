import { chargeCard } from './card.js'
import { paymentError } from './payment-error.js'
import type { GatewayDeps, PaymentOutcome, PaymentRequest, PaymentStrategy } from './payment-strategy.js'
import type { PaymentType } from './payment-types.js'

// Client-side and wallet tokens (2Pay.js EES tokens, client-side encryption, Apple Pay, Google
// Pay): the processor reads the card inside the token; from there they are charged as cards,
// with 3-D Secure and card storage. The sandbox decides by the token (SANDBOX_WALLET_TOKENS).

type TokenMethod = { Vendor3DSReturnURL: string, Vendor3DSCancelURL: string, RecurringEnabled?: boolean | undefined }

async function payByToken (deps: GatewayDeps, request: Omit<PaymentRequest, 'details'>, type: PaymentType, token: string, field: string, method: TokenMethod): Promise<PaymentOutcome> {
  const card = await deps.gateway.readWalletToken({ type, token })
  if (card === undefined) throw paymentError(`PaymentDetails.PaymentMethod.${field}`, `the ${type} token cannot be read by the processor`)
  const billing = request.order.BillingDetails
  const holderName = card.holderName ?? `${billing.FirstName} ${billing.LastName}`
  return await chargeCard(deps, request, {
    source: { cardToken: card.cardToken },
    holderName,
    card: { brand: card.brand, first6: card.first6, last4: card.last4, expiry: `${card.expiryYear}-${card.expiryMonth}` },
    // The token itself is a payment credential: it is not echoed or stored.
    paymentMethod: {
      CardType: card.brand,
      FirstDigits: card.first6,
      LastDigits: card.last4,
      ExpirationMonth: card.expiryMonth,
      ExpirationYear: card.expiryYear,
      HolderName: holderName,
      RecurringEnabled: method.RecurringEnabled ?? false,
      Vendor3DSReturnURL: method.Vendor3DSReturnURL,
      Vendor3DSCancelURL: method.Vendor3DSCancelURL
    },
    threeDs: { returnUrl: method.Vendor3DSReturnURL, cancelUrl: method.Vendor3DSCancelURL }
  })
}

export const ENCRYPTED_PAYMENT_DATA_STRATEGY: PaymentStrategy<'ENCRYPTED_PAYMENT_DATA'> = {
  type: 'ENCRYPTED_PAYMENT_DATA',
  database: 'none',
  pay: async (deps, request) => await payByToken(deps, request, 'ENCRYPTED_PAYMENT_DATA', request.details.PaymentMethod.EesToken, 'EesToken', request.details.PaymentMethod)
}
export const EES_TOKEN_PAYMENT_STRATEGY: PaymentStrategy<'EES_TOKEN_PAYMENT'> = {
  type: 'EES_TOKEN_PAYMENT',
  database: 'none',
  pay: async (deps, request) => await payByToken(deps, request, 'EES_TOKEN_PAYMENT', request.details.PaymentMethod.EesToken, 'EesToken', request.details.PaymentMethod)
}
export const APPLE_PAY_STRATEGY: PaymentStrategy<'APPLE_PAY'> = {
  type: 'APPLE_PAY',
  database: 'none',
  pay: async (deps, request) => await payByToken(deps, request, 'APPLE_PAY', request.details.PaymentMethod.PaymentToken, 'PaymentToken', request.details.PaymentMethod)
}
export const GOOGLE_PAY_STRATEGY: PaymentStrategy<'GOOGLE_PAY'> = {
  type: 'GOOGLE_PAY',
  database: 'none',
  pay: async (deps, request) => await payByToken(deps, request, 'GOOGLE_PAY', request.details.PaymentMethod.PaymentToken, 'PaymentToken', request.details.PaymentMethod)
}
