import { sql, type Kysely } from 'kysely'

/**
 * Refunds (issueRefund, issue 18): one row per refund of an order, partial or total, with the
 * history row (order_events) that recorded it and so its IPN. Money in the order currency's minor
 * units; a refund is always > 0. No card data: the processor's refund reference only. The rule
 * that refunds never exceed what was paid is the use case's, under the order's row lock.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('refunds')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('order_id', 'bigint', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (col) => col.notNull().unique().references('order_events.id').onDelete('cascade'))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    // TOTAL: the whole order in one refund; PARTIAL: by amount or by items (the last may reach the total)
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('TOTAL', 'PARTIAL')`))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('comment', 'text')
    // [{ lineNo, productCode, quantity, amountMinor }] (amountMinor as text: jsonb has no bigint)
    .addColumn('items', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('user_id', 'bigint', (col) => col.references('merchant_users.id').onDelete('set null'))
    .addColumn('processor_reference', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('refunds_order_idx').on('refunds').columns(['order_id', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('refunds').execute()
}
