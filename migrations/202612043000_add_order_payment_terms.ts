import { sql, type Kysely } from 'kysely'

/**
 * When an order paid later (purchase order, wire, check) is due (issue 19 item 4: payment terms),
 * and a partial index for the overdue look-up (searchOrders Overdue: due date past, still
 * awaiting payment), which holds only orders with terms.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('payment_due_at', 'timestamptz').execute()
  await sql`create index orders_payment_due_idx on orders (merchant_id, payment_due_at) where payment_due_at is not null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index orders_payment_due_idx`.execute(db)
  await db.schema.alterTable('orders').dropColumn('payment_due_at').execute()
}
