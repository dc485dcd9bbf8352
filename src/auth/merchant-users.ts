import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { hashSessionId, type AuthDeps } from './login.js'
import { findMerchantByCode, type Merchant } from './merchant-store.js'
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js'
import { clientAddressKey } from './rate-limiter.js'
import { isRole, PRIVILEGE_NAMES, PRIVILEGES, ROLE_NAMES, ROLES, toMerchantUser, type MerchantUser, type Privilege, type Role } from './privileges.js'
import { capSessions } from './session-limits.js'
import { insertSession } from './session-store.js'

export { PRIVILEGES, PRIVILEGE_NAMES, ROLES, type MerchantUser, type Privilege } from './privileges.js'

export const USERNAME_PATTERN = /^[^\s]{1,255}$/
export const MIN_PASSWORD_LENGTH = 10

/**
 * Creates a merchant user with a scrypt password hash; `privileges` may name roles too.
 * `hashParams`: scrypt's cost, OWASP's minimum unless given (test fixtures choose a cheaper one;
 * the check reads the cost stored with the hash).
 */
export async function createMerchantUser (
  db: Kysely<Database>,
  merchantId: bigint,
  input: { username: string, password: string, privileges: readonly string[], displayName?: string, role?: string },
  hashParams?: { N: number, r: number, p: number }
): Promise<MerchantUser> {
  const fields = []
  if (!USERNAME_PATTERN.test(input.username)) fields.push({ path: 'username', error_code: 'USERNAME_INVALID', message: 'a username is 1-255 characters without spaces' })
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 1024) fields.push({ path: 'password', error_code: 'PASSWORD_INVALID', message: `a password is ${MIN_PASSWORD_LENGTH}-1024 characters` })
  const privileges = new Set<Privilege>()
  // The role: as given, else the first role named among the privileges; its privileges are granted.
  let role: Role | null = null
  if (input.role !== undefined) {
    const upper = input.role.toUpperCase()
    if (isRole(upper)) { role = upper; ROLES[upper].forEach((p) => privileges.add(p)) } else fields.push({ path: 'role', error_code: 'ROLE_INVALID', message: `unknown role "${input.role}" (roles: ${ROLE_NAMES.join(', ')})` })
  }
  for (const name of input.privileges) {
    const upper = name.toUpperCase()
    if (isRole(upper)) { role ??= upper; ROLES[upper].forEach((p) => privileges.add(p)) } else if (upper in PRIVILEGES) privileges.add(upper as Privilege)
    else fields.push({ path: 'privilege', error_code: 'PRIVILEGE_INVALID', message: `unknown privilege or role "${name}" (privileges: ${PRIVILEGE_NAMES.join(', ')}; roles: ${Object.keys(ROLES).join(', ')})` })
  }
  if (fields.length > 0) throw new AppError('INVALID_PARAMS', { fields })
  const row = await db.insertInto('merchant_users')
    .values({
      merchant_id: merchantId,
      username: input.username,
      display_name: input.displayName ?? null,
      password_hash: await hashPassword(input.password, hashParams),
      privileges: [...privileges],
      role
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toMerchantUser(row)
}

export type UserLoginInput = { merchantCode: string, username: string, password: string, clientIp: string }

/**
 * loginUser: a person's password login; opens a session like `login` does, tied to the user.
 * Rate-limited with the same limiter (per user and address, per address, and a per-user check
 * budget that never refuses an address's first attempt) and one generic answer for every
 * failure, so neither merchant codes nor usernames can be probed.
 */
export async function loginUser (deps: AuthDeps, input: UserLoginInput, log: Log): Promise<string> {
  const refuse = (limit: string): never => {
    log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp, limit }, 'user login refused: too many failures')
    throw new AppError('TOO_MANY_REQUESTS')
  }
  // Reserved before the password is checked, so concurrent attempts cannot all pass the limit first.
  const begun = await deps.loginLimiter.begin({ credential: `user:${input.merchantCode}:${input.username.toLowerCase()}`, clientIp: input.clientIp })
  if ('refused' in begun) return refuse(begun.refused)
  const { attempt, trusted } = begun
  let checked
  try {
    // The look-ups are inside the hashing cap too, so a refused burst costs no database work.
    checked = await deps.passwordGate.run(clientAddressKey(input.clientIp), async () => {
      const merchant = await findMerchantByCode(deps.db, input.merchantCode)
      const row = merchant === undefined
        ? undefined
        : await deps.db.selectFrom('merchant_users').selectAll()
          .where('merchant_id', '=', merchant.id)
          .where((eb) => eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase()))
          .executeTakeFirst()
      // Unknown merchants and users still cost one scrypt, so timing does not tell them apart.
      const matches = await verifyPassword(input.password, row?.password_hash ?? await DUMMY_HASH_PROMISE())
      return { merchant, row, matches }
    }, trusted)
    if (checked === undefined) return refuse('password hashing busy')
    const { merchant, row, matches } = checked
    if (merchant === undefined || row === undefined || !matches || !row.active) {
      await attempt.failed()
      const why = merchant === undefined ? 'unknown merchant code' : row === undefined ? 'unknown user' : !matches ? 'wrong password' : 'user inactive'
      log.warn({ merchantCode: input.merchantCode, clientIp: input.clientIp, why }, 'user login failed')
      throw new AppError('AUTHENTICATION_FAILED')
    }
    await attempt.succeeded()
  } finally {
    // Refused by the hashing cap or an unexpected error: nothing was checked, nothing is counted.
    await attempt.released()
  }
  const { merchant, row } = checked as { merchant: Merchant, row: { id: bigint } }
  const now = deps.clock.now()
  const sessionId = randomBytes(32).toString('hex')
  const idHash = hashSessionId(sessionId)
  await insertSession(deps.db, { idHash, merchantId: merchant.id, userId: row.id, createdAt: now, expiresAt: new Date(now.getTime() + deps.sessionTtlSeconds * 1000) })
  await capSessions(deps, { merchantId: merchant.id, userId: row.id }, { idHash })
  log.info({ merchantCode: input.merchantCode, userId: String(row.id) }, 'user login succeeded')
  return sessionId
}

/** Sets a user's `active` flag, finding the username as loginUser does (case-insensitively). */
export async function updateMerchantUserActive (db: Kysely<Database>, merchantId: bigint, username: string, active: boolean): Promise<MerchantUser | undefined> {
  const row = await db.updateTable('merchant_users').set({ active })
    .where('merchant_id', '=', merchantId)
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .returningAll()
    .executeTakeFirst()
  return row === undefined ? undefined : toMerchantUser(row)
}

/** This merchant's user by id (active or not), or undefined. */
export async function findMerchantUserById (db: Kysely<Database>, merchantId: bigint, id: bigint): Promise<MerchantUser | undefined> {
  const row = await db.selectFrom('merchant_users').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toMerchantUser(row)
}
