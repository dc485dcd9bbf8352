import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/merchant-users.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { sessionActor } from './order-actor.js'
import { changeOrderStatus, lockOrderByRefNo, type LockedOrder, type StatusChange } from './order-lifecycle.js'
import { parseRefNo } from './order-reference.js'
import { findOrderByRefNo, type StoredOrder } from './order-store.js'
import type { OrderStatus } from './order.js'

// What the merchant does to an order after placeOrder: purchase orders approved, canceled or paid
// (seed 004), offline payments received. Each rule says which orders of which payment type it
// applies to; the move itself is the lifecycle owner's (src/orders/order-lifecycle.ts).

export type LifecycleDeps = { db: Kysely<Database>, clock: Clock }

/** Offline payments the merchant confirms by hand (markOrderPaid). */
export const OFFLINE_PAYMENT_TYPES = ['WIRE', 'CHECK', 'DIRECTDEBIT', 'DIRECT_DEBIT_ACH', 'BOLETO'] as const
const OFFLINE: ReadonlySet<string> = new Set(OFFLINE_PAYMENT_TYPES)

/** Purchase orders not yet paid: these the sweep cancels after their terms. */
export const UNPAID_PO_STATUSES = ['UNFINISHED', 'PURCHASE_PENDING'] as const satisfies readonly OrderStatus[]

type Rule = { allowed: (order: LockedOrder) => boolean, expected: string, change: (order: LockedOrder) => Omit<StatusChange, 'actor' | 'at'> }

/** orders.extra with PODetails.Status set. */
export const poDetails = (order: LockedOrder, status: string): Record<string, unknown> => ({
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
 * Runs a merchant's action on their order by RefNo and returns the updated Order; the history
 * names the staff user when a user's session asked (`user`), else the merchant's API, and the
 * `reason` given (cancelPurchaseOrder's: the Order's Cancellation.Reason). Unknown or
 * another merchant's RefNo → ORDER_NOT_FOUND; an order in the wrong status or of the wrong
 * payment type → ORDER_STATUS_INVALID, and nothing changes.
 */
export async function runOrderAction (deps: LifecycleDeps, merchant: Merchant, user: MerchantUser | undefined, refNo: string, action: LifecycleAction, detail: Record<string, unknown> = {}, reason?: string): Promise<StoredOrder> {
  const ref = parseRefNo(refNo)
  const notFound = () => new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  if (ref === undefined) throw notFound()
  const rule: Rule = RULES[action]
  const stored = await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrderByRefNo(trx, merchant.id, ref)
    if (order === undefined) throw notFound()
    if (!rule.allowed(order)) {
      throw new AppError('ORDER_STATUS_INVALID', {
        fields: [{ path: 'RefNo', error_code: 'ORDER_STATUS_INVALID', message: `order ${refNo} is ${order.paymentType} in ${order.status}; ${action} needs ${rule.expected}` }]
      })
    }
    await changeOrderStatus(trx, order, { ...rule.change(order), actor: sessionActor(merchant, user), at: deps.clock.now(), detail, ...(reason !== undefined ? { reason } : {}) })
    return await findOrderByRefNo(trx, merchant.id, ref)
  })
  if (stored === undefined) throw notFound()
  return stored
}
