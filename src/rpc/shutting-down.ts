import type { JSONRPCErrorResponse, JSONRPCID } from 'json-rpc-2.0'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { toRpcError } from './errors.js'

const MESSAGE = 'Service temporarily unavailable: the server is shutting down; retry on a new connection'

// A request's id as the answer must echo it; undefined for a notification (no answer is due).
function idOf (request: unknown): JSONRPCID | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return null
  if (!('id' in request)) return undefined
  const id = (request as { id: unknown }).id
  return typeof id === 'string' || typeof id === 'number' || id === null ? id : null
}

/**
 * The answer to a JSON-RPC body that arrives while the server drains: every request of it gets
 * the retryable SERVICE_UNAVAILABLE (-32000) under its own id and none is run; undefined when
 * the body holds only notifications.
 */
export function shuttingDownAnswer (body: unknown, requestId: string, log: Log): JSONRPCErrorResponse | JSONRPCErrorResponse[] | undefined {
  const error = toRpcError(new AppError('SERVICE_UNAVAILABLE', { message: MESSAGE, data: { retryable: true } }), requestId, log)
  const answer = (request: unknown): JSONRPCErrorResponse | undefined => {
    const id = idOf(request)
    return id === undefined ? undefined : { jsonrpc: '2.0', id, error }
  }
  if (!Array.isArray(body) || body.length === 0) return answer(Array.isArray(body) ? null : body)
  const answers = body.flatMap((request) => answer(request) ?? [])
  return answers.length > 0 ? answers : undefined
}
