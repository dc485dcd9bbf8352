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
  run: <T>(addressKey: string, work: () => Promise<T>) => Promise<T | undefined>
}

/**
 * Each scrypt here takes 128 MiB and a libuv thread for tens to hundreds of milliseconds, so an
 * unbounded burst would queue every other login behind it for seconds. At most `perAddress` checks
 * of one address run or wait at once, and further ones from it are refused at once (never
 * queued); at most `global` run in all, and the rest wait in order, at most `maxWaitMs` and
 * `maxQueue` deep, before being refused.
 */
export function createHashingGate (options: { global: number, perAddress: number, maxWaitMs: number, maxQueue: number }): HashingGate {
  let running = 0
  const perAddress = new Map<string, number>()
  const queue: Array<{ start: () => void }> = []

  const next = () => {
    running--
    const waiting = queue.shift()
    if (waiting !== undefined) waiting.start()
  }

  return {
    async run (addressKey, work) {
      const mine = perAddress.get(addressKey) ?? 0
      if (mine >= options.perAddress) return undefined
      if (running >= options.global && queue.length >= options.maxQueue) return undefined
      perAddress.set(addressKey, mine + 1)
      try {
        if (running >= options.global) {
          const started = await new Promise<boolean>((resolve) => {
            const entry = {
              start: () => { clearTimeout(timer); running++; resolve(true) }
            }
            const timer = setTimeout(() => {
              const at = queue.indexOf(entry)
              if (at >= 0) queue.splice(at, 1)
              resolve(false)
            }, options.maxWaitMs)
            queue.push(entry)
          })
          if (!started) return undefined
        } else {
          running++
        }
        try {
          return await work()
        } finally {
          next()
        }
      } finally {
        const left = (perAddress.get(addressKey) ?? 1) - 1
        if (left <= 0) perAddress.delete(addressKey)
        else perAddress.set(addressKey, left)
      }
    }
  }
}
