import { isIPv4, isIPv6 } from 'node:net'
import type { Clock } from '../clock.js'

/** What a login tries (`login:CODE`, `user:CODE:username`) and from where. */
export type LoginAttemptKeys = { credential: string, clientIp: string }

/** A reserved attempt: exactly one of its three ends is called (later calls do nothing). */
export type LoginAttempt = {
  /** the credential was right: the reservation is given back and this address's failures for it are forgotten */
  succeeded: () => Promise<void>
  /** the credential was wrong: the reservation stays, as a failure */
  failed: () => Promise<void>
  /** nothing was verified (refused later, or an error): the reservation is given back */
  released: () => Promise<void>
}

export type LoginRefusal = 'address' | 'credential-from-address' | 'credential-throttled'

/**
 * Login attempts are reserved before the credential is checked, so a burst from one address
 * cannot check more than the limit. Async so that its state can later move to the database
 * (several instances) without changing callers.
 */
export type LoginLimiter = {
  /** `trusted`: this address logged in with this credential in the last 7 days */
  begin: (keys: LoginAttemptKeys) => Promise<{ attempt: LoginAttempt, trusted: boolean } | { refused: LoginRefusal }>
}

const MAX_KEYS = 100_000
/** How long an address that logged in with a credential is trusted with it (see createLoginLimiter). */
const TRUSTED_PAIR_MS = 7 * 24 * 60 * 60 * 1000

/**
 * The address a limit counts: an IPv6 client by its /64 (one host is commonly given a whole
 * /64, so single addresses would be free to an attacker), IPv4 and IPv4-mapped as they are.
 */
export function clientAddressKey (ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped !== null && isIPv4(mapped[1] as string)) return mapped[1] as string
  const bare = ip.split('%')[0] as string
  if (!isIPv6(bare)) return ip
  const [head = '', tail] = bare.split('::')
  const first = head === '' ? [] : head.split(':')
  // An embedded IPv4 tail sits in the last 32 bits, so the zero run before it is all that matters here.
  const last = tail === undefined || tail === '' ? [] : tail.split(':')
  const lastGroups = last.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0)
  const groups = tail === undefined ? first : [...first, ...Array<string>(8 - first.length - lastGroups).fill('0'), ...last]
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`
}

type Counter = { failures: number, pending: number, windowStart: number }
type Bucket = { tokens: number, updatedAt: number }

/**
 * In memory: one ordergate process is the unit; several processes behind a balancer each count
 * their own. Three limits:
 * - per (credential, address): `maxFailures` failures in the window refuse that address for
 *   that credential (and only it);
 * - per address, across credentials: `addressMaxFailures` (one address spraying many codes);
 * - per credential, across addresses: a token bucket of `maxFailures` checks per window. It
 *   never refuses an address's first attempt at a credential, nor any attempt from an address
 *   that logged in with the credential in the last 7 days (the merchant's own servers, a
 *   colleague's desk), so failures from elsewhere never lock the real owner out, also when an
 *   attacker keeps the bucket empty and the owner has a failure of its own (a stale secret, a
 *   skewed clock); it only stops repeated guesses, so an attacker gets one guess per fresh
 *   address plus the bucket.
 */
export function createLoginLimiter (options: { clock: Clock, maxFailures: number, addressMaxFailures: number, windowSeconds: number }): LoginLimiter {
  const windowMs = options.windowSeconds * 1000
  const burst = options.maxFailures
  const refillPerMs = options.maxFailures / windowMs
  const counters = new Map<string, Counter>()
  const buckets = new Map<string, Bucket>()
  /** (credential, address) pairs that succeeded, with when: the bucket never refuses them */
  const trusted = new Map<string, number>()

  const prune = <V>(map: Map<string, V>, dead: (value: V) => boolean) => {
    for (const [key, value] of map) if (dead(value)) map.delete(key)
    // Still full of live keys (an address scan): forget the oldest, never grow without bound.
    while (map.size >= MAX_KEYS) {
      const oldest = map.keys().next().value
      if (oldest === undefined) break
      map.delete(oldest)
    }
  }

  const counter = (key: string, now: number): Counter => {
    let entry = counters.get(key)
    if (entry === undefined) {
      if (counters.size >= MAX_KEYS) prune(counters, (c) => c.pending === 0 && now - c.windowStart >= windowMs)
      entry = { failures: 0, pending: 0, windowStart: now }
      counters.set(key, entry)
    } else if (now - entry.windowStart >= windowMs) {
      // In place, so attempts still in flight keep their reservation.
      entry.failures = 0
      entry.windowStart = now
    }
    return entry
  }

  const bucket = (key: string, now: number): Bucket => {
    let entry = buckets.get(key)
    if (entry === undefined) {
      if (buckets.size >= MAX_KEYS) prune(buckets, (b) => b.tokens + (now - b.updatedAt) * refillPerMs >= burst)
      entry = { tokens: burst, updatedAt: now }
      buckets.set(key, entry)
    } else {
      entry.tokens = Math.min(burst, entry.tokens + (now - entry.updatedAt) * refillPerMs)
      entry.updatedAt = now
    }
    return entry
  }

  return {
    async begin (keys) {
      const now = options.clock.now().getTime()
      const addressKey = `ip:${clientAddressKey(keys.clientIp)}`
      const pairKey = `${keys.credential}|${addressKey}`
      const address = counter(addressKey, now)
      const pair = counter(pairKey, now)
      if (address.failures + address.pending >= options.addressMaxFailures) return { refused: 'address' }
      if (pair.failures + pair.pending >= options.maxFailures) return { refused: 'credential-from-address' }
      const tokens = bucket(keys.credential, now)
      const firstFromAddress = pair.failures + pair.pending === 0
      const trustedAt = trusted.get(pairKey)
      const isTrusted = trustedAt !== undefined && now - trustedAt < TRUSTED_PAIR_MS
      let tookToken = false
      if (tokens.tokens >= 1) {
        tokens.tokens -= 1
        tookToken = true
      } else if (!firstFromAddress && !isTrusted) {
        return { refused: 'credential-throttled' }
      }
      address.pending++
      pair.pending++

      let settled = false
      const settle = (outcome: 'succeeded' | 'failed' | 'released') => {
        if (settled) return
        settled = true
        address.pending = Math.max(0, address.pending - 1)
        pair.pending = Math.max(0, pair.pending - 1)
        if (outcome === 'failed') {
          address.failures++
          pair.failures++
          // Evicted meanwhile (a full map): count the failure anyway.
          if (!counters.has(addressKey)) counters.set(addressKey, address)
          if (!counters.has(pairKey)) counters.set(pairKey, pair)
          return
        }
        if (outcome === 'succeeded') {
          pair.failures = 0
          trusted.delete(pairKey) // re-inserted last, so the oldest are the first pruned
          if (trusted.size >= MAX_KEYS) prune(trusted, (at) => now - at >= TRUSTED_PAIR_MS)
          trusted.set(pairKey, now)
        }
        if (tookToken) {
          const live = buckets.get(keys.credential)
          if (live !== undefined) live.tokens = Math.min(burst, live.tokens + 1)
        }
      }
      return {
        trusted: isTrusted,
        attempt: {
          succeeded: async () => { settle('succeeded') },
          failed: async () => { settle('failed') },
          released: async () => { settle('released') }
        }
      }
    }
  }
}
