import { sql, type Kysely } from 'kysely'

/**
 * searchOrders (issue 18): a merchant's orders newest first, by date range and by each filter.
 * Every index leads with what the filter fixes and ends in (order_date desc, id desc), the
 * order of the answer, so a page is the first rows of one index range and its count the length
 * of that range: the cost follows the orders that match, not the orders stored. The e-mail index
 * is on the expression searchOrders compares (src/orders/order-search-store.ts), to the letter.
 * A customer's orders: (customer_id, order_date desc, id desc) replaces the index on customer_id
 * alone, which is its prefix. Product codes: the lines of a product, with their order.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index orders_merchant_date_idx on orders (merchant_id, order_date desc, id desc)`.execute(db)
  await sql`create index orders_merchant_status_date_idx on orders (merchant_id, status, order_date desc, id desc)`.execute(db)
  await sql`create index orders_merchant_external_reference_idx on orders (merchant_id, external_reference, order_date desc, id desc) where external_reference is not null`.execute(db)
  await sql`create index orders_merchant_email_idx on orders (merchant_id, lower(billing_details ->> 'Email'), order_date desc, id desc)`.execute(db)
  await sql`create index orders_customer_date_idx on orders (customer_id, order_date desc, id desc)`.execute(db)
  await sql`drop index orders_customer_idx`.execute(db)
  await sql`create index order_items_product_code_idx on order_items (product_code, order_id)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index order_items_product_code_idx`.execute(db)
  await sql`create index orders_customer_idx on orders (customer_id)`.execute(db)
  await sql`drop index orders_customer_date_idx`.execute(db)
  await sql`drop index orders_merchant_email_idx`.execute(db)
  await sql`drop index orders_merchant_external_reference_idx`.execute(db)
  await sql`drop index orders_merchant_status_date_idx`.execute(db)
  await sql`drop index orders_merchant_date_idx`.execute(db)
}
