import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { actorColumns, actorOfColumns, type OrderActor } from './order-actor.js'

// The refunds of an order (migration 202612031100): what issueRefund reads under the order's
// row lock (what was paid, what is left), what it writes, and what getOrderHistory shows.

export type RefundKind = 'TOTAL' | 'PARTIAL'

/** One refunded item: the order line it refunds, how many units and how much (minor units). */
export type RefundItem = { lineNo: number, productCode: string, quantity: number, amountMinor: bigint }

/** An order line as a refund sees it: what the customer paid for it (net − discount + VAT). */
export type RefundableLine = { lineNo: number, productCode: string, quantity: number, paidMinor: bigint }

export type StoredRefund = {
  id: bigint
  orderId: bigint
  eventId: bigint
  amountMinor: bigint
  currency: string
  kind: RefundKind
  reason: string
  comment: string | null
  items: RefundItem[]
  actor: OrderActor
  processorReference: string | null
  createdAt: Date
}

/** What an order's refunds start from: its date, lines, payment reference and the refunds so far. */
export type RefundBasis = {
  orderDate: Date
  lines: RefundableLine[]
  paymentReference: string | null
  refunds: StoredRefund[]
}

type RefundRow = {
  id: bigint
  order_id: bigint
  event_id: bigint
  amount_minor: bigint
  currency: string
  kind: string
  reason: string
  comment: string | null
  items: unknown
  actor: string
  user_id: bigint | null
  processor_reference: string | null
  created_at: Date
}

type ItemJson = { lineNo: number, productCode: string, quantity: number, amountMinor: string }

function toStoredRefund (row: RefundRow): StoredRefund {
  const items = (Array.isArray(row.items) ? row.items : []) as ItemJson[]
  return {
    id: row.id,
    orderId: row.order_id,
    eventId: row.event_id,
    amountMinor: row.amount_minor,
    currency: row.currency.trim(),
    kind: row.kind as RefundKind,
    reason: row.reason,
    comment: row.comment,
    items: items.map((i) => ({ lineNo: i.lineNo, productCode: i.productCode, quantity: i.quantity, amountMinor: BigInt(i.amountMinor) })),
    actor: actorOfColumns({ actor: row.actor, userId: row.user_id }),
    processorReference: row.processor_reference,
    createdAt: row.created_at
  }
}

/** The order's refunds, oldest first. */
export async function listRefunds (db: Kysely<Database>, orderId: bigint): Promise<StoredRefund[]> {
  const rows = await db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('id').execute()
  return rows.map(toStoredRefund)
}

/** A refund by id, within its merchant. */
export async function findRefund (db: Kysely<Database>, merchantId: bigint, refundId: bigint): Promise<StoredRefund | undefined> {
  const row = await db.selectFrom('refunds').selectAll().where('merchant_id', '=', merchantId).where('id', '=', refundId).executeTakeFirst()
  return row === undefined ? undefined : toStoredRefund(row)
}

/** Read in the transaction that locked the order (lockOrder), so no other refund of it runs meanwhile. */
export async function loadRefundBasis (trx: Kysely<Database>, orderId: bigint): Promise<RefundBasis> {
  const order = await trx.selectFrom('orders').select('order_date').where('id', '=', orderId).executeTakeFirstOrThrow()
  const lines = await trx.selectFrom('order_items').select(['line_no', 'product_code', 'quantity', 'net_price_minor', 'discount_minor', 'vat_minor'])
    .where('order_id', '=', orderId).orderBy('line_no').execute()
  const payment = await trx.selectFrom('payments').select('processor_reference').where('order_id', '=', orderId).executeTakeFirst()
  return {
    orderDate: order.order_date,
    lines: lines.map((l) => ({ lineNo: l.line_no, productCode: l.product_code, quantity: l.quantity, paidMinor: l.net_price_minor - l.discount_minor + l.vat_minor })),
    paymentReference: payment?.processor_reference ?? null,
    refunds: await listRefunds(trx, orderId)
  }
}

export type NewRefund = Omit<StoredRefund, 'id' | 'eventId'> & { merchantId: bigint }

/**
 * Stores a refund with the history row that recorded it: the newest order_events row of the
 * order, which the caller has just written through changeOrderStatus under the order's lock.
 */
export async function insertRefund (trx: Kysely<Database>, refund: NewRefund): Promise<StoredRefund> {
  const event = await trx.selectFrom('order_events').select('id').where('order_id', '=', refund.orderId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  const who = actorColumns(refund.actor)
  const row = await trx.insertInto('refunds').values({
    merchant_id: refund.merchantId,
    order_id: refund.orderId,
    event_id: event.id,
    amount_minor: refund.amountMinor,
    currency: refund.currency,
    kind: refund.kind,
    reason: refund.reason,
    comment: refund.comment,
    items: JSON.stringify(refund.items.map((i): ItemJson => ({ lineNo: i.lineNo, productCode: i.productCode, quantity: i.quantity, amountMinor: String(i.amountMinor) }))),
    actor: who.actor,
    user_id: who.userId,
    processor_reference: refund.processorReference,
    created_at: refund.createdAt
  }).returningAll().executeTakeFirstOrThrow()
  return toStoredRefund(row)
}
