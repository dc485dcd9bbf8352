import { sql, type Kysely } from 'kysely'

/** Fraud review as a record (SPEC §5): who or what opened it and why, who closed it, when, how. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('fraud_reviews')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'bigint', (col) => col.notNull().unique().references('orders.id').onDelete('cascade'))
    .addColumn('opened_by', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('opened_at', 'timestamptz', (col) => col.notNull())
    // the status the order moves to when the review ends OKAY
    .addColumn('next_status', 'text', (col) => col.notNull())
    .addColumn('closed_by_user_id', 'bigint', (col) => col.references('merchant_users.id'))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('outcome', 'text', (col) => col.check(sql`outcome in ('OKAY', 'REJECTED')`))
    .addColumn('note', 'text')
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fraud_reviews').execute()
}
