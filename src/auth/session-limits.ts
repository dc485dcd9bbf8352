import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { SessionCache } from './session-cache.js'
import { deleteSessionsAfterLogin, type SessionOwner } from './session-store.js'

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
 * After a login opened session `fresh`: ends the owner's oldest sessions beyond the cap (a
 * merchant's API sessions and each user's are capped apart, so API logins never end staff
 * sessions). Evicting rather than refusing: 2Checkout's samples log in on every request, so a
 * busy merchant must never be locked out; a session is only ended after the cap's number of
 * newer logins of the same owner. A login that raced a revocation (secret rotated, user
 * deactivated after the login checked them) loses its session and is refused.
 */
export async function capSessions (deps: SessionLimitDeps, owner: SessionOwner, fresh: { idHash: string, secretCiphertext?: string }): Promise<number> {
  const keep = owner.userId === null ? deps.maxSessionsPerMerchant : deps.maxSessionsPerUser
  const { ended, freshRevoked } = await deleteSessionsAfterLogin(deps.db, owner, keep, fresh)
  forgetSessions(deps.sessionCache, ended)
  if (freshRevoked) throw new AppError('AUTHENTICATION_FAILED')
  return ended.length
}
