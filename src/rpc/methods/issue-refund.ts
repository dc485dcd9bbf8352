import { z } from 'zod'
import { issueRefund, RefundAmountParamSchema, RefundCommentParamSchema, RefundItemsParamSchema, RefundReasonParamSchema } from '../../orders/issue-refund.js'
import { RefNoSchema } from '../../orders/order-reference.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** issueRefund(sessionID, RefNo, Amount, Items, Comment, Reason[, IdempotencyKey]) → true (2Checkout API 6.0). */
export const issueRefundMethod = defineMethod({
  name: 'issueRefund',
  summary: 'Refunds a COMPLETE order in full or in part (by Amount, or by Items and quantities), never more than was paid; the refund reaching the total moves it to REFUND. A user\'s session needs REFUND_ORDERS',
  params: z.object({
    sessionID: z.string(),
    RefNo: RefNoSchema,
    Amount: RefundAmountParamSchema,
    Items: RefundItemsParamSchema,
    Comment: RefundCommentParamSchema,
    Reason: RefundReasonParamSchema,
    IdempotencyKey: z.string().min(1).max(255).optional().describe('optional: a retry with the same key answers the first answer (kept 24 hours), never a second refund')
  }),
  result: z.literal(true).describe('the refund was made (a refusal is an error)'),
  session: true,
  // Money given back: only staff holding the privilege that says so, whatever else they may do.
  access: { merchantSession: true, userPrivileges: ['REFUND_ORDERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'REFUND_NOT_ALLOWED', 'REFUND_ITEM_INVALID', 'REFUND_EXCEEDS_REMAINDER', 'REFUND_DECLINED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
  handler: async (params, ctx) => {
    await issueRefund(ctx.deps, { merchant: ctx.merchant, user: ctx.user, refNo: params.RefNo, amount: params.Amount, items: params.Items, comment: params.Comment ?? null, reason: params.Reason, idempotencyKey: params.IdempotencyKey })
    return true as const
  }
})
