/**
 * Idempotent placeOrder (SPEC §5, as Stripe does it): a client key of up to 255 characters,
 * scoped to the merchant, kept at least 24 hours. The first request with a key inserts its row
 * (the primary key (merchant_id, key) lets exactly one win a race) and runs; the order's id is
 * written to the row by the order's own statement (`insertOrder`), and the answer when it is done. A retry
 * with the same params replays the first answer — an error too (an unexpected failure or a
 * refusal for want of a privilege is not kept, so it can be retried); with other params it is refused (IDEMPOTENCY_KEY_REUSED). A retry
 * that arrives while the first is running waits for its answer.
 *
 * What "the same params" means (issue 16, finding 1): the row keeps a fingerprint of the parsed
 * request, never the request. An unkeyed hash of the raw Order let anyone with a database dump
 * brute-force the card number and CVV (the first 6 / last 4 are stored in payments) and a masked
 * account number in seconds. So the fingerprint is
 * - an HMAC keyed with a key that is not in the database (derived from the secret-encryption key),
 *   so a dump alone cannot test a single candidate;
 * - over the PARSED Order (only the fields ordergate knows, normalised), not the raw params: a
 *   client's unknown extra field (a "CVV2" the schema drops) would otherwise be fingerprinted;
 * - with the CVV left out and the card number, IBAN and account number reduced to the masks
 *   already stored in payments (first 6 + last 4, IBAN country/check digits + last 4, account
 *   last 4): nothing in it goes beyond what the database shows, even to someone who also holds
 *   the key (a card's 6 hidden digits are too few to rest on a key alone), and nothing at all is
 *   derived from a CVV. Wallet and transient tokens stay in (keyed): they are random processor
 *   credentials, not card data, and telling one payment from another needs them.
 * The price: a retry with the same key whose Order differs ONLY in the CVV or in the hidden digits
 * of the card / IBAN / account is taken as the same request and replays the first answer, never a
 * second charge; any other difference is refused (IDEMPOTENCY_KEY_REUSED) as before.
 */
import { createHmac } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { deriveKey } from '../derived-keys.js'
import { AppError, ERRORS, type ErrorReason } from '../errors.js'
import { maskAccountNumber, maskIban } from '../payments/offline.js'
import { compactIban, ibanValid, luhnValid, stripCardNumber } from '../wire/field-checks.js'
import { toWireOrder, type WireOrder } from '../wire/wire-order.js'
import { findOrderById, type StoredOrder } from './order-store.js'

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** A request holding a key longer than this is presumed dead (its process stopped); another may take over. */
const STALE_MS = 60_000
/** How long a retry waits for the first request's answer before IDEMPOTENCY_KEY_IN_USE. */
const WAIT_MS = 30_000

type StoredError = { reason: string, message: string, fields?: unknown, data?: unknown }
type Stored = { result: Record<string, unknown> } | { error: StoredError } | { orderId: string } | { refundId: string }

/** JSON with object keys sorted at every level: the same params always hash the same. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The fingerprint's own key (src/derived-keys.ts), never the AES key of the merchant secrets. */
export function deriveIdempotencyKey (encryptionKey: Buffer): Buffer {
  return deriveKey(encryptionKey, 'ordergate idempotency v1')
}

/** Written over the unkeyed hashes of older versions (migration 202612012000): compared as "any request". */
export const DISCARDED_REQUEST_HASH = 'discarded-unkeyed-sha256'

// Card and bank fields, wherever they are in the request: what the fingerprint keeps of them.
// undefined: left out entirely (CVV: nothing derived from it may be kept, even keyed).
const FINGERPRINTED_AS: Readonly<Record<string, (value: string) => string | undefined>> = {
  CardNumber: (v) => `${v.slice(0, 6)}…${v.slice(-4)}`,
  CCID: () => undefined,
  Iban: maskIban,
  AccountNumber: maskAccountNumber
}

function withoutCardData (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCardData)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const reduce = Object.hasOwn(FINGERPRINTED_AS, key) ? FINGERPRINTED_AS[key] : undefined
    if (reduce === undefined) out[key] = withoutCardData(v)
    else if (v !== undefined && v !== null) out[key] = reduce(String(v))
  }
  return out
}

/** HMAC-SHA256 (hex) of the method and the parsed params, card data reduced as FINGERPRINTED_AS says. */
export function requestFingerprint (key: Buffer, method: string, params: unknown): string {
  return createHmac('sha256', key).update(`${method}\n${canonicalJson(withoutCardData(params))}`).digest('hex')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type IdempotencyDeps = { db: Kysely<Database>, clock: Clock, idempotencyKey: Buffer }

/**
 * What placeOrder answers: an order (stored now, or by the first request with the key, which
 * stopped before it could answer), or — a retry — the first answer, kept as it was sent.
 */
export type PlacedOrder = { kind: 'order', order: StoredOrder } | { kind: 'first-answer', answer: WireOrder }

/** The method and its parsed params besides the sessionID and the key (compared by requestFingerprint). */
export type IdempotentRequest = { merchantId: bigint, key: string, method: string, params: unknown }

/** What the key's row points at once the call's own transaction committed: the order or refund it made. */
export type StoredPointer = { orderId: string } | { refundId: string }

/**
 * How one method's answer is kept and replayed: `keep` is the answer as stored when the call is
 * done; `replay` answers a retry from it, or from the pointer the call's own transaction wrote
 * (a crash after the commit still replays what was done, never a second one).
 */
export type IdempotentCodec<T> = {
  keep: (value: T) => Record<string, unknown>
  replay: (db: Kysely<Database>, merchantId: bigint, stored: { result: Record<string, unknown> } | StoredPointer) => Promise<T>
}

const isPointer = (stored: Stored): stored is StoredPointer => 'orderId' in stored || 'refundId' in stored

const ORDER_CODEC: IdempotentCodec<PlacedOrder> = {
  // The answer as sent (page tokens sealed: openPageTokens opens them at the RPC edge).
  keep: (placed) => (placed.kind === 'order' ? toWireOrder(placed.order) : placed.answer),
  replay: async (db, merchantId, stored) => {
    if ('result' in stored) return { kind: 'first-answer', answer: stored.result as WireOrder }
    if (!('orderId' in stored)) throw new AppError('INTERNAL_ERROR', { message: 'the idempotency key belongs to another kind of request' })
    const order = await findOrderById(db, merchantId, BigInt(stored.orderId))
    if (order === undefined) throw new AppError('ORDER_NOT_FOUND')
    return { kind: 'order', order }
  }
}

/**
 * Runs `place` once per (merchant, key): answers its order, or the first answer for this key.
 * `place` stores its order with the key (NewOrder.idempotencyKey), so the order's own statement
 * ties the key to the order and a crash after it still replays that order.
 */
export async function idempotent (deps: IdempotencyDeps, request: IdempotentRequest, place: (key: string) => Promise<StoredOrder>): Promise<PlacedOrder> {
  return await runIdempotent(deps, request, async (key) => ({ kind: 'order', order: await place(key) }), ORDER_CODEC)
}

/**
 * The mechanism behind `idempotent`, for any method (issueRefund too): `run` runs once per
 * (merchant, key); a retry with the same params replays its answer as `codec` kept it (an error
 * too), with other params it is IDEMPOTENCY_KEY_REUSED, while the first still runs it waits.
 * `run` should write a StoredPointer to the key's row in its own transaction (crash safety).
 */
export async function runIdempotent<T> (deps: IdempotencyDeps, request: IdempotentRequest, run: (key: string) => Promise<T>, codec: IdempotentCodec<T>): Promise<T> {
  const { merchantId, key, method, params } = request
  const hash = requestFingerprint(deps.idempotencyKey, method, params)
  const waitUntil = Date.now() + WAIT_MS
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now()
    const inserted = await deps.db.insertInto('idempotency_keys')
      .values({ merchant_id: merchantId, key, method, request_hash: hash, state: 'IN_PROGRESS', locked_at: now, created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
      .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
    if (inserted !== undefined) return await runAsOwner(deps, merchantId, key, run, codec)

    const row = await deps.db.selectFrom('idempotency_keys').selectAll().where('merchant_id', '=', merchantId).where('key', '=', key).executeTakeFirst()
    if (row === undefined) continue // deleted meanwhile (expired, or a failed first request): try again
    if (row.expires_at.getTime() <= now.getTime()) {
      await deps.db.deleteFrom('idempotency_keys').where('merchant_id', '=', merchantId).where('key', '=', key).where('expires_at', '<=', now).execute()
      continue
    }
    // A row of an older version lost its unkeyed hash (it lives 24 hours at most): it still
    // replays its answer, so a retry never becomes a second order; only the reuse check is lost.
    if ((row.request_hash !== hash && row.request_hash !== DISCARDED_REQUEST_HASH) || row.method !== method) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', {
        fields: [{ path: 'IdempotencyKey', error_code: 'IDEMPOTENCY_KEY_REUSED', message: `the key was first used with a different ${row.method} request: use a new key for a new request` }]
      })
    }
    const stored = row.response as Stored | null
    if (row.state === 'DONE' && stored !== null) return await replay(deps.db, merchantId, stored, codec)
    if (stored !== null && isPointer(stored)) {
      // The order (refund) was committed but its answer not recorded (the first request died): answer it.
      return await replay(deps.db, merchantId, stored, codec)
    }
    if (now.getTime() - row.locked_at.getTime() > STALE_MS) {
      const taken = await deps.db.updateTable('idempotency_keys').set({ locked_at: now })
        .where('merchant_id', '=', merchantId).where('key', '=', key).where('state', '=', 'IN_PROGRESS').where('locked_at', '=', row.locked_at)
        .returning('key').executeTakeFirst()
      if (taken !== undefined) return await runAsOwner(deps, merchantId, key, run, codec)
    }
    if (Date.now() > waitUntil) {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', { fields: [{ path: 'IdempotencyKey', error_code: 'IDEMPOTENCY_KEY_IN_USE', message: 'the first request with this key is still running: retry later' }] })
    }
    await sleep(Math.min(20 * 2 ** Math.min(attempt, 4), 250))
  }
}

async function runAsOwner<T> (deps: IdempotencyDeps, merchantId: bigint, key: string, run: (key: string) => Promise<T>, codec: IdempotentCodec<T>): Promise<T> {
  const where = <Q extends { where: (...args: any[]) => Q }>(query: Q) => query.where('merchant_id', '=', merchantId).where('key', '=', key)
  const finish = async (stored: Stored) => {
    await where(deps.db.updateTable('idempotency_keys').set({ state: 'DONE', response: JSON.stringify(stored) })).execute()
  }
  let value: T
  try {
    value = await run(key)
  } catch (err) {
    // NOT_ALLOWED is about who asked, not about the order: another user (or this one, granted
    // the privilege) may send the same request with the same key, so it is not kept either.
    if (err instanceof AppError && err.reason !== 'INTERNAL_ERROR' && err.reason !== 'SERVICE_UNAVAILABLE' && err.reason !== 'NOT_ALLOWED') {
      const error = withoutCardNumbers({ reason: err.reason, message: err.message, ...(err.fields !== undefined ? { fields: err.fields } : {}), ...(err.data !== undefined ? { data: err.data } : {}) })
      await finish({ error })
      // The first answer is the replayed one, masked alike.
      throw storedError(error, err)
    } else {
      // Not an answer to keep: free the key so the client's retry runs again.
      await where(deps.db.deleteFrom('idempotency_keys')).where('state', '=', 'IN_PROGRESS').execute().catch(() => {})
    }
    throw err
  }
  await finish({ result: codec.keep(value) })
  return value
}

/**
 * In the owner's transaction, once it holds the lock that serialises its work (the order's row):
 * the answer an earlier owner of the key committed meanwhile, replayed. A request that outlived
 * STALE_MS is taken over by its retry while it may still be running (waiting on that lock); when
 * it commits first, the retry must answer its result instead of doing the work a second time.
 * Undefined: the key holds no answer yet, the work is this owner's to do.
 */
export async function answeredMeanwhile<T> (trx: Kysely<Database>, merchantId: bigint, key: string, codec: IdempotentCodec<T>): Promise<{ value: T } | undefined> {
  const row = await trx.selectFrom('idempotency_keys').select('response')
    .where('merchant_id', '=', merchantId).where('key', '=', key).forUpdate().executeTakeFirst()
  const stored = (row?.response ?? null) as Stored | null
  if (stored === null) return undefined
  return { value: await replay(trx, merchantId, stored, codec) }
}

async function replay<T> (db: Kysely<Database>, merchantId: bigint, stored: Stored, codec: IdempotentCodec<T>): Promise<T> {
  if ('error' in stored) throw storedError(stored.error)
  return await codec.replay(db, merchantId, stored)
}

function storedError ({ reason, message, fields, data }: StoredError, cause?: unknown): AppError {
  const known = (reason in ERRORS ? reason : 'INTERNAL_ERROR') as ErrorReason
  return new AppError(known, { message, cause, ...(Array.isArray(fields) ? { fields } : {}), ...(data !== null && typeof data === 'object' ? { data: data as Record<string, unknown> } : {}) })
}

// Error messages name some of what the client sent (`unknown product code "…"`, a coupon): a card
// number or an IBAN typed there would be kept verbatim in the row for 24 hours. Such runs are kept
// as payments shows them (first 6 / last 4; IBAN country, check digits and last 4). A bare
// account number cannot be told from any other 9 digits; it has no place in these messages.
const DIGIT_RUN = /\d(?:[ -]?\d){11,18}/g
const IBAN_RUN = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}/gi

/** The run with its longest prefix that `valid` accepts (at least `min` long) masked. */
function maskPrefix (run: string, min: number, valid: (text: string) => boolean, mask: (text: string) => string): string {
  for (let end = run.length; end >= min; end--) {
    if (valid(run.slice(0, end))) return mask(run.slice(0, end)) + run.slice(end)
  }
  return run
}

function maskCardNumbers (text: string): string {
  // IBANs first: their digits would otherwise be read as a card number and half masked.
  return text
    .replace(IBAN_RUN, (run) => maskPrefix(run, 15, (t) => /[A-Z0-9]$/i.test(t) && ibanValid(t), (t) => maskIban(compactIban(t))))
    .replace(DIGIT_RUN, (run) => maskPrefix(run, 12, (t) => /\d$/.test(t) && luhnValid(stripCardNumber(t)), (t) => {
      const digits = stripCardNumber(t)
      return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4)
    }))
}

function withoutCardNumbers<T> (value: T): T {
  if (typeof value === 'string') return maskCardNumbers(value) as T
  if (Array.isArray(value)) return value.map(withoutCardNumbers) as T
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutCardNumbers(v)])) as T
}

/** Deletes keys past their 24 hours (run by the sweep); answers how many. */
export async function deleteExpiredIdempotencyKeys (db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', before).where(sql<boolean>`state = 'DONE'`).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Ties the key's row to what the call made, in the call's own transaction: a retry after a crash replays it. */
export async function tieIdempotencyKey (trx: Kysely<Database>, merchantId: bigint, key: string, pointer: StoredPointer): Promise<void> {
  await trx.updateTable('idempotency_keys').set({ response: JSON.stringify(pointer) }).where('merchant_id', '=', merchantId).where('key', '=', key).execute()
}
