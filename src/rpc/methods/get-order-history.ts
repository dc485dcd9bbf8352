import { z } from 'zod'
import { getOrderHistory, OrderHistorySchema } from '../../orders/order-history.js'
import { RefNoSchema } from '../../orders/order-reference.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** getOrderHistory(sessionID, RefNo) → the order's changes, staff adjustments, fraud review and IPN notifications. */
export const getOrderHistoryMethod = defineMethod({
  name: 'getOrderHistory',
  summary: 'Returns what happened to this merchant\'s order: status changes with who and why, refunds, staff adjustments, the fraud review, IPN notifications and their tries (a user\'s session needs PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string(), RefNo: RefNoSchema }),
  result: OrderHistorySchema,
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND'],
  handler: async (params, ctx) => await getOrderHistory(ctx.deps.db, ctx.merchant, params.RefNo)
})
