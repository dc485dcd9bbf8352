import { z } from 'zod'
import type { Merchant } from './merchant-store.js'
import { PRIVILEGE_NAMES, ROLE_NAMES, type MerchantUser } from './privileges.js'

/**
 * Who is signed in, as the console needs it to offer only the controls the user may use (issue 19
 * item 6): the user, their merchant, their privileges and their role.
 */
export const SessionUserSchema = z.object({
  UserId: z.number().int(),
  Username: z.string(),
  DisplayName: z.string().nullable(),
  MerchantCode: z.string(),
  MerchantName: z.string(),
  Privileges: z.array(z.enum(PRIVILEGE_NAMES)).describe('the privilege names the user holds (see the privilege list in the README)'),
  Role: z.enum(ROLE_NAMES).nullable().describe('the user\'s role (the discount limits are set per role); null: a user with privileges and no role'),
  SessionExpiresAt: z.string().describe('when this session ends (ISO 8601, UTC): SESSION_TTL_SECONDS after loginUser, calls do not extend it'),
  SessionExpiresIn: z.number().int().nonnegative().describe('seconds left until then, by the server\'s clock (a client warns before it without trusting its own clock)')
}).describe('SessionUser')
export type SessionUser = z.output<typeof SessionUserSchema>

/** The signed-in merchant user of a session, in the wire's names. */
export function toSessionUser (merchant: Merchant, user: MerchantUser, session: { expiresAt: Date, now: Date }): SessionUser {
  return {
    UserId: Number(user.id),
    Username: user.username,
    DisplayName: user.displayName,
    MerchantCode: merchant.code,
    MerchantName: merchant.name,
    Privileges: PRIVILEGE_NAMES.filter((p) => user.privileges.includes(p)),
    Role: user.role,
    SessionExpiresAt: session.expiresAt.toISOString(),
    SessionExpiresIn: Math.max(0, Math.floor((session.expiresAt.getTime() - session.now.getTime()) / 1000))
  }
}
