import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { parseRefNo } from './order-reference.js'
import { findOrderByRefNo, type StoredOrder } from './order-store.js'

/** getOrder: this merchant's order by RefNo, in the shape placeOrder returned it. */
export async function getOrder (db: Kysely<Database>, merchant: Merchant, refNo: string): Promise<StoredOrder> {
  const ref = parseRefNo(refNo)
  const order = ref === undefined ? undefined : await findOrderByRefNo(db, merchant.id, ref)
  // Another merchant's order is answered exactly like an unknown one: nothing to probe.
  if (order === undefined) throw new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  return order
}
