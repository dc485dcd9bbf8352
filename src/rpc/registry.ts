import type { Log } from '../logger.js'
import type { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import type { Deps } from '../deps.js'
import type { ErrorReason } from '../errors.js'

export type MethodContext = {
  requestId: string
  log: Log
  deps: Deps
  clientIp: string
}

export type SessionContext = MethodContext & { merchant: Merchant }

type Params = z.ZodObject<z.ZodRawShape>

export type MethodDefinition<P extends Params = Params, S extends boolean = boolean> = {
  name: string
  /** one line for the OpenRPC document */
  summary: string
  /** params by name, in positional order (the 2Checkout wire form is positional) */
  params: P
  result: z.ZodType
  /** schemas documented for params that the handler validates itself (placeOrder's Order) */
  paramDocs?: Record<string, z.ZodType>
  /** the first param is `sessionID`, authenticated before the other params are checked */
  session: S
  /** every application error the method can return (documented in the OpenRPC document) */
  errors: readonly ErrorReason[]
  handler: (params: z.output<P>, ctx: S extends true ? SessionContext : MethodContext) => Promise<unknown>
}

/** Keeps the params type of each method while the registry stores them side by side. */
export function defineMethod<P extends Params, S extends boolean> (definition: MethodDefinition<P, S>): MethodDefinition {
  return definition as unknown as MethodDefinition
}

export const SESSION_ERRORS = ['INVALID_PARAMS', 'INVALID_SESSION', 'SESSION_EXPIRED'] as const satisfies readonly ErrorReason[]
