/**
 * Who is signed in (getSessionUser) and what they may do: the page offers only the controls the
 * user's privileges allow (issue 19 item 6). An element with `data-privilege="A B"` is shown only
 * to a user holding every privilege named; it is hidden with the `denied` class (display: none,
 * so out of the Tab order too), independent of `hidden`, which the page uses for its own states.
 */
import { callWithSession } from './rpc.js'

export type SessionUser = {
  UserId: number
  Username: string
  DisplayName: string | null
  MerchantCode: string
  MerchantName: string
  Privileges: string[]
  Role: string | null
  SessionExpiresAt: string
  SessionExpiresIn: number
}

let current: SessionUser | undefined

export async function loadSessionUser (): Promise<SessionUser> {
  current = await callWithSession<SessionUser>('getSessionUser', {})
  return current
}

export function forgetSessionUser (): void { current = undefined }

/** The user holds every privilege named (false while nobody is signed in). */
export function can (...privileges: string[]): boolean {
  return current !== undefined && privileges.every((p) => current?.Privileges.includes(p) === true)
}

export function applyPrivileges (root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-privilege]')) {
    const needed = (element.dataset.privilege ?? '').split(' ').filter(Boolean)
    element.classList.toggle('denied', !can(...needed))
  }
}
