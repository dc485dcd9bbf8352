import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { FraudStatus, OrderStatus } from '../orders/order.js'
import { IPN_ADDRESS_KEYS, type IpnAddress, type IpnItem, type IpnSource } from './ipn-message.js'

// Statuses at which the payment has been authorized or received (PAYMENTDATE).
const PAID_STATUSES: OrderStatus[] = ['AUTHRECEIVED', 'COMPLETE']

/** The jsonb address's string parts under 2Checkout's names; anything else in it is not read. */
function toAddress (value: unknown): IpnAddress | null {
  if (value === null || typeof value !== 'object') return null
  const record = value as Record<string, unknown>
  return Object.fromEntries(IPN_ADDRESS_KEYS.flatMap((key) => (typeof record[key] === 'string' ? [[key, record[key]]] : [])))
}

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/**
 * What the IPN for one status change of an order says: the order (with its merchant's code and its customer's reference),
 * its lines (with the catalog product's id and the promotions' names) and the change itself,
 * the order_events row `eventId`, which must be this order's. Payment dates are taken from the
 * history up to that change. Card data is not read: neither `payments` nor the PaymentMethod.
 */
export async function loadIpnSource (db: Kysely<Database>, orderId: bigint, eventId: bigint): Promise<IpnSource | undefined> {
  const row = await db.selectFrom('order_events as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .innerJoin('merchants as m', 'm.id', 'o.merchant_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    // a refund's change (issue 18): its amount
    .leftJoin('refunds as r', 'r.event_id', 'e.id')
    .select([
      'r.amount_minor as refund_minor',
      'e.id as event_id', 'e.event', 'e.at', 'e.from_status', 'e.to_status',
      'o.merchant_id', 'o.ref_no', 'o.order_no', 'o.external_reference', 'o.order_date', 'o.payment_type', 'o.currency', 'o.language',
      'o.fraud_status', 'o.gift_details', 'o.billing_details', 'o.delivery_details', 'o.payment_details', 'o.shipping_minor',
      'o.gross_discounted_price_minor', 'c.customer_reference', 'm.code as merchant_code'
    ])
    .select((eb) => {
      const firstAt = (statuses: OrderStatus[]) => eb.selectFrom('order_events as h')
        .select((h) => h.fn.min<Date>('h.at').as('at'))
        .whereRef('h.order_id', '=', 'o.id')
        .where('h.id', '<=', eventId)
        .where('h.to_status', 'in', statuses)
      return [firstAt(PAID_STATUSES).as('paid_at'), firstAt(['COMPLETE']).as('completed_at')]
    })
    .where('e.id', '=', eventId)
    .where('e.order_id', '=', orderId)
    .executeTakeFirst()
  if (row === undefined) return undefined
  const paymentDetails = row.payment_details as Record<string, unknown> | null
  return {
    merchantCode: row.merchant_code,
    refNo: row.ref_no,
    externalReference: row.external_reference,
    orderNo: row.order_no,
    orderDate: row.order_date,
    paidAt: row.paid_at ?? null,
    completedAt: row.completed_at ?? null,
    paymentType: row.payment_type,
    testOrder: row.payment_type === 'TEST',
    currency: row.currency,
    language: row.language,
    fraudStatus: row.fraud_status as FraudStatus | null,
    gift: row.gift_details !== null,
    customerIp: typeof paymentDetails?.CustomerIP === 'string' ? paymentDetails.CustomerIP : null,
    customerReference: row.customer_reference,
    billing: toAddress(row.billing_details) ?? {},
    delivery: toAddress(row.delivery_details),
    items: await loadItems(db, row.merchant_id, orderId),
    shippingMinor: row.shipping_minor,
    totalMinor: row.gross_discounted_price_minor,
    change: { eventId: row.event_id, event: row.event, at: row.at, fromStatus: row.from_status as OrderStatus | null, toStatus: row.to_status as OrderStatus, refundMinor: row.refund_minor }
  }
}

/** The order's lines in order, each with its catalog product's id (kept when archived) and its promotions. */
async function loadItems (db: Kysely<Database>, merchantId: bigint, orderId: bigint): Promise<IpnItem[]> {
  const lines = await db.selectFrom('order_items as i')
    .leftJoin('products as p', (join) => join.onRef('p.code', '=', 'i.product_code').on('p.merchant_id', '=', merchantId))
    .select(['p.id as product_id', 'i.product_code', 'i.product_name', 'i.sku', 'i.quantity', 'i.unit_net_price_minor', 'i.net_price_minor',
      'i.discount_minor', 'i.vat_minor', 'i.vat_percent_bp', 'i.details'])
    .where('i.order_id', '=', orderId)
    .orderBy('i.line_no')
    .execute()
  const codesOf = (details: unknown): string[] => stringsOf((details as Record<string, unknown> | null)?.Promotions)
  const names = await promotionNames(db, merchantId, lines.flatMap((line) => codesOf(line.details)))
  return lines.map((line) => ({
    productId: line.product_id,
    productCode: line.product_code,
    productName: line.product_name,
    sku: line.sku,
    quantity: line.quantity,
    unitNetPriceMinor: line.unit_net_price_minor,
    netPriceMinor: line.net_price_minor,
    discountMinor: line.discount_minor,
    vatMinor: line.vat_minor,
    vatPercentBp: line.vat_percent_bp,
    promotions: codesOf(line.details).map((code) => ({ code, name: names.get(code.toUpperCase()) ?? code }))
  }))
}

/** Promotion names by upper-cased code (codes are unique per merchant regardless of case). */
async function promotionNames (db: Kysely<Database>, merchantId: bigint, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const upper = [...new Set(codes.map((code) => code.toUpperCase()))]
  const rows = await db.selectFrom('promotions')
    .select(['code', 'name'])
    .where('merchant_id', '=', merchantId)
    .where((eb) => eb(eb.fn('upper', ['code']), 'in', upper))
    .execute()
  return new Map(rows.map((r) => [r.code.toUpperCase(), r.name]))
}
