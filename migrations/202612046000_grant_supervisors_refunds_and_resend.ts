import { sql, type Kysely } from 'kysely'

/**
 * REFUND_ORDERS and RESEND_NOTIFICATIONS are new (issueRefund and resendIpn were the merchant's
 * API session's only; the console's order screen now offers them to staff who hold them). Roles
 * are expanded into privileges when a user is created, so the users created as SUPERVISOR (every
 * privilege there was) get both: users who hold all six earlier privileges, frozen here as they
 * were, and nobody else.
 */
const EARLIER = sql`array['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS', 'RECORD_PAYMENTS']::text[]`
const GRANTED = ['REFUND_ORDERS', 'RESEND_NOTIFICATIONS'] as const

export async function up (db: Kysely<any>): Promise<void> {
  for (const privilege of GRANTED) {
    await sql`update merchant_users set privileges = array_append(privileges, ${sql.lit(privilege)}::text)
      where privileges @> ${EARLIER} and not (${sql.lit(privilege)}::text = any(privileges))`.execute(db)
  }
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const privilege of GRANTED) {
    await sql`update merchant_users set privileges = array_remove(privileges, ${sql.lit(privilege)}::text)`.execute(db)
  }
}
