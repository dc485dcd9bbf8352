// How a PaymentMethod arrives on the wire. 2Checkout's samples put a type's fields directly
// under PaymentMethod; seed 002 documents them under a named sub-object (CardPayment,
// PurchaseOrderPaymentDetails, IDEAL, …). Both are accepted and flattened into one object
// before validation; fields of the sub-object win over fields beside it.
import type { PaymentType } from '../../payments/payment-types.js'
import { isRecord } from '../field-schemas.js'

/** The named sub-object of seed 002 for each type (the type's own name where seed 002 has none). */
export const PAYMENT_METHOD_SUB_OBJECTS: Readonly<Record<PaymentType, string>> = {
  CC: 'CardPayment',
  TEST: 'CardPayment',
  ENCRYPTED_PAYMENT_DATA: 'ENCRYPTED_PAYMENT_DATA',
  EES_TOKEN_PAYMENT: 'EES_TOKEN_PAYMENT',
  APPLE_PAY: 'APPLE_PAY',
  GOOGLE_PAY: 'GOOGLE_PAY',
  PAYPAL: 'PAYPAL',
  PAYPAL_EXPRESS: 'PayPalExpress',
  DIRECT_EBANKING: 'DIRECT_EBANKING',
  WE_CHAT_PAY: 'WE_CHAT_PAY',
  TRUSTLY: 'TRUSTLY',
  ALIPAY: 'ALIPAY',
  UNIONPAY: 'UNIONPAY',
  BOLETO: 'BOLETO',
  IDEAL: 'IDEAL',
  DIRECTDEBIT: 'DirectDebit',
  DIRECT_DEBIT_ACH: 'DIRECT_DEBIT_ACH',
  PREVIOUS_ORDER: 'PreviousOrder',
  EXISTING_PAYMENT_DATA: 'EXISTING_PAYMENT_DATA',
  PURCHASEORDER: 'PurchaseOrderPaymentDetails',
  WIRE: 'WIRE',
  CHECK: 'CHECK',
  STORED_CREDIT: 'STORED_CREDIT',
  FREE: 'FREE'
}

/** The sub-object the client used for `type`, if it sent one. */
export function usedSubObject (type: PaymentType, rawMethod: unknown): string | undefined {
  const key = PAYMENT_METHOD_SUB_OBJECTS[type]
  return isRecord(rawMethod) && isRecord(rawMethod[key]) ? key : undefined
}

/**
 * One flat PaymentMethod object from the wire value. `aliases` maps other accepted field names
 * to the canonical one (used only when the canonical name is absent).
 */
export function flattenPaymentMethod (type: PaymentType, raw: unknown, aliases: Readonly<Record<string, string>> = {}): unknown {
  if (!isRecord(raw)) return raw === null ? undefined : raw
  const key = PAYMENT_METHOD_SUB_OBJECTS[type]
  const { [key]: sub, ...rest } = raw
  const flat: Record<string, unknown> = isRecord(sub) ? { ...rest, ...sub } : sub === undefined || sub === null ? rest : raw
  for (const [alias, canonical] of Object.entries(aliases)) {
    if ((flat[canonical] === undefined || flat[canonical] === null) && flat[alias] !== undefined) {
      flat[canonical] = flat[alias]
    }
  }
  return flat
}

/** A preprocess step for `type`'s PaymentMethod schema. */
export const paymentMethodInput = (type: PaymentType, aliases?: Readonly<Record<string, string>>) =>
  (raw: unknown): unknown => flattenPaymentMethod(type, raw, aliases)
