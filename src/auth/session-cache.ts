import type { SessionRecord } from './session-store.js'

/**
 * Recently read sessions, so a busy client's calls skip the session look-up. A session row never
 * changes after login, and its expiry is still checked against the clock on every call, so expiry
 * stays exact; only the merchant's settings read with it (name, PO auto-approve) may be up to
 * `freshnessMs` old. Unknown sessions are never cached. Bounded: the oldest entries go first.
 */
export type SessionCache = {
  get: (idHash: string) => SessionRecord | undefined
  set: (idHash: string, record: SessionRecord) => void
}

export function createSessionCache (options: { maxEntries: number, freshnessMs: number, now?: () => number }): SessionCache {
  const now = options.now ?? (() => performance.now())
  const entries = new Map<string, { record: SessionRecord, readAt: number }>()
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
      entries.delete(idHash)
      entries.set(idHash, { record, readAt: now() })
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
    }
  }
}
