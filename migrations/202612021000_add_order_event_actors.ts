import { type Kysely } from 'kysely'

/**
 * Who made a change, readable in getOrderHistory: the staff user (when a user's session made it)
 * and the reason they gave. `actor` keeps naming the kind (merchant API, user, shopper, system).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('order_events')
    .addColumn('user_id', 'bigint', (col) => col.references('merchant_users.id'))
    .addColumn('reason', 'text')
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('order_events').dropColumn('user_id').dropColumn('reason').execute()
}
