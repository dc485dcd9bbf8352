// Methods that send the shopper to the provider and back: ReturnURL required, CancelURL where
// the provider has one (absolute http(s) when given). PayPal also takes the shopper's Email.
import { z } from 'zod'
import type { PaymentType } from '../../payments/payment-types.js'
import { boolLike, caseInsensitiveEnum, email, httpUrl, opt } from '../field-schemas.js'
import { paymentMethodInput } from './method-input.js'

const redirectFields = () => ({
  ReturnURL: httpUrl(),
  CancelURL: opt(httpUrl()),
  RecurringEnabled: opt(boolLike())
})

const redirectMethod = (type: PaymentType) => z.preprocess(paymentMethodInput(type), z.object(redirectFields()))

export const PayPalPaymentMethodSchema = z.preprocess(paymentMethodInput('PAYPAL'), z.object({
  Email: opt(email('EMAIL_INVALID')),
  ...redirectFields()
}))
export const WeChatPayPaymentMethodSchema = redirectMethod('WE_CHAT_PAY')
export const TrustlyPaymentMethodSchema = redirectMethod('TRUSTLY')
export const AlipayPaymentMethodSchema = redirectMethod('ALIPAY')
export const UnionPayPaymentMethodSchema = redirectMethod('UNIONPAY')
export const DirectEbankingPaymentMethodSchema = redirectMethod('DIRECT_EBANKING')
export const BoletoPaymentMethodSchema = redirectMethod('BOLETO')

/** PAYPAL_EXPRESS: seed 002's PayPalExpress object; FundingSource Standard|Credit. */
export const PayPalExpressPaymentMethodSchema = z.preprocess(paymentMethodInput('PAYPAL_EXPRESS'), z.object({
  Email: email('EMAIL_INVALID'),
  ReturnURL: httpUrl(),
  CancelURL: httpUrl(),
  FundingSource: opt(caseInsensitiveEnum(['Standard', 'Credit'], 'PAYPAL_FUNDING_SOURCE_INVALID'))
}))

export type RedirectPaymentMethod = z.output<typeof WeChatPayPaymentMethodSchema>
export type PayPalPaymentMethod = z.output<typeof PayPalPaymentMethodSchema>
export type PayPalExpressPaymentMethod = z.output<typeof PayPalExpressPaymentMethodSchema>
