/**
 * A JSON-RPC 2.0 client for the page: POST /rpc on this origin, params by name. The sessionID
 * lives in this module's memory only (never localStorage or a cookie): a reload signs out.
 */
import type { FieldProblem } from './field-errors.js'

export class RpcError extends Error {
  readonly code: number
  readonly errorCode: string
  readonly fields: FieldProblem[]
  readonly requestId: string | undefined

  constructor (error: { code: number, message: string, data?: { error_code?: string, fields?: FieldProblem[], requestId?: string } }) {
    super(error.message)
    this.name = 'RpcError'
    this.code = error.code
    this.errorCode = error.data?.error_code ?? String(error.code)
    this.fields = Array.isArray(error.data?.fields) ? error.data.fields : []
    this.requestId = error.data?.requestId
  }
}

/** Errors that mean the session is over: the page goes back to sign-in. */
export const SESSION_ENDED = new Set(['SESSION_EXPIRED', 'INVALID_SESSION'])

let sessionId: string | undefined
let nextId = 1
let onSessionEnded: (error: RpcError) => void = () => {}

export function setSession (id: string | undefined): void { sessionId = id }
export function hasSession (): boolean { return sessionId !== undefined }
export function whenSessionEnds (handler: (error: RpcError) => void): void { onSessionEnded = handler }

// /rpc refuses bodies above 1 MiB; addOrderAttachment (a PDF of up to 5 MiB) has its own
// route on the server (src/rpc/plugin.ts ATTACHMENT_PATH), which answers nothing else.
const pathOf = (method: string): string => method === 'addOrderAttachment' ? '/rpc/attachments' : '/rpc'

/** Calls a method; throws RpcError for a JSON-RPC error, Error for a transport failure. */
export async function call<T> (method: string, params: Record<string, unknown>): Promise<T> {
  const id = nextId++
  let response: Response
  try {
    response = await fetch(pathOf(method), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id }),
      credentials: 'same-origin'
    })
  } catch {
    throw new Error('The server cannot be reached: check the connection and try again.')
  }
  let body: { result?: T, error?: ConstructorParameters<typeof RpcError>[0] }
  try {
    body = await response.json() as typeof body
  } catch {
    throw new Error(`The server answered HTTP ${response.status} without a JSON-RPC response.`)
  }
  if (body.error !== undefined) {
    const error = new RpcError(body.error)
    if (SESSION_ENDED.has(error.errorCode)) {
      sessionId = undefined
      onSessionEnded(error)
    }
    throw error
  }
  return body.result as T
}

/** A method that needs the signed-in user's session. */
export async function callWithSession<T> (method: string, params: Record<string, unknown> = {}): Promise<T> {
  if (sessionId === undefined) throw new RpcError({ code: 10001, message: 'Not signed in', data: { error_code: 'INVALID_SESSION' } })
  return await call<T>(method, { sessionID: sessionId, ...params })
}
