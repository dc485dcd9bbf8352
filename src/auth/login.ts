import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Log } from '../logger.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { findMerchantByCode, type Merchant, type MerchantWithSecret } from './merchant-store.js'
import type { HashingGate } from './passwords.js'
import type { MerchantUser } from './privileges.js'
import type { LoginLimiter } from './rate-limiter.js'
import type { SecretBox } from './secret-box.js'
import type { SessionCache } from './session-cache.js'
import { capSessions } from './session-limits.js'
import { findSession, insertSession } from './session-store.js'

export const LOGIN_ALGORITHMS = ['md5', 'sha256', 'sha3-256'] as const
export type LoginAlgorithm = typeof LOGIN_ALGORITHMS[number]

export type AuthDeps = {
  db: Kysely<Database>
  clock: Clock
  secretBox: SecretBox
  loginLimiter: LoginLimiter
  /** caps concurrent password hashing (loginUser's scrypt) */
  passwordGate: HashingGate
  sessionTtlSeconds: number
  loginDateWindowSeconds: number
  sessionCache: SessionCache
  maxSessionsPerMerchant: number
  maxSessionsPerUser: number
}

/**
 * 2Checkout's login hash: HMAC over strlen(code) . code . strlen(date) . date, keyed with the
 * merchant's secret key, in hex. strlen is PHP's, so it counts bytes, not characters.
 */
export function loginHash (secret: string, merchantCode: string, date: string, algorithm: LoginAlgorithm = 'md5'): string {
  const text = `${Buffer.byteLength(merchantCode)}${merchantCode}${Buffer.byteLength(date)}${date}`
  return createHmac(algorithm, secret).update(text, 'utf8').digest('hex')
}

/** Parses the login date `YYYY-MM-DD HH:mm:ss` (UTC); undefined when it is not a real instant. */
export function parseLoginDate (date: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(date)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number]
  const instant = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  // Date.UTC rolls over (Feb 30 → Mar 2): such a date is malformed, not a valid instant.
  if (instant.getUTCFullYear() !== y || instant.getUTCMonth() !== mo - 1 || instant.getUTCDate() !== d ||
    instant.getUTCHours() !== h || instant.getUTCMinutes() !== mi || instant.getUTCSeconds() !== s) return undefined
  return instant
}

export const SESSION_ID_PATTERN = /^[0-9a-f]{64}$/

export function hashSessionId (sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex')
}

export type LoginInput = { merchantCode: string, date: string, hash: string, algorithm: LoginAlgorithm, clientIp: string }

/** Checks a merchant's login hash and opens a session; returns the sessionID. */
export async function login (deps: AuthDeps, input: LoginInput, log: Log): Promise<string> {
  const now = deps.clock.now()
  const date = parseLoginDate(input.date)
  if (date === undefined) {
    // The params schema already refuses malformed dates; this guards a direct caller.
    throw new AppError('INVALID_PARAMS', { fields: [{ path: 'date', error_code: 'DATE_INVALID', message: 'date must be YYYY-MM-DD HH:mm:ss (UTC)' }] })
  }
  const merchant = await findMerchantByCode(deps.db, input.merchantCode)

  // The HMAC costs nothing and awaits nothing, so it is computed first and its outcome admitted
  // (and counted) or refused by one statement: the answer is acted on only when admitted, so a
  // burst learns no more than the limit, and correct logins in flight at once hold no places.
  const inWindow = Math.abs(now.getTime() - date.getTime()) <= deps.loginDateWindowSeconds * 1000
  const secret = merchant === undefined ? undefined : deps.secretBox.open(merchant.secretCiphertext)
  // Unknown merchants still cost one HMAC, so timing does not tell known codes apart.
  const expected = loginHash(secret ?? 'no-such-merchant', input.merchantCode, input.date, input.algorithm)
  const given = input.hash.toLowerCase()
  const matches = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  const ok = inWindow && merchant !== undefined && matches
  const decided = await deps.loginLimiter.decide({ credential: `login:${input.merchantCode}`, clientIp: input.clientIp }, ok ? 'succeeded' : 'failed')
  if ('refused' in decided) {
    log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp, limit: decided.refused }, 'login refused: too many failures')
    throw new AppError('TOO_MANY_REQUESTS')
  }
  if (!ok) {
    const why = !inWindow
      ? `login date ${input.date} is outside ±${deps.loginDateWindowSeconds}s of the server clock`
      : merchant === undefined ? 'unknown merchant code' : `wrong ${input.algorithm} hash`
    log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp, why }, 'login failed')
    throw new AppError(inWindow ? 'AUTHENTICATION_FAILED' : 'DATE_OUT_OF_RANGE')
  }

  const known = merchant as MerchantWithSecret
  const sessionId = randomBytes(32).toString('hex')
  const idHash = hashSessionId(sessionId)
  await insertSession(deps.db, { idHash, merchantId: known.id, createdAt: now, expiresAt: new Date(now.getTime() + deps.sessionTtlSeconds * 1000) })
  await capSessions(deps, { merchantId: known.id, userId: null }, { idHash, secretCiphertext: known.secretCiphertext })
  log.info({ merchantCode: input.merchantCode }, 'login succeeded')
  return sessionId
}

export type AuthenticatedSession = { merchant: Merchant, user: MerchantUser | null }

/**
 * Resolves a sessionID to its merchant and, for a user's session, its user; refuses malformed,
 * unknown and expired sessions, and the sessions of a deactivated user.
 */
export async function authenticateSession (deps: Pick<AuthDeps, 'db' | 'clock'> & { sessionCache?: SessionCache }, sessionId: unknown): Promise<AuthenticatedSession> {
  if (typeof sessionId !== 'string' || !SESSION_ID_PATTERN.test(sessionId)) throw new AppError('INVALID_SESSION')
  const idHash = hashSessionId(sessionId)
  let session = deps.sessionCache?.get(idHash)
  if (session === undefined) {
    session = await findSession(deps.db, idHash)
    if (session === undefined) throw new AppError('INVALID_SESSION')
    // A user's row (active flag, privileges) is read on every call, in the session's own query:
    // a deactivation or a privilege taken away applies to the very next call. Only the merchant's
    // API sessions are cached.
    if (session.user === null) deps.sessionCache?.set(idHash, session)
  }
  // Expired at exactly TTL after login: 9 min 59 s works, 10 min 00 s does not.
  if (deps.clock.now().getTime() >= session.expiresAt.getTime()) throw new AppError('SESSION_EXPIRED')
  if (session.user !== null && !session.user.active) throw new AppError('INVALID_SESSION', { message: 'Invalid session: the merchant user of this session is deactivated' })
  return { merchant: session.merchant, user: session.user }
}
