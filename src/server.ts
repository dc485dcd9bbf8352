import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ensureDemoMerchant } from './auth/merchants.js'
import { ensureDemoCatalog } from './catalog/demo.js'
import { ConfigError, loadConfig } from './config.js'
import { migrateToLatest } from './db/migrate.js'
import { createDeps } from './deps.js'
import { configSecrets, failureReason } from './failure-reason.js'
import { runningCalls } from './http/connections.js'
import { createLogger } from './logger.js'
import { APPROVED_SWEEP_INTERVAL_MS } from './orders/sweeper.js'

/** Process entry: config → deps → migrate → app → listen; closes with grace on signals. */
async function main (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ordergate: ${err.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw err
  }
  const log = createLogger({ level: config.LOG_LEVEL })
  const deps = await createDeps(config, log)
  // Embedded: the process owns its database, so it migrates it. A server database is migrated
  // on start too (idempotent, under Kysely's migration lock), so one command brings it up.
  await migrateToLatest(deps.db)

  const embedded = config.DATABASE_URL === undefined
  const demo = (config.DEMO_SEED ?? embedded) ? await ensureDemoMerchant(deps, config.DEMO_MERCHANT_SECRET) : undefined
  if (demo !== undefined) await ensureDemoCatalog(deps.db, demo.merchant.id)
  const app = await buildApp({ deps, logger: log, ipnWorker: config.IPN_WORKER, approvedSweepIntervalMs: APPROVED_SWEEP_INTERVAL_MS })
  closeWithGrace({
    delay: config.SHUTDOWN_GRACE_MS,
    logger: { error: (message: unknown) => { log.error({ err: message }, 'shutdown failed') } },
    onTimeout: (delay: number) => {
      log.error({ graceMs: delay, runningCalls: runningCalls(app) }, 'shutdown grace delay passed: the calls still running are cut (exit 1)')
    }
  }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'closing after an error')
    else log.info({ signal, runningCalls: runningCalls(app), graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down: no new connections; finishing the running calls')
    // Order matters: app.close() returns once every call is answered and the sweeper and the
    // IPN worker have stopped (every IPN try recorded); only then may the database close.
    await app.close()
    await deps.database.close()
    log.info('shut down: every call answered, database closed')
  })
  await app.listen({ port: config.PORT, host: config.HOST })

  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${(app.server.address() as { port: number }).port}`
  // With PORT=0 the port is known only now: the 3DS and payment pages must name the real one.
  if (config.PUBLIC_URL === undefined) deps.publicUrl = url
  const lines = [
    '',
    `ordergate is listening on ${url} (${embedded ? `embedded PostgreSQL under ${config.DATA_DIR}` : 'PostgreSQL at DATABASE_URL'})`,
    `  JSON-RPC endpoint: ${url}/rpc  (also ${url}/rpc/6.0/)`
  ]
  if (demo !== undefined) {
    // SPEC §6: the demo credentials are printed once to the terminal (not to the log stream).
    lines.push(`  demo merchant code: ${demo.merchant.code}`, `  demo secret key:    ${demo.secret}`)
  }
  process.stdout.write(lines.join('\n') + '\n\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`ordergate: failed to start: ${failureReason(err, configSecrets(process.env))}\n`)
  process.exit(1)
})
