import { z } from 'zod'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** Statuses whose card or PayPal payment a new order may reuse (seed 002, PreviousOrder.RefNo). */
export const REUSABLE_STATUSES = ['AUTHRECEIVED', 'COMPLETE'] as const
export const REUSABLE_PAYMENT_TYPES = ['CC', 'TEST', 'PAYPAL', 'PAYPAL_EXPRESS', 'PREVIOUS_ORDER', 'EXISTING_PAYMENT_DATA', 'ENCRYPTED_PAYMENT_DATA', 'EES_TOKEN_PAYMENT', 'APPLE_PAY', 'GOOGLE_PAY'] as const

/** RefNo as clients send it: a numeric string (or number) that fits a bigint. */
export function parseRefNo (refNo: string): bigint | undefined {
  if (!/^[0-9]{1,18}$/.test(refNo)) return undefined
  return BigInt(refNo)
}

/** A previous order's payment that a new order can charge again. */
export type ReusableOrder = {
  id: bigint
  refNo: bigint
  paymentType: string
  /** the processor's token for the card / PayPal account */
  paymentToken: string
  holderName: string | null
  card: { brand: string, first6: string, last4: string, expiry: string } | null
}

/**
 * The order behind `refNo`, if it belongs to this merchant and can pay for a PREVIOUS_ORDER
 * order: AUTHRECEIVED or COMPLETE, paid by card or PayPal, not under (or failed) fraud review,
 * with a payment the processor can charge again. isValidOrderReference and the PREVIOUS_ORDER
 * strategy both ask this one function, so they always agree.
 */
export async function findReusableOrder (db: Kysely<Database>, merchantId: bigint, refNo: string): Promise<ReusableOrder | undefined> {
  const ref = parseRefNo(refNo)
  if (ref === undefined) return undefined
  const row = await db.selectFrom('orders')
    .innerJoin('payments', 'payments.order_id', 'orders.id')
    .select(['orders.id', 'orders.ref_no', 'orders.payment_type', 'payments.card_brand', 'payments.card_first6', 'payments.card_last4', 'payments.card_expiry'])
    .select([
      sql<string>`payments.details->>'paymentToken'`.as('payment_token'),
      sql<string | null>`payments.details->>'holderName'`.as('holder_name')
    ])
    .where('orders.merchant_id', '=', merchantId)
    .where('orders.ref_no', '=', ref)
    .where('orders.status', 'in', REUSABLE_STATUSES)
    .where('orders.payment_type', 'in', REUSABLE_PAYMENT_TYPES)
    .where((eb) => eb.or([eb('orders.fraud_status', 'is', null), eb('orders.fraud_status', '=', 'OKAY')]))
    .where(sql<boolean>`payments.details->>'paymentToken' is not null`)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    id: row.id,
    refNo: row.ref_no,
    paymentType: row.payment_type,
    paymentToken: row.payment_token,
    holderName: row.holder_name,
    card: row.card_brand !== null && row.card_first6 !== null && row.card_last4 !== null && row.card_expiry !== null
      ? { brand: row.card_brand, first6: row.card_first6, last4: row.card_last4, expiry: row.card_expiry }
      : null
  }
}

/** RefNo as a param: a numeric string, or a number (PHP clients send either). */
export const RefNoSchema = z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])
