import type { JSONRPCErrorResponse, JSONRPCID } from 'json-rpc-2.0'
import type { Log } from '../logger.js'
import { AppError, ERRORS, type ErrorReason } from '../errors.js'

export const JSONRPC_ERRORS = {
  PARSE_ERROR: { code: -32700, message: 'Parse error' },
  INVALID_REQUEST: { code: -32600, message: 'Invalid Request' },
  METHOD_NOT_FOUND: { code: -32601, message: 'Method not found' }
} as const

export function protocolError (
  id: JSONRPCID,
  kind: keyof typeof JSONRPC_ERRORS,
  data?: Record<string, unknown>
): JSONRPCErrorResponse {
  const { code, message } = JSONRPC_ERRORS[kind]
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } }
}

// The database is down, restarting, overloaded (no pool connection in time) or too slow (the
// statement timeout fired): a clear, retryable answer rather than a generic internal error.
// The transaction did not commit, so nothing was acknowledged and the client may retry.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE',
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '57014', // query canceled (statement_timeout)
  '55P03', // lock not available
  '40001', '40P01', // serialization failure, deadlock: retrying succeeds
  '53300', // too many connections
  '08000', '08003', '08006', '08001', '08004'
])

function isUnavailable (err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)) return true
  }
  return false
}

function fieldSummary (err: AppError): string {
  const fields = err.fields ?? []
  const first = fields[0]
  if (first === undefined) return err.message
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''
  return `${err.message}: ${first.path}: ${first.message}${more}`
}

/** Maps any thrown value to the JSON-RPC error object; unexpected failures are logged here. */
export function toRpcError (err: unknown, requestId: string, log: Log): JSONRPCErrorResponse['error'] {
  if (err instanceof AppError) {
    const { code } = ERRORS[err.reason]
    return {
      code,
      message: fieldSummary(err),
      data: {
        error_code: err.reason,
        reason: err.reason,
        ...(err.fields !== undefined ? { fields: err.fields } : {}),
        ...err.data,
        requestId
      }
    }
  }
  const reason: ErrorReason = isUnavailable(err) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR'
  log.error({ err, requestId }, reason === 'SERVICE_UNAVAILABLE' ? 'database unavailable' : 'unexpected failure')
  return {
    code: ERRORS[reason].code,
    message: ERRORS[reason].message,
    data: { error_code: reason, reason, requestId, ...(reason === 'SERVICE_UNAVAILABLE' ? { retryable: true } : {}) }
  }
}
