import { sql, type Kysely } from 'kysely'

/**
 * RECORD_PAYMENTS is new (approvePurchaseOrder and markOrderPaid were open to every user
 * session; now they need it). Roles are expanded into privileges when a user is created, so the
 * users created as SUPERVISOR (every privilege there was) would lose these actions: users who
 * hold all five earlier privileges get it, nobody else does.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await sql`update merchant_users set privileges = array_append(privileges, 'RECORD_PAYMENTS')
    where privileges @> array['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS']::text[] and not ('RECORD_PAYMENTS' = any(privileges))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`update merchant_users set privileges = array_remove(privileges, 'RECORD_PAYMENTS')`.execute(db)
}
