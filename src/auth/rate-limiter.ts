import type { Clock } from '../clock.js'

/**
 * Counts failures per key (a merchant code, a client address) in a fixed window. In memory:
 * one ordergate process is the unit; several processes behind a balancer each count their own.
 */
export type RateLimiter = {
  isBlocked: (key: string) => boolean
  recordFailure: (key: string) => void
  reset: (key: string) => void
}

const MAX_KEYS = 100_000

export function createRateLimiter (options: { clock: Clock, maxFailures: number, windowSeconds: number }): RateLimiter {
  const windowMs = options.windowSeconds * 1000
  const entries = new Map<string, { count: number, windowStart: number }>()

  const current = (key: string, now: number) => {
    const entry = entries.get(key)
    if (entry === undefined || now - entry.windowStart >= windowMs) return undefined
    return entry
  }

  const prune = (now: number) => {
    for (const [key, entry] of entries) {
      if (now - entry.windowStart >= windowMs) entries.delete(key)
    }
    // Still full of live keys (an address scan): forget the oldest, never grow without bound.
    while (entries.size >= MAX_KEYS) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
  }

  return {
    isBlocked (key) {
      const entry = current(key, options.clock.now().getTime())
      return entry !== undefined && entry.count >= options.maxFailures
    },
    recordFailure (key) {
      const now = options.clock.now().getTime()
      const entry = current(key, now)
      if (entry !== undefined) {
        entry.count++
        return
      }
      if (entries.size >= MAX_KEYS) prune(now)
      entries.set(key, { count: 1, windowStart: now })
    },
    reset (key) {
      entries.delete(key)
    }
  }
}
