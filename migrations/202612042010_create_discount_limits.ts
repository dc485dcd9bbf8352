import { sql, type Kysely } from 'kysely'

/**
 * The largest staff discount a role may give without a supervisor's approval, per merchant
 * (issue 19 item 3): percentages in basis points, amounts in minor units per currency. A null
 * limit, or no row, is no limit.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('discount_limits')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('AGENT', 'SUPERVISOR', 'ADMIN')`))
    .addColumn('line_percent_bp', 'integer', (col) => col.check(sql`line_percent_bp between 0 and 10000`))
    .addColumn('order_percent_bp', 'integer', (col) => col.check(sql`order_percent_bp between 0 and 10000`))
    .addPrimaryKeyConstraint('discount_limits_pkey', ['merchant_id', 'role'])
    .execute()
  await db.schema.createTable('discount_amount_limits')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('currency', sql`char(3)`, (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('line_amount_minor', 'bigint', (col) => col.check(sql`line_amount_minor >= 0`))
    .addColumn('order_amount_minor', 'bigint', (col) => col.check(sql`order_amount_minor >= 0`))
    .addPrimaryKeyConstraint('discount_amount_limits_pkey', ['merchant_id', 'role', 'currency'])
    .addForeignKeyConstraint('discount_amount_limits_role_fkey', ['merchant_id', 'role'], 'discount_limits', ['merchant_id', 'role'], (fk) => fk.onDelete('cascade'))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('discount_amount_limits').execute()
  await db.schema.dropTable('discount_limits').execute()
}
