import type { SessionRecord } from './session-store.js'

/**
 * Recently read sessions, so a busy client's calls skip the session look-up. A session row never
 * changes after login, and its expiry is still checked against the clock on every call, so expiry
 * stays exact; only the merchant's settings read with it (name, PO auto-approve) may be up to
 * `freshnessMs` old. Unknown sessions are never cached. Bounded: the oldest entries go first.
 * A session ended here (rotated secret, deactivated user, cap) is forgotten at once; other
 * processes' caches may serve it for up to `freshnessMs`, so a revocation waits that long
 * (`othersForgotten`) before it answers when other processes share the database.
 */
export type SessionCache = {
  get: (idHash: string) => SessionRecord | undefined
  set: (idHash: string, record: SessionRecord) => void
  /** Drops an ended session (revoked or evicted) so its next call reads the database. */
  forget: (idHash: string) => void
  /**
   * Resolves once every other process's cache has let go of what was read before now (after
   * `freshnessMs` when `shared`, the database serving other processes; at once otherwise).
   */
  othersForgotten: () => Promise<void>
}

export function createSessionCache (options: { maxEntries: number, freshnessMs: number, shared?: boolean, now?: () => number }): SessionCache {
  const now = options.now ?? (() => performance.now())
  // record undefined: a session ended in this process (a tombstone, kept freshnessMs).
  const entries = new Map<string, { record: SessionRecord | undefined, readAt: number }>()
  const put = (idHash: string, record: SessionRecord | undefined): void => {
    entries.delete(idHash)
    entries.set(idHash, { record, readAt: now() })
    if (entries.size > options.maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest !== undefined) entries.delete(oldest)
    }
  }
  return {
    get (idHash) {
      const entry = entries.get(idHash)
      if (entry === undefined) return undefined
      if (now() - entry.readAt >= options.freshnessMs) {
        entries.delete(idHash)
        return undefined
      }
      return entry.record
    },
    set (idHash, record) {
      if (options.freshnessMs <= 0) return
      // A read that began before the session was ended must not put it back for freshnessMs.
      const entry = entries.get(idHash)
      if (entry !== undefined && entry.record === undefined && now() - entry.readAt < options.freshnessMs) return
      put(idHash, record)
    },
    forget (idHash) {
      if (options.freshnessMs <= 0) return
      put(idHash, undefined)
    },
    async othersForgotten () {
      if (options.shared !== true || options.freshnessMs <= 0) return
      // A read begun just before the revocation committed is cached until freshnessMs after it ended.
      await new Promise((resolve) => setTimeout(resolve, options.freshnessMs + 50))
    }
  }
}
