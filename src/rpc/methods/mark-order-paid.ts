import { z } from 'zod'
import { runOrderAction } from '../../orders/order-lifecycle.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** markOrderPaid(sessionID, RefNo) → the Order, paid: PURCHASE_PENDING (PO) or PENDING (offline) → COMPLETE. */
export const markOrderPaidMethod = defineMethod({
  name: 'markOrderPaid',
  summary: 'Records the payment of a purchase order (PURCHASE_PENDING) or an offline order (WIRE, CHECK, DIRECTDEBIT, DIRECT_DEBIT_ACH, BOLETO in PENDING) → COMPLETE with OrderNo and FinishDate',
  params: z.object({
    sessionID: z.string(),
    RefNo: z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])
  }),
  result: z.record(z.string(), z.unknown()).describe('the updated Order'),
  session: true,
  errors: [...SESSION_ERRORS, 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => await runOrderAction(ctx.deps, ctx.merchant, params.RefNo, 'markOrderPaid')
})
