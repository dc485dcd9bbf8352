// The payment types of 2Checkout API 6.0 placeOrder (seed 002, SPEC §3), in their canonical
// wire spelling. Strategies are keyed by these names.

export const PAYMENT_TYPES = [
  'CC', 'ENCRYPTED_PAYMENT_DATA', 'PAYPAL', 'PAYPAL_EXPRESS', 'DIRECT_EBANKING', 'TEST',
  'PREVIOUS_ORDER', 'EXISTING_PAYMENT_DATA', 'WIRE', 'DIRECTDEBIT', 'CHECK', 'WE_CHAT_PAY', 'IDEAL',
  'PURCHASEORDER', 'FREE', 'ALIPAY', 'UNIONPAY', 'TRUSTLY', 'EES_TOKEN_PAYMENT', 'APPLE_PAY',
  'BOLETO', 'GOOGLE_PAY', 'DIRECT_DEBIT_ACH', 'STORED_CREDIT'
] as const

export type PaymentType = typeof PAYMENT_TYPES[number]

/**
 * The types that charge a card (a new one, a wallet's or a stored one), whose card may be kept for
 * the customer (stored_cards): the ones an assisted sale's card consent applies to.
 */
export const CARD_PAYMENT_TYPES = [
  'CC', 'TEST', 'ENCRYPTED_PAYMENT_DATA', 'EES_TOKEN_PAYMENT', 'APPLE_PAY', 'GOOGLE_PAY', 'PREVIOUS_ORDER', 'EXISTING_PAYMENT_DATA'
] as const satisfies readonly PaymentType[]

const CARD_PAYMENT_TYPE_SET: ReadonlySet<string> = new Set(CARD_PAYMENT_TYPES)

export const chargesCard = (type: PaymentType): boolean => CARD_PAYMENT_TYPE_SET.has(type)

const PAYMENT_TYPE_SET: ReadonlySet<string> = new Set(PAYMENT_TYPES)

export const isPaymentType = (value: string): value is PaymentType => PAYMENT_TYPE_SET.has(value)

/**
 * The canonical type for a wire value, or undefined. Case-insensitive; seed 002 writes
 * "APPLE PAY" and "GOOGLE PAY" with a space, so spaces (and dashes) count as underscores.
 */
export function normalisePaymentType (value: unknown): PaymentType | undefined {
  if (typeof value !== 'string') return undefined
  const name = value.trim().toUpperCase().replace(/[\s-]+/g, '_')
  return isPaymentType(name) ? name : undefined
}
