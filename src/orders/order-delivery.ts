import { sql, type Kysely, type SqlBool } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/merchant-users.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { LifecycleDeps } from './order-actions.js'
import { sessionActor } from './order-actor.js'
import { changeOrderStatus, lockOrderByRefNo } from './order-lifecycle.js'
import { parseRefNo } from './order-reference.js'
import { findOrderByRefNo, type StoredOrder } from './order-store.js'

// Delivery: how an approved order (AUTHRECEIVED) becomes COMPLETE. 2Checkout completes an order
// once it is fulfilled: electronic goods right after the payment is authorized (the sweep here,
// SANDBOX_COMPLETE_AFTER_MS after approval), physical goods when the merchant confirms their
// delivery (2Checkout: the Control Panel's "Confirm fulfillment" or an IDN, Instant Delivery
// Notification; here confirmDelivery). README: Order lifecycle.

/** SQL: the order (`orders` in the query) has a line of a PHYSICAL catalog product. */
export const HAS_PHYSICAL_LINE = sql<SqlBool>`exists (
  select 1 from order_items i
  join products p on p.merchant_id = orders.merchant_id and p.code = i.product_code
  where i.order_id = orders.id and p.kind = 'PHYSICAL')`

/** Whether the order has a physical product to deliver. */
export async function orderHasPhysicalLine (db: Kysely<Database>, orderId: bigint): Promise<boolean> {
  const row = await db.selectFrom('orders').select(HAS_PHYSICAL_LINE.as('physical')).where('orders.id', '=', orderId).executeTakeFirst()
  return row?.physical === true
}

/**
 * confirmDelivery: the merchant (or a staff user with RECORD_PAYMENTS) reports that an approved
 * order with a physical product was delivered; AUTHRECEIVED → COMPLETE (DELIVERY_CONFIRMED) with
 * OrderNo and FinishDate, and the IPN. Unknown or another merchant's RefNo → ORDER_NOT_FOUND; an
 * order in another status, or with nothing physical (it completes by itself) →
 * ORDER_STATUS_INVALID naming RefNo, and nothing changes. Answers the updated Order.
 */
export async function confirmDelivery (deps: LifecycleDeps, merchant: Merchant, user: MerchantUser | undefined, refNo: string): Promise<StoredOrder> {
  const ref = parseRefNo(refNo)
  const notFound = () => new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  if (ref === undefined) throw notFound()
  const stored = await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrderByRefNo(trx, merchant.id, ref)
    if (order === undefined) throw notFound()
    const invalid = (why: string) => new AppError('ORDER_STATUS_INVALID', { fields: [{ path: 'RefNo', error_code: 'ORDER_STATUS_INVALID', message: `order ${refNo} ${why}; confirmDelivery needs an approved (AUTHRECEIVED) order with a physical product` }] })
    if (order.status !== 'AUTHRECEIVED') throw invalid(`is ${order.status}`)
    if (!await orderHasPhysicalLine(trx, order.id)) throw invalid('has no physical product (it is delivered electronically)')
    await changeOrderStatus(trx, order, { to: 'COMPLETE', event: 'DELIVERY_CONFIRMED', approveStatus: 'OK', actor: sessionActor(merchant, user), at: deps.clock.now() })
    return await findOrderByRefNo(trx, merchant.id, ref)
  })
  if (stored === undefined) throw notFound()
  return stored
}
