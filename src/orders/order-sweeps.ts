import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { PAGE_DETAILS_KEY, waitingPage } from '../payments/payment-pages.js'
import { SANDBOX_REVERSE_TOKEN_PREFIX, sandboxReversesAuthorization } from '../payments/sandbox-processor.js'
import { sweepExpiredDrafts } from './drafts.js'
import { systemActor } from './order-actor.js'
import { sweepExpiredPaymentLinks } from './payment-links.js'
import { poDetails, UNPAID_PO_STATUSES, type LifecycleDeps } from './order-actions.js'
import { HAS_PHYSICAL_LINE } from './order-delivery.js'
import { changeOrderStatus, changeOrdersStatus, lockOrder, lockOrders } from './order-lifecycle.js'

// What the clock does to orders, run by `ordergate sweep` and by the server's timer
// (src/orders/sweeper.ts). Each sweep selects candidates, then locks each order and checks it
// again before the lifecycle owner moves it: safe to run concurrently, with the pages and the
// merchant's actions too. At most SWEEP_BATCH orders a run; the next run takes the rest.

const SWEEP_BATCH = 500
// The approved orders' sweep moves its batch in one transaction of a few statements: at most this many.
const APPROVED_SWEEP_BATCH = 2_000
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

async function paymentOf (db: Kysely<Database>, orderId: bigint): Promise<{ status: string, details: unknown } | undefined> {
  return await db.selectFrom('payments').select(['status', 'details']).where('order_id', '=', orderId).executeTakeFirst()
}

/**
 * Cancels the 3-D Secure and redirect orders whose page was never completed (issue 17, item 5):
 * still PENDING `afterMs` after they were placed (ABANDONED_PAYMENT_MS). Their payment is
 * CANCELED and their stock given back. Offline payments (WIRE, …) wait for markOrderPaid and
 * are never touched here, nor is any order whose page was used.
 */
export async function sweepAbandonedPayments (deps: LifecycleDeps, afterMs: number): Promise<{ abandoned: string[] }> {
  const now = deps.clock.now()
  const placedBefore = new Date(now.getTime() - afterMs)
  const due = await deps.db.selectFrom('orders')
    .innerJoin('payments', 'payments.order_id', 'orders.id')
    .select(['orders.id'])
    .where('orders.status', '=', 'PENDING')
    .where('payments.status', '=', 'PENDING')
    .where('orders.order_date', '<=', placedBefore)
    .where(sql<boolean>`(payments.details->${PAGE_DETAILS_KEY['3DS']} is not null or payments.details->${PAGE_DETAILS_KEY.REDIRECT} is not null)`)
    .orderBy('orders.id')
    .limit(SWEEP_BATCH)
    .execute()
  const abandoned: string[] = []
  for (const { id } of due) {
    await deps.db.transaction().execute(async (trx) => {
      const order = await lockOrder(trx, id)
      // Read again under the order's lock: the shopper may have finished the page meanwhile.
      const payment = order === undefined ? undefined : await paymentOf(trx, order.id)
      const page = payment === undefined ? undefined : waitingPage(payment)
      if (order === undefined || order.status !== 'PENDING' || page === undefined) return
      await changeOrderStatus(trx, order, {
        to: 'CANCELED',
        event: 'PAYMENT_ABANDONED',
        actor: SWEEPER,
        at: now,
        reason: `the ${page === '3DS' ? '3-D Secure' : 'payment provider'} page was not completed within ${afterMs / 60_000} minutes`,
        detail: { page },
        payment: { status: 'CANCELED', onlyFrom: ['PENDING'] }
      })
      abandoned.push(String(order.refNo))
    })
  }
  return { abandoned }
}

/**
 * Moves on the approved orders (AUTHRECEIVED since at least `afterMs`): one with no physical
 * product is delivered electronically, COMPLETE with OrderNo and FinishDate (ELECTRONIC_DELIVERY);
 * one paid with the sandbox's reversal card (SANDBOX_CARDS.REVERSE) has its authorization
 * reversed instead, REVERSED (AUTHORIZATION_REVERSED; its payment REVERSED, its stock still
 * held: 2Checkout does not cancel a reversed order). An order with a physical product waits for
 * confirmDelivery. The approval is the order's last change to AUTHRECEIVED in its history.
 * Set-based: up to APPROVED_SWEEP_BATCH orders are locked, checked again and moved in one
 * transaction of a few statements (changeOrdersStatus), not a transaction per order.
 */
export async function sweepApprovedOrders (deps: LifecycleDeps, afterMs: number): Promise<{ completed: string[], reversed: string[] }> {
  const now = deps.clock.now()
  const approvedBefore = new Date(now.getTime() - afterMs)
  const reversal = sql<boolean>`exists (select 1 from payments pay where pay.order_id = orders.id and starts_with(pay.details->>'paymentToken', ${SANDBOX_REVERSE_TOKEN_PREFIX}))`
  const due = await deps.db.selectFrom('orders')
    .select(['orders.id'])
    .where('orders.status', '=', 'AUTHRECEIVED')
    .where(sql<boolean>`(select max(e.at) from order_events e where e.order_id = orders.id and e.to_status = 'AUTHRECEIVED') <= ${approvedBefore}`)
    .where(sql<boolean>`(not ${HAS_PHYSICAL_LINE} or ${reversal})`)
    .orderBy('orders.id')
    .limit(APPROVED_SWEEP_BATCH)
    .execute()
  if (due.length === 0) return { completed: [], reversed: [] }
  return await deps.db.transaction().execute(async (trx) => {
    // Read again under the orders' locks: staff may have canceled one, or it moved on meanwhile.
    const approved = (await lockOrders(trx, due.map((row) => row.id))).filter((order) => order.status === 'AUTHRECEIVED')
    if (approved.length === 0) return { completed: [], reversed: [] }
    const ids = sql<bigint>`any(${approved.map((order) => String(order.id))}::int8[])`
    const facts = await trx.selectFrom('orders')
      .select(['orders.id', HAS_PHYSICAL_LINE.as('physical'), sql<string | null>`(select pay.details->>'paymentToken' from payments pay where pay.order_id = orders.id)`.as('token')])
      .where('orders.id', '=', ids)
      .execute()
    const byId = new Map(facts.map((row) => [row.id, row]))
    const reversals = approved.filter((order) => sandboxReversesAuthorization(byId.get(order.id)?.token ?? ''))
    const completions = approved.filter((order) => !reversals.includes(order) && byId.get(order.id)?.physical !== true)
    await changeOrdersStatus(trx, reversals, {
      to: 'REVERSED',
      event: 'AUTHORIZATION_REVERSED',
      actor: SWEEPER,
      at: now,
      reason: 'the sandbox reversal card: the payment authorization was reversed',
      payment: { status: 'REVERSED', onlyFrom: ['APPROVED'] }
    })
    await changeOrdersStatus(trx, completions, { to: 'COMPLETE', event: 'ELECTRONIC_DELIVERY', approveStatus: 'OK', actor: SWEEPER, at: now })
    return { completed: completions.map((order) => String(order.refNo)), reversed: reversals.map((order) => String(order.refNo)) }
  })
}

export type SweepDeps = LifecycleDeps & { config: { ABANDONED_PAYMENT_MS: number, SANDBOX_COMPLETE_AFTER_MS: number | 'off' } }

export type SweepResult = { canceled: string[], abandoned: string[], completed: string[], reversed: string[], expiredDrafts: string[], expiredPaymentLinks: string[] }

/**
 * Every sweep of orders, in turn: overdue purchase orders, abandoned payment pages, approved
 * orders delivered electronically or reversed (unless SANDBOX_COMPLETE_AFTER_MS is off), then
 * draft orders past their expiry (EXPIRED, their stock given back; the DraftIds), then payment
 * links past their expiry (EXPIRED; the LinkIds).
 */
export async function sweepOrders (deps: SweepDeps): Promise<SweepResult> {
  const { canceled } = await sweepOverdueOrders(deps)
  const { abandoned } = await sweepAbandonedPayments(deps, deps.config.ABANDONED_PAYMENT_MS)
  const after = deps.config.SANDBOX_COMPLETE_AFTER_MS
  const { completed, reversed } = after === 'off' ? { completed: [], reversed: [] } : await sweepApprovedOrders(deps, after)
  const { expired: expiredDrafts } = await sweepExpiredDrafts(deps)
  const { expired: expiredPaymentLinks } = await sweepExpiredPaymentLinks(deps)
  return { canceled, abandoned, completed, reversed, expiredDrafts, expiredPaymentLinks }
}
