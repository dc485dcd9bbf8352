import { sql, type Kysely } from 'kysely'

/**
 * APPROVE_DISCOUNTS and MANAGE_DISCOUNTS are new (issue 19 item 3). Roles are expanded into
 * privileges when a user is created, so the users created as SUPERVISOR (every privilege there
 * was) get them: users who hold all seven earlier privileges (CUSTOM_LINE_ITEMS's grant, 202612041030, is earlier), nobody else.
 */
export async function up (db: Kysely<any>): Promise<void> {
  for (const privilege of ['APPROVE_DISCOUNTS', 'MANAGE_DISCOUNTS']) {
    await sql`update merchant_users set privileges = array_append(privileges, ${privilege}::text)
      where privileges @> array['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS', 'RECORD_PAYMENTS', 'CUSTOM_LINE_ITEMS']::text[]
        and not (${privilege}::text = any(privileges))`.execute(db)
  }
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`update merchant_users set privileges = array_remove(array_remove(privileges, 'APPROVE_DISCOUNTS'), 'MANAGE_DISCOUNTS')`.execute(db)
}
