import { sql } from 'kysely'
import { systemActor } from './order-actor.js'
import { poDetails, UNPAID_PO_STATUSES, type LifecycleDeps } from './order-actions.js'
import { changeOrderStatus, lockOrder } from './order-lifecycle.js'

// What the clock does to orders, run by `ordergate sweep` and by the server's timer
// (src/orders/sweeper.ts). Each sweep selects candidates, then locks each order and checks it
// again before the lifecycle owner moves it: safe to run concurrently, with the pages and the
// merchant's actions too. At most SWEEP_BATCH orders a run; the next run takes the rest.

const SWEEP_BATCH = 500
const SWEEPER = systemActor('sweep')

/**
 * Cancels every purchase order still unpaid after its payment terms (seed 004: "If payment is
 * not received according to the terms, the order is canceled").
 */
export async function sweepOverdueOrders (deps: LifecycleDeps): Promise<{ canceled: string[] }> {
  const now = deps.clock.now()
  const due = await deps.db.selectFrom('orders')
    .innerJoin('payments', 'payments.order_id', 'orders.id')
    .select(['orders.id'])
    .where('orders.payment_type', '=', 'PURCHASEORDER')
    .where('orders.status', 'in', UNPAID_PO_STATUSES)
    .where(sql<boolean>`(payments.details->'purchaseOrder'->>'dueAt')::timestamptz <= ${now}`)
    .orderBy('orders.id')
    .limit(SWEEP_BATCH)
    .execute()
  const canceled: string[] = []
  for (const { id } of due) {
    await deps.db.transaction().execute(async (trx) => {
      const order = await lockOrder(trx, id)
      if (order === undefined || !(UNPAID_PO_STATUSES as readonly string[]).includes(order.status)) return
      await changeOrderStatus(trx, order, { to: 'CANCELED', event: 'PAYMENT_TERMS_EXPIRED', actor: SWEEPER, at: now, extra: poDetails(order, 'EXPIRED'), payment: { status: 'CANCELED' } })
      canceled.push(String(order.refNo))
    })
  }
  return { canceled }
}
