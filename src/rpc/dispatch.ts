import { randomUUID } from 'node:crypto'
import {
  JSONRPCServer,
  type JSONRPCID,
  type JSONRPCParams,
  type JSONRPCRequest,
  type JSONRPCResponse
} from 'json-rpc-2.0'
import type { Log } from '../logger.js'
import { authenticateSession, type AuthenticatedSession } from '../auth/login.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { zodIssuesToFields } from '../validation.js'
import { containsCardNumber } from '../wire/field-checks.js'
import { checkAccess, PUBLIC } from './access.js'
import { protocolError, toRpcError } from './errors.js'
import { guardParams } from './params-guard.js'
import type { MethodContext, MethodDefinition, SessionContext } from './registry.js'

/**
 * What the transport hands to the dispatcher for one HTTP request. `outbox.mayHaveQueued` is set
 * when a call of it reached its method and did not report that it queued no IPN notification.
 */
export type CallContext = { requestId: string, log: Log, deps: Deps, clientIp: string, outbox: { mayHaveQueued: boolean } }

export type Dispatcher = {
  /** Answers a parsed body: a response, an array of responses, or undefined (nothing to send). */
  handle: (body: unknown, ctx: CallContext) => Promise<JSONRPCResponse | JSONRPCResponse[] | undefined>
}

type ValidRequest = JSONRPCRequest & { method: string }

/**
 * JSON-RPC 2.0 envelope and batch rules, to the letter of the specification. The json-rpc-2.0
 * package dispatches each valid call, but its envelope checks are looser than the spec (a
 * `method` of any type, `params` of any type, a fractional or object `id`) and its batch
 * handling deviates (a one-element batch is answered with a bare object), so both are done here.
 */
function isValidRequest (value: unknown): value is ValidRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const request = value as Record<string, unknown>
  if (request.jsonrpc !== '2.0' || typeof request.method !== 'string') return false
  const { params, id } = request
  if (params !== undefined && (typeof params !== 'object' || params === null)) return false
  if ('id' in request && !(id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) return false
  return true
}

function toNamedParams (definition: MethodDefinition, params: JSONRPCParams | undefined): Record<string, unknown> {
  const names = Object.keys(definition.params.shape)
  if (params === undefined || params === null) return {}
  if (Array.isArray(params)) {
    if (params.length > names.length) {
      throw new AppError('INVALID_PARAMS', {
        fields: [{ path: 'params', error_code: 'PARAMS_TOO_MANY', message: `${definition.name} takes at most ${names.length} positional params (${names.join(', ')}), got ${params.length}` }]
      })
    }
    return Object.fromEntries(params.map((value, index) => [names[index] as string, value]))
  }
  const unknown = Object.keys(params).filter((key) => !names.includes(key))
  if (unknown.length > 0) {
    throw new AppError('INVALID_PARAMS', {
      fields: unknown.map((key) => ({ path: key, error_code: 'PARAM_UNKNOWN', message: `${definition.name} has no param named ${key} (params: ${names.join(', ')})` }))
    })
  }
  return params as Record<string, unknown>
}

async function invoke (definition: MethodDefinition, params: JSONRPCParams | undefined, ctx: MethodContext): Promise<unknown> {
  // Before anything else reads them: nesting depth, unstorable text, card numbers in free text.
  guardParams(definition, params)
  const named = toNamedParams(definition, params)
  let callCtx: MethodContext | SessionContext = ctx
  let session: AuthenticatedSession | undefined
  if (definition.session) {
    // SPEC §4: the session is authenticated before anything else is looked at.
    const sessionId = named.sessionID
    if (typeof sessionId !== 'string') {
      throw new AppError('INVALID_PARAMS', {
        fields: [{ path: 'sessionID', error_code: sessionId === undefined ? 'FIELD_REQUIRED' : 'FIELD_TYPE_INVALID', message: 'sessionID (the string login returned) is required' }]
      })
    }
    session = await authenticateSession(ctx.deps, sessionId)
    authorize(definition, session)
    const user = session.user ?? undefined
    callCtx = { ...ctx, merchant: session.merchant, user, log: ctx.log.child({ merchantCode: session.merchant.code, ...(user !== undefined ? { userId: String(user.id) } : {}) }) }
  }
  // reportInput: without it Zod leaves `input` off every issue, so a value of the wrong type would
  // read as a missing one (FIELD_REQUIRED); the input is never sent back (zodIssuesToFields).
  const parsed = definition.params.safeParse(named, { reportInput: true })
  if (!parsed.success) throw new AppError('INVALID_PARAMS', { fields: zodIssuesToFields(parsed.error.issues) })
  if (session !== undefined) authorize(definition, session, parsed.data)
  return await definition.handler(parsed.data, callCtx as SessionContext)
}

/**
 * The one privilege check (SPEC §5): the method's declared access for this session, before its
 * params are looked at; with the parsed params, what those params need too.
 */
function authorize (definition: MethodDefinition, session: AuthenticatedSession, params?: Record<string, unknown>): void {
  if (definition.access === PUBLIC) throw new Error(`${definition.name} takes a session but declares no access`)
  checkAccess(definition.access, session, params)
}

export function createDispatcher (methods: readonly MethodDefinition[], options: { batchMax: number }): Dispatcher {
  const server = new JSONRPCServer<MethodContext>({ errorListener: () => {} })
  for (const definition of methods) {
    server.addMethodAdvanced(definition.name, async (request, ctx) => {
      try {
        const result = await invoke(definition, request.params, ctx)
        return request.id === undefined ? null : { jsonrpc: '2.0', id: request.id, result: result ?? null }
      } catch (err) {
        const error = toRpcError(err, ctx.requestId, ctx.log)
        return request.id === undefined ? null : { jsonrpc: '2.0', id: request.id, error }
      }
    })
  }

  /**
   * The client's id and method name as log bindings: both are the client's text, logged with every
   * line of the call, so a card number typed into one is censored and a long one cut (it must not
   * reach the log, nor make each line as long as the client likes).
   */
  function logged (text: string | number | null | undefined): string | number | null | undefined {
    if (text === null || text === undefined) return text
    const value = String(text)
    if (containsCardNumber(value)) return '[card number removed]'
    return value.length > 64 ? `${value.slice(0, 64)}…` : text
  }

  async function handleOne (element: unknown, ctx: CallContext, inBatch: boolean): Promise<JSONRPCResponse | undefined> {
    // SPEC §1: an invalid element gets its own -32600 with id null.
    if (!isValidRequest(element)) return protocolError(null, 'INVALID_REQUEST')
    const id: JSONRPCID | undefined = element.id
    const callCtx: MethodContext = {
      // Each element of a batch gets its own request id, so its log lines can be found alone.
      requestId: inBatch ? randomUUID() : ctx.requestId,
      log: ctx.log.child({ rpcMethod: logged(element.method), rpcId: logged(id) }),
      deps: ctx.deps,
      clientIp: ctx.clientIp,
      outbox: { nothingQueued: false }
    }
    if (!server.hasMethod(element.method)) {
      return id === undefined ? undefined : protocolError(id, 'METHOD_NOT_FOUND', { method: element.method })
    }
    try {
      const response = await server.receive(element, callCtx)
      return response ?? undefined
    } finally {
      if (!callCtx.outbox.nothingQueued) ctx.outbox.mayHaveQueued = true
    }
  }

  return {
    async handle (body, ctx) {
      if (!Array.isArray(body)) return await handleOne(body, ctx, false)
      if (body.length === 0) return protocolError(null, 'INVALID_REQUEST', { error_code: 'BATCH_EMPTY' })
      if (body.length > options.batchMax) {
        return protocolError(null, 'INVALID_REQUEST', { error_code: 'BATCH_TOO_LARGE', limit: options.batchMax, requestId: ctx.requestId })
      }
      const responses = await Promise.all(body.map((element) => handleOne(element, ctx, true)))
      const answered = responses.filter((r): r is JSONRPCResponse => r !== undefined)
      // A batch is always answered with an array, also for one element; none at all → 204.
      return answered.length === 0 ? undefined : answered
    }
  }
}
