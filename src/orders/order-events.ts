import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { enqueueNotifications } from '../notifications/outbox-store.js'
import { actorColumns, systemActor, type OrderActor } from './order-actor.js'
import type { OrderStatus } from './order.js'

/** What happened to an order; stable names, as they appear in the history. */
export const ORDER_EVENTS = [
  'PLACED', 'PAYMENT_DECLINED', 'FRAUD_REVIEW_OPENED',
  'THREE_DS_PASSED', 'THREE_DS_CANCELED', 'THREE_DS_DECLINED',
  'REDIRECT_COMPLETED', 'REDIRECT_CANCELED',
  'PO_APPROVED', 'PO_CANCELED', 'PAYMENT_RECEIVED', 'PAYMENT_TERMS_EXPIRED',
  'CANCELED_BY_STAFF', 'FRAUD_REVIEW_OKAY', 'FRAUD_REVIEW_REJECTED', 'PAYMENT_ABANDONED',
  'PARTIALLY_REFUNDED', 'REFUNDED',
  'ELECTRONIC_DELIVERY', 'DELIVERY_CONFIRMED', 'AUTHORIZATION_REVERSED',
  'CARD_CONSENT_RECORDED'
] as const
export type OrderEventName = typeof ORDER_EVENTS[number]

export type OrderEvent = {
  orderId: bigint
  at: Date
  fromStatus: OrderStatus | null
  toStatus: OrderStatus
  event: OrderEventName
  /** who did it: `merchant:<CODE>`, `user:<id>`, `shopper` (sandbox pages), `system:<name>` (src/orders/order-actor.ts) */
  actor: string
  /** the staff user whose session made the change (with actor `user:<id>`) */
  userId?: bigint
  /** why, as the user or the system gave it */
  reason?: string
  detail?: Record<string, unknown>
}

/**
 * Appends to the order history and enqueues the IPN notifications of its status changes; call it
 * inside the transaction that makes the change.
 */
export async function recordOrderEvents (trx: Kysely<Database>, events: readonly OrderEvent[]): Promise<void> {
  if (events.length === 0) return
  const rows = await trx.insertInto('order_events')
    .values(events.map((e) => ({
      order_id: e.orderId,
      at: e.at,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      event: e.event,
      actor: e.actor,
      user_id: e.userId ?? null,
      reason: e.reason ?? null,
      detail: JSON.stringify(e.detail ?? {})
    })))
    .returning('id')
    .execute()
  await enqueueNotifications(trx, rows.map((r) => r.id))
}

/** `placedBy`: the session that placed it, its merchant's (the API session) or one of its users'. */
export type Placement = {
  at: Date
  placedBy: OrderActor
  status: OrderStatus
  paymentType: string
  paymentStatus: string
  declineReason?: string | undefined
  fraudReason?: string | undefined
  /** an assisted sale's card consent as the agent recorded it, with the card charged (brand and last 4 digits only) */
  cardConsent?: { given: boolean, card: { brand: string, last4: string } } | undefined
}

/** An event's actor fields (src/orders/order-actor.ts): the actor text, and the user's id for a staff user. */
function by (actor: OrderActor): Pick<OrderEvent, 'actor' | 'userId'> {
  const row = actorColumns(actor)
  return row.userId === null ? { actor: row.actor } : { actor: row.actor, userId: row.userId }
}

/**
 * The history of a placed order: PLACED, then a decline or an opened fraud review when there was
 * one. PLACED and the decline are the placing session's (the merchant's API or a staff user); the
 * review is opened by the fraud rules. An assisted sale's card consent (given or refused) is the
 * placing user's CARD_CONSENT_RECORDED, naming the card by brand and last 4 digits only.
 */
export function placementEvents (placed: Placement): Array<Omit<OrderEvent, 'orderId'>> {
  const base = { at: placed.at, ...by(placed.placedBy) }
  const events: Array<Omit<OrderEvent, 'orderId'>> = [{ ...base, fromStatus: null, toStatus: placed.status, event: 'PLACED', detail: { paymentType: placed.paymentType, paymentStatus: placed.paymentStatus } }]
  if (placed.paymentStatus === 'DECLINED') {
    events.push({ ...base, fromStatus: placed.status, toStatus: placed.status, event: 'PAYMENT_DECLINED', detail: { reason: placed.declineReason ?? null } })
  }
  if (placed.cardConsent !== undefined) {
    const { given, card } = placed.cardConsent
    events.push({ ...base, fromStatus: placed.status, toStatus: placed.status, event: 'CARD_CONSENT_RECORDED', detail: { given, cardType: card.brand, lastDigits: card.last4 } })
  }
  if (placed.fraudReason !== undefined) {
    events.push({ at: placed.at, ...by(systemActor('fraud-rules')), fromStatus: placed.status, toStatus: placed.status, event: 'FRAUD_REVIEW_OPENED', detail: { reason: placed.fraudReason } })
  }
  return events
}

/** The history of an order, oldest first. */
export async function listOrderEvents (db: Kysely<Database>, orderId: bigint): Promise<Array<Omit<OrderEvent, 'orderId'>>> {
  const rows = await db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute()
  return rows.map((r) => ({
    at: r.at,
    fromStatus: r.from_status as OrderStatus | null,
    toStatus: r.to_status as OrderStatus,
    event: r.event as OrderEventName,
    actor: r.actor,
    detail: r.detail as Record<string, unknown>
  }))
}
