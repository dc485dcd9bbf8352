/**
 * The one owner of an order's status after it is placed (issue 17). Every change — the shopper
 * back from 3-D Secure or a redirect, the merchant's purchase-order and payment actions, staff
 * cancels and fraud reviews, the sweeps — goes through changeOrderStatus, which in the caller's
 * transaction checks the move against ORDER_TRANSITIONS, writes the status and what goes with it,
 * and records the history row (who and why) that enqueues the IPN notification. No other module
 * writes orders.status (test/unit/orders/status-owner.test.ts); placeOrder's INSERT creates an
 * order in its first status, which is creation, not a change.
 */
import { sql, type Kysely } from 'kysely'
import { releaseOrderInventory } from '../catalog/inventory.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { actorColumns, type OrderActor } from './order-actor.js'
import { recordOrderEvents, type OrderEvent, type OrderEventName } from './order-events.js'
import type { ApproveStatus, FraudStatus, OrderStatus, VendorApproveStatus } from './order.js'
import { formatWireDate } from '../wire/wire-date.js'

/** Events that never move an order after it exists: they are recorded with its placement. */
type PlacementOnly = 'PLACED' | 'PAYMENT_DECLINED' | 'CARD_CONSENT_RECORDED'
export type TransitionEvent = Exclude<OrderEventName, PlacementOnly>

type Transition = { from: readonly OrderStatus[], to: readonly OrderStatus[] }

/**
 * The state machine: for each event, the statuses it moves an order from and to (any from to
 * any to). An event missing here does not compile; a move not listed is ORDER_STATUS_INVALID.
 * Who may ask for which move, and of which payment type, is the caller's rule
 * (src/orders/order-actions.ts, order-admin.ts, payment-returns.ts, order-sweeps.ts).
 */
export const ORDER_TRANSITIONS = {
  // the shopper, on the sandbox pages (src/orders/payment-returns.ts)
  THREE_DS_PASSED: { from: ['PENDING'], to: ['AUTHRECEIVED', 'PENDING'] },
  THREE_DS_DECLINED: { from: ['PENDING'], to: ['PENDING'] },
  THREE_DS_CANCELED: { from: ['PENDING'], to: ['CANCELED'] },
  REDIRECT_COMPLETED: { from: ['PENDING'], to: ['AUTHRECEIVED'] },
  REDIRECT_CANCELED: { from: ['PENDING'], to: ['CANCELED'] },
  // the fraud rules, after 3-D Secure passed (placement records its own)
  FRAUD_REVIEW_OPENED: { from: ['PENDING'], to: ['PENDING'] },
  // the merchant (src/orders/order-actions.ts)
  PO_APPROVED: { from: ['UNFINISHED'], to: ['PURCHASE_PENDING'] },
  PO_CANCELED: { from: ['UNFINISHED', 'PURCHASE_PENDING'], to: ['CANCELED'] },
  PAYMENT_RECEIVED: { from: ['PURCHASE_PENDING', 'PENDING'], to: ['COMPLETE'] },
  // the merchant confirms the delivery of an order with a physical product (src/orders/order-delivery.ts)
  DELIVERY_CONFIRMED: { from: ['AUTHRECEIVED'], to: ['COMPLETE'] },
  // staff (src/orders/order-admin.ts); a review releases an order to the status it was held from
  CANCELED_BY_STAFF: { from: ['PENDING', 'AUTHRECEIVED', 'PURCHASE_PENDING', 'UNFINISHED', 'PENDING_APPROVAL'], to: ['CANCELED'] },
  FRAUD_REVIEW_OKAY: { from: ['PENDING'], to: ['AUTHRECEIVED', 'COMPLETE', 'PURCHASE_PENDING'] },
  FRAUD_REVIEW_REJECTED: { from: ['PENDING'], to: ['CANCELED'] },
  // the clock (src/orders/order-sweeps.ts)
  PAYMENT_TERMS_EXPIRED: { from: ['UNFINISHED', 'PURCHASE_PENDING'], to: ['CANCELED'] },
  PAYMENT_ABANDONED: { from: ['PENDING'], to: ['CANCELED'] },
  // the merchant's issueRefund (src/orders/issue-refund.ts): 2Checkout refunds COMPLETE orders
  // only; a partial refund keeps the status (and still notifies), the refund reaching what was
  // paid moves the order to REFUND
  PARTIALLY_REFUNDED: { from: ['COMPLETE'], to: ['COMPLETE'] },
  REFUNDED: { from: ['COMPLETE'], to: ['REFUND'] },
  // an approved order with no physical product is delivered electronically: COMPLETE; the
  // sandbox's reversal card has its authorization reversed instead (SANDBOX_COMPLETE_AFTER_MS)
  ELECTRONIC_DELIVERY: { from: ['AUTHRECEIVED'], to: ['COMPLETE'] },
  AUTHORIZATION_REVERSED: { from: ['AUTHRECEIVED'], to: ['REVERSED'] }
} as const satisfies Record<TransitionEvent, Transition>

/** The events that cancel an order. */
export type CancelEvent = { [E in TransitionEvent]: 'CANCELED' extends typeof ORDER_TRANSITIONS[E]['to'][number] ? E : never }[TransitionEvent]

/** Why an order was cancelled when no one gave a reason (Cancellation.Reason): one per event that cancels. */
export const CANCEL_REASONS: Record<CancelEvent, string> = {
  THREE_DS_CANCELED: 'the shopper canceled the 3-D Secure authentication',
  REDIRECT_CANCELED: 'the shopper canceled the payment on the payment provider\'s page',
  PO_CANCELED: 'purchase order canceled',
  CANCELED_BY_STAFF: 'canceled by staff',
  FRAUD_REVIEW_REJECTED: 'fraud review rejected',
  PAYMENT_TERMS_EXPIRED: 'not paid within the payment terms',
  PAYMENT_ABANDONED: 'the payment page was not completed in time'
}

const CANCEL_SOURCES = { USER: 'STAFF', MERCHANT_API: 'MERCHANT_API', SHOPPER: 'SHOPPER', SYSTEM: 'SYSTEM' } as const

/**
 * orders.extra.Cancellation of an order `change` cancels: who (the staff user, or null), which
 * kind of actor (Source), when (the wire date of the change) and why (the reason given, else the
 * event's). Written by changeOrderStatus on every way to CANCELED, so no path can leave it out.
 */
async function cancellationOf (trx: Kysely<Database>, change: StatusChange & { event: CancelEvent }): Promise<Record<string, unknown>> {
  const actor = change.actor
  let by: { UserId: number, Username: string } | null = null
  if (actor.kind === 'USER') {
    const username = actor.username ?? (await trx.selectFrom('merchant_users').select('username').where('id', '=', actor.userId).executeTakeFirst())?.username ?? ''
    by = { UserId: Number(actor.userId), Username: username }
  }
  const reason = change.reason !== undefined && change.reason !== '' ? change.reason : CANCEL_REASONS[change.event]
  return { By: by, Source: CANCEL_SOURCES[actor.kind], At: formatWireDate(change.at), Reason: reason }
}

const cancels = (change: StatusChange): change is StatusChange & { event: CancelEvent } => change.to === 'CANCELED' && change.event in CANCEL_REASONS

/** The order row as a transition sees it, locked. */
export type LockedOrder = {
  id: bigint
  merchantId: bigint
  customerId: bigint | null
  refNo: bigint
  status: OrderStatus
  fraudStatus: FraudStatus | null
  paymentType: string
  currency: string
  amountMinor: bigint
  extra: Record<string, unknown>
  paymentDetails: Record<string, unknown>
}

const LOCKED_COLUMNS = ['id', 'merchant_id', 'customer_id', 'ref_no', 'status', 'fraud_status', 'payment_type', 'currency', 'gross_discounted_price_minor', 'extra', 'payment_details'] as const

type LockedRow = { id: bigint, merchant_id: bigint, customer_id: bigint | null, ref_no: bigint, status: string, fraud_status: string | null, payment_type: string, currency: string, gross_discounted_price_minor: bigint, extra: unknown, payment_details: unknown }

function toLockedOrder (row: LockedRow): LockedOrder {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    customerId: row.customer_id,
    refNo: row.ref_no,
    status: row.status as OrderStatus,
    fraudStatus: row.fraud_status as FraudStatus | null,
    paymentType: row.payment_type,
    currency: row.currency,
    amountMinor: row.gross_discounted_price_minor,
    extra: row.extra as Record<string, unknown>,
    paymentDetails: row.payment_details as Record<string, unknown>
  }
}

/** Locks the order row (`for update`) so concurrent transitions of one order run one after the other. */
export async function lockOrder (trx: Kysely<Database>, orderId: bigint): Promise<LockedOrder | undefined> {
  const row = await trx.selectFrom('orders').select(LOCKED_COLUMNS).where('id', '=', orderId).forUpdate().executeTakeFirst()
  return row === undefined ? undefined : toLockedOrder(row)
}

/** lockOrder for many orders at once (a sweep's batch), locked in id order; the orders gone are left out. */
export async function lockOrders (trx: Kysely<Database>, orderIds: readonly bigint[]): Promise<LockedOrder[]> {
  if (orderIds.length === 0) return []
  const rows = await trx.selectFrom('orders').select(LOCKED_COLUMNS).where('id', '=', sql<bigint>`any(${orderIds.map(String)}::int8[])`).orderBy('id').forUpdate().execute()
  return rows.map(toLockedOrder)
}

/** lockOrder by the merchant's RefNo; undefined for another merchant's order. */
export async function lockOrderByRefNo (trx: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<LockedOrder | undefined> {
  const row = await trx.selectFrom('orders').select(LOCKED_COLUMNS).where('merchant_id', '=', merchantId).where('ref_no', '=', refNo).forUpdate().executeTakeFirst()
  return row === undefined ? undefined : toLockedOrder(row)
}

export type PaymentChange = {
  status?: string
  processorReference?: string
  declineReason?: string | null
  details?: Record<string, unknown>
  /** change the payment row only while it is in one of these (a declined payment stays DECLINED) */
  onlyFrom?: readonly string[]
}

export type StatusChange = {
  event: TransitionEvent
  to: OrderStatus
  actor: OrderActor
  at: Date
  /** why, as the user gave it (a staff cancel's reason, a review's note) or the system states it */
  reason?: string
  detail?: Record<string, unknown>
  approveStatus?: ApproveStatus
  vendorApproveStatus?: VendorApproveStatus
  fraudStatus?: FraudStatus
  /** replaces orders.extra (PODetails, FraudReview); a change to CANCELED adds its Cancellation */
  extra?: Record<string, unknown>
  /** replaces orders.payment_details (the wire PaymentDetails) */
  paymentDetails?: Record<string, unknown>
  /** 2Checkout's Errors: null on success */
  errors?: Record<string, string> | null
  payment?: PaymentChange
  /** an event that follows at the new status in the same transaction (a fraud review opened after 3-D Secure); checked like the change */
  followedBy?: { event: TransitionEvent, actor: OrderActor, reason?: string, detail?: Record<string, unknown> }
}

function refuse (order: LockedOrder, event: TransitionEvent, to: OrderStatus): AppError {
  const allowed: Transition = ORDER_TRANSITIONS[event]
  const message = allowed.from.includes(order.status)
    ? `order ${order.refNo} is ${order.status}; ${event} moves an order to ${allowed.to.join(' or ')}, not to ${to}`
    : `order ${order.refNo} is ${order.status}; ${event} applies only to an order in ${allowed.from.join(', ')}`
  return new AppError('ORDER_STATUS_INVALID', { fields: [{ path: 'RefNo', error_code: 'ORDER_STATUS_INVALID', message }] })
}

/** Whether the state machine allows `event` to move an order from `from` to `to`. */
export function transitionAllowed (event: TransitionEvent, from: OrderStatus, to: OrderStatus): boolean {
  const allowed: Transition = ORDER_TRANSITIONS[event]
  return allowed.from.includes(from) && allowed.to.includes(to)
}

/**
 * Moves a locked order (lockOrder, in this transaction) to `change.to`: refuses a move
 * ORDER_TRANSITIONS does not allow (ORDER_STATUS_INVALID naming RefNo; nothing written), writes
 * the status with the approve and fraud statuses, extra data and payment row that go with it,
 * gives the reserved stock back on CANCELED, sets FinishDate and the OrderNo from order_no_seq
 * when it completes (2Checkout: OrderNo is 0 until then), and records the event (who, why) with
 * its IPN notification. Answers the order as it now is.
 */
export async function changeOrderStatus (trx: Kysely<Database>, order: LockedOrder, change: StatusChange): Promise<LockedOrder> {
  if (!transitionAllowed(change.event, order.status, change.to)) throw refuse(order, change.event, change.to)
  const follow = change.followedBy
  if (follow !== undefined && !transitionAllowed(follow.event, change.to, change.to)) throw refuse({ ...order, status: change.to }, follow.event, change.to)
  const completes = change.to === 'COMPLETE' && order.status !== 'COMPLETE'
  const extra = cancels(change) ? { ...(change.extra ?? order.extra), Cancellation: await cancellationOf(trx, change) } : change.extra
  await trx.updateTable('orders')
    .set({
      status: change.to,
      updated_at: sql`${change.at}`,
      ...(change.approveStatus !== undefined ? { approve_status: change.approveStatus } : {}),
      ...(change.vendorApproveStatus !== undefined ? { vendor_approve_status: change.vendorApproveStatus } : {}),
      ...(change.fraudStatus !== undefined ? { fraud_status: change.fraudStatus } : {}),
      ...(extra !== undefined ? { extra: JSON.stringify(extra) } : {}),
      ...(change.paymentDetails !== undefined ? { payment_details: JSON.stringify(change.paymentDetails) } : {}),
      ...(change.errors !== undefined ? { errors: change.errors === null ? null : JSON.stringify(change.errors) } : {}),
      ...(completes ? { finish_date: change.at, order_no: sql<bigint>`nextval('order_no_seq')` } : {})
    })
    .where('id', '=', order.id)
    .execute()
  const p = change.payment
  if (p !== undefined && (p.status !== undefined || p.processorReference !== undefined || p.declineReason !== undefined || p.details !== undefined)) {
    let update = trx.updateTable('payments')
      .set({
        ...(p.status !== undefined ? { status: p.status } : {}),
        ...(p.processorReference !== undefined ? { processor_reference: p.processorReference } : {}),
        ...(p.declineReason !== undefined ? { decline_reason: p.declineReason } : {}),
        ...(p.details !== undefined ? { details: JSON.stringify(p.details) } : {})
      })
      .where('order_id', '=', order.id)
    if (p.onlyFrom !== undefined) update = update.where('status', 'in', p.onlyFrom)
    await update.execute()
  }
  // Every way to CANCELED (a page cancelled or abandoned, a PO canceled or swept, staff, a
  // rejected review) gives the order's reserved stock back, in the same transaction; a second
  // release is a no-op.
  if (change.to === 'CANCELED') await releaseOrderInventory(trx, order.id)
  const event = (e: { event: TransitionEvent, actor: OrderActor, reason?: string | undefined, detail?: Record<string, unknown> | undefined }, fromStatus: OrderStatus): OrderEvent => {
    const who = actorColumns(e.actor)
    return {
      orderId: order.id,
      at: change.at,
      fromStatus,
      toStatus: change.to,
      event: e.event,
      actor: who.actor,
      ...(who.userId !== null ? { userId: who.userId } : {}),
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {})
    }
  }
  await recordOrderEvents(trx, [event(change, order.status), ...(follow !== undefined ? [event(follow, change.to)] : [])])
  return {
    ...order,
    status: change.to,
    ...(change.fraudStatus !== undefined ? { fraudStatus: change.fraudStatus } : {}),
    ...(extra !== undefined ? { extra } : {}),
    ...(change.paymentDetails !== undefined ? { paymentDetails: change.paymentDetails } : {})
  }
}

/** What changeOrdersStatus applies to every order alike. */
export type BulkStatusChange = Pick<StatusChange, 'event' | 'to' | 'actor' | 'at' | 'reason' | 'detail' | 'approveStatus'> & {
  payment?: { status: string, onlyFrom?: readonly string[] }
}

/**
 * changeOrderStatus for many locked orders (lockOrders, in this transaction) moved alike by one
 * event (the sweep of approved orders): the same checks, then one UPDATE of the orders, one of
 * their payments and one insert of their history rows with the IPN notifications, instead of a
 * round of statements per order. Refuses the whole batch (nothing written) if the state machine
 * does not allow one of them. Not for CANCELED (stock is given back per order: changeOrderStatus).
 */
export async function changeOrdersStatus (trx: Kysely<Database>, orders: readonly LockedOrder[], change: BulkStatusChange): Promise<void> {
  if (orders.length === 0) return
  if (change.to === 'CANCELED') throw new Error('changeOrdersStatus does not cancel: use changeOrderStatus, which gives the stock back')
  for (const order of orders) if (!transitionAllowed(change.event, order.status, change.to)) throw refuse(order, change.event, change.to)
  const ids = sql<bigint>`any(${orders.map((order) => String(order.id))}::int8[])`
  // Completing gives each order the next OrderNo (nextval per row) unless it was COMPLETE already,
  // which the state machine only allows for moves that keep COMPLETE (none of the bulk ones today).
  const completes = change.to === 'COMPLETE'
  await trx.updateTable('orders')
    .set({
      status: change.to,
      updated_at: sql`${change.at}`,
      ...(change.approveStatus !== undefined ? { approve_status: change.approveStatus } : {}),
      ...(completes ? { finish_date: sql`case when status = 'COMPLETE' then finish_date else ${change.at}::timestamptz end`, order_no: sql<bigint>`case when status = 'COMPLETE' then order_no else nextval('order_no_seq') end` } : {})
    })
    .where('id', '=', ids)
    .execute()
  if (change.payment !== undefined) {
    let update = trx.updateTable('payments').set({ status: change.payment.status }).where('order_id', '=', ids)
    if (change.payment.onlyFrom !== undefined) update = update.where('status', 'in', change.payment.onlyFrom)
    await update.execute()
  }
  const who = actorColumns(change.actor)
  await recordOrderEvents(trx, orders.map((order): OrderEvent => ({
    orderId: order.id,
    at: change.at,
    fromStatus: order.status,
    toStatus: change.to,
    event: change.event,
    actor: who.actor,
    ...(who.userId !== null ? { userId: who.userId } : {}),
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
    ...(change.detail !== undefined ? { detail: change.detail } : {})
  })))
}
