import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Merchant } from './merchant-store.js'

export type SessionRecord = { merchant: Merchant, expiresAt: Date }

export async function insertSession (
  db: Kysely<Database>,
  session: { idHash: string, merchantId: bigint, createdAt: Date, expiresAt: Date }
): Promise<void> {
  await db.insertInto('sessions')
    .values({ id_hash: session.idHash, merchant_id: session.merchantId, created_at: session.createdAt, expires_at: session.expiresAt })
    .execute()
}

export async function findSession (db: Kysely<Database>, idHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions')
    .innerJoin('merchants', 'merchants.id', 'sessions.merchant_id')
    .select(['merchants.id', 'merchants.code', 'merchants.name', 'merchants.po_auto_approve', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    merchant: { id: row.id, code: row.code, name: row.name, poAutoApprove: row.po_auto_approve },
    expiresAt: row.expires_at
  }
}

/** Deletes sessions that expired before `before`; returns how many. */
export async function deleteExpiredSessions (db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
