import { sql, type Kysely } from 'kysely'

/**
 * The IPN outbox: one row per status change and listener URL, written in the transaction of the
 * change (so a change never exists without its notification, nor a notification without its
 * change). Workers claim due rows with FOR UPDATE SKIP LOCKED and a lease (several processes
 * never send one at the same time); every try is kept in ipn_attempts. The message is built
 * when sent, from the order and the change (order_events row): no copy of personal data here.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('ipn_notifications')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('order_id', 'bigint', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (col) => col.notNull().references('order_events.id').onDelete('cascade'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().defaultTo('PENDING').check(sql`state in ('PENDING', 'DELIVERED', 'FAILED')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('lease_until', 'timestamptz')
    .addColumn('lease_owner', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('delivered_at', 'timestamptz')
    // resendIpn: the notification this one sends again
    .addColumn('resend_of', 'bigint', (col) => col.references('ipn_notifications.id').onDelete('set null'))
    .execute()
  await sql`create index ipn_notifications_due_idx on ipn_notifications (next_attempt_at, id) where state = 'PENDING'`.execute(db)
  await db.schema.createIndex('ipn_notifications_order_idx').on('ipn_notifications').columns(['order_id', 'url', 'id']).execute()
  await db.schema.createTable('ipn_attempts')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('notification_id', 'bigint', (col) => col.notNull().references('ipn_notifications.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('ipn_date', 'text', (col) => col.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('receipt_valid', 'boolean', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('ipn_attempts_notification_idx').on('ipn_attempts').columns(['notification_id', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ipn_attempts').execute()
  await db.schema.dropTable('ipn_notifications').execute()
}
