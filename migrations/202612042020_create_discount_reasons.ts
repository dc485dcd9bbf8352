import { sql, type Kysely } from 'kysely'

/**
 * A merchant's reason codes for staff discounts (issue 19 item 3), and the code each adjustment
 * was given with (its free-text reason stays in order_adjustments.reason).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('discount_reasons')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`code ~ '^[A-Z0-9_]{1,64}$'`))
    .addColumn('name', 'text', (col) => col.notNull().check(sql`length(name) between 1 and 255`))
    .addPrimaryKeyConstraint('discount_reasons_pkey', ['merchant_id', 'code'])
    .execute()
  await db.schema.alterTable('order_adjustments').addColumn('reason_code', 'text').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('order_adjustments').dropColumn('reason_code').execute()
  await db.schema.dropTable('discount_reasons').execute()
}
