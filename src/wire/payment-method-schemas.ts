// PaymentDetails: one PaymentMethod schema per payment type, joined in a discriminated union on
// the normalised Type. Payment strategies import the per-type schemas and output types from here.
import { z } from 'zod'
import { normalisePaymentType, type PaymentType } from '../payments/payment-types.js'
import { currencyCode, ipAddress, isRecord, opt } from './field-schemas.js'
import { DirectDebitAchPaymentMethodSchema, DirectDebitPaymentMethodSchema, IdealPaymentMethodSchema } from './payment-methods/bank.js'
import { CardPaymentMethodSchema, TestCardPaymentMethodSchema } from './payment-methods/card.js'
import {
  CheckPaymentMethodSchema, FreePaymentMethodSchema, StoredCreditPaymentMethodSchema, WirePaymentMethodSchema
} from './payment-methods/no-details.js'
import { PurchaseOrderPaymentMethodSchema } from './payment-methods/purchase-order.js'
import {
  AlipayPaymentMethodSchema, BoletoPaymentMethodSchema, DirectEbankingPaymentMethodSchema,
  PayPalExpressPaymentMethodSchema, PayPalPaymentMethodSchema, TrustlyPaymentMethodSchema,
  UnionPayPaymentMethodSchema, WeChatPayPaymentMethodSchema
} from './payment-methods/redirect.js'
import { ExistingPaymentDataMethodSchema, PreviousOrderPaymentMethodSchema } from './payment-methods/stored.js'
import {
  ApplePayPaymentMethodSchema, EesTokenPaymentMethodSchema, EncryptedPaymentDataMethodSchema, GooglePayPaymentMethodSchema
} from './payment-methods/token.js'

export * from './payment-methods/bank.js'
export * from './payment-methods/card.js'
export * from './payment-methods/no-details.js'
export * from './payment-methods/purchase-order.js'
export * from './payment-methods/redirect.js'
export * from './payment-methods/stored.js'
export * from './payment-methods/token.js'
export { PAYMENT_METHOD_SUB_OBJECTS, flattenPaymentMethod, usedSubObject } from './payment-methods/method-input.js'

/** The PaymentMethod schema of every payment type (wire form in, canonical flat object out). */
export const PAYMENT_METHOD_SCHEMAS = {
  CC: CardPaymentMethodSchema,
  TEST: TestCardPaymentMethodSchema,
  ENCRYPTED_PAYMENT_DATA: EncryptedPaymentDataMethodSchema,
  EES_TOKEN_PAYMENT: EesTokenPaymentMethodSchema,
  APPLE_PAY: ApplePayPaymentMethodSchema,
  GOOGLE_PAY: GooglePayPaymentMethodSchema,
  PAYPAL: PayPalPaymentMethodSchema,
  PAYPAL_EXPRESS: PayPalExpressPaymentMethodSchema,
  DIRECT_EBANKING: DirectEbankingPaymentMethodSchema,
  WE_CHAT_PAY: WeChatPayPaymentMethodSchema,
  TRUSTLY: TrustlyPaymentMethodSchema,
  ALIPAY: AlipayPaymentMethodSchema,
  UNIONPAY: UnionPayPaymentMethodSchema,
  BOLETO: BoletoPaymentMethodSchema,
  IDEAL: IdealPaymentMethodSchema,
  DIRECTDEBIT: DirectDebitPaymentMethodSchema,
  DIRECT_DEBIT_ACH: DirectDebitAchPaymentMethodSchema,
  PREVIOUS_ORDER: PreviousOrderPaymentMethodSchema,
  EXISTING_PAYMENT_DATA: ExistingPaymentDataMethodSchema,
  PURCHASEORDER: PurchaseOrderPaymentMethodSchema,
  WIRE: WirePaymentMethodSchema,
  CHECK: CheckPaymentMethodSchema,
  STORED_CREDIT: StoredCreditPaymentMethodSchema,
  FREE: FreePaymentMethodSchema
} as const satisfies Record<PaymentType, z.ZodType>

/** Types charged as cards: 3DS applies, the card may be stored. */
export const CARD_PAYMENT_TYPES = ['CC', 'TEST'] as const satisfies readonly PaymentType[]

function details<const T extends PaymentType> (type: T) {
  return z.object({
    Type: z.literal(type),
    // seed 002's table calls this field "Country"; it is the ISO 4217 payment currency.
    Currency: opt(currencyCode()),
    CustomerIP: opt(ipAddress()),
    PaymentMethod: PAYMENT_METHOD_SCHEMAS[type]
  })
}

// Type aliases ("APPLE PAY", "google pay", "cc") become the canonical name before the union
// picks the branch; an unknown Type is left as sent and refused by the union.
function normaliseDetails (raw: unknown): unknown {
  if (!isRecord(raw)) return raw
  const type = normalisePaymentType(raw.Type)
  return type === undefined ? raw : { ...raw, Type: type }
}

export const PaymentDetailsSchema = z.preprocess(normaliseDetails, z.discriminatedUnion('Type', [
  details('CC'), details('TEST'), details('ENCRYPTED_PAYMENT_DATA'), details('EES_TOKEN_PAYMENT'),
  details('APPLE_PAY'), details('GOOGLE_PAY'), details('PAYPAL'), details('PAYPAL_EXPRESS'),
  details('DIRECT_EBANKING'), details('WE_CHAT_PAY'), details('TRUSTLY'), details('ALIPAY'),
  details('UNIONPAY'), details('BOLETO'), details('IDEAL'), details('DIRECTDEBIT'),
  details('DIRECT_DEBIT_ACH'), details('PREVIOUS_ORDER'), details('EXISTING_PAYMENT_DATA'),
  details('PURCHASEORDER'), details('WIRE'), details('CHECK'), details('STORED_CREDIT'), details('FREE')
]))

/** Normalised PaymentDetails: Type canonical, Currency upper-case, PaymentMethod flat. */
export type PaymentDetails = z.output<typeof PaymentDetailsSchema>
/** The normalised PaymentMethod of one type. */
export type PaymentMethodOf<T extends PaymentType> = z.output<typeof PAYMENT_METHOD_SCHEMAS[T]>
export type PaymentDetailsOf<T extends PaymentType> = Extract<PaymentDetails, { Type: T }>
