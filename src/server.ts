import cluster, { type Worker } from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ensureDemoMerchant } from './auth/merchants.js'
import { ensureDemoCatalog } from './catalog/demo.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createDb } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { createDeps, type Deps } from './deps.js'
import { configSecrets, failureReason } from './failure-reason.js'
import { runningCalls } from './http/connections.js'
import type { Logger } from 'pino'
import { createLogger } from './logger.js'
import { APPROVED_SWEEP_INTERVAL_MS } from './orders/sweeper.js'

type Demo = { code: string, secret: string | undefined }

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
  if (config.WORKERS > 1 && cluster.isPrimary) return await runPrimary(config, log)
  if (cluster.isWorker) {
    // A worker of WORKERS=N: the primary migrated and seeded the database and prints the banner.
    await runServer(config, log.child({ worker: cluster.worker?.id, pid: process.pid }), { prepare: false })
    return
  }
  await runServer(config, log, { prepare: true })
}

/** Migrates the database and seeds the demo merchant when configured; answers the demo's credentials. */
async function prepareDatabase (deps: Deps, config: Config): Promise<Demo | undefined> {
  // Embedded: the process owns its database, so it migrates it. A server database is migrated
  // on start too (idempotent, under Kysely's migration lock), so one command brings it up.
  await migrateToLatest(deps.db)
  const embedded = config.DATABASE_URL === undefined
  const demo = (config.DEMO_SEED ?? embedded) ? await ensureDemoMerchant(deps, config.DEMO_MERCHANT_SECRET) : undefined
  if (demo === undefined) return undefined
  await ensureDemoCatalog(deps.db, demo.merchant.id)
  return { code: demo.merchant.code, secret: demo.secret }
}

function banner (config: Config, url: string, demo: Demo | undefined, workers?: number): string {
  const embedded = config.DATABASE_URL === undefined
  const lines = [
    '',
    `ordergate is listening on ${url} (${embedded ? `embedded PostgreSQL under ${config.DATA_DIR}` : 'PostgreSQL at DATABASE_URL'}${workers !== undefined ? `; ${workers} worker processes` : ''})`,
    `  JSON-RPC endpoint: ${url}/rpc  (also ${url}/rpc/6.0/)`
  ]
  if (demo?.secret !== undefined) {
    // SPEC §6: the demo credentials are printed once to the terminal (not to the log stream).
    lines.push(`  demo merchant code: ${demo.code}`, `  demo secret key:    ${demo.secret}`)
  }
  return lines.join('\n') + '\n\n'
}

function urlOf (config: Config, port: number): string {
  return `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`
}

/**
 * WORKERS=N: this process migrates and seeds the database once, then forks N server processes
 * that share one listening port (node:cluster hands each new connection to the next worker).
 * SIGTERM or SIGINT is passed on to every worker, each drains its own calls (the single-process
 * close with grace below); the primary exits once all have, 0 when all exited 0. A worker that
 * dies on its own is replaced.
 */
async function runPrimary (config: Config, log: Logger): Promise<void> {
  const database = await createDb({ kind: 'pg', url: config.DATABASE_URL as string, poolMax: 2, statementTimeoutMs: 0, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS })
  let demo: Demo | undefined
  try {
    const deps = await createDeps(config, log, { database })
    demo = await prepareDatabase(deps, config)
  } finally {
    await database.close()
  }
  let stopping = false
  const exits = new Map<Worker, Promise<number>>()
  const fork = (): Worker => {
    const worker = cluster.fork()
    exits.set(worker, new Promise((resolve) => {
      worker.once('exit', (code, signal) => {
        exits.delete(worker)
        if (!stopping) {
          log.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker exited: starting another')
          fork()
        }
        resolve(code ?? 1)
      })
    }))
    return worker
  }
  const listening = Array.from({ length: config.WORKERS }, async () => {
    const worker = fork()
    return await new Promise<number>((resolve, reject) => {
      worker.once('listening', (address) => { resolve(address.port) })
      worker.once('exit', (code) => { reject(new Error(`worker ${worker.id} exited with ${code ?? 'a signal'} before listening`)) })
    })
  })
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log.info({ signal, workers: exits.size }, 'shutting down: every worker finishes its running calls')
    for (const worker of exits.keys()) worker.process.kill(signal)
    // Each worker exits within its grace delay; one that does not is killed after it.
    const timer = setTimeout(() => { for (const worker of exits.keys()) worker.process.kill('SIGKILL') }, config.SHUTDOWN_GRACE_MS + 2_000)
    const codes = await Promise.all([...exits.values()])
    clearTimeout(timer)
    const failed = codes.filter((code) => code !== 0).length
    if (failed === 0) log.info({ workers: codes.length }, 'shut down: every worker answered its calls and closed')
    else log.error({ workers: codes.length, failed }, 'shut down: some workers did not close cleanly (exit 1)')
    process.exit(failed === 0 ? 0 : 1)
  }
  process.once('SIGTERM', () => { stop('SIGTERM').catch(() => { process.exit(1) }) })
  process.once('SIGINT', () => { stop('SIGINT').catch(() => { process.exit(1) }) })
  let ports: number[]
  try {
    ports = await Promise.all(listening)
  } catch (err) {
    stopping = true
    for (const worker of exits.keys()) worker.process.kill('SIGKILL')
    throw err
  }
  const port = ports[0] as number
  for (const worker of Object.values(cluster.workers ?? {})) log.info({ worker: worker?.id, pid: worker?.process.pid, port }, 'worker listening')
  process.stdout.write(banner(config, urlOf(config, port), demo, config.WORKERS))
}

async function runServer (config: Config, log: Logger, options: { prepare: boolean }): Promise<void> {
  const deps = await createDeps(config, log)
  const demo = options.prepare ? await prepareDatabase(deps, config) : undefined
  const app = await buildApp({ deps, logger: log, ipnWorker: config.IPN_WORKER, approvedSweepIntervalMs: APPROVED_SWEEP_INTERVAL_MS })
  const graceful = closeWithGrace({
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
  // A worker whose primary is gone (killed) closes as on SIGTERM rather than run on alone.
  if (cluster.isWorker) process.once('disconnect', () => { graceful.close() })
  await app.listen({ port: config.PORT, host: config.HOST })

  const url = urlOf(config, (app.server.address() as { port: number }).port)
  // With PORT=0 the port is known only now: the 3DS and payment pages must name the real one.
  if (config.PUBLIC_URL === undefined) deps.publicUrl = url
  if (options.prepare) process.stdout.write(banner(config, url, demo))
}

main().catch((err: unknown) => {
  process.stderr.write(`ordergate: failed to start: ${failureReason(err, configSecrets(process.env))}\n`)
  process.exit(1)
})
