import { z } from 'zod'
import { getCustomerTransientToken, TransientTokenSchema } from '../../customers/stored-cards.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/).transform(Number)])

/** getCustomerTransientToken(sessionID, CustomerReference | null[, CustomerId]) → a single-use TransientToken for the customer's stored card (EXISTING_PAYMENT_DATA). */
export const getCustomerTransientTokenMethod = defineMethod({
  name: 'getCustomerTransientToken',
  summary: 'Issues a short-lived, single-use TransientToken for the most recently used stored card of this merchant\'s customer, to pay with EXISTING_PAYMENT_DATA; the customer by CustomerReference or (ordergate\'s, for a customer created in the console, who has no reference) by CustomerId: exactly one of the two',
  params: z.object({
    sessionID: z.string(),
    CustomerReference: id.nullable().optional().describe('2Checkout\'s CustomerReference; null or absent when CustomerId is given'),
    CustomerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('ordergate\'s CustomerId (createCustomer, searchCustomers)')
  }).superRefine((params, ctx) => {
    const given = (params.CustomerReference !== undefined && params.CustomerReference !== null ? 1 : 0) + (params.CustomerId !== undefined ? 1 : 0)
    if (given === 0) ctx.addIssue({ code: 'custom', path: ['CustomerReference'], message: 'give the customer: CustomerReference or CustomerId' })
    if (given === 2) ctx.addIssue({ code: 'custom', path: ['CustomerId'], message: 'give CustomerReference or CustomerId, not both' })
  }),
  result: TransientTokenSchema,
  session: true,
  // The token charges the customer's stored card: on-behalf staff only.
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'CUSTOMER_NOT_FOUND', 'STORED_PAYMENT_DATA_NOT_FOUND', 'NOT_ALLOWED'],
  handler: async (params, ctx) => await getCustomerTransientToken(ctx.deps, ctx.merchant.id,
    params.CustomerId !== undefined ? { id: BigInt(params.CustomerId) } : { customerReference: BigInt(params.CustomerReference ?? 0) })
})
