import type { FastifyInstance, FastifyReply } from 'fastify'
import sjson from 'secure-json-parse'
import type { Deps } from '../deps.js'
import { addSecurityHeaders, API_SECURITY_HEADERS } from '../http/security-headers.js'
import { createDispatcher } from './dispatch.js'
import { protocolError } from './errors.js'
import type { MethodDefinition } from './registry.js'

const PARSE_FAILED = Symbol('parse failed')
export const RPC_PATHS = ['/rpc', '/rpc/6.0/'] as const

export type RpcPluginOptions = { deps: Deps, methods: readonly MethodDefinition[], batchMax: number, bodyLimit: number }

/** POST /rpc and POST /rpc/6.0/ (2Checkout's path): JSON-RPC 2.0 over HTTP. */
export async function rpcPlugin (app: FastifyInstance, options: RpcPluginOptions): Promise<void> {
  const dispatcher = createDispatcher(options.methods, { batchMax: options.batchMax })
  addSecurityHeaders(app, API_SECURITY_HEADERS)

  // Invalid JSON must become -32700 in a JSON-RPC body, not Fastify's 400. Prototype-pollution
  // keys (`__proto__`, `constructor.prototype`) are removed while parsing.
  // Only JSON bodies: Fastify's built-in text/plain parser would hand a string to the dispatcher.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/json', 'application/json-rpc'], { parseAs: 'string', bodyLimit: options.bodyLimit }, (_req, body, done) => {
    try {
      done(null, sjson.parse(body as string, undefined, { protoAction: 'remove', constructorAction: 'remove' }))
    } catch {
      done(null, PARSE_FAILED)
    }
  })

  app.setErrorHandler(async (err: Error & { code?: string, statusCode?: number }, request, reply: FastifyReply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return await reply.code(413).send(protocolError(null, 'INVALID_REQUEST', { error_code: 'REQUEST_TOO_LARGE', limit: options.bodyLimit, requestId: request.id }))
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return await reply.code(415).send(protocolError(null, 'INVALID_REQUEST', { error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the JSON-RPC request as application/json', requestId: request.id }))
    }
    request.log.error({ err, requestId: request.id }, 'unexpected transport failure')
    return await reply.code(500).send({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error', data: { error_code: 'INTERNAL_ERROR', requestId: request.id } } })
  })

  for (const url of RPC_PATHS) {
    app.post(url, { bodyLimit: options.bodyLimit }, async (request, reply) => {
      if (request.body === PARSE_FAILED) return await reply.send(protocolError(null, 'PARSE_ERROR'))
      const response = await dispatcher.handle(request.body, {
        requestId: request.id,
        log: request.log,
        deps: options.deps,
        clientIp: request.ip
      })
      if (response === undefined) return await reply.code(204).send()
      return await reply.send(response)
    })
  }
}
