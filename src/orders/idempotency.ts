/**
 * Idempotent placeOrder (SPEC §5, as Stripe does it): a client key of up to 255 characters,
 * scoped to the merchant, kept at least 24 hours. The first request with a key inserts its row
 * (the primary key (merchant_id, key) lets exactly one win a race) and runs; the order's id is
 * written to the row inside the order's own transaction, and the answer when it is done. A retry
 * with the same params replays the first answer — an error too (an unexpected failure or a
 * refusal for want of a privilege is not kept, so it can be retried); with other params it is
 * refused (IDEMPOTENCY_KEY_REUSED). A retry that arrives while the first is running waits for
 * its answer.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError, ERRORS, type ErrorReason } from '../errors.js'
import { findOrderByRefNo } from './order-store.js'
import { toWireOrder } from './wire-order.js'

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** A request holding a key longer than this is presumed dead (its process stopped); another may take over. */
const STALE_MS = 60_000
/** How long a retry waits for the first request's answer before IDEMPOTENCY_KEY_IN_USE. */
const WAIT_MS = 30_000

type Stored = { result: unknown } | { error: { reason: string, message: string, fields?: unknown, data?: unknown } } | { orderId: string }

/** JSON with object keys sorted at every level: the same params always hash the same. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function requestHash (method: string, params: unknown): string {
  return createHash('sha256').update(`${method}\n${canonicalJson(params)}`).digest('hex')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type IdempotencyDeps = { db: Kysely<Database>, clock: Clock }

/** Called inside the order's transaction: ties the key to the order, so a crash after commit still replays it. */
export type BindOrder = (trx: Kysely<Database>, placed: { orderId: bigint }) => Promise<void>

/**
 * Runs `run` once per (merchant, key): answers its result, or the first answer for this key.
 * `params` are what the client sent besides the sessionID (compared by hash).
 */
export async function idempotent (
  deps: IdempotencyDeps,
  merchantId: bigint,
  key: string,
  method: string,
  params: unknown,
  run: (bind: BindOrder) => Promise<Record<string, unknown>>
): Promise<unknown> {
  const hash = requestHash(method, params)
  const waitUntil = Date.now() + WAIT_MS
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now()
    const inserted = await deps.db.insertInto('idempotency_keys')
      .values({ merchant_id: merchantId, key, method, request_hash: hash, state: 'IN_PROGRESS', locked_at: now, created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
      .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
    if (inserted !== undefined) return await runAsOwner(deps, merchantId, key, run, now)

    const row = await deps.db.selectFrom('idempotency_keys').selectAll().where('merchant_id', '=', merchantId).where('key', '=', key).executeTakeFirst()
    if (row === undefined) continue // deleted meanwhile (expired, or a failed first request): try again
    if (row.expires_at.getTime() <= now.getTime()) {
      await deps.db.deleteFrom('idempotency_keys').where('merchant_id', '=', merchantId).where('key', '=', key).where('expires_at', '<=', now).execute()
      continue
    }
    if (row.request_hash !== hash || row.method !== method) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', {
        fields: [{ path: 'IdempotencyKey', error_code: 'IDEMPOTENCY_KEY_REUSED', message: `the key was first used with a different ${row.method} request: use a new key for a new order` }]
      })
    }
    const stored = row.response as Stored | null
    if (row.state === 'DONE' && stored !== null) return await replay(deps.db, merchantId, stored)
    if (stored !== null && 'orderId' in stored) {
      // The order was committed but its answer not recorded (the first request died): answer the order.
      return await replay(deps.db, merchantId, stored)
    }
    if (now.getTime() - row.locked_at.getTime() > STALE_MS) {
      const taken = await deps.db.updateTable('idempotency_keys').set({ locked_at: now })
        .where('merchant_id', '=', merchantId).where('key', '=', key).where('state', '=', 'IN_PROGRESS').where('locked_at', '=', row.locked_at)
        .returning('key').executeTakeFirst()
      if (taken !== undefined) return await runAsOwner(deps, merchantId, key, run, now)
    }
    if (Date.now() > waitUntil) {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', { fields: [{ path: 'IdempotencyKey', error_code: 'IDEMPOTENCY_KEY_IN_USE', message: 'the first request with this key is still running: retry later' }] })
    }
    await sleep(Math.min(20 * 2 ** Math.min(attempt, 4), 250))
  }
}

async function runAsOwner (deps: IdempotencyDeps, merchantId: bigint, key: string, run: (bind: BindOrder) => Promise<Record<string, unknown>>, _now: Date): Promise<unknown> {
  const where = <T extends { where: (...args: any[]) => T }>(query: T) => query.where('merchant_id', '=', merchantId).where('key', '=', key)
  const finish = async (stored: Stored) => {
    await where(deps.db.updateTable('idempotency_keys').set({ state: 'DONE', response: JSON.stringify(stored) })).execute()
  }
  let result: Record<string, unknown>
  try {
    result = await run(async (trx, placed) => {
      await where(trx.updateTable('idempotency_keys').set({ response: JSON.stringify({ orderId: String(placed.orderId) }) })).execute()
    })
  } catch (err) {
    // NOT_ALLOWED is about who asked, not about the order: another user (or this one, granted
    // the privilege) may send the same request with the same key, so it is not kept either.
    if (err instanceof AppError && err.reason !== 'INTERNAL_ERROR' && err.reason !== 'SERVICE_UNAVAILABLE' && err.reason !== 'NOT_ALLOWED') {
      await finish({ error: { reason: err.reason, message: err.message, ...(err.fields !== undefined ? { fields: err.fields } : {}), ...(err.data !== undefined ? { data: err.data } : {}) } })
    } else {
      // Not an answer to keep: free the key so the client's retry runs again.
      await where(deps.db.deleteFrom('idempotency_keys')).where('state', '=', 'IN_PROGRESS').execute().catch(() => {})
    }
    throw err
  }
  await finish({ result })
  return result
}

async function replay (db: Kysely<Database>, merchantId: bigint, stored: Stored): Promise<unknown> {
  if ('result' in stored) return stored.result
  if ('orderId' in stored) {
    const row = await db.selectFrom('orders').select('ref_no').where('id', '=', BigInt(stored.orderId)).where('merchant_id', '=', merchantId).executeTakeFirst()
    const order = row === undefined ? undefined : await findOrderByRefNo(db, merchantId, row.ref_no)
    if (order === undefined) throw new AppError('ORDER_NOT_FOUND')
    return toWireOrder(order)
  }
  const { reason, message, fields, data } = stored.error
  const known = (reason in ERRORS ? reason : 'INTERNAL_ERROR') as ErrorReason
  throw new AppError(known, { message, ...(Array.isArray(fields) ? { fields } : {}), ...(data !== null && typeof data === 'object' ? { data: data as Record<string, unknown> } : {}) })
}

/** Deletes keys past their 24 hours (run by the sweep); answers how many. */
export async function deleteExpiredIdempotencyKeys (db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', before).where(sql<boolean>`state = 'DONE'`).executeTakeFirst()
  return Number(result.numDeletedRows)
}
