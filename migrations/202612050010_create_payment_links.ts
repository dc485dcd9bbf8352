import { sql, type Kysely } from 'kysely'

/**
 * Payment links (issue 19 item 2; seed 003's PCI advice): a link to a hosted page where the
 * customer pays a draft on their own, so the card never reaches the agent's screen. Only the
 * SHA-256 of the link's token is kept (`token_hash`): the raw token is answered once, by
 * createPaymentLink, and is never stored or logged. A link pays the draft at `draft_version`
 * (a later change of the draft makes the link unusable: the customer pays what they were shown).
 * At most one PENDING link per draft (creating one cancels the previous one); a PAID link has its
 * order, and only a PAID one.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('payment_links')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('draft_id', 'bigint', (col) => col.notNull().references('drafts.id').onDelete('cascade'))
    .addColumn('draft_version', 'integer', (col) => col.notNull().check(sql`draft_version >= 1`))
    // hex SHA-256 of the random 32-byte token
    .addColumn('token_hash', 'char(64)', (col) => col.notNull().unique())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('PENDING').check(sql`status in ('PENDING', 'PAID', 'EXPIRED', 'CANCELLED')`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by_user_id', 'bigint', (col) => col.notNull().references('merchant_users.id'))
    .addColumn('order_id', 'bigint', (col) => col.unique().references('orders.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('paid_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('payment_links_order_when_paid', sql`(status = 'PAID') = (order_id is not null)`)
    .execute()
  await db.schema.createIndex('payment_links_merchant_idx').on('payment_links').columns(['merchant_id', 'id']).execute()
  // one PENDING link per draft, enforced by the database
  await db.schema.createIndex('payment_links_pending_draft_idx').on('payment_links').column('draft_id').unique().where(sql.ref('status'), '=', 'PENDING').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_links').execute()
}
