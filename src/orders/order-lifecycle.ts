import { sql, type Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { OrderEventName } from './order-events.js'
import { parseRefNo } from './order-reference.js'
import { findOrderByRefNo } from './order-store.js'
import { applyStatusChange, lockOrder, type LockedOrder, type StatusChange } from './order-transitions.js'
import type { OrderStatus } from './order.js'
import { toWireOrder } from './wire-order.js'

// What happens to an order after placeOrder, on the merchant's word or the clock's: purchase
// orders approved, canceled or paid (seed 004), offline payments received, unpaid purchase
// orders canceled after their payment terms. Each change locks the order, checks its status
// and writes the history in the same transaction.

export type LifecycleDeps = { db: Kysely<Database>, clock: Clock }

/** Offline payments the merchant confirms by hand (markOrderPaid). */
export const OFFLINE_PAYMENT_TYPES = ['WIRE', 'CHECK', 'DIRECTDEBIT', 'DIRECT_DEBIT_ACH', 'BOLETO'] as const
const OFFLINE: ReadonlySet<string> = new Set(OFFLINE_PAYMENT_TYPES)

/** Purchase orders not yet paid: these the sweep cancels after their terms. */
export const UNPAID_PO_STATUSES = ['UNFINISHED', 'PURCHASE_PENDING'] as const satisfies readonly OrderStatus[]

type Rule = { allowed: (order: LockedOrder) => boolean, expected: string, change: (order: LockedOrder) => Omit<StatusChange, 'actor' | 'at'> }

const poDetails = (order: LockedOrder, status: string): Record<string, unknown> => ({
  ...order.extra,
  PODetails: { ...(order.extra.PODetails as Record<string, unknown> | undefined), Status: status }
})

const RULES = {
  approvePurchaseOrder: {
    allowed: (o) => o.paymentType === 'PURCHASEORDER' && o.status === 'UNFINISHED',
    expected: 'a PURCHASEORDER order in UNFINISHED',
    change: (o) => ({ to: 'PURCHASE_PENDING', event: 'PO_APPROVED', vendorApproveStatus: 'OK', extra: poDetails(o, 'APPROVED') })
  },
  cancelPurchaseOrder: {
    allowed: (o) => o.paymentType === 'PURCHASEORDER' && (UNPAID_PO_STATUSES as readonly string[]).includes(o.status),
    expected: 'a PURCHASEORDER order in UNFINISHED or PURCHASE_PENDING',
    change: (o) => ({ to: 'CANCELED', event: 'PO_CANCELED', extra: poDetails(o, 'CANCELED'), payment: { status: 'CANCELED' } })
  },
  markOrderPaid: {
    allowed: (o) => (o.paymentType === 'PURCHASEORDER' && o.status === 'PURCHASE_PENDING') || (OFFLINE.has(o.paymentType) && o.status === 'PENDING'),
    expected: 'a PURCHASEORDER order in PURCHASE_PENDING, or a WIRE, CHECK, DIRECTDEBIT, DIRECT_DEBIT_ACH or BOLETO order in PENDING',
    change: (o) => ({
      to: 'COMPLETE',
      event: 'PAYMENT_RECEIVED',
      approveStatus: 'OK',
      ...(o.paymentType === 'PURCHASEORDER' ? { extra: poDetails(o, 'PAID') } : {}),
      payment: { status: 'APPROVED' }
    })
  }
} as const satisfies Record<string, Rule>

export type LifecycleAction = keyof typeof RULES

/**
 * Runs a merchant's action on their order by RefNo and returns the updated Order. Unknown or
 * another merchant's RefNo → ORDER_NOT_FOUND; an order in the wrong status or of the wrong
 * payment type → ORDER_STATUS_INVALID, and nothing changes.
 */
export async function runOrderAction (deps: LifecycleDeps, merchant: Merchant, refNo: string, action: LifecycleAction, detail: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const ref = parseRefNo(refNo)
  const notFound = () => new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  if (ref === undefined) throw notFound()
  const found = await deps.db.selectFrom('orders').select('id').where('merchant_id', '=', merchant.id).where('ref_no', '=', ref).executeTakeFirst()
  if (found === undefined) throw notFound()
  const rule: Rule = RULES[action]
  const stored = await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, found.id)
    if (order === undefined) throw notFound()
    if (!rule.allowed(order)) {
      throw new AppError('ORDER_STATUS_INVALID', {
        fields: [{ path: 'RefNo', error_code: 'ORDER_STATUS_INVALID', message: `order ${refNo} is ${order.paymentType} in ${order.status}; ${action} needs ${rule.expected}` }]
      })
    }
    await applyStatusChange(trx, order, { ...rule.change(order), actor: `merchant:${merchant.code}`, at: deps.clock.now(), detail })
    return await findOrderByRefNo(trx, merchant.id, ref)
  })
  if (stored === undefined) throw notFound()
  return toWireOrder(stored)
}

/**
 * Cancels every purchase order still unpaid after its payment terms (seed 004: "If payment is
 * not received according to the terms, the order is canceled"). Run by `ordergate sweep` and
 * by the server's timer; safe to run concurrently (each order is locked and re-checked).
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
    .limit(500)
    .execute()
  const canceled: string[] = []
  const event: OrderEventName = 'PAYMENT_TERMS_EXPIRED'
  for (const { id } of due) {
    await deps.db.transaction().execute(async (trx) => {
      const order = await lockOrder(trx, id)
      if (order === undefined || !(UNPAID_PO_STATUSES as readonly string[]).includes(order.status)) return
      await applyStatusChange(trx, order, { to: 'CANCELED', event, actor: 'system:sweep', at: now, extra: poDetails(order, 'EXPIRED'), payment: { status: 'CANCELED' } })
      canceled.push(String(order.refNo))
    })
  }
  return { canceled }
}
