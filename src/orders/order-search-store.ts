import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../db/schema.js'
import { AWAITING_PAYMENT_STATUSES } from './order.js'
import { STORED_ORDER_COLUMNS, toStoredOrder, type StoredOrder, type StoredOrderRow } from './order-store.js'

/** What searchOrders filters a merchant's orders by: placed in [from, before), and every equality given. */
export type OrderFilter = {
  from: Date
  before?: Date | undefined
  status?: string | undefined
  approveStatus?: string | undefined
  externalReference?: string | undefined
  /** lower-case: compared with the order's BillingDetails.Email in lower case */
  email?: string | undefined
  customerReference?: bigint | undefined
  customerId?: bigint | undefined
  productCode?: string | undefined
  /** overdue at this moment: due before it (orders.payment_due_at), still awaiting payment (AWAITING_PAYMENT_STATUSES) */
  overdueAt?: Date | undefined
}

// Each filter has an index that leads with it and ends in (order_date desc, id desc)
// (migrations/202612031000_add_order_search_indexes.ts), so a page is the first rows of one
// index range and the count is the length of that range: neither grows with the orders the
// merchant has outside the filter.
function matching (db: Kysely<Database>, merchantId: bigint, filter: OrderFilter) {
  let query = db.selectFrom('orders as o').where('o.merchant_id', '=', merchantId).where('o.order_date', '>=', filter.from)
  if (filter.before !== undefined) query = query.where('o.order_date', '<', filter.before)
  if (filter.status !== undefined) query = query.where('o.status', '=', filter.status)
  if (filter.approveStatus !== undefined) query = query.where('o.approve_status', '=', filter.approveStatus)
  if (filter.externalReference !== undefined) query = query.where('o.external_reference', '=', filter.externalReference)
  // The expression of orders_merchant_email_idx, to the letter, so the index serves it.
  if (filter.email !== undefined) query = query.where(sql<string>`lower(o.billing_details ->> 'Email')`, '=', filter.email)
  if (filter.customerId !== undefined) query = query.where('o.customer_id', '=', filter.customerId)
  // orders_payment_due_idx (migration 202612043000) holds only orders with terms.
  if (filter.overdueAt !== undefined) query = query.where('o.payment_due_at', '<', filter.overdueAt).where('o.status', 'in', AWAITING_PAYMENT_STATUSES)
  const { customerReference, productCode } = filter
  if (customerReference !== undefined) {
    // A scalar subquery (the reference is unique per merchant): run once, its id is then an index
    // condition on orders_customer_date_idx, where an IN join leaves the planner other paths.
    query = query.where('o.customer_id', '=', (eb) => eb.selectFrom('customers').select('customers.id')
      .where('customers.merchant_id', '=', merchantId).where('customers.customer_reference', '=', customerReference))
  }
  if (productCode !== undefined) {
    query = query.where((eb) => eb.exists(eb.selectFrom('order_items as i').select(sql`1`.as('one'))
      .whereRef('i.order_id', '=', 'o.id').where('i.product_code', '=', productCode)))
  }
  return query
}

type SearchRow = Partial<StoredOrderRow> & { total: bigint | number | string }

/**
 * The statement of `searchStoredOrders` (exported for its EXPLAIN in the tests): the count of the
 * matching orders joined to the page of them, read whole.
 */
export function searchOrdersStatement (db: Kysely<Database>, merchantId: bigint, filter: OrderFilter, page: { offset: number, limit: number }): RawBuilder<SearchRow> {
  const total = matching(db, merchantId, filter).select((eb) => eb.fn.countAll().as('total'))
  const ids = matching(db, merchantId, filter).select('o.id')
    .orderBy('o.order_date', 'desc').orderBy('o.id', 'desc').limit(page.limit).offset(page.offset)
  // A page past the last still answers the count: the page is joined to it, not the other way.
  return sql<SearchRow>`
    select t.total, r.* from (${total}) t
    left join lateral (
      select ${sql.raw(STORED_ORDER_COLUMNS)}
      from (${ids}) p
      join orders o on o.id = p.id
      join merchants m on m.id = o.merchant_id
      left join customers c on c.id = o.customer_id
    ) r on true
    order by r.order_date desc, r.id desc`
}

/**
 * One page of this merchant's orders matching the filter, newest first (then by id), read whole
 * (lines, merchant code, customer reference) with the number that match, in ONE statement: one
 * round trip and one snapshot for the page and its count, however many orders the page holds.
 */
export async function searchStoredOrders (
  db: Kysely<Database>,
  merchantId: bigint,
  filter: OrderFilter,
  page: { offset: number, limit: number }
): Promise<{ orders: StoredOrder[], count: number }> {
  const { rows } = await searchOrdersStatement(db, merchantId, filter, page).execute(db)
  const count = Number(rows[0]?.total ?? 0)
  const orders = rows.filter((row) => row.id !== null && row.id !== undefined).map((row) => toStoredOrder(row as StoredOrderRow))
  return { orders, count }
}
