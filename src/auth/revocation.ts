import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import type { AuthDeps } from './login.js'
import { findMerchantByCode, type Merchant, updateMerchantSecret } from './merchant-store.js'
import { checkSecret, generateSecret } from './merchants.js'
import { updateMerchantUserActive } from './merchant-users.js'
import { forgetSessions } from './session-limits.js'
import { deleteOwnerSessions } from './session-store.js'

/*
 * Revocation: a rotated secret key or a deactivated user ends the sessions it opened at once.
 * The session rows are deleted in the same transaction as the change, and this process's
 * session cache forgets them, so their very next call is INVALID_SESSION (an ended session is
 * an unknown one). Other server processes on the database may serve them from their cache for
 * up to SESSION_CACHE_MS, so on PostgreSQL the change answers only after that window: once the
 * caller has the answer, every instance refuses the ended sessions.
 */

type RevocationDeps = Pick<AuthDeps, 'db' | 'secretBox' | 'sessionCache'>

/**
 * Replaces the merchant's secret key (a fresh one, or the one given) and ends every API session
 * (those `login` opened with the old key, the caller's too: whoever held the old key may hold
 * one). Staff sessions stay: they were opened with passwords, not with the key.
 */
export async function rotateMerchantSecret (
  deps: RevocationDeps,
  merchant: Pick<Merchant, 'id' | 'code'>,
  log: Log,
  chosen?: string
): Promise<{ secret: string, sessionsEnded: number }> {
  if (chosen !== undefined) {
    checkSecret(chosen)
    const current = await findMerchantByCode(deps.db, merchant.code)
    if (current !== undefined && deps.secretBox.open(current.secretCiphertext) === chosen) {
      throw new AppError('INVALID_PARAMS', { fields: [{ path: 'secret', error_code: 'SECRET_INVALID', message: 'the new secret key must differ from the current one' }] })
    }
  }
  const secret = chosen ?? generateSecret()
  const sealed = deps.secretBox.seal(secret)
  const owner = { merchantId: merchant.id, userId: null }
  const inside = await deps.db.transaction().execute(async (trx) => {
    await updateMerchantSecret(trx, merchant.id, sealed)
    return await deleteOwnerSessions(trx, owner)
  })
  // Again once committed: a login that checked the old key inserts its session after the
  // transaction's delete; if it inserts after this one, it sees the new key and is refused.
  const ended = [...inside, ...await deleteOwnerSessions(deps.db, owner)]
  forgetSessions(deps.sessionCache, ended)
  await deps.sessionCache.othersForgotten()
  log.info({ merchantCode: merchant.code, sessionsEnded: ended.length }, 'merchant secret key rotated')
  return { secret, sessionsEnded: ended.length }
}

/**
 * Activates or deactivates a merchant user; deactivating ends every session of the user (the
 * rows go, so activating again does not bring them back: the user logs in again).
 */
export async function setMerchantUserActive (
  deps: RevocationDeps,
  merchant: Pick<Merchant, 'id' | 'code'>,
  username: string,
  active: boolean,
  log: Log
): Promise<{ username: string, active: boolean, sessionsEnded: number }> {
  const result = await deps.db.transaction().execute(async (trx) => {
    const user = await updateMerchantUserActive(trx, merchant.id, username, active)
    if (user === undefined) throw new AppError('USER_NOT_FOUND')
    const ended = active ? [] : await deleteOwnerSessions(trx, { merchantId: merchant.id, userId: user.id })
    return { user, ended }
  })
  // Again once committed, for a loginUser that checked the user while still active (as above).
  if (!active) result.ended.push(...await deleteOwnerSessions(deps.db, { merchantId: merchant.id, userId: result.user.id }))
  forgetSessions(deps.sessionCache, result.ended)
  if (!active) await deps.sessionCache.othersForgotten()
  log.info({ merchantCode: merchant.code, userId: String(result.user.id), sessionsEnded: result.ended.length }, active ? 'merchant user activated' : 'merchant user deactivated')
  return { username: result.user.username, active, sessionsEnded: result.ended.length }
}
