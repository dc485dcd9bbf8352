// The payment of an earlier order that a new order may charge again (seed 002, PaymentDetails.Type
// PREVIOUS_ORDER). It reads orders, as payment-pages.ts does, but it is a question about the
// payment, so it lives here: payments never imports orders (test/unit/architecture).
import type { Kysely } from 'kysely'
import { batchedRead, batchStatements } from '../db/coalesce.js'
import type { Database } from '../db/schema.js'
import { paymentCardOf, type PaymentCard } from './payment-strategy.js'

/** Statuses whose card or PayPal payment a new order may reuse (seed 002, PreviousOrder.RefNo). */
export const REUSABLE_STATUSES = ['AUTHRECEIVED', 'COMPLETE'] as const
export const REUSABLE_PAYMENT_TYPES = ['CC', 'TEST', 'PAYPAL', 'PAYPAL_EXPRESS', 'PREVIOUS_ORDER', 'EXISTING_PAYMENT_DATA', 'ENCRYPTED_PAYMENT_DATA', 'EES_TOKEN_PAYMENT', 'APPLE_PAY', 'GOOGLE_PAY'] as const

/** A previous order's payment that a new order can charge again. */
export type ReusableOrder = {
  id: bigint
  refNo: bigint
  paymentType: string
  /** the processor's token for the card / PayPal account */
  paymentToken: string
  holderName: string | null
  card: PaymentCard | null
}

type ReusableRow = {
  id: bigint
  ref_no: bigint
  payment_type: string
  card_brand: string | null
  card_first6: string | null
  card_last4: string | null
  card_expiry: string | null
  payment_token: string
  holder_name: string | null
}

// Concurrent look-ups (isValidOrderReference is a hot read) go out together as one statement.
const REUSABLE_ORDERS = batchStatements([['merchant_id', 'int8'], ['ref_no', 'int8']], (source) => `
select k.n, r.* from ${source}
join lateral (
  select o.id, o.ref_no, o.payment_type, p.card_brand, p.card_first6, p.card_last4, p.card_expiry,
    p.details->>'paymentToken' as payment_token, p.details->>'holderName' as holder_name
  from orders o
  join payments p on p.order_id = o.id
  where o.merchant_id = k.merchant_id and o.ref_no = k.ref_no
    and o.status in (${REUSABLE_STATUSES.map((s) => `'${s}'`).join(', ')})
    and o.payment_type in (${REUSABLE_PAYMENT_TYPES.map((t) => `'${t}'`).join(', ')})
    and (o.fraud_status is null or o.fraud_status = 'OKAY')
    and p.details->>'paymentToken' is not null
  limit 1
) r on true`)

const readReusableOrder = batchedRead(
  REUSABLE_ORDERS,
  (key: { merchantId: bigint, refNo: bigint }) => [key.merchantId, key.refNo],
  (row: ReusableRow & { n: number }): ReusableOrder => ({
    id: row.id,
    refNo: row.ref_no,
    paymentType: row.payment_type,
    paymentToken: row.payment_token,
    holderName: row.holder_name,
    card: paymentCardOf(row)
  })
)

/**
 * The order behind `refNo`, if it belongs to this merchant and can pay for a PREVIOUS_ORDER
 * order: AUTHRECEIVED or COMPLETE, paid by card or PayPal, not under (or failed) fraud review,
 * with a payment the processor can charge again. isValidOrderReference and the PREVIOUS_ORDER
 * strategy both ask this one function, so they always agree.
 */
export async function findReusableOrder (db: Kysely<Database>, merchantId: bigint, refNo: string): Promise<ReusableOrder | undefined> {
  // Read as src/orders/order-reference.ts parseRefNo reads a RefNo: text that is not 1 to 18
  // digits names no order (and would not fit the bigint column).
  if (!/^[0-9]{1,18}$/.test(refNo)) return undefined
  return await readReusableOrder(db, { merchantId, refNo: BigInt(refNo) })
}
