import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** Statuses whose card or PayPal payment a new order may reuse (seed 002, PreviousOrder.RefNo). */
export const REUSABLE_STATUSES = ['AUTHRECEIVED', 'COMPLETE'] as const
export const REUSABLE_PAYMENT_TYPES = ['CC', 'TEST', 'PAYPAL', 'PAYPAL_EXPRESS', 'PREVIOUS_ORDER', 'EXISTING_PAYMENT_DATA', 'ENCRYPTED_PAYMENT_DATA', 'EES_TOKEN_PAYMENT', 'APPLE_PAY', 'GOOGLE_PAY'] as const

/** RefNo as clients send it: a numeric string (or number) that fits a bigint. */
export function parseRefNo (refNo: string): bigint | undefined {
  if (!/^[0-9]{1,18}$/.test(refNo)) return undefined
  return BigInt(refNo)
}

/**
 * The order behind `refNo`, if it belongs to this merchant and can pay for a PREVIOUS_ORDER
 * order: AUTHRECEIVED or COMPLETE, paid by card or PayPal, not under (or failed) fraud review.
 */
export async function findReusableOrder (db: Kysely<Database>, merchantId: bigint, refNo: string): Promise<{ id: bigint, refNo: bigint } | undefined> {
  const ref = parseRefNo(refNo)
  if (ref === undefined) return undefined
  const row = await db.selectFrom('orders')
    .select(['id', 'ref_no'])
    .where('merchant_id', '=', merchantId)
    .where('ref_no', '=', ref)
    .where('status', 'in', REUSABLE_STATUSES)
    .where('payment_type', 'in', REUSABLE_PAYMENT_TYPES)
    .where((eb) => eb.or([eb('fraud_status', 'is', null), eb('fraud_status', '=', 'OKAY')]))
    .executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, refNo: row.ref_no }
}
