import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Kysely } from 'kysely'
import type { SecretBox } from '../auth/secret-box.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Database } from '../db/schema.js'
import type { Log } from '../logger.js'
import { postIpnForm, urlOrigin, type PostOutcome } from './delivery-http.js'
import { nextAttemptAt } from './delivery-schedule.js'
import {
  claimableDueLeft, claimDueNotifications, listenerKey, recordAttempt, releaseLease,
  type AttemptOutcome, type AttemptRecord, type ClaimedNotification
} from './delivery-store.js'
import { buildIpnFields, checkReadReceipt, encodeIpnForm, signIpn } from './ipn-message.js'
import { loadIpnSource } from './ipn-source-store.js'

export type DeliveryDeps = {
  db: Kysely<Database>
  clock: Clock
  secretBox: SecretBox
  config: Pick<Config, 'IPN_POLL_MS' | 'IPN_TIMEOUT_MS' | 'IPN_LEASE_MS' | 'IPN_CONCURRENCY' | 'IPN_PER_URL_CONCURRENCY' | 'IPN_ALLOW_PRIVATE_NETWORKS' | 'IPN_YIELD_LOAD'>
}

export type IpnWorker = {
  /** this worker's lease_owner */
  readonly id: string
  /**
   * Looks for due notifications at once (a change was just committed, a test moved the clock).
   * While tries are in flight it does nothing: the end of each try polls again, and a poll
   * while every busy listener is at its limit would scan the backlog to find nothing.
   */
  nudge: () => void
  /**
   * Sends everything due by the clock's now and resolves when no due notification is left that
   * this worker may claim and none of its tries is in flight (tests and scripts).
   */
  drain: () => Promise<void>
  /**
   * Stops claiming; tries in flight may finish within `graceMs`, the rest are abandoned (recorded
   * as failed tries, retried on the schedule). Resolves when every try is recorded.
   */
  stop: (graceMs?: number) => Promise<void>
}

/**
 * The lease outlives any one try: the HTTP exchange is bounded by IPN_TIMEOUT_MS, and loading,
 * signing and recording take far less than the margin. A process that dies mid-try leaves the
 * lease to expire, and the notification is then sent again (by another process or this one).
 * IPN_LEASE_MS sets it (at least IPN_TIMEOUT_MS + 5 s, src/config.ts).
 */
export function leaseMs (timeoutMs: number, configured?: number): number {
  return configured ?? 2 * timeoutMs + 30_000
}

// A nudge never polls more often than this, so a burst of calls costs one claim query per burst.
const NUDGE_GAP_MS = 20
// While the process is busier than IPN_YIELD_LOAD, one try at a time and this gap between polls.
const YIELD_GAP_MS = 100
const LOAD_SAMPLE_MS = 250

/** A one-line, data-free reason for a failed try (the attempt's `error`). */
function failureOf (outcome: PostOutcome, receiptReason: string | undefined): string {
  if (outcome.kind === 'failed') return outcome.error
  if (outcome.status !== 200) return `HTTP ${outcome.status}`
  return `read receipt not valid${receiptReason !== undefined ? `: ${receiptReason}` : ''}`
}

/**
 * Starts the IPN delivery loop of this process: polls the outbox every IPN_POLL_MS (and when
 * nudged), claims due notifications under a lease, POSTs each signed IPN outside any
 * transaction, and records the try and its outcome. At most IPN_CONCURRENCY tries are in flight,
 * and IPN_PER_URL_CONCURRENCY per listener, so a listener that hangs holds only its own slots.
 */
export function startIpnWorker (deps: DeliveryDeps, log: Log): IpnWorker {
  const config = deps.config
  const id = `ipn-${randomBytes(8).toString('hex')}`
  const lease = leaseMs(config.IPN_TIMEOUT_MS, config.IPN_LEASE_MS)
  const inFlight = new Map<bigint, { listener: string, done: Promise<void> }>()
  const byListener = new Map<string, number>()
  const abort = new AbortController()
  let stopping = false
  let timer: NodeJS.Timeout | undefined
  let polling: Promise<void> | undefined
  let again = false
  let lastPollAt = 0
  let failedPolls = 0
  // The event loop's utilization over the last LOAD_SAMPLE_MS: delivery is background work, so
  // while the process is saturated by requests it starts at most one try per YIELD_GAP_MS (it
  // never stops, and the per-listener limits still hold, so a hanging listener still holds only
  // its own slots; the outbox keeps every notification, and the backlog goes out at full speed
  // when load drops).
  // The first look (at once) measures the process's life so far.
  let loadSample = { idle: 0, active: 0, utilization: 0 }
  let loadSampledAt = performance.now() - LOAD_SAMPLE_MS
  let busy = false
  const yielding = (): boolean => {
    const now = performance.now()
    if (now - loadSampledAt >= LOAD_SAMPLE_MS) {
      const current = performance.eventLoopUtilization()
      busy = performance.eventLoopUtilization(current, loadSample).utilization > config.IPN_YIELD_LOAD
      loadSample = current
      loadSampledAt = now
    }
    return busy
  }
  const claimable = (): number => Math.min(yielding() ? 1 : Infinity, config.IPN_CONCURRENCY - inFlight.size)

  const schedule = (delayMs: number) => {
    if (stopping) return
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      poll().catch(() => {}) // poll logs its own failures
    }, delayMs)
    timer.unref()
  }

  async function claimOnce (): Promise<number> {
    const now = deps.clock.now()
    const free = claimable()
    const claimed = await claimDueNotifications(deps.db, {
      now,
      leaseUntil: new Date(now.getTime() + lease),
      owner: id,
      limit: free,
      perListener: config.IPN_PER_URL_CONCURRENCY,
      inFlightByListener: byListener,
      inFlightIds: [...inFlight.keys()]
    })
    for (const notification of claimed) {
      if (stopping) {
        await releaseLease(deps.db, notification.id, id)
        continue
      }
      begin(notification)
    }
    return claimed.length
  }

  function poll (): Promise<void> {
    if (polling !== undefined) {
      again = true
      return polling
    }
    polling = (async () => {
      do {
        again = false
        lastPollAt = performance.now()
        if (stopping || inFlight.size >= config.IPN_CONCURRENCY) break
        const free = claimable()
        const claimed = await claimOnce()
        // Only a claim that filled every free slot may have left more due behind it; a smaller one
        // found all it could (the rest is not due, or waits for a busy listener's slot, whose end
        // polls again). Claiming again at once would scan the whole backlog to find nothing.
        if (claimed > 0 && claimed >= free && !busy && inFlight.size < config.IPN_CONCURRENCY) again = true
      } while (again && !yielding()) // yielding: the next poll comes YIELD_GAP_MS later, from finally
    })()
      .catch((err: unknown) => {
        failedPolls++
        log.error({ err }, 'IPN outbox poll failed')
      })
      .finally(() => {
        polling = undefined
        schedule(busy ? Math.max(config.IPN_POLL_MS, YIELD_GAP_MS) : config.IPN_POLL_MS)
      })
    return polling
  }

  function begin (notification: ClaimedNotification): void {
    const listener = listenerKey(notification.url)
    byListener.set(listener, (byListener.get(listener) ?? 0) + 1)
    const done = deliver(notification)
      .catch((err: unknown) => { log.error({ err, notificationId: String(notification.id) }, 'IPN delivery could not be recorded; the lease will expire and it is sent again') })
      .finally(() => {
        inFlight.delete(notification.id)
        const left = (byListener.get(listener) ?? 1) - 1
        if (left <= 0) byListener.delete(listener)
        else byListener.set(listener, left)
        // A freed slot: what is due behind it goes now, not at the next poll nor after the
        // nudges' gap (one claim per finished try; a backlog drains at the listeners' pace).
        poke(true)
      })
    inFlight.set(notification.id, { listener, done })
  }

  async function deliver (n: ClaimedNotification): Promise<void> {
    const at = deps.clock.now()
    const started = performance.now()
    const attempt = n.attempts + 1
    const firstAt = n.firstAttemptAt ?? at
    let record: AttemptRecord
    let delivered = false
    const signing = n.signing
    const source = await loadIpnSource(deps.db, n.orderId, n.eventId)
    if (source === undefined) {
      record = { at, ipnDate: '', httpStatus: null, receiptValid: false, error: 'the order change is gone', durationMs: performance.now() - started }
      await finishAttempt(n, attempt, record, { state: 'FAILED' })
      return
    }
    let secret: string
    try {
      secret = deps.secretBox.open(signing.secretCiphertext)
    } catch {
      record = { at, ipnDate: '', httpStatus: null, receiptValid: false, error: 'cannot open the merchant secret key (SECRET_ENCRYPTION_KEY)', durationMs: performance.now() - started }
      await finishAttempt(n, attempt, record, retryOrFail(attempt, firstAt))
      return
    }
    // A fresh IPN_DATE (and signature) for every try.
    const fields = signIpn(buildIpnFields(source, at), secret)
    const ipnDate = fields.find(([name]) => name === 'IPN_DATE')?.[1] ?? ''
    const outcome = await postIpnForm(n.url, encodeIpnForm(fields), { timeoutMs: config.IPN_TIMEOUT_MS, allowPrivateNetworks: config.IPN_ALLOW_PRIVATE_NETWORKS, signal: abort.signal })
    const check = outcome.kind === 'answered' && outcome.status === 200 ? checkReadReceipt(outcome.body, fields, secret, signing.algorithm) : undefined
    delivered = check?.valid === true
    record = {
      at,
      ipnDate,
      httpStatus: outcome.status,
      receiptValid: delivered,
      error: delivered ? null : failureOf(outcome, check !== undefined && !check.valid ? check.reason : undefined),
      durationMs: performance.now() - started
    }
    await finishAttempt(n, attempt, record, delivered ? { state: 'DELIVERED', at: deps.clock.now() } : retryOrFail(attempt, firstAt))
  }

  function retryOrFail (attempt: number, firstAt: Date): AttemptOutcome {
    const next = nextAttemptAt(attempt, firstAt, deps.clock.now())
    return next === undefined ? { state: 'FAILED' } : { state: 'PENDING', nextAttemptAt: next }
  }

  async function finishAttempt (n: ClaimedNotification, attempt: number, record: AttemptRecord, outcome: AttemptOutcome): Promise<void> {
    const confirmed = await recordAttempt(deps.db, n.id, id, record, outcome)
    const line = {
      notificationId: String(n.id),
      refNo: String(n.refNo),
      listener: urlOrigin(n.url),
      attempt,
      httpStatus: record.httpStatus,
      delivered: outcome.state === 'DELIVERED' && confirmed,
      state: confirmed ? outcome.state : 'LEASE_LOST',
      ...(outcome.state === 'PENDING' ? { nextAttemptAt: outcome.nextAttemptAt.toISOString() } : {}),
      ...(record.error !== null ? { error: record.error } : {}),
      durationMs: Math.round(record.durationMs),
      worker: id
    }
    if (!confirmed) log.warn(line, 'IPN try outlived its lease: recorded, outcome not applied')
    else if (outcome.state === 'FAILED') log.warn(line, 'IPN notification failed for good')
    else log.info(line, outcome.state === 'DELIVERED' ? 'IPN delivered' : 'IPN not delivered; retry scheduled')
  }

  function nudge (): void {
    if (inFlight.size > 0) return
    poke()
  }

  function poke (slotFreed = false): void {
    if (stopping) return
    if (polling !== undefined) {
      again = true
      return
    }
    if (slotFreed && !busy) {
      schedule(0)
      return
    }
    const gap = busy ? YIELD_GAP_MS : NUDGE_GAP_MS
    schedule(Math.max(0, Math.min(busy ? Math.max(config.IPN_POLL_MS, gap) : config.IPN_POLL_MS, lastPollAt + gap - performance.now())))
  }

  async function drain (): Promise<void> {
    for (;;) {
      // A look of its own, with the clock as it is now. Joining a poll already running is not
      // enough: that poll may have claimed by the clock before drain() was called (or before the
      // last try ended), and while yielding it ends without the extra look a join asks for.
      for (let running = polling; running !== undefined; running = polling) await running
      const failed = failedPolls
      await poll()
      if (inFlight.size > 0) {
        await Promise.all([...inFlight.values()].map(async (f) => await f.done))
        continue
      }
      if (stopping || failedPolls !== failed) return // stopped, or the look failed (logged)
      // A look that claimed nothing may have skipped rows another worker's claim held locked
      // (what that claim took is leased then; what it left is due here): look again shortly.
      if (!(await claimableDueLeft(deps.db, deps.clock.now()))) return
      await new Promise((resolve) => setTimeout(resolve, NUDGE_GAP_MS))
    }
  }

  async function stop (graceMs = config.IPN_TIMEOUT_MS): Promise<void> {
    stopping = true
    if (timer !== undefined) clearTimeout(timer)
    let graceTimer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => { graceTimer = setTimeout(resolve, graceMs) })
    // A claim waiting on an unreachable database is not waited for beyond the grace: whatever it
    // claims then stays leased, and the lease expires.
    await Promise.race([polling, grace])
    const all = Promise.all([...inFlight.values()].map(async (f) => await f.done))
    await Promise.race([all, grace])
    clearTimeout(graceTimer)
    abort.abort()
    await all
  }

  schedule(0)
  return { id, nudge, drain, stop }
}
