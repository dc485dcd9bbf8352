import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Merchant } from './merchant-store.js'
import { toMerchantUser, type MerchantUser } from './privileges.js'

/** `user` is the merchant user of a loginUser session, null for the merchant's API session (login). */
export type SessionRecord = { merchant: Merchant, user: MerchantUser | null, expiresAt: Date }

export async function insertSession (
  db: Kysely<Database>,
  session: { idHash: string, merchantId: bigint, userId?: bigint, createdAt: Date, expiresAt: Date }
): Promise<void> {
  await db.insertInto('sessions')
    .values({ id_hash: session.idHash, merchant_id: session.merchantId, user_id: session.userId ?? null, created_at: session.createdAt, expires_at: session.expiresAt })
    .execute()
}

/** The session with its merchant and, for a user's session, the user's row (active flag, privileges) in the same query. */
export async function findSession (db: Kysely<Database>, idHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions')
    .innerJoin('merchants', 'merchants.id', 'sessions.merchant_id')
    .leftJoin('merchant_users', (join) => join.onRef('merchant_users.id', '=', 'sessions.user_id').onRef('merchant_users.merchant_id', '=', 'sessions.merchant_id'))
    .select(['merchants.id', 'merchants.code', 'merchants.name', 'merchants.po_auto_approve', 'sessions.expires_at', 'sessions.user_id',
      'merchant_users.username', 'merchant_users.display_name', 'merchant_users.privileges', 'merchant_users.active', 'merchant_users.role'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst()
  if (row === undefined) return undefined
  let user: MerchantUser | null = null
  if (row.user_id !== null) {
    // A user's session whose user row is gone (or of another merchant) is no session at all.
    if (row.username === null || row.privileges === null || row.active === null) return undefined
    user = toMerchantUser({ id: row.user_id, merchant_id: row.id, username: row.username, display_name: row.display_name, privileges: row.privileges, active: row.active, role: row.role })
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

/** Whose sessions: the merchant's API sessions (login: `userId` null) or one merchant user's. */
export type SessionOwner = { merchantId: bigint, userId: bigint | null }

function ownedBy (eb: ExpressionBuilder<Database, 'sessions'>, owner: SessionOwner): Expression<SqlBool> {
  return eb.and([eb('merchant_id', '=', owner.merchantId), owner.userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', owner.userId)])
}

/** Deletes every session of the owner; returns their id hashes (for the session cache). */
export async function deleteOwnerSessions (db: Kysely<Database>, owner: SessionOwner): Promise<string[]> {
  const rows = await db.deleteFrom('sessions').where((eb) => ownedBy(eb, owner)).returning('id_hash').execute()
  return rows.map((row) => row.id_hash)
}

/**
 * After a login opened session `fresh`: deletes the owner's sessions older than its `keep`
 * newest, and `fresh` itself when the owner was revoked since the login checked it (the
 * merchant's secret key is no longer the one the hash was checked with; the user is inactive).
 * A revocation commits before it deletes the sessions, so a login racing it either is deleted
 * by it or sees it here. Returns the ended id hashes and whether `fresh` was revoked.
 */
export async function deleteSessionsAfterLogin (
  db: Kysely<Database>,
  owner: SessionOwner,
  keep: number,
  fresh: { idHash: string, secretCiphertext?: string }
): Promise<{ ended: string[], freshRevoked: boolean }> {
  const nth = db.selectFrom('sessions').select(['created_at', 'id_hash']).where((eb) => ownedBy(eb, owner))
    .orderBy('created_at', 'desc').orderBy('id_hash', 'desc').limit(1).offset(keep - 1)
  const revoked = owner.userId !== null
    ? sql<boolean>`exists (select 1 from merchant_users where id = ${owner.userId} and not active)`
    : fresh.secretCiphertext !== undefined
      ? sql<boolean>`exists (select 1 from merchants where id = ${owner.merchantId} and secret_ciphertext <> ${fresh.secretCiphertext})`
      : sql<boolean>`false`
  // id_hash breaks ties of created_at, so exactly `keep` sessions stay.
  const rows = await db.deleteFrom('sessions')
    .where((eb) => ownedBy(eb, owner))
    .where(sql<boolean>`((created_at, id_hash) < (${nth}) or (id_hash = ${fresh.idHash} and ${revoked}))`)
    .returning(['id_hash', sql<boolean>`id_hash = ${fresh.idHash} and ${revoked}`.as('revoked')])
    .execute()
  return { ended: rows.map((row) => row.id_hash), freshRevoked: rows.some((row) => row.revoked) }
}
