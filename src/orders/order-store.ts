import { CompiledQuery, type Kysely, type Selectable } from 'kysely'
import type { NewCustomer } from '../customers/customer-store.js'
import { namedStatement } from '../db/named-statement.js'
import { batchedRead, batchStatements, coalesced, isRolledBackStatementError } from '../db/coalesce.js'
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
  /** what staff did to its prices (order_adjustments), oldest first; empty unless an assisted sale */
  staffAdjustments: StoredAdjustment[]
  /** its PDF attachments' metadata (order_attachments), oldest first */
  attachments: StoredAttachment[]
  /**
   * Only on an order just placed: the IPN notifications the statement that stored it queued (0:
   * the delivery worker has nothing new to look for). Undefined when not known.
   */
  notificationsQueued?: number
}

/** A merchant user as an order names them. */
export type StaffRef = { id: bigint, username: string }

/** One staff discount or override as read back, with who gave it. */
export type StoredAdjustment = NewAdjustment & { user: StaffRef, approvedBy: StaffRef | null }

/** An attachment's metadata as the order lists it. */
export type StoredAttachment = { id: bigint, fileName: string, sizeBytes: number, sha256: string, addedAt: Date, addedBy: StaffRef }

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

export type NewOrder = Omit<StoredOrder, 'id' | 'refNo' | 'orderNo' | 'merchantCode' | 'customerReference' | 'staffAdjustments' | 'attachments'> & {
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
  /** the merchant user who placed it on the customer's behalf (orders.placed_by_user_id) */
  placedByUserId?: bigint | undefined
  /** the staff discounts and overrides, with the amounts before and after and who gave each (order_adjustments) */
  adjustments?: readonly NewAdjustment[] | undefined
  /** when an order paid later is due (its payment terms; orders.payment_due_at) */
  paymentDueAt?: Date | undefined
  /** the client's key (its idempotency_keys row exists): the statement ties it to the order */
  idempotencyKey?: string | undefined
}

export type AdjustmentKind = 'LINE_DISCOUNT' | 'ORDER_DISCOUNT' | 'PAYMENT_NOT_REQUIRED'

/** One staff discount or override as order_adjustments keeps it; money in minor units. */
export type NewAdjustment = {
  /** the line (1-based), null for the order */
  lineNo: number | null
  kind: AdjustmentKind
  discountType: string | null
  /** the Value as the staff member gave it on the wire (the original RefNo of a replacement) */
  value: string
  oldMinor: bigint
  newMinor: bigint
  reason: string
  /** the merchant's reason code given with it (Assisted.ReasonCode) */
  reasonCode: string | null
  /** the merchant user who gave it: the one who placed the order, or on a draft's order the one who set it on the draft */
  userId: bigint
  /** the supervisor who approved it above the user's limit */
  approvedByUserId: bigint | null
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

// Orders (each with its customer found or created, lines, payment, history, kept card, fraud
// review, staff adjustments and idempotency key) in ONE statement, atomic on its own, so storing them outside a transaction costs one
// round trip for all of them. Each order is a slot `n`: its own values are the n-th element of
// the order arrays, its lines and history entries are the elements tagged n in theirs.
// - A new customer is matched back to its slots by its unique key, so two orders of one new
//   shopper share the customer created for them. When the customer to create already exists (a
//   racing order of the same shopper committed it), its slots find no customer and are not
//   written: no row comes back for them.
// - Each slot's RefNo is drawn from the sequence in `s` (volatile, so evaluated once) and the
//   inserted orders are matched back to their slots by it.
// - ON CONFLICT DO UPDATE may not touch one row twice in a command: a card kept by two orders of
//   one customer is upserted once, with the later order's values.
const INSERT_ORDERS = namedStatement<
  'n' | 'customer_id' | 'merchant_id' | 'customer_reference' | 'first_name' | 'last_name' | 'email' | 'company' |
  'external_reference' | 'status' | 'approve_status' | 'vendor_approve_status' | 'fraud_status' | 'payment_type' | 'currency' |
  'language' | 'country' | 'net_price' | 'gross_price' | 'net_discounted_price' | 'gross_discounted_price' | 'discount' | 'vat' |
  'shipping' | 'billing_details' | 'delivery_details' | 'delivery_information' | 'payment_details' | 'promotions' |
  'additional_fields' | 'gift_details' | 'errors' | 'extra' | 'order_date' | 'finish_date' | 'finished' |
  'pay_type' | 'pay_status' | 'amount' | 'pay_currency' | 'card_brand' | 'card_first6' | 'card_last4' | 'card_expiry' |
  'processor_reference' | 'decline_reason' | 'pay_details' |
  'keep_brand' | 'keep_first6' | 'keep_last4' | 'keep_expiry' | 'keep_holder' | 'keep_token' |
  'review_by' | 'review_reason' | 'review_next' | 'placed_by' | 'idempotency_key' | 'payment_due_at' |
  'line_n' | 'line_no' | 'product_code' | 'product_name' | 'sku' | 'quantity' | 'unit_net_price' | 'line_net_price' | 'line_discount' |
  'line_vat' | 'line_gross_price' | 'vat_percent_bp' | 'line_details' |
  'event_n' | 'event_at' | 'event_from' | 'event_to' | 'event_name' | 'event_actor' | 'event_user' | 'event_reason' | 'event_detail' |
  'adj_n' | 'adj_line_no' | 'adj_kind' | 'adj_type' | 'adj_value' | 'adj_old' | 'adj_new' | 'adj_reason' | 'adj_reason_code' | 'adj_user' | 'adj_approved_by'
>(`
with k as (
  select * from unnest($n::int[], $customer_id::int8[], $merchant_id::int8[], $customer_reference::int8[], $first_name::text[],
    $last_name::text[], $email::text[], $company::text[], $external_reference::text[], $status::text[], $approve_status::text[],
    $vendor_approve_status::text[], $fraud_status::text[], $payment_type::text[], $currency::text[], $language::text[], $country::text[],
    $net_price::int8[], $gross_price::int8[], $net_discounted_price::int8[], $gross_discounted_price::int8[], $discount::int8[],
    $vat::int8[], $shipping::int8[], $billing_details::jsonb[], $delivery_details::jsonb[], $delivery_information::jsonb[],
    $payment_details::jsonb[], $promotions::jsonb[], $additional_fields::jsonb[], $gift_details::jsonb[], $errors::jsonb[],
    $extra::jsonb[], $order_date::timestamptz[], $finish_date::timestamptz[], $finished::bool[],
    $pay_type::text[], $pay_status::text[], $amount::int8[], $pay_currency::text[], $card_brand::text[], $card_first6::text[],
    $card_last4::text[], $card_expiry::text[], $processor_reference::text[], $decline_reason::text[], $pay_details::jsonb[],
    $keep_brand::text[], $keep_first6::text[], $keep_last4::text[], $keep_expiry::text[], $keep_holder::text[], $keep_token::text[],
    $review_by::text[], $review_reason::text[], $review_next::text[], $placed_by::int8[], $idempotency_key::text[],
    $payment_due_at::timestamptz[])
  as k(n, customer_id, merchant_id, customer_reference, first_name, last_name, email, company, external_reference, status,
    approve_status, vendor_approve_status, fraud_status, payment_type, currency, language, country, net_price, gross_price,
    net_discounted_price, gross_discounted_price, discount, vat, shipping, billing_details, delivery_details, delivery_information,
    payment_details, promotions, additional_fields, gift_details, errors, extra, order_date, finish_date, finished,
    pay_type, pay_status, amount, pay_currency, card_brand, card_first6, card_last4, card_expiry, processor_reference,
    decline_reason, pay_details, keep_brand, keep_first6, keep_last4, keep_expiry, keep_holder, keep_token,
    review_by, review_reason, review_next, placed_by, idempotency_key, payment_due_at)
), created as (
  insert into customers (merchant_id, customer_reference, first_name, last_name, email, company)
  select merchant_id, customer_reference, first_name, last_name, email, company from k where customer_id is null
  on conflict do nothing
  returning id, merchant_id, customer_reference, email
), c as (
  select k.n, k.customer_id as id from k where k.customer_id is not null
  union all
  select k.n, cr.id from k join created cr on cr.merchant_id = k.merchant_id
    and (cr.customer_reference = k.customer_reference
      or (k.customer_reference is null and cr.customer_reference is null and lower(cr.email) = lower(k.email)))
  where k.customer_id is null
), s as (
  select k.*, c.id as order_customer_id, nextval('order_ref_no_seq') as new_ref_no from k join c on c.n = k.n
), o as (
  insert into orders (merchant_id, customer_id, ref_no, external_reference, status, approve_status, vendor_approve_status, fraud_status,
    payment_type, currency, language, country, net_price_minor, gross_price_minor, net_discounted_price_minor,
    gross_discounted_price_minor, discount_minor, vat_minor, shipping_minor, billing_details, delivery_details,
    delivery_information, payment_details, promotions, additional_fields, gift_details, errors, extra, order_date, finish_date, order_no,
    placed_by_user_id, payment_due_at)
  select merchant_id, order_customer_id, new_ref_no, external_reference, status, approve_status, vendor_approve_status, fraud_status,
    payment_type, currency, language, country, net_price, gross_price, net_discounted_price, gross_discounted_price, discount, vat,
    shipping, billing_details, delivery_details, delivery_information, payment_details, promotions, additional_fields, gift_details,
    errors, extra, order_date, finish_date, case when finished then nextval('order_no_seq') else 0 end, placed_by,
    payment_due_at
  from s
  returning id, ref_no, order_no, customer_id
), so as (
  select s.*, o.id as order_id, o.order_no as new_order_no from s join o on o.ref_no = s.new_ref_no
), i as (
  insert into order_items (order_id, line_no, product_code, product_name, sku, quantity, unit_net_price_minor, net_price_minor,
    discount_minor, vat_minor, gross_price_minor, vat_percent_bp, details)
  select so.order_id, l.line_no, l.product_code, l.product_name, l.sku, l.quantity, l.unit_net_price, l.line_net_price,
    l.line_discount, l.line_vat, l.line_gross_price, l.vat_percent_bp, l.line_details
  from unnest($line_n::int[], $line_no::int[], $product_code::text[], $product_name::text[], $sku::text[], $quantity::int[],
    $unit_net_price::int8[], $line_net_price::int8[], $line_discount::int8[], $line_vat::int8[], $line_gross_price::int8[],
    $vat_percent_bp::int[], $line_details::jsonb[])
    as l(n, line_no, product_code, product_name, sku, quantity, unit_net_price, line_net_price, line_discount, line_vat,
      line_gross_price, vat_percent_bp, line_details)
  join so on so.n = l.n
), p as (
  insert into payments (order_id, type, status, amount_minor, currency, card_brand, card_first6, card_last4, card_expiry,
    processor_reference, decline_reason, details)
  select order_id, pay_type, pay_status, amount, pay_currency, card_brand, card_first6, card_last4, card_expiry,
    processor_reference, decline_reason, pay_details
  from so
), e as (
  insert into order_events (order_id, at, from_status, to_status, event, actor, user_id, reason, detail)
  select so.order_id, h.at, h.from_status, h.to_status, h.event, h.actor, h.user_id, h.reason, h.detail
  from unnest($event_n::int[], $event_at::timestamptz[], $event_from::text[], $event_to::text[], $event_name::text[],
    $event_actor::text[], $event_user::int8[], $event_reason::text[], $event_detail::jsonb[])
    with ordinality as h(n, at, from_status, to_status, event, actor, user_id, reason, detail, position)
  join so on so.n = h.n
  -- history is read in id order: entries take their ids in the order they happened
  order by h.position
  returning id, order_id, from_status, to_status, event, at
), ipn as (
  -- the IPN outbox, by the rule of src/notifications/outbox-store.ts (enqueueNotifications)
  insert into ipn_notifications (merchant_id, order_id, event_id, url, next_attempt_at, created_at)
  select so.merchant_id, e.order_id, e.id, u.url, e.at, e.at
  from e join so on so.order_id = e.order_id
  join ipn_settings st on st.merchant_id = so.merchant_id
  cross join lateral unnest(st.urls) with ordinality as u(url, position)
  where (e.from_status is distinct from e.to_status or e.event = 'PARTIALLY_REFUNDED')
    and (st.statuses is null or (case when e.event = 'PARTIALLY_REFUNDED' then 'REFUND' else e.to_status end) = any(st.statuses))
  order by e.id, u.position
  returning order_id
), sc as (
  insert into stored_cards (merchant_id, customer_id, brand, first6, last4, expiry, holder_name, processor_token, created_at, last_used_at)
  select distinct on (order_customer_id, keep_brand, keep_first6, keep_last4, keep_expiry)
    merchant_id, order_customer_id, keep_brand, keep_first6, keep_last4, keep_expiry, keep_holder, keep_token, order_date, order_date
  from so where keep_token is not null
  order by order_customer_id, keep_brand, keep_first6, keep_last4, keep_expiry, n desc
  on conflict on constraint stored_cards_customer_card_key do update
    set processor_token = excluded.processor_token, holder_name = excluded.holder_name, last_used_at = excluded.last_used_at
), fr as (
  insert into fraud_reviews (order_id, opened_by, reason, opened_at, next_status)
  select order_id, review_by, review_reason, order_date, review_next
  from so where review_reason is not null
), adj as (
  insert into order_adjustments (order_id, user_id, line_no, kind, discount_type, value, old_minor, new_minor, reason, reason_code, approved_by_user_id, created_at)
  select so.order_id, a.user_id, a.line_no, a.kind, a.discount_type, a.value, a.old_minor, a.new_minor, a.reason, a.reason_code, a.approved_by, so.order_date
  from unnest($adj_n::int[], $adj_line_no::int[], $adj_kind::text[], $adj_type::text[], $adj_value::text[], $adj_old::int8[],
    $adj_new::int8[], $adj_reason::text[], $adj_reason_code::text[], $adj_user::int8[], $adj_approved_by::int8[])
    with ordinality as a(n, line_no, kind, discount_type, value, old_minor, new_minor, reason, reason_code, user_id, approved_by, position)
  join so on so.n = a.n
  order by a.position
), ik as (
  -- the key's row learns its order with the order, so a retry after a crash answers this order
  update idempotency_keys set response = jsonb_build_object('orderId', so.order_id::text)
  from so where so.idempotency_key is not null
    and idempotency_keys.merchant_id = so.merchant_id and idempotency_keys.key = so.idempotency_key
)
select n, order_id as id, new_ref_no as ref_no, new_order_no as order_no, order_customer_id as customer_id,
  (select count(*) from ipn where ipn.order_id = so.order_id)::int as ipn_queued
from so`)

/** `notificationsQueued`: the IPN notifications its statement put in the outbox (0: none, nothing for the delivery worker to look for). */
export type InsertedOrder = { id: bigint, refNo: bigint, orderNo: bigint, customerId: bigint, notificationsQueued: number }

/**
 * Stores orders in ONE statement (data-modifying CTEs): each order's customer when it is new,
 * the order, its lines, its payment record, its first history entries (and their IPN
 * notifications), the card kept for the customer, an opened fraud review, the staff adjustments
 * and the tie of its idempotency key. Answers, for each order in turn, its id, RefNo, OrderNo
 * and customer id, or undefined when the customer to create already exists (nothing was written
 * for that order: look the customer up and store it again). The statement is atomic: when it
 * fails, none of the orders was written.
 */
export async function insertOrders (db: Kysely<Database>, orders: readonly NewOrder[]): Promise<Array<InsertedOrder | undefined>> {
  const column = <T>(value: (order: NewOrder) => T): T[] => orders.map(value)
  const lines = orders.flatMap((order, index) => order.items.map((item) => ({ n: index + 1, item })))
  const events = orders.flatMap((order, index) => order.events.map((event) => ({ n: index + 1, event })))
  const adjustments = orders.flatMap((order, index) => (order.adjustments ?? []).map((adjustment) => ({ n: index + 1, adjustment })))
  const created = (order: NewOrder): NewCustomer | undefined => ('create' in order.customer ? order.customer.create : undefined)
  const parameters = INSERT_ORDERS.bind({
    n: orders.map((_, index) => index + 1),
    customer_id: column((o) => ('id' in o.customer ? o.customer.id : null)),
    merchant_id: column((o) => o.merchantId),
    customer_reference: column((o) => created(o)?.customerReference ?? null),
    first_name: column((o) => created(o)?.firstName ?? null),
    last_name: column((o) => created(o)?.lastName ?? null),
    email: column((o) => created(o)?.email ?? null),
    company: column((o) => created(o)?.company ?? null),
    external_reference: column((o) => o.externalReference),
    status: column((o) => o.status),
    approve_status: column((o) => o.approveStatus),
    vendor_approve_status: column((o) => o.vendorApproveStatus),
    fraud_status: column((o) => o.fraudStatus),
    payment_type: column((o) => o.paymentType),
    currency: column((o) => o.currency),
    language: column((o) => o.language),
    country: column((o) => o.country),
    net_price: column((o) => String(o.netPriceMinor)),
    gross_price: column((o) => String(o.grossPriceMinor)),
    net_discounted_price: column((o) => String(o.netDiscountedPriceMinor)),
    gross_discounted_price: column((o) => String(o.grossDiscountedPriceMinor)),
    discount: column((o) => String(o.discountMinor)),
    vat: column((o) => String(o.vatMinor)),
    shipping: column((o) => String(o.shippingMinor)),
    billing_details: column((o) => json(o.billingDetails)),
    delivery_details: column((o) => nullableJson(o.deliveryDetails)),
    delivery_information: column((o) => nullableJson(o.deliveryInformation)),
    payment_details: column((o) => json(o.paymentDetails)),
    promotions: column((o) => json(o.promotions)),
    additional_fields: column((o) => nullableJson(o.additionalFields)),
    gift_details: column((o) => nullableJson(o.giftDetails)),
    errors: column((o) => nullableJson(o.errors)),
    extra: column((o) => json(o.extra)),
    order_date: column((o) => o.orderDate.toISOString()),
    finish_date: column((o) => o.finishDate?.toISOString() ?? null),
    finished: column((o) => o.status === 'COMPLETE'),
    pay_type: column((o) => o.payment.type),
    pay_status: column((o) => o.payment.status),
    amount: column((o) => String(o.payment.amountMinor)),
    pay_currency: column((o) => o.payment.currency),
    card_brand: column((o) => o.payment.card?.brand ?? null),
    card_first6: column((o) => o.payment.card?.first6 ?? null),
    card_last4: column((o) => o.payment.card?.last4 ?? null),
    card_expiry: column((o) => o.payment.card?.expiry ?? null),
    processor_reference: column((o) => o.payment.processorReference ?? null),
    decline_reason: column((o) => o.payment.declineReason ?? null),
    pay_details: column((o) => json(o.payment.details ?? {})),
    keep_brand: column((o) => o.storedCard?.brand ?? null),
    keep_first6: column((o) => o.storedCard?.first6 ?? null),
    keep_last4: column((o) => o.storedCard?.last4 ?? null),
    keep_expiry: column((o) => o.storedCard?.expiry ?? null),
    keep_holder: column((o) => o.storedCard?.holderName ?? null),
    keep_token: column((o) => o.storedCard?.processorToken ?? null),
    review_by: column((o) => o.fraudReview?.openedBy ?? null),
    review_reason: column((o) => o.fraudReview?.reason ?? null),
    review_next: column((o) => o.fraudReview?.nextStatus ?? null),
    placed_by: column((o) => o.placedByUserId ?? null),
    payment_due_at: column((o) => o.paymentDueAt ?? null),
    idempotency_key: column((o) => o.idempotencyKey ?? null),
    line_n: lines.map((l) => l.n),
    line_no: lines.map((l) => l.item.lineNo),
    product_code: lines.map((l) => l.item.productCode),
    product_name: lines.map((l) => l.item.productName),
    sku: lines.map((l) => l.item.sku),
    quantity: lines.map((l) => l.item.quantity),
    unit_net_price: lines.map((l) => String(l.item.unitNetPriceMinor)),
    line_net_price: lines.map((l) => String(l.item.netPriceMinor)),
    line_discount: lines.map((l) => String(l.item.discountMinor)),
    line_vat: lines.map((l) => String(l.item.vatMinor)),
    line_gross_price: lines.map((l) => String(l.item.grossPriceMinor)),
    vat_percent_bp: lines.map((l) => l.item.vatPercentBp),
    line_details: lines.map((l) => json(l.item.details)),
    event_n: events.map((e) => e.n),
    event_at: events.map((e) => e.event.at.toISOString()),
    event_from: events.map((e) => e.event.fromStatus),
    event_to: events.map((e) => e.event.toStatus),
    event_name: events.map((e) => e.event.event),
    event_actor: events.map((e) => e.event.actor),
    event_user: events.map((e) => e.event.userId ?? null),
    event_reason: events.map((e) => e.event.reason ?? null),
    event_detail: events.map((e) => json(e.event.detail ?? {})),
    adj_n: adjustments.map((a) => a.n),
    adj_line_no: adjustments.map((a) => a.adjustment.lineNo),
    adj_kind: adjustments.map((a) => a.adjustment.kind),
    adj_type: adjustments.map((a) => a.adjustment.discountType),
    adj_value: adjustments.map((a) => a.adjustment.value),
    adj_old: adjustments.map((a) => String(a.adjustment.oldMinor)),
    adj_new: adjustments.map((a) => String(a.adjustment.newMinor)),
    adj_reason: adjustments.map((a) => a.adjustment.reason),
    adj_reason_code: adjustments.map((a) => a.adjustment.reasonCode),
    adj_user: adjustments.map((a) => String(a.adjustment.userId)),
    adj_approved_by: adjustments.map((a) => (a.adjustment.approvedByUserId === null ? null : String(a.adjustment.approvedByUserId)))
  })
  const { rows } = await db.executeQuery<{ n: number, id: bigint, ref_no: bigint, order_no: bigint, customer_id: bigint, ipn_queued: number }>(CompiledQuery.raw(INSERT_ORDERS.text, parameters))
  const stored = new Array<InsertedOrder | undefined>(orders.length).fill(undefined)
  for (const row of rows) stored[row.n - 1] = { id: row.id, refNo: row.ref_no, orderNo: row.order_no, customerId: row.customer_id, notificationsQueued: Number(row.ipn_queued) }
  return stored
}

/**
 * One order, stored as `insertOrders` stores it (undefined: its new customer already exists).
 * Orders stored outside a transaction in one turn of the event loop share one statement (one
 * round trip and one commit); if PostgreSQL refuses that statement, nothing was written and each
 * order is stored alone, so one order cannot fail the others. A lost connection fails them all
 * (the statement may have committed, so it is not repeated).
 */
export const insertOrder: (db: Kysely<Database>, order: NewOrder) => Promise<InsertedOrder | undefined> =
  coalesced(insertOrders, { retryAlone: isRolledBackStatementError })

// The order with its merchant code, customer reference and lines, in ONE round trip, for every
// order that concurrent calls ask for at once. Lines come as one JSON array (ordered by line_no)
// with their int8 amounts as text, so no amount passes through a JavaScript number.
/** The select list of a StoredOrder row over `orders o`, `merchants m` and `customers c` (toStoredOrder maps it). */
export const STORED_ORDER_COLUMNS = `o.*, m.code as merchant_code, c.customer_reference,
  coalesce((
    select json_agg(json_build_array(i.line_no, i.product_code, i.product_name, i.sku, i.quantity,
      i.unit_net_price_minor::text, i.net_price_minor::text, i.discount_minor::text, i.vat_minor::text,
      i.gross_price_minor::text, i.vat_percent_bp, i.details) order by i.line_no)
    from order_items i where i.order_id = o.id
  ), '[]'::json) as items,
  coalesce((
    select json_agg(json_build_array(a.line_no, a.kind, a.discount_type, a.value, a.old_minor::text, a.new_minor::text, a.reason,
      a.user_id::text, u.username, a.reason_code, a.approved_by_user_id::text, v.username) order by a.id)
    from order_adjustments a join merchant_users u on u.id = a.user_id left join merchant_users v on v.id = a.approved_by_user_id
    where a.order_id = o.id
  ), '[]'::json) as adjustments,
  coalesce((
    select json_agg(json_build_array(f.id::text, f.file_name, f.size_bytes, f.sha256, f.created_at, f.added_by_user_id::text, u.username) order by f.id)
    from order_attachments f join merchant_users u on u.id = f.added_by_user_id where f.order_id = o.id
  ), '[]'::json) as attachments`

const ORDERS_BY_REF_NO = batchStatements([['merchant_id', 'int8'], ['ref_no', 'int8']], (source) => `
select k.n, ${STORED_ORDER_COLUMNS}
from ${source}
join orders o on o.merchant_id = k.merchant_id and o.ref_no = k.ref_no
join merchants m on m.id = o.merchant_id
left join customers c on c.id = o.customer_id`)

/** A row of STORED_ORDER_COLUMNS. */
export type StoredOrderRow = Selectable<OrdersTable> & {
  merchant_code: string
  customer_reference: bigint | null
  items: OrderItemTuple[]
  adjustments: AdjustmentTuple[]
  attachments: AttachmentTuple[]
}
type OrderRow = StoredOrderRow & { n: number }
type AdjustmentTuple = [number | null, AdjustmentKind, string | null, string, string, string, string, string, string, string | null, string | null, string | null]
type AttachmentTuple = [string, string, number, string, string, string, string]
type OrderItemTuple = [number, string, string, string | null, number, string, string, string, string, string, number, Record<string, unknown>]

const readOrder = batchedRead(ORDERS_BY_REF_NO, (key: { merchantId: bigint, refNo: bigint }) => [key.merchantId, key.refNo], (row: OrderRow) => toStoredOrder(row))

/** This merchant's order by RefNo (another merchant's order is simply not found). */
export async function findOrderByRefNo (db: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<StoredOrder | undefined> {
  return await readOrder(db, { merchantId, refNo })
}

/** This merchant's order by its id. */
export async function findOrderById (db: Kysely<Database>, merchantId: bigint, orderId: bigint): Promise<StoredOrder | undefined> {
  const row = await db.selectFrom('orders').select('ref_no').where('id', '=', orderId).where('merchant_id', '=', merchantId).executeTakeFirst()
  return row === undefined ? undefined : await findOrderByRefNo(db, merchantId, row.ref_no)
}

/** Whether this merchant has an order with this RefNo. */
export async function hasOrder (db: Kysely<Database>, merchantId: bigint, refNo: bigint): Promise<boolean> {
  const row = await db.selectFrom('orders').select('id').where('merchant_id', '=', merchantId).where('ref_no', '=', refNo).executeTakeFirst()
  return row !== undefined
}

export function toStoredOrder (row: StoredOrderRow): StoredOrder {
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
    })),
    staffAdjustments: row.adjustments.map(([lineNo, kind, discountType, value, oldMinor, newMinor, reason, userId, username, reasonCode, approverId, approverName]) => ({
      lineNo,
      kind,
      discountType,
      value,
      oldMinor: BigInt(oldMinor),
      newMinor: BigInt(newMinor),
      reason,
      reasonCode,
      userId: BigInt(userId),
      approvedByUserId: approverId === null ? null : BigInt(approverId),
      user: { id: BigInt(userId), username },
      approvedBy: approverId === null || approverName === null ? null : { id: BigInt(approverId), username: approverName }
    })),
    attachments: row.attachments.map(([id, fileName, sizeBytes, sha256, addedAt, userId, username]) => ({
      id: BigInt(id), fileName, sizeBytes, sha256, addedAt: new Date(addedAt), addedBy: { id: BigInt(userId), username }
    }))
  }
}
