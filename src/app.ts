import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { lazyChild } from './logger.js'
import { consolePlugin } from './console/plugin.js'
import { fastifyTrustProxy } from './config.js'
import { installDrain, logDroppedConnections } from './http/connections.js'
import type { Deps } from './deps.js'
import { RequestLogController } from './http/request-log.js'
import { payRoutes } from './http/pay-routes.js'
import { sandboxRoutes } from './http/sandbox-routes.js'
import { startIpnWorker, type IpnWorker } from './notifications/delivery-worker.js'
import { startSweeper } from './orders/sweeper.js'
import { METHODS } from './rpc/methods/index.js'
import { ATTACHMENT_PATH, queuedNoNotification, rpcPlugin, RPC_PATHS } from './rpc/plugin.js'
import { shuttingDownAnswer } from './rpc/shutting-down.js'
import type { MethodDefinition } from './rpc/registry.js'

export type BuildAppOptions = {
  deps: Deps
  logger: Logger
  /** how often overdue purchase orders are swept (ms; 0: never); default SWEEP_INTERVAL_MS */
  sweepIntervalMs?: number
  /**
   * how often approved orders are swept for electronic delivery and sandbox reversals besides
   * (ms; 0: only with the others); the server sets APPROVED_SWEEP_INTERVAL_MS, tests sweep by hand
   */
  approvedSweepIntervalMs?: number
  /**
   * run this process's IPN delivery worker (src/notifications/delivery-worker.ts) from the moment
   * the app is ready; the server sets it from IPN_WORKER, tests start their own
   */
  ipnWorker?: boolean
  /** methods answered besides METHODS (the conformance tests add the JSON-RPC spec's examples) */
  extraMethods?: readonly MethodDefinition[]
}

/** Builds the Fastify app (routes and plugins); never listens. */
export async function buildApp (options: BuildAppOptions): Promise<FastifyInstance> {
  const { deps } = options
  const config = deps.config
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: () => randomUUID(),
    // Per-request loggers are made when a request first logs (most log nothing).
    childLoggerFactory: (logger, bindings) => lazyChild(logger as Logger, bindings),
    // Request lines log the path only: no query string, no token (src/http/request-log.ts).
    logController: new RequestLogController(),
    requestIdHeader: false,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    bodyLimit: config.RPC_BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    // Slow clients (finding 6): every phase of a connection has a time limit.
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      // Node checks the request and header timeouts on this interval (30 s by default, which
      // would let a 2 s timeout act after 32 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS) / 2)))
    },
    forceCloseConnections: 'idle',
    // Calls arriving during the drain get a JSON-RPC answer (installDrain), not Fastify's bare 503.
    return503OnClosing: false
  })
  app.server.maxConnections = config.HTTP_MAX_CONNECTIONS
  logDroppedConnections(app.server, options.logger)
  const rpcPaths: readonly string[] = [...RPC_PATHS, ATTACHMENT_PATH]
  installDrain(app as unknown as FastifyInstance, async (request, reply) => {
    reply.code(503)
    if (!rpcPaths.includes(request.routeOptions.url ?? '')) return await reply.send({ status: 'unavailable', reason: 'shutting down' })
    const answer = shuttingDownAnswer(request.body, request.id, request.log)
    return await (answer === undefined ? reply.send() : reply.send(answer))
  })

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/ready', async (_request, reply) => {
    const ok = await deps.database.ping()
    return await reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', database: ok ? 'up' : 'down' })
  })

  await app.register(sandboxRoutes, { deps })
  await app.register(payRoutes, { deps })
  await app.register(consolePlugin)
  if (options.sweepIntervalMs !== 0) {
    const stopSweeper = startSweeper(deps, app.log, options.sweepIntervalMs, options.approvedSweepIntervalMs)
    // No sweep starts once the drain begins; one already running ends before the database closes.
    let stopped: Promise<void> | undefined
    app.addHook('preClose', async () => { stopped = stopSweeper() })
    app.addHook('onClose', async () => { await (stopped ?? stopSweeper()) })
  }
  if (options.ipnWorker === true) {
    let worker: IpnWorker | undefined
    app.addHook('onReady', async () => { worker = startIpnWorker(deps, app.log) })
    // A call that changed an order has committed when its answer is sent: its notification goes now.
    // A request known to have queued none (placeOrder for a merchant without IPN settings, a call
    // refused before its method ran) does not wake the worker: its claim would find nothing
    // new, and at one connection it was a third round trip per order.
    app.addHook('onResponse', async (request) => { if (request.method === 'POST' && !queuedNoNotification(request)) worker?.nudge() })
    // No claim once the drain begins; tries in flight get half the shutdown grace to finish, the
    // rest are recorded as failed tries (retried on the schedule) before the database closes.
    let stopped: Promise<void> | undefined
    app.addHook('preClose', async () => { stopped = worker?.stop(Math.min(config.IPN_TIMEOUT_MS, Math.floor(config.SHUTDOWN_GRACE_MS / 2))) })
    app.addHook('onClose', async () => { await (stopped ?? worker?.stop(0)) })
  }
  await app.register(rpcPlugin, { deps, methods: [...METHODS, ...(options.extraMethods ?? [])], batchMax: config.RPC_BATCH_MAX, bodyLimit: config.RPC_BODY_LIMIT_BYTES, attachmentBodyLimit: config.ATTACHMENT_BODY_LIMIT_BYTES })
  return app as unknown as FastifyInstance
}
