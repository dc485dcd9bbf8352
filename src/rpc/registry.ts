import type { Log } from '../logger.js'
import type { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import type { Deps } from '../deps.js'
import type { ErrorReason } from '../errors.js'
import type { MerchantUser } from '../auth/privileges.js'
import type { MethodAccess, PublicAccess } from './access.js'

export type MethodContext = {
  requestId: string
  log: Log
  deps: Deps
  clientIp: string
  /**
   * A handler that knows its call queued no IPN notification sets `nothingQueued`, so the answer
   * does not wake the delivery worker for nothing (src/app.ts); left unset, it is woken.
   */
  outbox: CallOutbox
}

/** What one call tells the transport about the IPN outbox (see MethodContext.outbox). */
export type CallOutbox = { nothingQueued: boolean }

/** `user`: the merchant user of a loginUser session (checked active on this call), undefined for the merchant's API session. */
export type SessionContext<U extends MerchantUser | undefined = MerchantUser | undefined> = MethodContext & { merchant: Merchant, user: U }

type Params = z.ZodObject<z.ZodRawShape>

export type MethodDefinition<P extends Params = Params, S extends boolean = boolean, M extends boolean = boolean, R extends z.ZodType = z.ZodType> = {
  name: string
  /** one line for the OpenRPC document */
  summary: string
  /** params by name, in positional order (the 2Checkout wire form is positional) */
  params: P
  /** what the handler answers: documented in the OpenRPC document, and the handler's return type (z.output), so the two cannot drift */
  result: R
  /** schemas documented for params that the handler validates itself (placeOrder's Order) */
  paramDocs?: Record<string, z.ZodType>
  /** the first param is `sessionID`, authenticated before the other params are checked */
  session: S
  /**
   * Required: which sessions may call it, with which privileges (checked by the dispatcher before
   * the handler runs); `'public'` for a method without a session.
   */
  access: S extends true ? MethodAccess<z.output<P>, M> : PublicAccess
  /** every application error the method can return (documented in the OpenRPC document) */
  errors: readonly ErrorReason[]
  handler: (params: z.output<P>, ctx: S extends true ? SessionContext<M extends true ? MerchantUser | undefined : MerchantUser> : MethodContext) => Promise<z.output<R>>
}

/** Keeps the params and result types of each method while the registry stores them side by side. */
export function defineMethod<P extends Params, S extends boolean, M extends boolean = boolean, R extends z.ZodType = z.ZodType> (definition: MethodDefinition<P, S, M, R>): MethodDefinition {
  return definition as unknown as MethodDefinition
}

export const SESSION_ERRORS = ['INVALID_PARAMS', 'INVALID_SESSION', 'SESSION_EXPIRED'] as const satisfies readonly ErrorReason[]
