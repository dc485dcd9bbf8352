import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { lazyChild } from './logger.js'
import { consolePlugin } from './console/plugin.js'
import { fastifyTrustProxy } from './config.js'
import type { Deps } from './deps.js'
import { RequestLogController } from './http/request-log.js'
import { sandboxRoutes } from './http/sandbox-routes.js'
import { startSweeper } from './orders/sweeper.js'
import { METHODS } from './rpc/methods/index.js'
import { rpcPlugin } from './rpc/plugin.js'
import type { MethodDefinition } from './rpc/registry.js'

export type BuildAppOptions = {
  deps: Deps
  logger: Logger
  /** how often overdue purchase orders are swept (ms; 0: never); default SWEEP_INTERVAL_MS */
  sweepIntervalMs?: number
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
    routerOptions: { ignoreTrailingSlash: true }
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
  await app.register(consolePlugin)
  if (options.sweepIntervalMs !== 0) {
    const stopSweeper = startSweeper(deps, app.log, options.sweepIntervalMs)
    app.addHook('onClose', async () => { stopSweeper() })
  }
  await app.register(rpcPlugin, { deps, methods: [...METHODS, ...(options.extraMethods ?? [])], batchMax: config.RPC_BATCH_MAX, bodyLimit: config.RPC_BODY_LIMIT_BYTES, attachmentBodyLimit: config.ATTACHMENT_BODY_LIMIT_BYTES })
  return app as unknown as FastifyInstance
}
