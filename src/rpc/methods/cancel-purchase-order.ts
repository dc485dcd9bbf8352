import { z } from 'zod'
import { runOrderAction } from '../../orders/order-lifecycle.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** cancelPurchaseOrder(sessionID, RefNo) → the Order, canceled: UNFINISHED or PURCHASE_PENDING → CANCELED. */
export const cancelPurchaseOrderMethod = defineMethod({
  name: 'cancelPurchaseOrder',
  summary: 'Cancels an unpaid purchase order (UNFINISHED or PURCHASE_PENDING → CANCELED)',
  params: z.object({
    sessionID: z.string(),
    RefNo: z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])
  }),
  result: z.record(z.string(), z.unknown()).describe('the updated Order'),
  session: true,
  errors: [...SESSION_ERRORS, 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => await runOrderAction(ctx.deps, ctx.merchant, params.RefNo, 'cancelPurchaseOrder')
})
