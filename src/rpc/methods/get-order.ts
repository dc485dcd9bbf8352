import { z } from 'zod'
import { RefNoSchema } from '../../orders/order-reference.js'
import { getOrder } from '../../orders/get-order.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { OrderOutputSchema } from '../../wire/order-output.js'
import { toWireOrder } from '../../wire/wire-order.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** getOrder(sessionID, RefNo) → the stored Order, as placeOrder returned it. */
export const getOrderMethod = defineMethod({
  name: 'getOrder',
  summary: 'Returns this merchant\'s order by RefNo, in the shape placeOrder returned it',
  params: z.object({
    sessionID: z.string(),
    RefNo: RefNoSchema
  }),
  result: OrderOutputSchema.describe('the stored Order'),
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND'],
  handler: async (params, ctx) => openPageTokens(ctx.deps.pageKey, toWireOrder(await getOrder(ctx.deps.db, ctx.merchant, params.RefNo)))
})
