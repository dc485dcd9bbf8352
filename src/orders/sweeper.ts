import type { Log } from '../logger.js'
import { deleteExpiredSessions } from '../auth/session-store.js'
import { deleteExpiredIdempotencyKeys } from './idempotency.js'
import { sweepApprovedOrders, sweepOrders, type SweepDeps } from './order-sweeps.js'

/** How often the server sweeps overdue purchase orders, abandoned payment pages, expired drafts and payment links. */
export const SWEEP_INTERVAL_MS = 60_000

/**
 * How often the server looks for approved orders to complete or reverse while
 * SANDBOX_COMPLETE_AFTER_MS is on, so a digital order completes within about a second of its
 * delay (the look is one index scan of the AUTHRECEIVED orders).
 */
export const APPROVED_SWEEP_INTERVAL_MS = 1_000

function logResult (log: Log, result: { canceled?: string[], abandoned?: string[], completed: string[], reversed: string[], expiredDrafts?: string[], expiredPaymentLinks?: string[] }): void {
  if (result.expiredDrafts !== undefined && result.expiredDrafts.length > 0) log.info({ draftIds: result.expiredDrafts }, 'draft orders expired (their stock given back)')
  if (result.expiredPaymentLinks !== undefined && result.expiredPaymentLinks.length > 0) log.info({ linkIds: result.expiredPaymentLinks }, 'payment links expired')
  if (result.canceled !== undefined && result.canceled.length > 0) log.info({ canceled: result.canceled }, 'overdue purchase orders canceled')
  if (result.abandoned !== undefined && result.abandoned.length > 0) log.info({ abandoned: result.abandoned }, 'abandoned payments canceled')
  if (result.completed.length > 0) log.info({ completed: result.completed }, 'approved orders delivered electronically (COMPLETE)')
  if (result.reversed.length > 0) log.info({ reversed: result.reversed }, 'sandbox authorizations reversed (REVERSED)')
}

/**
 * Runs sweepOrders every `intervalMs`, and the sweep of approved orders every
 * `approvedIntervalMs` (0: only with the others) while SANDBOX_COMPLETE_AFTER_MS is on; never
 * two sweeps at once. Returns the function that stops it, whose promise ends with the sweep then
 * running (the database may close after it). The timers do not keep the process alive.
 */
export function startSweeper (deps: SweepDeps, log: Log, intervalMs = SWEEP_INTERVAL_MS, approvedIntervalMs = 0): () => Promise<void> {
  let running: Promise<void> | undefined
  const run = (sweep: () => Promise<void>) => {
    if (running !== undefined) return
    running = sweep()
      .catch((err: unknown) => { log.error({ err }, 'sweep of orders failed') })
      .finally(() => { running = undefined })
  }
  const timer = setInterval(() => {
    run(async () => {
      logResult(log, await sweepOrders(deps))
      // Expired sessions are useless after their expiry; an hour's grace keeps SESSION_EXPIRED answers meaningful.
      await deleteExpiredSessions(deps.db, new Date(deps.clock.now().getTime() - 3_600_000))
      await deleteExpiredIdempotencyKeys(deps.db, deps.clock.now())
    })
  }, intervalMs)
  timer.unref()
  const after = deps.config.SANDBOX_COMPLETE_AFTER_MS
  const approvedTimer = approvedIntervalMs > 0 && after !== 'off'
    ? setInterval(() => { run(async () => { logResult(log, await sweepApprovedOrders(deps, after)) }) }, approvedIntervalMs)
    : undefined
  approvedTimer?.unref()
  return async () => {
    clearInterval(timer)
    if (approvedTimer !== undefined) clearInterval(approvedTimer)
    await running
  }
}
