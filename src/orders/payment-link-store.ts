/**
 * Payment links' rows (issue 19 item 2): SQL only, rows ↔ domain values. The use cases
 * (payment-links.ts, draft-claim.ts) own the transactions and the rules. A link is found by its
 * id within a merchant, or by its token's hash; the token itself is never stored.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { DraftStatus, PaymentLinkStatus } from './order.js'

export { PAYMENT_LINK_STATUSES, type PaymentLinkStatus } from './order.js'

export type StoredPaymentLink = {
  id: bigint
  merchantId: bigint
  merchantCode: string
  draftId: bigint
  draftVersion: number
  /** the status stored; effectiveStatus (payment-links.ts) adds expiry and the draft's state */
  status: PaymentLinkStatus
  expiresAt: Date
  createdByUserId: bigint
  orderId: bigint | null
  refNo: bigint | null
  orderStatus: string | null
  createdAt: Date
  updatedAt: Date
  paidAt: Date | null
  closedAt: Date | null
  /** the draft's own state now */
  draft: { status: DraftStatus, version: number, expiresAt: Date }
}

function selectLinks (db: Kysely<Database>) {
  return db.selectFrom('payment_links as l')
    .innerJoin('merchants as m', 'm.id', 'l.merchant_id')
    .innerJoin('drafts as d', 'd.id', 'l.draft_id')
    .leftJoin('orders as o', 'o.id', 'l.order_id')
    .select(['l.id', 'l.merchant_id', 'm.code as merchant_code', 'l.draft_id', 'l.draft_version', 'l.status', 'l.expires_at', 'l.created_by_user_id',
      'l.order_id', 'o.ref_no', 'o.status as order_status', 'l.created_at', 'l.updated_at', 'l.paid_at', 'l.closed_at',
      'd.status as draft_status', 'd.version as draft_current_version', 'd.expires_at as draft_expires_at'])
}

type LinkRow = Awaited<ReturnType<ReturnType<typeof selectLinks>['executeTakeFirstOrThrow']>>

function toStoredLink (row: LinkRow): StoredPaymentLink {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    merchantCode: row.merchant_code,
    draftId: row.draft_id,
    draftVersion: row.draft_version,
    status: row.status as PaymentLinkStatus,
    expiresAt: row.expires_at,
    createdByUserId: row.created_by_user_id,
    orderId: row.order_id,
    refNo: row.ref_no ?? null,
    orderStatus: row.order_status ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    paidAt: row.paid_at,
    closedAt: row.closed_at,
    draft: { status: row.draft_status as DraftStatus, version: row.draft_current_version, expiresAt: row.draft_expires_at }
  }
}

export type NewPaymentLink = { merchantId: bigint, draftId: bigint, draftVersion: number, tokenHash: string, expiresAt: Date, userId: bigint, now: Date }

export async function insertPaymentLink (db: Kysely<Database>, link: NewPaymentLink): Promise<bigint> {
  const row = await db.insertInto('payment_links').values({
    merchant_id: link.merchantId,
    draft_id: link.draftId,
    draft_version: link.draftVersion,
    token_hash: link.tokenHash,
    expires_at: link.expiresAt,
    created_by_user_id: link.userId,
    created_at: link.now,
    updated_at: link.now
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** This merchant's link, or undefined (another merchant's link is not found). */
export async function findPaymentLink (db: Kysely<Database>, merchantId: bigint, id: bigint): Promise<StoredPaymentLink | undefined> {
  const row = await selectLinks(db).where('l.merchant_id', '=', merchantId).where('l.id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toStoredLink(row)
}

/** The link whose token has this hash, of any merchant (the caller checks the merchant). */
export async function findPaymentLinkByTokenHash (db: Kysely<Database>, tokenHash: string): Promise<StoredPaymentLink | undefined> {
  const row = await selectLinks(db).where('l.token_hash', '=', tokenHash).executeTakeFirst()
  return row === undefined ? undefined : toStoredLink(row)
}

/** Locks the link row for the caller's transaction: its stored status and expiry as they are now. */
export async function lockPaymentLink (trx: Kysely<Database>, id: bigint): Promise<{ id: bigint, draftId: bigint, status: PaymentLinkStatus, expiresAt: Date } | undefined> {
  const row = await trx.selectFrom('payment_links').select(['id', 'draft_id', 'status', 'expires_at']).where('id', '=', id).forUpdate().executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, draftId: row.draft_id, status: row.status as PaymentLinkStatus, expiresAt: row.expires_at }
}

/** A PENDING link closed (CANCELLED or EXPIRED); false when it was not PENDING. */
export async function closePaymentLink (db: Kysely<Database>, merchantId: bigint, id: bigint, status: 'CANCELLED' | 'EXPIRED', at: Date): Promise<boolean> {
  const result = await db.updateTable('payment_links').set({ status, closed_at: at, updated_at: at })
    .where('merchant_id', '=', merchantId).where('id', '=', id).where('status', '=', 'PENDING').executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The draft's PENDING link (at most one) CANCELLED: a new link replaces it. */
export async function cancelPendingLinksOfDraft (trx: Kysely<Database>, draftId: bigint, at: Date): Promise<void> {
  await trx.updateTable('payment_links').set({ status: 'CANCELLED', closed_at: at, updated_at: at })
    .where('draft_id', '=', draftId).where('status', '=', 'PENDING').execute()
}

/** A PENDING link PAID with the order it placed; false when it was not PENDING. */
export async function markPaymentLinkPaid (trx: Kysely<Database>, id: bigint, orderId: bigint, at: Date): Promise<boolean> {
  const result = await trx.updateTable('payment_links').set({ status: 'PAID', order_id: orderId, paid_at: at, closed_at: at, updated_at: at })
    .where('id', '=', id).where('status', '=', 'PENDING').executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Up to `limit` PENDING links past their expiry written EXPIRED in one statement; their ids.
 * A link whose row is locked is being paid (claimDraft holds it until the order commits): it is
 * skipped, not waited for, and the next sweep finds it PAID or, the payment failed, expires it.
 * The condition is checked again on the row the UPDATE writes, so two sweeps never both expire
 * a link and a link PAID meanwhile stays PAID.
 */
export async function expireOverduePaymentLinks (db: Kysely<Database>, now: Date, limit: number): Promise<bigint[]> {
  const rows = await expireOverduePaymentLinksStatement(db, now, limit).execute()
  return rows.map((row) => row.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** expireOverduePaymentLinks' one statement (its plan is tested: payment_links_pending_expiry_idx serves it). */
export function expireOverduePaymentLinksStatement (db: Kysely<Database>, now: Date, limit: number) {
  const due = db.selectFrom('payment_links').select('id')
    .where('status', '=', 'PENDING').where('expires_at', '<=', now)
    .orderBy('id').limit(limit).forUpdate().skipLocked()
  return db.updateTable('payment_links')
    // closed when it stopped being payable, written when the sweep saw it
    .set({ status: 'EXPIRED', closed_at: sql.ref('expires_at'), updated_at: now })
    .where('id', 'in', due)
    .where('status', '=', 'PENDING').where('expires_at', '<=', now)
    .returning('id')
}
