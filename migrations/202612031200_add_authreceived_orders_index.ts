import { sql, type Kysely } from 'kysely'

/**
 * Approved orders waiting for delivery (AUTHRECEIVED), by id: the sandbox's completion sweep
 * (SANDBOX_COMPLETE_AFTER_MS) looks for them every second, and without it each look would scan
 * every order. Partial, so it holds only the few orders in that status.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index orders_authreceived_idx on orders (id) where status = 'AUTHRECEIVED'`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index orders_authreceived_idx`.execute(db)
}
