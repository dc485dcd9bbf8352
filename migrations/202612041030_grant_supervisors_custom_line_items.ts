import { sql, type Kysely } from 'kysely'

/**
 * CUSTOM_LINE_ITEMS is new (Assisted.CustomItems, issue 19). Roles are expanded into privileges
 * when a user is created, so users created as SUPERVISOR (every privilege there was) hold the
 * six earlier ones, frozen here: they get it, nobody else does.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await sql`update merchant_users set privileges = array_append(privileges, 'CUSTOM_LINE_ITEMS')
    where privileges @> array['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS', 'RECORD_PAYMENTS']::text[] and not ('CUSTOM_LINE_ITEMS' = any(privileges))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`update merchant_users set privileges = array_remove(privileges, 'CUSTOM_LINE_ITEMS')`.execute(db)
}
