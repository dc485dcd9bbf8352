import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JSONRPCErrorResponse } from 'json-rpc-2.0'
import sjson from 'secure-json-parse'
import type { Deps } from '../deps.js'
import { addSecurityHeaders, API_SECURITY_HEADERS } from '../http/security-headers.js'
import { createDispatcher } from './dispatch.js'
import { protocolError } from './errors.js'
import type { MethodDefinition } from './registry.js'

const PARSE_FAILED = Symbol('parse failed')
/** The RPC requests that queued no IPN notification (no call reached a method that may queue one). */
const QUEUED_NOTHING = new WeakSet<FastifyRequest>()

/**
 * Whether this request is known to have queued no IPN notification: an RPC request none of whose
 * calls reached a method, or whose every call reported it queued nothing. False for any other
 * request (a sandbox page's POST, say), whatever it did.
 */
export function queuedNoNotification (request: FastifyRequest): boolean {
  return QUEUED_NOTHING.has(request)
}
export const RPC_PATHS = ['/rpc', '/rpc/6.0/'] as const
/**
 * addOrderAttachment's own route: its contract takes a 5 MiB PDF (about 7 MB of JSON), while
 * every other call stays under the small limit of /rpc. The body is parsed before the session is
 * checked, so the route answers nothing else: the larger limit buys no other method a larger
 * input. One path only: the method is ordergate's, not 2Checkout's.
 */
export const ATTACHMENT_PATH = '/rpc/attachments'
const ATTACHMENT_METHOD = 'addOrderAttachment'

export type RpcPluginOptions = { deps: Deps, methods: readonly MethodDefinition[], batchMax: number, bodyLimit: number, attachmentBodyLimit: number }

/** Why a body cannot be answered on the attachment route, or undefined: it is one addOrderAttachment call. */
function attachmentRouteRefusal (body: unknown): JSONRPCErrorResponse | undefined {
  if (Array.isArray(body)) {
    return protocolError(null, 'INVALID_REQUEST', { error_code: 'BATCH_NOT_ALLOWED', message: `POST ${ATTACHMENT_PATH} answers only a single ${ATTACHMENT_METHOD} call, not a batch` })
  }
  const request = typeof body === 'object' && body !== null ? body as Record<string, unknown> : {}
  if (request.method === ATTACHMENT_METHOD) return undefined
  const id = request.id
  const method = typeof request.method === 'string' ? request.method : undefined
  return protocolError(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null, 'METHOD_NOT_FOUND', {
    error_code: 'METHOD_NOT_ON_THIS_ROUTE',
    ...(method !== undefined ? { method } : {}),
    message: `POST ${ATTACHMENT_PATH} answers only a single ${ATTACHMENT_METHOD} call; send ${method ?? 'other calls'} to POST /rpc`
  })
}

/** POST /rpc and POST /rpc/6.0/ (2Checkout's path): JSON-RPC 2.0 over HTTP; POST /rpc/attachments for addOrderAttachment. */
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
      const onAttachmentRoute = request.routeOptions.url === ATTACHMENT_PATH
      const limit = onAttachmentRoute ? options.attachmentBodyLimit : options.bodyLimit
      // The only call that needs a larger body is told where to send it.
      const pointer = onAttachmentRoute
        ? {}
        : { message: `the body exceeds ${limit} bytes; ${ATTACHMENT_METHOD} takes up to ${options.attachmentBodyLimit} bytes at POST ${ATTACHMENT_PATH}`, attachmentPath: ATTACHMENT_PATH, attachmentLimit: options.attachmentBodyLimit }
      return await reply.code(413).send(protocolError(null, 'INVALID_REQUEST', { error_code: 'REQUEST_TOO_LARGE', limit, ...pointer, requestId: request.id }))
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return await reply.code(415).send(protocolError(null, 'INVALID_REQUEST', { error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the JSON-RPC request as application/json', requestId: request.id }))
    }
    request.log.error({ err, requestId: request.id }, 'unexpected transport failure')
    return await reply.code(500).send({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error', data: { error_code: 'INTERNAL_ERROR', requestId: request.id } } })
  })

  // Refused before any method ran: nothing was queued.
  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: JSONRPCErrorResponse): Promise<FastifyReply> => {
    QUEUED_NOTHING.add(request)
    return await reply.send(error)
  }
  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const outbox = { mayHaveQueued: false }
    const response = await dispatcher.handle(request.body, {
      requestId: request.id,
      log: request.log,
      deps: options.deps,
      clientIp: request.ip,
      outbox
    })
    if (!outbox.mayHaveQueued) QUEUED_NOTHING.add(request)
    if (response === undefined) return await reply.code(204).send()
    return await reply.send(response)
  }

  for (const url of RPC_PATHS) {
    app.post(url, { bodyLimit: options.bodyLimit }, async (request, reply) => {
      if (request.body === PARSE_FAILED) return await refuse(request, reply, protocolError(null, 'PARSE_ERROR'))
      return await answer(request, reply)
    })
  }
  app.post(ATTACHMENT_PATH, { bodyLimit: options.attachmentBodyLimit }, async (request, reply) => {
    if (request.body === PARSE_FAILED) return await refuse(request, reply, protocolError(null, 'PARSE_ERROR'))
    const refused = attachmentRouteRefusal(request.body)
    if (refused !== undefined) return await refuse(request, reply, refused)
    return await answer(request, reply)
  })
}
