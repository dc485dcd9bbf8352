import { z } from 'zod'
import { runOrderAction } from '../../orders/order-lifecycle.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** approvePurchaseOrder(sessionID, RefNo) → the Order, approved: UNFINISHED → PURCHASE_PENDING. */
export const approvePurchaseOrderMethod = defineMethod({
  name: 'approvePurchaseOrder',
  summary: 'Approves a purchase order awaiting approval (UNFINISHED → PURCHASE_PENDING)',
  params: z.object({
    sessionID: z.string(),
    RefNo: z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])
  }),
  result: z.record(z.string(), z.unknown()).describe('the updated Order'),
  session: true,
  errors: [...SESSION_ERRORS, 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => await runOrderAction(ctx.deps, ctx.merchant, params.RefNo, 'approvePurchaseOrder')
})
