import { sql, type Kysely } from 'kysely'

/** Who placed an on-behalf order, and every manual discount or price override on it. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders')
    .addColumn('placed_by_user_id', 'bigint', (col) => col.references('merchant_users.id'))
    .execute()
  await db.schema.createTable('order_adjustments')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'bigint', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('user_id', 'bigint', (col) => col.notNull().references('merchant_users.id'))
    // null: the whole order
    .addColumn('line_no', 'integer')
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('LINE_DISCOUNT', 'ORDER_DISCOUNT', 'PAYMENT_NOT_REQUIRED')`))
    .addColumn('discount_type', 'text')
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('old_minor', 'bigint', (col) => col.notNull())
    .addColumn('new_minor', 'bigint', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('order_adjustments_order_idx').on('order_adjustments').column('order_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_adjustments').execute()
  await db.schema.alterTable('orders').dropColumn('placed_by_user_id').execute()
}
