import { z } from 'zod'
import { getCustomerTransientToken, TransientTokenSchema } from '../../customers/stored-cards.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** getCustomerTransientToken(sessionID, CustomerReference) → a single-use TransientToken for the customer's stored card (EXISTING_PAYMENT_DATA). */
export const getCustomerTransientTokenMethod = defineMethod({
  name: 'getCustomerTransientToken',
  summary: 'Issues a short-lived, single-use TransientToken for the most recently used stored card of this merchant\'s customer, to pay with EXISTING_PAYMENT_DATA',
  params: z.object({
    sessionID: z.string(),
    CustomerReference: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/).transform(Number)])
  }),
  result: TransientTokenSchema,
  session: true,
  // The token charges the customer's stored card: on-behalf staff only.
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'CUSTOMER_NOT_FOUND', 'STORED_PAYMENT_DATA_NOT_FOUND', 'NOT_ALLOWED'],
  handler: async (params, ctx) => await getCustomerTransientToken(ctx.deps, ctx.merchant.id, params.CustomerReference)
})
