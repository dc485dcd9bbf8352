/**
 * Draft orders' rows (issue 19 item 1): SQL only, rows ↔ domain values. The use cases
 * (drafts.ts, draft-completion.ts) own the transactions and the rules; every read and write
 * here is scoped by merchant, so another merchant's draft is never found.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

import type { DraftStatus } from './order.js'

export type { DraftStatus } from './order.js'

/**
 * What a draft holds: the Order without PaymentDetails and the staff's part, as JSON (never card
 * data), and who gave each staff discount (drafts.ts draftGivers; absent on drafts saved before).
 */
export type DraftContent = { Order: Record<string, unknown>, Assisted: Record<string, unknown>, Givers?: Record<string, unknown> }

export type DraftUser = { id: bigint, username: string }

export type StoredDraft = {
  id: bigint
  merchantId: bigint
  customerId: bigint | null
  content: DraftContent
  version: number
  status: DraftStatus
  createdBy: DraftUser
  updatedBy: DraftUser
  expiresAt: Date
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
  orderId: bigint | null
  /** the RefNo of the order a COMPLETED draft became */
  refNo: bigint | null
}

export type NewDraft = { merchantId: bigint, customerId: bigint | null, customerEmail: string, currency: string, content: DraftContent, userId: bigint, expiresAt: Date, now: Date }

function selectDrafts (db: Kysely<Database>) {
  return db.selectFrom('drafts as d')
    .innerJoin('merchant_users as cu', 'cu.id', 'd.created_by_user_id')
    .innerJoin('merchant_users as uu', 'uu.id', 'd.updated_by_user_id')
    .leftJoin('orders as o', 'o.id', 'd.order_id')
    .select(['d.id', 'd.merchant_id', 'd.customer_id', 'd.order_json', 'd.version', 'd.status', 'd.created_by_user_id', 'cu.username as created_by_username',
      'd.updated_by_user_id', 'uu.username as updated_by_username', 'd.expires_at', 'd.created_at', 'd.updated_at', 'd.closed_at', 'd.order_id', 'o.ref_no'])
}

type DraftRow = Awaited<ReturnType<ReturnType<typeof selectDrafts>['executeTakeFirstOrThrow']>>

function toStoredDraft (row: DraftRow): StoredDraft {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    customerId: row.customer_id,
    content: row.order_json as DraftContent,
    version: row.version,
    status: row.status as DraftStatus,
    createdBy: { id: row.created_by_user_id, username: row.created_by_username },
    updatedBy: { id: row.updated_by_user_id, username: row.updated_by_username },
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    orderId: row.order_id,
    refNo: row.ref_no ?? null
  }
}

export async function insertDraft (db: Kysely<Database>, draft: NewDraft): Promise<bigint> {
  const row = await db.insertInto('drafts').values({
    merchant_id: draft.merchantId,
    customer_id: draft.customerId,
    customer_email: draft.customerEmail,
    currency: draft.currency,
    order_json: JSON.stringify(draft.content),
    created_by_user_id: draft.userId,
    updated_by_user_id: draft.userId,
    expires_at: draft.expiresAt,
    created_at: draft.now,
    updated_at: draft.now
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** This merchant's draft, or undefined (another merchant's draft is not found). */
export async function findDraft (db: Kysely<Database>, merchantId: bigint, id: bigint): Promise<StoredDraft | undefined> {
  const row = await selectDrafts(db).where('d.merchant_id', '=', merchantId).where('d.id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toStoredDraft(row)
}

/** Locks this merchant's draft row for the caller's transaction: its status, version, expiry and content as they are now. */
export async function lockDraft (trx: Kysely<Database>, merchantId: bigint, id: bigint): Promise<{ id: bigint, status: DraftStatus, version: number, expiresAt: Date, orderId: bigint | null, content: DraftContent } | undefined> {
  const row = await trx.selectFrom('drafts').select(['id', 'status', 'version', 'expires_at', 'order_id', 'order_json'])
    .where('merchant_id', '=', merchantId).where('id', '=', id).forUpdate().executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, status: row.status as DraftStatus, version: row.version, expiresAt: row.expires_at, orderId: row.order_id, content: row.order_json as DraftContent }
}

/** A new content: the version grows by one (only from `version`, as the lock read it). */
export async function updateDraftContent (trx: Kysely<Database>, id: bigint, version: number, change: { customerId: bigint | null, customerEmail: string, currency: string, content: DraftContent, userId: bigint, expiresAt: Date, now: Date }): Promise<boolean> {
  const result = await trx.updateTable('drafts').set({
    customer_id: change.customerId,
    customer_email: change.customerEmail,
    currency: change.currency,
    order_json: JSON.stringify(change.content),
    version: version + 1,
    updated_by_user_id: change.userId,
    expires_at: change.expiresAt,
    updated_at: change.now
  }).where('id', '=', id).where('version', '=', version).where('status', '=', 'OPEN').executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** An OPEN draft closed: COMPLETED with its order, ABANDONED or EXPIRED. */
export async function closeDraft (trx: Kysely<Database>, id: bigint, close: { status: Exclude<DraftStatus, 'OPEN'>, at: Date, userId?: bigint, orderId?: bigint }): Promise<boolean> {
  const result = await trx.updateTable('drafts').set({
    status: close.status,
    closed_at: close.at,
    updated_at: close.at,
    ...(close.userId !== undefined ? { updated_by_user_id: close.userId } : {}),
    ...(close.orderId !== undefined ? { order_id: close.orderId } : {})
  }).where('id', '=', id).where('status', '=', 'OPEN').executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export type DraftFilter = { status?: DraftStatus | undefined, customerId?: bigint | undefined, email?: string | undefined, createdBy?: string | undefined }

/** A page of this merchant's drafts matching the filter, newest first, and how many match in all. */
export async function searchStoredDrafts (db: Kysely<Database>, merchantId: bigint, filter: DraftFilter, page: number, limit: number): Promise<{ drafts: StoredDraft[], count: number }> {
  let query = selectDrafts(db).where('d.merchant_id', '=', merchantId)
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status)
  if (filter.customerId !== undefined) query = query.where('d.customer_id', '=', filter.customerId)
  if (filter.email !== undefined) query = query.where('d.customer_email', '=', filter.email)
  if (filter.createdBy !== undefined) query = query.where('cu.username', '=', filter.createdBy)
  const rows = await query.orderBy('d.id', 'desc').limit(limit).offset((page - 1) * limit).execute()
  const counted = await query.clearSelect().select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()
  return { drafts: rows.map(toStoredDraft), count: Number(counted.n) }
}

/** OPEN drafts past their expiry (the sweep), at most `limit`, oldest expiry first. */
export async function expiredDraftIds (db: Kysely<Database>, now: Date, limit: number): Promise<Array<{ id: bigint, merchantId: bigint }>> {
  const rows = await db.selectFrom('drafts').select(['id', 'merchant_id']).where('status', '=', 'OPEN').where('expires_at', '<=', now)
    .orderBy('expires_at').limit(limit).execute()
  return rows.map((row) => ({ id: row.id, merchantId: row.merchant_id }))
}
