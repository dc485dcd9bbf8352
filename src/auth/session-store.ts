import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Merchant } from './merchant-store.js'
import { toMerchantUser, type MerchantUser } from './privileges.js'

/** `user` is the merchant user of a loginUser session, null for the merchant's API session (login). */
export type SessionRecord = { merchant: Merchant, user: MerchantUser | null, expiresAt: Date }

export async function insertSession (
  db: Kysely<Database>,
  session: { idHash: string, merchantId: bigint, createdAt: Date, expiresAt: Date }
): Promise<void> {
  await db.insertInto('sessions')
    .values({ id_hash: session.idHash, merchant_id: session.merchantId, created_at: session.createdAt, expires_at: session.expiresAt })
    .execute()
}

/** The session with its merchant and, for a user's session, the user's row (active flag, privileges) in the same query. */
export async function findSession (db: Kysely<Database>, idHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions')
    .innerJoin('merchants', 'merchants.id', 'sessions.merchant_id')
    .leftJoin('merchant_users', (join) => join.onRef('merchant_users.id', '=', 'sessions.user_id').onRef('merchant_users.merchant_id', '=', 'sessions.merchant_id'))
    .select(['merchants.id', 'merchants.code', 'merchants.name', 'merchants.po_auto_approve', 'sessions.expires_at', 'sessions.user_id',
      'merchant_users.username', 'merchant_users.display_name', 'merchant_users.privileges', 'merchant_users.active'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst()
  if (row === undefined) return undefined
  let user: MerchantUser | null = null
  if (row.user_id !== null) {
    // A user's session whose user row is gone (or of another merchant) is no session at all.
    if (row.username === null || row.privileges === null || row.active === null) return undefined
    user = toMerchantUser({ id: row.user_id, merchant_id: row.id, username: row.username, display_name: row.display_name, privileges: row.privileges, active: row.active })
  }
  return {
    merchant: { id: row.id, code: row.code, name: row.name, poAutoApprove: row.po_auto_approve },
    user,
    expiresAt: row.expires_at
  }
}

/** Deletes sessions that expired before `before`; returns how many. */
export async function deleteExpiredSessions (db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
