import { sql, type Kysely } from 'kysely'

/**
 * Draft orders (issue 19 item 1): an order staff build over many calls for a customer, then
 * complete into one order or abandon; it expires at expires_at (the sweep marks it EXPIRED).
 * `order_json` is the placeOrder Order without PaymentDetails and the staff's Assisted part:
 * never card data (the card comes only with completeDraft, and is never stored here). `version`
 * grows with every change; a change names the version it saw. `order_id` is unique: one order
 * per draft, enforced by the database.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('drafts')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('customer_id', 'bigint', (col) => col.references('customers.id').onDelete('set null'))
    // BillingDetails.Email, lower-cased: searchDrafts by customer e-mail
    .addColumn('customer_email', 'text', (col) => col.notNull())
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('order_json', 'jsonb', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1).check(sql`version >= 1`))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('OPEN').check(sql`status in ('OPEN', 'COMPLETED', 'ABANDONED', 'EXPIRED')`))
    .addColumn('created_by_user_id', 'bigint', (col) => col.notNull().references('merchant_users.id'))
    .addColumn('updated_by_user_id', 'bigint', (col) => col.notNull().references('merchant_users.id'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('order_id', 'bigint', (col) => col.unique().references('orders.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('closed_at', 'timestamptz')
    // a COMPLETED draft has its order, and only a COMPLETED one
    .addCheckConstraint('drafts_order_when_completed', sql`(status = 'COMPLETED') = (order_id is not null)`)
    .execute()
  await db.schema.createIndex('drafts_merchant_idx').on('drafts').columns(['merchant_id', 'id']).execute()
  // the expiry sweep: open drafts by expiry
  await db.schema.createIndex('drafts_open_expiry_idx').on('drafts').column('expires_at').where(sql.ref('status'), '=', 'OPEN').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('drafts').execute()
}
