import { sql, type Kysely } from 'kysely'

/** Store credit per customer and currency, in minor units; the balance never goes negative. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('customer_credits')
    .addColumn('customer_id', 'bigint', (col) => col.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('balance_minor', 'bigint', (col) => col.notNull().defaultTo(0).check(sql`balance_minor >= 0`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('customer_credits_pkey', ['customer_id', 'currency'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customer_credits').execute()
}
