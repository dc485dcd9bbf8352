import type { AuthenticatedSession } from '../auth/login.js'
import { merchantSessionRequired, requirePrivileges, userSessionRequired, type Privilege } from '../auth/privileges.js'

/**
 * Who may call a session method (SPEC §5: one privilege check, declared per method, applied by
 * the dispatcher): the merchant's API session (login), a merchant user's session (loginUser)
 * holding every privilege named, or both. `M` is `merchantSession`, so a handler of a method the
 * merchant's API session may not call is typed with its user.
 */
export type MethodAccess<P = never, M extends boolean = boolean> = {
  /** the merchant's API session (login) may call it */
  merchantSession: M
  /** the privileges a user's session needs, every one; null: user sessions may not call it */
  userPrivileges: readonly Privilege[] | null
  /** what more some params need, checked once the params are parsed */
  conditions?: ReadonlyArray<AccessCondition<P>>
}

export type AccessCondition<P> = {
  /** for the OpenRPC document */
  when: string
  /**
   * whether the params need these privileges; absent: the params alone cannot tell (updateDraft's
   * custom lines are a change only against the draft's own), so the use case decides under its
   * lock, refusing as this would, and the condition is here for the OpenRPC document
   */
  applies?: (params: P) => boolean
  /** false: the merchant's API session may not send these params */
  merchantSession?: false
  /** more privileges a user's session needs with these params */
  userPrivileges: readonly Privilege[]
  /** the param these privileges are for: a refusal names it (`data.fields`) */
  field?: string
}

/** Methods called without a session (login, loginUser, rpc.discover). */
export const PUBLIC = 'public'
export type PublicAccess = typeof PUBLIC

/**
 * Refuses the session when the access (and, given the parsed params, its conditions) does not
 * allow it: NOT_ALLOWED naming the privileges missing. Without params only the method's own
 * access is checked, before the params are looked at.
 */
export function checkAccess<P> (access: MethodAccess<P>, session: AuthenticatedSession, params?: P): void {
  const conditions = params === undefined ? [] : (access.conditions ?? []).filter((c) => c.applies?.(params) === true)
  const needed = [...(access.userPrivileges ?? []), ...conditions.flatMap((c) => c.userPrivileges)]
  if (session.user === null) {
    if (!access.merchantSession || conditions.some((c) => c.merchantSession === false)) throw userSessionRequired(needed)
    return
  }
  if (access.userPrivileges === null) throw merchantSessionRequired()
  const user = session.user
  requirePrivileges(user, [...(access.userPrivileges ?? []), ...conditions.filter((c) => c.field === undefined).flatMap((c) => c.userPrivileges)])
  for (const condition of conditions) {
    if (condition.field === undefined) continue
    const missing = condition.userPrivileges.filter((p) => !user.privileges.includes(p))
    requirePrivileges(user, condition.userPrivileges, [{ path: condition.field, error_code: 'NOT_ALLOWED', message: `only a user with ${missing.join(', ')} may send it` }])
  }
}

/** The access as the OpenRPC document shows it (`x-access`). */
export function describeAccess (access: MethodAccess<any> | PublicAccess): { public: true } | { merchantSession: boolean, userPrivileges: Privilege[] | null, conditions: Array<{ when: string, merchantSession?: false, userPrivileges: Privilege[] }> } {
  if (access === PUBLIC) return { public: true }
  return {
    merchantSession: access.merchantSession,
    userPrivileges: access.userPrivileges === null ? null : [...access.userPrivileges],
    conditions: (access.conditions ?? []).map((c) => ({ when: c.when, ...(c.merchantSession === false ? { merchantSession: false } : {}), userPrivileges: [...c.userPrivileges] }))
  }
}
