import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { deriveKey } from '../derived-keys.js'

/** How long a 3-D Secure or redirect page token stays usable (single use, SPEC §4). */
export const PAYMENT_PAGE_TTL_MS = 30 * 60_000

export type PageKind = '3DS' | 'REDIRECT'

/**
 * A page the shopper opens to finish a payment, as payments.details keeps it: the token's salt
 * (never the token), where to send the shopper back, until when. `tokenSha256` instead of `salt`:
 * a page of an older version (migration 202612012100), looked up by the hash of its random token.
 */
export type PaymentPage = {
  salt?: string
  tokenSha256?: string
  returnUrl: string
  cancelUrl: string
  expiresAt: string
}

// Issue 16: the token opens the page that completes a shopper's payment, so whoever read a
// database dump could finish payments if any table held it. Yet getOrder and idempotent replays
// must answer it again, long after placeOrder. So the token is not stored but recomputed:
//   token = base64url(salt ‖ HMAC-SHA256(pageKey, kind ‖ salt)[0..16])
// with a random 128-bit salt kept in payments.details and a key derived from the secret-encryption
// key (never in the database). A dump shows the salt, not the 128-bit MAC: no token can be made or
// tested without the key. The salt travels in the token, so a page is found by it after the MAC
// is checked (a forged token costs no query); single use stays as before (usedAt, order status).
// Where answers are stored (orders.payment_details, idempotency_keys.response), the token's place
// holds a sealed form naming the salt, opened into the token at the RPC edge (openPageTokens).
// A random token kept as a keyed hash would also keep dumps useless, but could not be answered again.

const SALT_BYTES = 16
const MAC_BYTES = 16
const SEALED = /^page-token\.(3DS|REDIRECT)\.([\w-]{22})$/
const SEALED_IN_URL = /([?&]token=)page-token\.(3DS|REDIRECT)\.([\w-]{22})$/

/** The page token key, from the secret-encryption key (src/derived-keys.ts). */
export function derivePageKey (encryptionKey: Buffer): Buffer {
  return deriveKey(encryptionKey, 'ordergate payment pages v1')
}

const macOf = (pageKey: Buffer, kind: PageKind, salt: Buffer): Buffer =>
  createHmac('sha256', pageKey).update(`${kind}\n`).update(salt).digest().subarray(0, MAC_BYTES)

/** The token the shopper's page takes, recomputed from the page's salt. */
export function pageToken (pageKey: Buffer, kind: PageKind, salt: string): string {
  const raw = Buffer.from(salt, 'base64url')
  return Buffer.concat([raw, macOf(pageKey, kind, raw)]).toString('base64url')
}

/** The salt of a token this server made for `kind`, or undefined (forged, mistyped, another kind). */
export function saltOfToken (pageKey: Buffer, kind: PageKind, token: string): string | undefined {
  if (!/^[\w-]{43}$/.test(token)) return undefined
  const raw = Buffer.from(token, 'base64url')
  if (raw.length !== SALT_BYTES + MAC_BYTES) return undefined
  // Only the canonical spelling: the last character carries 2 unused bits, so 4 spellings would
  // decode to one token; a token with a character changed is another token, never the same page.
  if (raw.toString('base64url') !== token) return undefined
  const salt = raw.subarray(0, SALT_BYTES)
  return timingSafeEqual(raw.subarray(SALT_BYTES), macOf(pageKey, kind, salt)) ? salt.toString('base64url') : undefined
}

/** A new page and the sealed form of its token, which the stored answer holds in the token's place. */
export function newPaymentPage (now: Date, kind: PageKind, returnUrl: string, cancelUrl: string): { page: PaymentPage, sealed: string } {
  const salt = randomBytes(SALT_BYTES).toString('base64url')
  return { page: { salt, returnUrl, cancelUrl, expiresAt: new Date(now.getTime() + PAYMENT_PAGE_TTL_MS).toISOString() }, sealed: `page-token.${kind}.${salt}` }
}

/**
 * An Order answer with its sealed page tokens opened: Authorize3DS.Params.avng8apitoken and the
 * token of RedirectURL, the only places the server writes them. Nowhere else: a client's own text
 * shaped like a sealed token (someone who read a salt in a dump) is never turned into a token.
 */
export function openPageTokens<T> (pageKey: Buffer, answer: T): T {
  const details = (answer as { PaymentDetails?: { PaymentMethod?: unknown } } | null)?.PaymentDetails
  const method = details?.PaymentMethod as Record<string, any> | null | undefined
  if (method === null || typeof method !== 'object') return answer
  const opened: Record<string, unknown> = { ...method }
  const params = method.Authorize3DS?.Params
  const sealed = typeof params?.avng8apitoken === 'string' ? SEALED.exec(params.avng8apitoken) : null
  if (sealed !== null && sealed[1] === '3DS') {
    opened.Authorize3DS = { ...method.Authorize3DS, Params: { ...params, avng8apitoken: pageToken(pageKey, '3DS', sealed[2]!) } }
  }
  const inUrl = typeof method.RedirectURL === 'string' ? SEALED_IN_URL.exec(method.RedirectURL) : null
  if (inUrl !== null && inUrl[2] === 'REDIRECT') {
    opened.RedirectURL = method.RedirectURL.slice(0, inUrl.index) + inUrl[1] + pageToken(pageKey, 'REDIRECT', inUrl[3]!)
  }
  return { ...answer, PaymentDetails: { ...details, PaymentMethod: opened } }
}
