import { sql, type Kysely } from 'kysely'

/**
 * The payment-link expiry sweep (sweepOrders → expireOverduePaymentLinks) looks for PENDING links
 * past their expiry. Without this index it could only read every PENDING link (through the
 * one-PENDING-per-draft index) and filter by time; with it, it reads just the overdue ones, as
 * drafts_open_expiry_idx serves the draft sweep. Partial: PAID, EXPIRED and CANCELLED links
 * (most of the table over time) are not in it.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payment_links_pending_expiry_idx').on('payment_links').column('expires_at').where(sql.ref('status'), '=', 'PENDING').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payment_links_pending_expiry_idx').execute()
}
