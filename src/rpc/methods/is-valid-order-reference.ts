import { z } from 'zod'
import { RefNoSchema } from '../../orders/order-reference.js'
import { findReusableOrder } from '../../payments/reusable-order.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** isValidOrderReference(sessionID, RefNo) → true when RefNo can pay a PREVIOUS_ORDER order. */
export const isValidOrderReferenceMethod = defineMethod({
  name: 'isValidOrderReference',
  summary: 'Whether RefNo is this merchant\'s order in AUTHRECEIVED or COMPLETE, paid by card or PayPal, not fraud (usable for PREVIOUS_ORDER)',
  params: z.object({
    sessionID: z.string(),
    RefNo: RefNoSchema
  }),
  result: z.boolean(),
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => (await findReusableOrder(ctx.deps.db, ctx.merchant.id, params.RefNo)) !== undefined
})
