import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { IpnAlgorithm } from './ipn-message.js'

// The IPN outbox's delivery side (migration 202612021020): claiming due notifications under a
// lease, and recording each try. Every time compared here is the caller's clock, never the
// database's now(): tests move a fake clock through two days of retries.

/** A notification claimed for one try. */
export type ClaimedNotification = {
  id: bigint
  merchantId: bigint
  orderId: bigint
  eventId: bigint
  refNo: bigint
  url: string
  /** tries made before this one */
  attempts: number
  /** when the first try was made; null before it */
  firstAttemptAt: Date | null
  /** what signs it: the merchant's sealed secret key and IPN algorithm (md5 when the settings are gone since) */
  signing: { secretCiphertext: string, algorithm: IpnAlgorithm }
}

/**
 * The listener key the per-listener concurrency counts by: `scheme://authority`, lower-cased,
 * read the same way here and in SQL (LISTENER_KEY_SQL), so the claim can leave out listeners
 * already at their limit.
 */
export function listenerKey (url: string): string {
  return (/^[^:/?#]+:\/\/[^/?#]*/.exec(url)?.[0] ?? url).toLowerCase()
}
const LISTENER_KEY_SQL = (column: string) => sql.raw(`lower(coalesce(substring(${column} from '^[^:/?#]+://[^/?#]*'), ${column}))`)

export type ClaimRequest = {
  now: Date
  leaseUntil: Date
  /** this worker's id (lease_owner) */
  owner: string
  limit: number
  /** at most this many in flight per listener key */
  perListener: number
  /** listener keys with tries in flight here, and how many */
  inFlightByListener: ReadonlyMap<string, number>
  /** notifications this worker is sending (never claimed twice, even once their lease has expired) */
  inFlightIds: readonly bigint[]
}

/**
 * Claims up to `limit` due notifications in one statement (its own short transaction): PENDING,
 * due by `now`, not leased (or the lease expired), not already in flight here, the earliest
 * PENDING one of its order and URL (so one order's notifications reach a listener in the order
 * of its changes), at most `perListener` per listener key counting those in flight. Rows another
 * worker is claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED); the state and the
 * lease are checked again on the locked row, so a claim committed meanwhile is never taken.
 */
export async function claimDueNotifications (db: Kysely<Database>, request: ClaimRequest): Promise<ClaimedNotification[]> {
  if (request.limit <= 0) return []
  const busy = [...request.inFlightByListener].filter(([, n]) => n > 0)
  const full = busy.filter(([, n]) => n >= request.perListener).map(([key]) => key)
  const partial = busy.filter(([, n]) => n < request.perListener)
  // The scan is bounded; listeners at their limit are left out of it, so a listener with a
  // large backlog that hangs cannot fill the scan and starve the others.
  const scan = Math.max(64, request.limit * 8)
  const result = await sql<{ id: bigint, merchant_id: bigint, order_id: bigint, event_id: bigint, ref_no: bigint, url: string, attempts: number, next_attempt_at: Date, first_attempt_at: Date | null, secret_ciphertext: string, algorithm: string }>`
    with due as (
      select n.id, n.next_attempt_at, ${LISTENER_KEY_SQL('n.url')} as listener
      from ipn_notifications n
      where n.state = 'PENDING'
        and n.next_attempt_at <= ${request.now}
        and (n.lease_until is null or n.lease_until < ${request.now})
        and n.id <> all(${sql.val(request.inFlightIds.map(String))}::int8[])
        and ${LISTENER_KEY_SQL('n.url')} <> all(${sql.val(full)}::text[])
        and not exists (
          select 1 from ipn_notifications p
          where p.order_id = n.order_id and p.url = n.url and p.state = 'PENDING' and p.id < n.id
        )
      order by n.next_attempt_at, n.id
      limit ${scan}
    ), ranked as (
      select d.id, d.next_attempt_at,
        row_number() over (partition by d.listener order by d.next_attempt_at, d.id) as rn,
        coalesce(c.free, ${request.perListener}) as free
      from due d
      left join unnest(${sql.val(partial.map(([key]) => key))}::text[], ${sql.val(partial.map(([, n]) => request.perListener - n))}::int4[]) as c(listener, free)
        on c.listener = d.listener
    ), picked as (
      select id from ranked where rn <= free order by next_attempt_at, id limit ${request.limit}
    ), locked as (
      select n.id from ipn_notifications n
      where n.id in (select id from picked)
        and n.state = 'PENDING'
        and (n.lease_until is null or n.lease_until < ${request.now})
      for update of n skip locked
    )
    update ipn_notifications n
    set lease_until = ${request.leaseUntil}, lease_owner = ${request.owner}
    from locked, orders o, merchants m
    where n.id = locked.id and o.id = n.order_id and m.id = n.merchant_id
    returning n.id, n.merchant_id, n.order_id, n.event_id, o.ref_no, n.url, n.attempts, n.next_attempt_at,
      (select min(a.at) from ipn_attempts a where a.notification_id = n.id) as first_attempt_at,
      m.secret_ciphertext, coalesce((select s.algorithm from ipn_settings s where s.merchant_id = n.merchant_id), 'md5') as algorithm`.execute(db)
  return result.rows
    .sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => ({
      id: r.id,
      merchantId: r.merchant_id,
      orderId: r.order_id,
      eventId: r.event_id,
      refNo: r.ref_no,
      url: r.url,
      attempts: r.attempts,
      firstAttemptAt: r.first_attempt_at === null ? null : new Date(r.first_attempt_at),
      signing: { secretCiphertext: r.secret_ciphertext, algorithm: r.algorithm as IpnAlgorithm }
    }))
}

/**
 * Whether a notification is left that a claim at `now` could take with nothing in flight: PENDING,
 * due, not leased (or the lease expired), the earliest PENDING one of its order and URL. A claim
 * can find none while one is left: it skips rows another claim holds locked (FOR UPDATE SKIP
 * LOCKED), and the rows it skipped count in its limits. drain() asks this before it resolves.
 */
export async function claimableDueLeft (db: Kysely<Database>, now: Date): Promise<boolean> {
  const row = await db.selectFrom('ipn_notifications as n').select('n.id')
    .where('n.state', '=', 'PENDING')
    .where('n.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('n.lease_until', 'is', null), eb('n.lease_until', '<', now)]))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('ipn_notifications as p').select('p.id')
      .whereRef('p.order_id', '=', 'n.order_id').whereRef('p.url', '=', 'n.url').where('p.state', '=', 'PENDING').whereRef('p.id', '<', 'n.id'))))
    .limit(1).executeTakeFirst()
  return row !== undefined
}

export type AttemptRecord = {
  at: Date
  ipnDate: string
  httpStatus: number | null
  receiptValid: boolean
  /** short, without personal data, the URL or the message */
  error: string | null
  durationMs: number
}

export type AttemptOutcome =
  | { state: 'DELIVERED', at: Date }
  | { state: 'PENDING', nextAttemptAt: Date }
  | { state: 'FAILED' }

/**
 * Records one try and its outcome, and ends the lease. The outcome is written only while
 * `owner` still holds the lease: a try that outlived it (another worker may have claimed the
 * notification since) is kept in the history but confirms nothing. Returns whether it did.
 */
export async function recordAttempt (db: Kysely<Database>, notificationId: bigint, owner: string, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<boolean> {
  // One statement (one round trip, one commit): the try is kept whatever the update finds.
  const { rows } = await sql<{ id: bigint }>`
    with a as (
      insert into ipn_attempts (notification_id, at, ipn_date, http_status, receipt_valid, error, duration_ms)
      values (${notificationId}, ${attempt.at}, ${attempt.ipnDate}, ${attempt.httpStatus}, ${attempt.receiptValid}, ${attempt.error},
        ${Math.max(0, Math.round(attempt.durationMs))})
    )
    update ipn_notifications
    set attempts = attempts + 1, state = ${outcome.state}, lease_until = null, lease_owner = null,
      delivered_at = ${outcome.state === 'DELIVERED' ? outcome.at : null}::timestamptz,
      next_attempt_at = coalesce(${outcome.state === 'PENDING' ? outcome.nextAttemptAt : null}::timestamptz, next_attempt_at)
    where id = ${notificationId} and lease_owner = ${owner} and state = 'PENDING'
    returning id`.execute(db)
  return rows.length > 0
}

/** Gives a claimed notification back untried (this worker could not start it): due again at once. */
export async function releaseLease (db: Kysely<Database>, notificationId: bigint, owner: string): Promise<void> {
  await db.updateTable('ipn_notifications').set({ lease_until: null, lease_owner: null })
    .where('id', '=', notificationId).where('lease_owner', '=', owner).execute()
}
