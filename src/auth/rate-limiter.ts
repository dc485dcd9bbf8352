import { isIPv4, isIPv6 } from 'node:net'
import { sql, type Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'

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
 * cannot check more than the limit. Its counts live in the database (table login_limits), so
 * every ordergate process on it shares them.
 */
export type LoginLimiter = {
  /** `trusted`: this address logged in with this credential in the last 7 days */
  begin: (keys: LoginAttemptKeys) => Promise<{ attempt: LoginAttempt, trusted: boolean } | { refused: LoginRefusal }>
  /**
   * For a check that costs nothing and awaits nothing (login's HMAC), computed first: one
   * statement reserves the attempt and ends it with `outcome`, or refuses it and records nothing.
   * The caller acts on the check only when it is admitted, so a burst still learns no more than
   * the limit; correct attempts in flight at once never hold places (nothing is pending).
   */
  decide: (keys: LoginAttemptKeys, outcome: 'succeeded' | 'failed') => Promise<{ admitted: true } | { refused: LoginRefusal }>
}

/** How long an address that logged in with a credential is trusted with it (see createLoginLimiter). */
const TRUSTED_PAIR_SECONDS = 7 * 24 * 60 * 60
/**
 * A reservation lapses this long after it was made if its attempt never ended (the process died
 * during the check): a check takes at most the hashing gate's 2 s wait and one scrypt.
 */
const RESERVATION_LEASE_SECONDS = 60
/** Rows past their expiry are deleted at most this often per process, at most PRUNE_BATCH at a time. */
const PRUNE_EVERY_MS = 60_000
const PRUNE_BATCH = 10_000

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

type BeginRow = { refusal: LoginRefusal | null, trusted: boolean, took_token: boolean }

/**
 * Counts in PostgreSQL (or the embedded database), shared by every process on it: several
 * ordergate instances behind a balancer refuse at the same count as one. Three limits:
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
 * A reservation is one statement (login_limit_begin, migration 202612031400), an attempt's end
 * another (login_limit_end): each locks its rows and decides under the locks, so concurrent
 * attempts on any number of processes are counted exactly once. Times come from `clock` (the
 * processes' clocks are expected to agree, as NTP keeps them).
 */
export function createLoginLimiter (options: { db: Kysely<Database>, clock: Clock, maxFailures: number, addressMaxFailures: number, windowSeconds: number }): LoginLimiter {
  const { db } = options
  let prunedAt = Number.NEGATIVE_INFINITY

  /** Deletes rows that mean no more than an absent one (bounded; a failed prune is retried later). */
  const prune = async (now: Date): Promise<void> => {
    if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return
    prunedAt = now.getTime()
    await sql`delete from login_limits where key in (select key from login_limits where expires_at < ${now} limit ${PRUNE_BATCH}) and expires_at < ${now}`.execute(db)
      .catch(() => { prunedAt = Number.NEGATIVE_INFINITY })
  }

  const keysOf = (keys: LoginAttemptKeys) => ({
    addressKey: `a:${clientAddressKey(keys.clientIp)}`,
    pairKey: `p:${keys.credential}|${clientAddressKey(keys.clientIp)}`,
    bucketKey: `c:${keys.credential}`
  })
  const beginCall = (k: ReturnType<typeof keysOf>, now: Date) => sql`login_limit_begin(${k.addressKey}, ${k.pairKey}, ${k.bucketKey},
    ${now}::timestamptz, ${options.windowSeconds}::float8, ${options.maxFailures}::int, ${options.addressMaxFailures}::int,
    ${RESERVATION_LEASE_SECONDS}::float8, ${TRUSTED_PAIR_SECONDS}::float8)`
  const endCall = (k: ReturnType<typeof keysOf>, outcome: string, tookToken: unknown, now: Date) => sql`login_limit_end(${k.addressKey}, ${k.pairKey}, ${k.bucketKey}, ${outcome}, ${tookToken},
    ${now}::timestamptz, ${options.windowSeconds}::float8, ${options.maxFailures}::int, ${TRUSTED_PAIR_SECONDS}::float8)`

  return {
    async decide (keys, outcome) {
      const now = options.clock.now()
      const k = keysOf(keys)
      // One statement: the begin's row locks are held until the end has recorded the outcome.
      const { rows } = await sql<{ refusal: LoginRefusal | null }>`select b.refusal, case when b.refusal is null then ${endCall(k, outcome, sql`b.took_token`, now)} end as ended
        from ${beginCall(k, now)} b`.execute(db)
      await prune(now)
      const refusal = rows[0]?.refusal
      if (refusal === undefined) throw new Error('login_limit_begin returned no row')
      return refusal === null ? { admitted: true } : { refused: refusal }
    },
    async begin (keys) {
      const now = options.clock.now()
      const k = keysOf(keys)
      const { addressKey, pairKey, bucketKey } = k
      const { rows } = await sql<BeginRow>`select refusal, trusted, took_token from ${beginCall(k, now)}`.execute(db)
      await prune(now)
      const row = rows[0]
      if (row === undefined) throw new Error('login_limit_begin returned no row')
      if (row.refusal !== null) return { refused: row.refusal }

      let settled = false
      const settle = async (outcome: 'succeeded' | 'failed' | 'released'): Promise<void> => {
        if (settled) return
        settled = true
        await sql`select ${endCall({ addressKey, pairKey, bucketKey }, outcome, row.took_token, options.clock.now())}`.execute(db)
      }
      return {
        trusted: row.trusted,
        attempt: {
          succeeded: async () => { await settle('succeeded') },
          failed: async () => { await settle('failed') },
          released: async () => { await settle('released') }
        }
      }
    }
  }
}
