import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { OrderEvent } from './order-events.js'
import type { ApproveStatus, FraudStatus, OrderStatus, VendorApproveStatus } from './order.js'

/** An order as stored: scalar columns, money in minor units, wire-shaped parts as JSON. */
export type StoredOrder = {
  id: bigint
  merchantCode: string
  refNo: bigint
  orderNo: bigint
  customerReference: bigint | null
  externalReference: string | null
  status: OrderStatus
  approveStatus: ApproveStatus
  vendorApproveStatus: VendorApproveStatus
  fraudStatus: FraudStatus | null
  paymentType: string
  currency: string
  language: string
  country: string | null
  netPriceMinor: bigint
  grossPriceMinor: bigint
  netDiscountedPriceMinor: bigint
  grossDiscountedPriceMinor: bigint
  discountMinor: bigint
  vatMinor: bigint
  shippingMinor: bigint
  billingDetails: Record<string, unknown>
  deliveryDetails: Record<string, unknown> | null
  deliveryInformation: Record<string, unknown> | null
  paymentDetails: Record<string, unknown>
  promotions: unknown[]
  additionalFields: unknown[] | null
  giftDetails: Record<string, unknown> | null
  errors: Record<string, string> | null
  extra: Record<string, unknown>
  orderDate: Date
  finishDate: Date | null
  items: StoredOrderItem[]
}

export type StoredOrderItem = {
  lineNo: number
  productCode: string
  productName: string
  sku: string | null
  quantity: number
  unitNetPriceMinor: bigint
  netPriceMinor: bigint
  discountMinor: bigint
  vatMinor: bigint
  grossPriceMinor: bigint
  vatPercentBp: number
  details: Record<string, unknown>
}

export type NewOrder = Omit<StoredOrder, 'id' | 'refNo' | 'orderNo' | 'merchantCode' | 'customerReference'> & {
  merchantId: bigint
  customerId: bigint
  payment: NewPayment
  /** the order's first history entries (PLACED, …), stored in the same statement */
  events: ReadonlyArray<Omit<OrderEvent, 'orderId'>>
}

export type NewPayment = {
  type: string
  status: string
  amountMinor: bigint
  currency: string
  card?: { brand: string, first6: string, last4: string, expiry: string } | undefined
  processorReference?: string | undefined
  declineReason?: string | undefined
  details?: Record<string, unknown> | undefined
}

const json = (value: unknown): string => JSON.stringify(value)
const nullableJson = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value))

/**
 * Inserts the order, its lines, its payment record and its first history entries in ONE statement (data-modifying CTEs:
 * one round trip instead of three on the hot path); returns the id, RefNo and OrderNo.
 * The lines go in as parallel arrays unnested together.
 */
export async function insertOrder (trx: Kysely<Database>, order: NewOrder): Promise<{ id: bigint, refNo: bigint, orderNo: bigint }> {
  const finished = order.status === 'COMPLETE'
  const items = order.items
  const column = <T>(pick: (item: StoredOrderItem) => T) => items.map(pick)
  const p = order.payment
  const row = await trx
    .with('o', (db) => db.insertInto('orders')
      .values({
        merchant_id: order.merchantId,
        customer_id: order.customerId,
        external_reference: order.externalReference,
        status: order.status,
        approve_status: order.approveStatus,
        vendor_approve_status: order.vendorApproveStatus,
        fraud_status: order.fraudStatus,
        payment_type: order.paymentType,
        currency: order.currency,
        language: order.language,
        country: order.country,
        net_price_minor: order.netPriceMinor,
        gross_price_minor: order.grossPriceMinor,
        net_discounted_price_minor: order.netDiscountedPriceMinor,
        gross_discounted_price_minor: order.grossDiscountedPriceMinor,
        discount_minor: order.discountMinor,
        vat_minor: order.vatMinor,
        shipping_minor: order.shippingMinor,
        billing_details: json(order.billingDetails),
        delivery_details: nullableJson(order.deliveryDetails),
        delivery_information: nullableJson(order.deliveryInformation),
        payment_details: json(order.paymentDetails),
        promotions: json(order.promotions),
        additional_fields: nullableJson(order.additionalFields),
        gift_details: nullableJson(order.giftDetails),
        errors: nullableJson(order.errors),
        extra: json(order.extra),
        order_date: order.orderDate,
        finish_date: order.finishDate,
        ...(finished ? { order_no: sql<bigint>`nextval('order_no_seq')` } : {})
      })
      .returning(['id', 'ref_no', 'order_no']))
    .with('i', (db) => db.insertInto('order_items')
      .columns(['order_id', 'line_no', 'product_code', 'product_name', 'sku', 'quantity', 'unit_net_price_minor', 'net_price_minor',
        'discount_minor', 'vat_minor', 'gross_price_minor', 'vat_percent_bp', 'details'])
      .expression((eb) => eb.selectFrom('o').select([
        'o.id',
        sql<number>`unnest(${column((i) => i.lineNo)}::int[])`.as('line_no'),
        sql<string>`unnest(${column((i) => i.productCode)}::text[])`.as('product_code'),
        sql<string>`unnest(${column((i) => i.productName)}::text[])`.as('product_name'),
        sql<string>`unnest(${column((i) => i.sku)}::text[])`.as('sku'),
        sql<number>`unnest(${column((i) => i.quantity)}::int[])`.as('quantity'),
        sql<bigint>`unnest(${column((i) => String(i.unitNetPriceMinor))}::int8[])`.as('unit_net_price_minor'),
        sql<bigint>`unnest(${column((i) => String(i.netPriceMinor))}::int8[])`.as('net_price_minor'),
        sql<bigint>`unnest(${column((i) => String(i.discountMinor))}::int8[])`.as('discount_minor'),
        sql<bigint>`unnest(${column((i) => String(i.vatMinor))}::int8[])`.as('vat_minor'),
        sql<bigint>`unnest(${column((i) => String(i.grossPriceMinor))}::int8[])`.as('gross_price_minor'),
        sql<number>`unnest(${column((i) => i.vatPercentBp)}::int[])`.as('vat_percent_bp'),
        sql<string>`unnest(${column((i) => json(i.details))}::jsonb[])`.as('details')
      ])))
    .with('p', (db) => db.insertInto('payments')
      .columns(['order_id', 'type', 'status', 'amount_minor', 'currency', 'card_brand', 'card_first6', 'card_last4', 'card_expiry',
        'processor_reference', 'decline_reason', 'details'])
      .expression((eb) => eb.selectFrom('o').select([
        'o.id',
        sql<string>`${p.type}::text`.as('type'),
        sql<string>`${p.status}::text`.as('status'),
        sql<bigint>`${p.amountMinor}::int8`.as('amount_minor'),
        sql<string>`${p.currency}::char(3)`.as('currency'),
        sql<string>`${p.card?.brand ?? null}::text`.as('card_brand'),
        sql<string>`${p.card?.first6 ?? null}::char(6)`.as('card_first6'),
        sql<string>`${p.card?.last4 ?? null}::char(4)`.as('card_last4'),
        sql<string>`${p.card?.expiry ?? null}::text`.as('card_expiry'),
        sql<string>`${p.processorReference ?? null}::text`.as('processor_reference'),
        sql<string>`${p.declineReason ?? null}::text`.as('decline_reason'),
        sql<string>`${json(p.details ?? {})}::jsonb`.as('details')
      ])))
    .with('e', (db) => db.insertInto('order_events')
      .columns(['order_id', 'at', 'from_status', 'to_status', 'event', 'actor', 'detail'])
      .expression((eb) => eb.selectFrom('o').select([
        'o.id',
        sql<Date>`unnest(${order.events.map((e) => e.at.toISOString())}::timestamptz[])`.as('at'),
        sql<string>`unnest(${order.events.map((e) => e.fromStatus)}::text[])`.as('from_status'),
        sql<string>`unnest(${order.events.map((e) => e.toStatus)}::text[])`.as('to_status'),
        sql<string>`unnest(${order.events.map((e) => e.event)}::text[])`.as('event'),
        sql<string>`unnest(${order.events.map((e) => e.actor)}::text[])`.as('actor'),
        sql<string>`unnest(${order.events.map((e) => json(e.detail ?? {}))}::jsonb[])`.as('detail')
      ])))
    .selectFrom('o')
    .select(['o.id', 'o.ref_no', 'o.order_no'])
    .executeTakeFirstOrThrow()
  return { id: row.id, refNo: row.ref_no, orderNo: row.order_no }
}

/** This merchant's order by RefNo (another merchant's order is simply not found). */
export async function findOrderByRefNo (db: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<StoredOrder | undefined> {
  const row = await db.selectFrom('orders')
    .innerJoin('merchants', 'merchants.id', 'orders.merchant_id')
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .selectAll('orders')
    .select(['merchants.code as merchant_code', 'customers.customer_reference'])
    .where('orders.merchant_id', '=', merchantId)
    .where('orders.ref_no', '=', refNo)
    .executeTakeFirst()
  if (row === undefined) return undefined
  const items = await db.selectFrom('order_items').selectAll().where('order_id', '=', row.id).orderBy('line_no').execute()
  return {
    id: row.id,
    merchantCode: row.merchant_code,
    refNo: row.ref_no,
    orderNo: row.order_no,
    customerReference: row.customer_reference,
    externalReference: row.external_reference,
    status: row.status as OrderStatus,
    approveStatus: row.approve_status as ApproveStatus,
    vendorApproveStatus: row.vendor_approve_status as VendorApproveStatus,
    fraudStatus: row.fraud_status as FraudStatus | null,
    paymentType: row.payment_type,
    currency: row.currency,
    language: row.language,
    country: row.country,
    netPriceMinor: row.net_price_minor,
    grossPriceMinor: row.gross_price_minor,
    netDiscountedPriceMinor: row.net_discounted_price_minor,
    grossDiscountedPriceMinor: row.gross_discounted_price_minor,
    discountMinor: row.discount_minor,
    vatMinor: row.vat_minor,
    shippingMinor: row.shipping_minor,
    billingDetails: row.billing_details as Record<string, unknown>,
    deliveryDetails: row.delivery_details as Record<string, unknown> | null,
    deliveryInformation: row.delivery_information as Record<string, unknown> | null,
    paymentDetails: row.payment_details as Record<string, unknown>,
    promotions: row.promotions as unknown[],
    additionalFields: row.additional_fields as unknown[] | null,
    giftDetails: row.gift_details as Record<string, unknown> | null,
    errors: row.errors as Record<string, string> | null,
    extra: row.extra as Record<string, unknown>,
    orderDate: row.order_date,
    finishDate: row.finish_date,
    items: items.map((item) => ({
      lineNo: item.line_no,
      productCode: item.product_code,
      productName: item.product_name,
      sku: item.sku,
      quantity: item.quantity,
      unitNetPriceMinor: item.unit_net_price_minor,
      netPriceMinor: item.net_price_minor,
      discountMinor: item.discount_minor,
      vatMinor: item.vat_minor,
      grossPriceMinor: item.gross_price_minor,
      vatPercentBp: item.vat_percent_bp,
      details: item.details as Record<string, unknown>
    }))
  }
}
