import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { actorOfColumns, type OrderActor } from './order-actor.js'
import type { OrderStatus } from './order.js'

/**
 * The read side of getOrderHistory: an order's status changes, staff adjustments, fraud review
 * and IPN notifications with their tries, and its refunds. One query per kind (seven in all,
 * whatever the history's length), in one read-only repeatable-read transaction so the parts agree with each other.
 */

/** Who made a change, from order_events.actor and user_id (src/orders/order-actor.ts), with the user's name. */
export type HistoryActor = OrderActor

export type HistoryEvent = {
  at: Date
  fromStatus: OrderStatus | null
  toStatus: OrderStatus
  event: string
  actor: HistoryActor
  reason: string | null
  detail: Record<string, unknown>
}

export type HistoryUser = { userId: bigint, username: string }

export type HistoryAdjustment = {
  kind: string
  lineNo: number | null
  discountType: string | null
  value: string
  oldMinor: bigint
  newMinor: bigint
  reason: string
  /** the merchant's reason code given with it (Assisted.ReasonCode) */
  reasonCode: string | null
  user: HistoryUser
  /** the supervisor whose approval let it above the user's limit */
  approvedBy: HistoryUser | null
  at: Date
}

export type HistoryFraudReview = {
  /** OPEN until closed, then the outcome */
  status: string
  reason: string
  openedBy: string
  openedAt: Date
  closedBy: HistoryUser | null
  closedAt: Date | null
  note: string | null
}

export type HistoryTry = { at: Date, ipnDate: string, httpStatus: number | null, receiptValid: boolean, error: string | null, durationMs: number }

export type HistoryNotification = {
  id: bigint
  url: string
  event: string
  /** the order status the notification reports */
  status: OrderStatus
  state: string
  attempts: number
  createdAt: Date
  deliveredAt: Date | null
  resendOf: bigint | null
  tries: HistoryTry[]
}

export type HistoryRefund = {
  id: bigint
  amountMinor: bigint
  kind: string
  items: Array<{ productCode: string, quantity: number, amountMinor: bigint }>
  reason: string
  comment: string | null
  actor: HistoryActor
  at: Date
}

export type OrderHistoryRecord = {
  refNo: bigint
  currency: string
  events: HistoryEvent[]
  refunds: HistoryRefund[]
  adjustments: HistoryAdjustment[]
  fraudReview: HistoryFraudReview | null
  notifications: HistoryNotification[]
}

type EventRow = {
  at: Date
  from_status: string | null
  to_status: string
  event: string
  actor: string
  actor_user_id: bigint | null
  username: string | null
  reason: string | null
  detail: unknown
}

/** The row's actor; a staff user's with the name they have now. */
function toActor (row: EventRow): HistoryActor {
  const actor = actorOfColumns({ actor: row.actor, userId: row.actor_user_id })
  return actor.kind === 'USER' && row.username !== null ? { ...actor, username: row.username } : actor
}

/** The history of this merchant's order `refNo`, or undefined when it has no such order. */
export async function readOrderHistory (db: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<OrderHistoryRecord | undefined> {
  return await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const order = await trx.selectFrom('orders').select(['id', 'ref_no', 'currency'])
      .where('merchant_id', '=', merchantId).where('ref_no', '=', refNo).executeTakeFirst()
    if (order === undefined) return undefined

    // The user of `user:<id>` (or of user_id), looked up among this merchant's users only.
    const events = await sql<EventRow>`
      select e.at, e.from_status, e.to_status, e.event, e.actor, a.user_id as actor_user_id, u.username, e.reason, e.detail
      from order_events e
      cross join lateral (select coalesce(e.user_id, case when e.actor ~ '^user:[0-9]{1,18}$' then substr(e.actor, 6)::int8 end) as user_id) a
      left join merchant_users u on u.merchant_id = ${merchantId} and u.id = a.user_id
      where e.order_id = ${order.id}
      order by e.id`.execute(trx)

    const adjustments = await trx.selectFrom('order_adjustments as a').innerJoin('merchant_users as u', 'u.id', 'a.user_id')
      .leftJoin('merchant_users as v', 'v.id', 'a.approved_by_user_id')
      .select(['a.kind', 'a.line_no', 'a.discount_type', 'a.value', 'a.old_minor', 'a.new_minor', 'a.reason', 'a.reason_code', 'a.user_id', 'u.username', 'a.approved_by_user_id', 'v.username as approver_username', 'a.created_at'])
      .where('a.order_id', '=', order.id).orderBy('a.id').execute()

    // An order has at most one review (placeOrder opens it); the latest, should that change.
    const review = await trx.selectFrom('fraud_reviews as r').leftJoin('merchant_users as u', 'u.id', 'r.closed_by_user_id')
      .select(['r.reason', 'r.opened_by', 'r.opened_at', 'r.outcome', 'r.closed_by_user_id', 'u.username', 'r.closed_at', 'r.note'])
      .where('r.order_id', '=', order.id).orderBy('r.id', 'desc').limit(1).executeTakeFirst()

    const notifications = await trx.selectFrom('ipn_notifications as n').innerJoin('order_events as e', 'e.id', 'n.event_id')
      .select(['n.id', 'n.url', 'e.event', 'e.to_status', 'n.state', 'n.attempts', 'n.created_at', 'n.delivered_at', 'n.resend_of'])
      .where('n.order_id', '=', order.id).orderBy('n.id').execute()

    const refunds = await trx.selectFrom('refunds as r').leftJoin('merchant_users as u', (join) => join.onRef('u.id', '=', 'r.user_id').on('u.merchant_id', '=', merchantId))
      .select(['r.id', 'r.amount_minor', 'r.kind', 'r.items', 'r.reason', 'r.comment', 'r.actor', 'r.user_id', 'u.username', 'r.created_at'])
      .where('r.order_id', '=', order.id).orderBy('r.id').execute()

    const tries = await trx.selectFrom('ipn_attempts as t').innerJoin('ipn_notifications as n', 'n.id', 't.notification_id')
      .select(['t.notification_id', 't.at', 't.ipn_date', 't.http_status', 't.receipt_valid', 't.error', 't.duration_ms'])
      .where('n.order_id', '=', order.id).orderBy('t.id').execute()
    const triesOf = new Map<bigint, HistoryTry[]>()
    for (const t of tries) {
      const list = triesOf.get(t.notification_id) ?? []
      list.push({ at: t.at, ipnDate: t.ipn_date, httpStatus: t.http_status, receiptValid: t.receipt_valid, error: t.error, durationMs: t.duration_ms })
      triesOf.set(t.notification_id, list)
    }

    return {
      refNo: order.ref_no,
      currency: order.currency,
      events: events.rows.map((row) => ({
        at: row.at,
        fromStatus: row.from_status as OrderStatus | null,
        toStatus: row.to_status as OrderStatus,
        event: row.event,
        actor: toActor(row),
        reason: row.reason,
        detail: (row.detail ?? {}) as Record<string, unknown>
      })),
      refunds: refunds.map((r) => {
        const actor = actorOfColumns({ actor: r.actor, userId: r.user_id })
        const items = (Array.isArray(r.items) ? r.items : []) as Array<{ productCode: string, quantity: number, amountMinor: string }>
        return {
          id: r.id,
          amountMinor: r.amount_minor,
          kind: r.kind,
          items: items.map((i) => ({ productCode: i.productCode, quantity: i.quantity, amountMinor: BigInt(i.amountMinor) })),
          reason: r.reason,
          comment: r.comment,
          actor: actor.kind === 'USER' && r.username !== null ? { ...actor, username: r.username } : actor,
          at: r.created_at
        }
      }),
      adjustments: adjustments.map((a) => ({
        kind: a.kind,
        lineNo: a.line_no,
        discountType: a.discount_type,
        value: a.value,
        oldMinor: a.old_minor,
        newMinor: a.new_minor,
        reason: a.reason,
        reasonCode: a.reason_code,
        user: { userId: a.user_id, username: a.username },
        approvedBy: a.approved_by_user_id === null || a.approver_username === null ? null : { userId: a.approved_by_user_id, username: a.approver_username },
        at: a.created_at
      })),
      fraudReview: review === undefined
        ? null
        : {
            status: review.outcome ?? 'OPEN',
            reason: review.reason,
            openedBy: review.opened_by,
            openedAt: review.opened_at,
            closedBy: review.closed_by_user_id === null ? null : { userId: review.closed_by_user_id, username: review.username ?? '' },
            closedAt: review.closed_at,
            note: review.note
          },
      notifications: notifications.map((n) => ({
        id: n.id,
        url: n.url,
        event: n.event,
        status: n.to_status as OrderStatus,
        state: n.state,
        attempts: n.attempts,
        createdAt: n.created_at,
        deliveredAt: n.delivered_at,
        resendOf: n.resend_of,
        tries: triesOf.get(n.id) ?? []
      }))
    }
  })
}
