import { CompiledQuery, type Kysely, type Selectable } from 'kysely'
import type { NewCustomer } from '../customers/customer-store.js'
import { namedStatement } from '../db/named-statement.js'
import { batchedRead, batchStatements } from '../db/read-batcher.js'
import type { Database, OrdersTable } from '../db/schema.js'
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
  /** the customer's id, or the customer to create with the order */
  customer: { id: bigint } | { create: NewCustomer }
  payment: NewPayment
  /** the order's first history entries (PLACED, …), stored in the same statement */
  events: ReadonlyArray<Omit<OrderEvent, 'orderId'>>
  /** an approved card kept (or refreshed) for the customer */
  storedCard?: { brand: string, first6: string, last4: string, expiry: string, holderName: string, processorToken: string } | undefined
  /** a fraud review opened with the order */
  fraudReview?: { openedBy: string, reason: string, nextStatus: string } | undefined
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

// Customer (found or created), order, lines, payment, history, stored card and fraud review: ONE
// statement, atomic on its own, so an order outside a transaction costs one round trip. When the
// customer to create already exists (a racing first order of the same shopper committed it),
// `created` is empty and so is everything built on it: nothing is written and no row comes back.
const INSERT_ORDER = namedStatement<
  'customer_id' | 'merchant_id' | 'customer_reference' | 'first_name' | 'last_name' | 'email' | 'company' |
  'external_reference' | 'status' | 'approve_status' | 'vendor_approve_status' | 'fraud_status' | 'payment_type' | 'currency' |
  'language' | 'country' | 'net_price' | 'gross_price' | 'net_discounted_price' | 'gross_discounted_price' | 'discount' | 'vat' |
  'shipping' | 'billing_details' | 'delivery_details' | 'delivery_information' | 'payment_details' | 'promotions' |
  'additional_fields' | 'gift_details' | 'errors' | 'extra' | 'order_date' | 'finish_date' | 'finished' |
  'line_no' | 'product_code' | 'product_name' | 'sku' | 'quantity' | 'unit_net_price' | 'line_net_price' | 'line_discount' |
  'line_vat' | 'line_gross_price' | 'vat_percent_bp' | 'line_details' |
  'pay_type' | 'pay_status' | 'amount' | 'pay_currency' | 'card_brand' | 'card_first6' | 'card_last4' | 'card_expiry' |
  'processor_reference' | 'decline_reason' | 'pay_details' |
  'event_at' | 'event_from' | 'event_to' | 'event_name' | 'event_actor' | 'event_detail' |
  'keep_brand' | 'keep_first6' | 'keep_last4' | 'keep_expiry' | 'keep_holder' | 'keep_token' |
  'review_by' | 'review_reason' | 'review_next'
>(`
with found as (
  select $customer_id::int8 as id where $customer_id::int8 is not null
), created as (
  insert into customers (merchant_id, customer_reference, first_name, last_name, email, company)
  select $merchant_id::int8, $customer_reference::int8, $first_name::text, $last_name::text, $email::text, $company::text
  where $customer_id::int8 is null
  on conflict do nothing
  returning id
), c as (
  select id from found union all select id from created
), o as (
  insert into orders (merchant_id, customer_id, external_reference, status, approve_status, vendor_approve_status, fraud_status,
    payment_type, currency, language, country, net_price_minor, gross_price_minor, net_discounted_price_minor,
    gross_discounted_price_minor, discount_minor, vat_minor, shipping_minor, billing_details, delivery_details,
    delivery_information, payment_details, promotions, additional_fields, gift_details, errors, extra, order_date, finish_date, order_no)
  select $merchant_id::int8, c.id, $external_reference::text, $status::text, $approve_status::text, $vendor_approve_status::text,
    $fraud_status::text, $payment_type::text, $currency::text, $language::text, $country::text, $net_price::int8, $gross_price::int8,
    $net_discounted_price::int8, $gross_discounted_price::int8, $discount::int8, $vat::int8, $shipping::int8,
    $billing_details::jsonb, $delivery_details::jsonb, $delivery_information::jsonb, $payment_details::jsonb, $promotions::jsonb,
    $additional_fields::jsonb, $gift_details::jsonb, $errors::jsonb, $extra::jsonb, $order_date::timestamptz, $finish_date::timestamptz,
    case when $finished::bool then nextval('order_no_seq') else 0 end
  from c
  returning id, ref_no, order_no, customer_id
), i as (
  insert into order_items (order_id, line_no, product_code, product_name, sku, quantity, unit_net_price_minor, net_price_minor,
    discount_minor, vat_minor, gross_price_minor, vat_percent_bp, details)
  select o.id, unnest($line_no::int[]), unnest($product_code::text[]), unnest($product_name::text[]), unnest($sku::text[]),
    unnest($quantity::int[]), unnest($unit_net_price::int8[]), unnest($line_net_price::int8[]), unnest($line_discount::int8[]),
    unnest($line_vat::int8[]), unnest($line_gross_price::int8[]), unnest($vat_percent_bp::int[]), unnest($line_details::jsonb[])
  from o
), p as (
  insert into payments (order_id, type, status, amount_minor, currency, card_brand, card_first6, card_last4, card_expiry,
    processor_reference, decline_reason, details)
  select o.id, $pay_type::text, $pay_status::text, $amount::int8, $pay_currency::text, $card_brand::text, $card_first6::text,
    $card_last4::text, $card_expiry::text, $processor_reference::text, $decline_reason::text, $pay_details::jsonb
  from o
), e as (
  insert into order_events (order_id, at, from_status, to_status, event, actor, detail)
  select o.id, unnest($event_at::timestamptz[]), unnest($event_from::text[]), unnest($event_to::text[]), unnest($event_name::text[]),
    unnest($event_actor::text[]), unnest($event_detail::jsonb[])
  from o
), sc as (
  insert into stored_cards (merchant_id, customer_id, brand, first6, last4, expiry, holder_name, processor_token, created_at, last_used_at)
  select $merchant_id::int8, o.customer_id, $keep_brand::text, $keep_first6::text, $keep_last4::text, $keep_expiry::text,
    $keep_holder::text, $keep_token::text, $order_date::timestamptz, $order_date::timestamptz
  from o where $keep_token::text is not null
  on conflict on constraint stored_cards_customer_card_key do update
    set processor_token = excluded.processor_token, holder_name = excluded.holder_name, last_used_at = excluded.last_used_at
), fr as (
  insert into fraud_reviews (order_id, opened_by, reason, opened_at, next_status)
  select o.id, $review_by::text, $review_reason::text, $order_date::timestamptz, $review_next::text
  from o where $review_reason::text is not null
)
select id, ref_no, order_no, customer_id from o`)

/**
 * Stores the order in ONE statement (data-modifying CTEs): the customer when it is new, the
 * order, its lines (parallel arrays unnested together), its payment record, its first history
 * entries, the card kept for the customer and an opened fraud review. Answers the id, RefNo,
 * OrderNo and customer id, or undefined when the customer to create already exists (nothing
 * was written: look the customer up and call again).
 */
export async function insertOrder (db: Kysely<Database>, order: NewOrder): Promise<{ id: bigint, refNo: bigint, orderNo: bigint, customerId: bigint } | undefined> {
  const items = order.items
  const p = order.payment
  const created = 'create' in order.customer ? order.customer.create : undefined
  const keep = order.storedCard
  const review = order.fraudReview
  const events = order.events
  const parameters = INSERT_ORDER.bind({
    customer_id: 'id' in order.customer ? order.customer.id : null,
    merchant_id: order.merchantId,
    customer_reference: created?.customerReference ?? null,
    first_name: created?.firstName ?? null,
    last_name: created?.lastName ?? null,
    email: created?.email ?? null,
    company: created?.company ?? null,
    external_reference: order.externalReference,
    status: order.status,
    approve_status: order.approveStatus,
    vendor_approve_status: order.vendorApproveStatus,
    fraud_status: order.fraudStatus,
    payment_type: order.paymentType,
    currency: order.currency,
    language: order.language,
    country: order.country,
    net_price: order.netPriceMinor,
    gross_price: order.grossPriceMinor,
    net_discounted_price: order.netDiscountedPriceMinor,
    gross_discounted_price: order.grossDiscountedPriceMinor,
    discount: order.discountMinor,
    vat: order.vatMinor,
    shipping: order.shippingMinor,
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
    finished: order.status === 'COMPLETE',
    line_no: items.map((i) => i.lineNo),
    product_code: items.map((i) => i.productCode),
    product_name: items.map((i) => i.productName),
    sku: items.map((i) => i.sku),
    quantity: items.map((i) => i.quantity),
    unit_net_price: items.map((i) => String(i.unitNetPriceMinor)),
    line_net_price: items.map((i) => String(i.netPriceMinor)),
    line_discount: items.map((i) => String(i.discountMinor)),
    line_vat: items.map((i) => String(i.vatMinor)),
    line_gross_price: items.map((i) => String(i.grossPriceMinor)),
    vat_percent_bp: items.map((i) => i.vatPercentBp),
    line_details: items.map((i) => json(i.details)),
    pay_type: p.type,
    pay_status: p.status,
    amount: p.amountMinor,
    pay_currency: p.currency,
    card_brand: p.card?.brand ?? null,
    card_first6: p.card?.first6 ?? null,
    card_last4: p.card?.last4 ?? null,
    card_expiry: p.card?.expiry ?? null,
    processor_reference: p.processorReference ?? null,
    decline_reason: p.declineReason ?? null,
    pay_details: json(p.details ?? {}),
    event_at: events.map((e) => e.at.toISOString()),
    event_from: events.map((e) => e.fromStatus),
    event_to: events.map((e) => e.toStatus),
    event_name: events.map((e) => e.event),
    event_actor: events.map((e) => e.actor),
    event_detail: events.map((e) => json(e.detail ?? {})),
    keep_brand: keep?.brand ?? null,
    keep_first6: keep?.first6 ?? null,
    keep_last4: keep?.last4 ?? null,
    keep_expiry: keep?.expiry ?? null,
    keep_holder: keep?.holderName ?? null,
    keep_token: keep?.processorToken ?? null,
    review_by: review?.openedBy ?? null,
    review_reason: review?.reason ?? null,
    review_next: review?.nextStatus ?? null
  })
  const { rows } = await db.executeQuery<{ id: bigint, ref_no: bigint, order_no: bigint, customer_id: bigint }>(CompiledQuery.raw(INSERT_ORDER.text, parameters))
  const row = rows[0]
  return row === undefined ? undefined : { id: row.id, refNo: row.ref_no, orderNo: row.order_no, customerId: row.customer_id }
}

// The order with its merchant code, customer reference and lines, in ONE round trip, for every
// order that concurrent calls ask for at once. Lines come as one JSON array (ordered by line_no)
// with their int8 amounts as text, so no amount passes through a JavaScript number.
const ORDERS_BY_REF_NO = batchStatements([['merchant_id', 'int8'], ['ref_no', 'int8']], (source) => `
select k.n, o.*, m.code as merchant_code, c.customer_reference,
  coalesce((
    select json_agg(json_build_array(i.line_no, i.product_code, i.product_name, i.sku, i.quantity,
      i.unit_net_price_minor::text, i.net_price_minor::text, i.discount_minor::text, i.vat_minor::text,
      i.gross_price_minor::text, i.vat_percent_bp, i.details) order by i.line_no)
    from order_items i where i.order_id = o.id
  ), '[]'::json) as items
from ${source}
join orders o on o.merchant_id = k.merchant_id and o.ref_no = k.ref_no
join merchants m on m.id = o.merchant_id
left join customers c on c.id = o.customer_id`)

type OrderRow = Selectable<OrdersTable> & { n: number, merchant_code: string, customer_reference: bigint | null, items: OrderItemTuple[] }
type OrderItemTuple = [number, string, string, string | null, number, string, string, string, string, string, number, Record<string, unknown>]

const readOrder = batchedRead(ORDERS_BY_REF_NO, (key: { merchantId: bigint, refNo: bigint }) => [key.merchantId, key.refNo], toStoredOrder)

/** This merchant's order by RefNo (another merchant's order is simply not found). */
export async function findOrderByRefNo (db: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<StoredOrder | undefined> {
  return await readOrder(db, { merchantId, refNo })
}

function toStoredOrder (row: OrderRow): StoredOrder {
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
    items: row.items.map(([lineNo, productCode, productName, sku, quantity, unitNet, net, discount, vat, gross, vatPercentBp, details]) => ({
      lineNo,
      productCode,
      productName,
      sku,
      quantity,
      unitNetPriceMinor: BigInt(unitNet),
      netPriceMinor: BigInt(net),
      discountMinor: BigInt(discount),
      vatMinor: BigInt(vat),
      grossPriceMinor: BigInt(gross),
      vatPercentBp,
      details
    }))
  }
}
