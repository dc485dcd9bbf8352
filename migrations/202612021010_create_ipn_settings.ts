import { sql, type Kysely } from 'kysely'

/**
 * A merchant's IPN settings (2Checkout's IPN): where notifications go, how they are signed for
 * the read receipt, which order statuses send one (null: every status change).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('ipn_settings')
    .addColumn('merchant_id', 'bigint', (col) => col.primaryKey().references('merchants.id').onDelete('cascade'))
    .addColumn('urls', sql`text[]`, (col) => col.notNull().check(sql`cardinality(urls) <= 5`))
    .addColumn('algorithm', 'text', (col) => col.notNull().defaultTo('md5').check(sql`algorithm in ('md5', 'sha256', 'sha3-256')`))
    .addColumn('statuses', sql`text[]`)
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ipn_settings').execute()
}
