import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// scrypt with OWASP's minimum (N=2^17, r=8, p=1): memory-hard, in Node's standard library.
const DEFAULTS = { N: 2 ** 17, r: 8, p: 1 } as const
const KEY_LENGTH = 32

function derive (password: string, salt: Buffer, params: { N: number, r: number, p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => { if (err !== null) reject(err); else resolve(key) })
  })
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters are stored with the hash, so they can be raised later. */
export async function hashPassword (password: string, params: { N: number, r: number, p: number } = DEFAULTS): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || n === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A hash of a random password, for timing-equal answers to unknown users. */
export const DUMMY_HASH_PROMISE: () => Promise<string> = (() => {
  let cached: Promise<string> | undefined
  return () => { cached ??= hashPassword(randomBytes(16).toString('hex')); return cached }
})()

/** Runs password checks with bounded concurrency; `undefined` when the check was refused, not run. */
export type HashingGate = {
  /** `trusted`: the address signed in with this credential before (it may pass a full global queue) */
  run: <T>(addressKey: string, work: () => Promise<T>, trusted?: boolean) => Promise<T | undefined>
}

/**
 * Each scrypt here takes 128 MiB and a libuv thread for tens to hundreds of milliseconds, so an
 * unbounded burst would queue every other login behind it for seconds. At most `perAddress`
 * checks of one address run (or wait for a global place) at once; up to `perAddressQueue` more
 * wait behind them, in order, and further ones are refused at once. So a burst from one address
 * holds one place and cannot delay the others, while the agents of a call centre behind one NAT
 * address who sign in at the same moment are taken one after another rather than refused. At most
 * `global` run in all; the rest wait in order, at most `maxQueue` deep. A check from an address
 * that signed in with its credential before waits ahead of the others and is never refused for a
 * full queue, so attackers spread over many addresses who keep the queue full cannot keep the
 * staff out. No check waits longer than `maxWaitMs` in all before being refused.
 */
export function createHashingGate (options: { global: number, perAddress: number, perAddressQueue: number, maxWaitMs: number, maxQueue: number }): HashingGate {
  let running = 0
  const queue: Array<() => void> = []
  /** the trusted checks' lane, served before `queue` */
  const priority: Array<() => void> = []
  const addresses = new Map<string, { active: number, waiting: Array<() => void> }>()

  /** Waits in `line` until handed a place (true) or until `ms` have passed (false, out of the line). */
  const waitInLine = (line: Array<() => void>, ms: number) => new Promise<boolean>((resolve) => {
    const take = () => { clearTimeout(timer); resolve(true) }
    const timer = setTimeout(() => {
      const at = line.indexOf(take)
      if (at >= 0) line.splice(at, 1)
      resolve(false)
    }, Math.max(0, ms))
    line.push(take)
  })

  return {
    async run (addressKey, work, trusted = false) {
      const deadline = Date.now() + options.maxWaitMs
      let address = addresses.get(addressKey)
      if (address === undefined) {
        address = { active: 0, waiting: [] }
        addresses.set(addressKey, address)
      }
      const mine = address
      const forget = () => { if (mine.active === 0 && mine.waiting.length === 0) addresses.delete(addressKey) }
      if (mine.active >= options.perAddress) {
        if (mine.waiting.length >= options.perAddressQueue || !await waitInLine(mine.waiting, deadline - Date.now())) {
          forget()
          return undefined
        }
        // Handed the place of a finished check of this address: `active` is unchanged.
      } else {
        mine.active++
      }
      try {
        if (running >= options.global) {
          const line = trusted ? priority : queue
          if ((!trusted && queue.length >= options.maxQueue) || !await waitInLine(line, deadline - Date.now())) return undefined
        } else {
          running++
        }
        try {
          return await work()
        } finally {
          const next = priority.shift() ?? queue.shift()
          if (next !== undefined) next() // the place passes on: `running` is unchanged
          else running--
        }
      } finally {
        const next = mine.waiting.shift()
        if (next !== undefined) next()
        else {
          mine.active--
          forget()
        }
      }
    }
  }
}
