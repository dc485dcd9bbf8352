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
