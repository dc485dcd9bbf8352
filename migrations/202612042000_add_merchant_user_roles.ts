import { sql, type Kysely } from 'kysely'

/**
 * A user's role (AGENT, SUPERVISOR, ADMIN), which the merchant's discount limits are set per
 * (issue 19 item 3). Roles were expanded into privileges when a user was created and not kept,
 * so existing users are mapped by what they hold: every privilege there was → SUPERVISOR, the
 * on-behalf privilege → AGENT, anything else → no role (no role's limits apply to them).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchant_users')
    .addColumn('role', 'text', (col) => col.check(sql`role in ('AGENT', 'SUPERVISOR', 'ADMIN')`))
    .execute()
  await sql`update merchant_users set role = case
      when privileges @> array['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS', 'RECORD_PAYMENTS']::text[] then 'SUPERVISOR'
      when 'PLACE_ORDERS_ON_BEHALF' = any(privileges) then 'AGENT'
    end`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchant_users').dropColumn('role').execute()
}
