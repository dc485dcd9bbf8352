import type { Log } from '../logger.js'
import { deleteExpiredSessions } from '../auth/session-store.js'
import { deleteExpiredIdempotencyKeys } from './idempotency.js'
import { sweepOrders, type SweepDeps } from './order-sweeps.js'

/** How often the server sweeps overdue purchase orders and abandoned payment pages. */
export const SWEEP_INTERVAL_MS = 60_000

/**
 * Runs sweepOrders every `intervalMs` (never two at once); returns the function that stops it,
 * whose promise ends with the sweep then running (the database may close after it). The timer
 * does not keep the process alive.
 */
export function startSweeper (deps: SweepDeps, log: Log, intervalMs = SWEEP_INTERVAL_MS): () => Promise<void> {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    if (running !== undefined) return
    running = sweepOrders(deps)
      .then(({ canceled, abandoned }) => {
        if (canceled.length > 0) log.info({ canceled }, 'overdue purchase orders canceled')
        if (abandoned.length > 0) log.info({ abandoned }, 'abandoned payments canceled')
      })
      // Expired sessions are useless after their expiry; an hour's grace keeps SESSION_EXPIRED answers meaningful.
      .then(async () => await deleteExpiredSessions(deps.db, new Date(deps.clock.now().getTime() - 3_600_000)))
      .then(async () => { await deleteExpiredIdempotencyKeys(deps.db, deps.clock.now()) })
      .catch((err: unknown) => { log.error({ err }, 'sweep of orders failed') })
      .finally(() => { running = undefined })
  }, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
