// Tokenised cards: 2Pay.js / client-side encryption tokens and wallet tokens. They are charged
// as cards, so the 3DS return and cancel URLs are required as for CC.
//   EES_TOKEN_PAYMENT, ENCRYPTED_PAYMENT_DATA: `EesToken` (2Checkout's 2Pay.js placeOrder sample).
//   GOOGLE_PAY: `PaymentToken` (2Checkout's Google Pay page: the base64 Google token goes in
//   `PaymentToken`); APPLE_PAY uses the same `PaymentToken` field. `GooglePayToken` and
//   `ApplePayToken` are accepted as aliases.
import { z } from 'zod'
import type { PaymentType } from '../../payments/payment-types.js'
import { boolLike, httpUrl, opt, reqStr } from '../field-schemas.js'
import { paymentMethodInput } from './method-input.js'

const TOKEN_MAX = 16_384

const eesTokenMethod = (type: PaymentType) => z.preprocess(paymentMethodInput(type), z.object({
  EesToken: reqStr(TOKEN_MAX),
  Vendor3DSReturnURL: httpUrl(),
  Vendor3DSCancelURL: httpUrl(),
  RecurringEnabled: opt(boolLike())
}))

const walletMethod = (type: PaymentType, alias: string) => z.preprocess(paymentMethodInput(type, { [alias]: 'PaymentToken' }), z.object({
  PaymentToken: reqStr(TOKEN_MAX),
  Vendor3DSReturnURL: httpUrl(),
  Vendor3DSCancelURL: httpUrl(),
  RecurringEnabled: opt(boolLike())
}))

export const EesTokenPaymentMethodSchema = eesTokenMethod('EES_TOKEN_PAYMENT')
export const EncryptedPaymentDataMethodSchema = eesTokenMethod('ENCRYPTED_PAYMENT_DATA')
export const ApplePayPaymentMethodSchema = walletMethod('APPLE_PAY', 'ApplePayToken')
export const GooglePayPaymentMethodSchema = walletMethod('GOOGLE_PAY', 'GooglePayToken')

export type EesTokenPaymentMethod = z.output<typeof EesTokenPaymentMethodSchema>
export type WalletPaymentMethod = z.output<typeof ApplePayPaymentMethodSchema>
