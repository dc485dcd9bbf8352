import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { SessionCache } from './session-cache.js'
import { deleteSessionsBeyond, type SessionOwner } from './session-store.js'

export type SessionLimitDeps = {
  db: Kysely<Database>
  sessionCache: SessionCache
  maxSessionsPerMerchant: number
  maxSessionsPerUser: number
}

/** Ends sessions in this process's cache too, so their very next call reads the database. */
export function forgetSessions (cache: SessionCache, idHashes: readonly string[]): void {
  for (const idHash of idHashes) cache.forget(idHash)
}

/**
 * After a login: ends the owner's oldest sessions beyond the cap (a merchant's API sessions and
 * each user's are capped apart, so API logins never end staff sessions). Evicting rather than
 * refusing: 2Checkout's samples log in on every request, so a busy merchant must never be
 * locked out; a session is only ended after the cap's number of newer logins of the same owner.
 * Returns how many sessions it ended.
 */
export async function capSessions (deps: SessionLimitDeps, owner: SessionOwner): Promise<number> {
  const keep = owner.userId === null ? deps.maxSessionsPerMerchant : deps.maxSessionsPerUser
  const ended = await deleteSessionsBeyond(deps.db, owner, keep)
  forgetSessions(deps.sessionCache, ended)
  return ended.length
}
