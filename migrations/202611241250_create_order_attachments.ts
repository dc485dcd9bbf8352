import { sql, type Kysely } from 'kysely'

/** PDF attachments packed with an order (seed 001), stored in the database. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('order_attachments')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'bigint', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (col) => col.notNull().check(sql`length(file_name) between 1 and 255`))
    .addColumn('content_type', 'text', (col) => col.notNull())
    .addColumn('size_bytes', 'integer', (col) => col.notNull().check(sql`size_bytes > 0`))
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('content', 'bytea', (col) => col.notNull())
    .addColumn('added_by_user_id', 'bigint', (col) => col.notNull().references('merchant_users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('order_attachments_order_idx').on('order_attachments').column('order_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_attachments').execute()
}
