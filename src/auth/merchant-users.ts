import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { hashSessionId, SESSION_ID_PATTERN, type AuthDeps } from './login.js'
import { findMerchantByCode, type Merchant } from './merchant-store.js'
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js'
import { capSessions } from './session-limits.js'

/**
 * Merchant users (call-centre staff) and their privileges (seed 000: a role privilege "Place
 * orders on behalf of customer" gates every on-behalf action). A role is a named set of privileges.
 */
export const PRIVILEGES = {
  PLACE_ORDERS_ON_BEHALF: 'Place orders on behalf of customer',
  MANAGE_CUSTOMERS: 'Create and update customers, their levels and address books',
  REPLACEMENT_ORDERS: 'Place "payment not required" replacement orders',
  APPROVE_FRAUD: 'Mark a customer OKAY or rejected in fraud review',
  CANCEL_ORDERS: 'Cancel orders'
} as const
export type Privilege = keyof typeof PRIVILEGES
export const PRIVILEGE_NAMES = Object.keys(PRIVILEGES) as Privilege[]

export const ROLES: Record<string, readonly Privilege[]> = {
  AGENT: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'],
  SUPERVISOR: PRIVILEGE_NAMES
}

export type MerchantUser = { id: bigint, merchantId: bigint, username: string, displayName: string | null, privileges: Privilege[], active: boolean }

export const USERNAME_PATTERN = /^[^\s]{1,255}$/
export const MIN_PASSWORD_LENGTH = 10

function toUser (row: { id: bigint, merchant_id: bigint, username: string, display_name: string | null, privileges: string[], active: boolean }): MerchantUser {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    username: row.username,
    displayName: row.display_name,
    privileges: row.privileges.filter((p): p is Privilege => p in PRIVILEGES),
    active: row.active
  }
}

/** Creates a merchant user with a scrypt password hash; `privileges` may name roles too. */
export async function createMerchantUser (
  db: Kysely<Database>,
  merchantId: bigint,
  input: { username: string, password: string, privileges: readonly string[], displayName?: string }
): Promise<MerchantUser> {
  const fields = []
  if (!USERNAME_PATTERN.test(input.username)) fields.push({ path: 'username', error_code: 'USERNAME_INVALID', message: 'a username is 1-255 characters without spaces' })
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 1024) fields.push({ path: 'password', error_code: 'PASSWORD_INVALID', message: `a password is ${MIN_PASSWORD_LENGTH}-1024 characters` })
  const privileges = new Set<Privilege>()
  for (const name of input.privileges) {
    const upper = name.toUpperCase()
    const role = ROLES[upper]
    if (role !== undefined) role.forEach((p) => privileges.add(p))
    else if (upper in PRIVILEGES) privileges.add(upper as Privilege)
    else fields.push({ path: 'privilege', error_code: 'PRIVILEGE_INVALID', message: `unknown privilege or role "${name}" (privileges: ${PRIVILEGE_NAMES.join(', ')}; roles: ${Object.keys(ROLES).join(', ')})` })
  }
  if (fields.length > 0) throw new AppError('INVALID_PARAMS', { fields })
  const row = await db.insertInto('merchant_users')
    .values({
      merchant_id: merchantId,
      username: input.username,
      display_name: input.displayName ?? null,
      password_hash: await hashPassword(input.password),
      privileges: [...privileges]
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toUser(row)
}

export type UserLoginInput = { merchantCode: string, username: string, password: string, clientIp: string }

/**
 * loginUser: a person's password login; opens a session like `login` does, tied to the user.
 * Rate-limited with the same limiter (per merchant code, per user, per address) and one
 * generic answer for every failure, so neither merchant codes nor usernames can be probed.
 */
export async function loginUser (deps: AuthDeps, input: UserLoginInput, log: Log): Promise<string> {
  const keys = [`merchant:${input.merchantCode}`, `user:${input.merchantCode}:${input.username.toLowerCase()}`, `ip:${input.clientIp}`]
  if (keys.some((key) => deps.loginLimiter.isBlocked(key))) {
    log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp }, 'user login refused: too many failures')
    throw new AppError('TOO_MANY_REQUESTS')
  }
  const merchant = await findMerchantByCode(deps.db, input.merchantCode)
  const row = merchant === undefined
    ? undefined
    : await deps.db.selectFrom('merchant_users').selectAll()
      .where('merchant_id', '=', merchant.id)
      .where((eb) => eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase()))
      .executeTakeFirst()
  // Unknown merchants and users still cost one scrypt, so timing does not tell them apart.
  const matches = await verifyPassword(input.password, row?.password_hash ?? await DUMMY_HASH_PROMISE())
  if (merchant === undefined || row === undefined || !matches || !row.active) {
    for (const key of keys) deps.loginLimiter.recordFailure(key)
    const why = merchant === undefined ? 'unknown merchant code' : row === undefined ? 'unknown user' : !matches ? 'wrong password' : 'user inactive'
    log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp, why }, 'user login failed')
    throw new AppError('AUTHENTICATION_FAILED')
  }
  deps.loginLimiter.reset(keys[1] as string)
  const now = deps.clock.now()
  const sessionId = randomBytes(32).toString('hex')
  await deps.db.insertInto('sessions').values({
    id_hash: hashSessionId(sessionId),
    merchant_id: merchant.id,
    user_id: row.id,
    created_at: now,
    expires_at: new Date(now.getTime() + deps.sessionTtlSeconds * 1000)
  }).execute()
  await capSessions(deps, { merchantId: merchant.id, userId: row.id }, { idHash: hashSessionId(sessionId) })
  log.info({ merchantCode: input.merchantCode, userId: String(row.id) }, 'user login succeeded')
  return sessionId
}

/** The merchant user behind an (already authenticated) sessionID; undefined for an API session. */
export async function findSessionUser (db: Kysely<Database>, sessionId: string): Promise<MerchantUser | undefined> {
  if (!SESSION_ID_PATTERN.test(sessionId)) return undefined
  const row = await db.selectFrom('sessions')
    .innerJoin('merchant_users', 'merchant_users.id', 'sessions.user_id')
    .selectAll('merchant_users')
    .where('sessions.id_hash', '=', hashSessionId(sessionId))
    .executeTakeFirst()
  return row === undefined ? undefined : toUser(row)
}

/**
 * The user of this session, who must hold every privilege given: on-behalf actions need a
 * user's session (loginUser), never the merchant's API session. NOT_ALLOWED names what is missing.
 */
export async function requireUser (db: Kysely<Database>, merchant: Merchant, sessionId: string, ...privileges: Privilege[]): Promise<MerchantUser> {
  const user = await findSessionUser(db, sessionId)
  if (user === undefined || user.merchantId !== merchant.id || !user.active) {
    throw new AppError('NOT_ALLOWED', {
      message: `Not allowed: this needs a merchant user's session (loginUser) with the privilege ${privileges.map((p) => `${p} ("${PRIVILEGES[p]}")`).join(', ')}`,
      data: { privilege: privileges[0], privileges }
    })
  }
  const missing = privileges.filter((p) => !user.privileges.includes(p))
  if (missing.length > 0) {
    throw new AppError('NOT_ALLOWED', {
      message: `Not allowed: user ${user.username} lacks the privilege ${missing.map((p) => `${p} ("${PRIVILEGES[p]}")`).join(', ')}`,
      data: { privilege: missing[0], privileges: missing }
    })
  }
  return user
}

/** Sets a user's `active` flag, finding the username as loginUser does (case-insensitively). */
export async function updateMerchantUserActive (db: Kysely<Database>, merchantId: bigint, username: string, active: boolean): Promise<MerchantUser | undefined> {
  const row = await db.updateTable('merchant_users').set({ active })
    .where('merchant_id', '=', merchantId)
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .returningAll()
    .executeTakeFirst()
  return row === undefined ? undefined : toUser(row)
}
