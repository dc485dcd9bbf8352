import { z } from 'zod'
import { OrderSchema } from '../../wire/order-schema.js'
import { OrderOutputSchema } from '../../wire/order-output.js'
import { placeOrder } from '../../orders/place-order.js'
import { OrderParam, parseOrder, toWirePlacedOrder } from '../order-params.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** placeOrder(sessionID, Order[, IdempotencyKey]) → the stored Order (2Checkout API 6.0 wire format). */
export const placeOrderMethod = defineMethod({
  name: 'placeOrder',
  summary: 'Places an order from catalog products and runs its payment; returns the stored Order',
  params: z.object({
    sessionID: z.string(),
    Order: OrderParam,
    IdempotencyKey: z.string().min(1).max(255).optional().describe('optional: a retry with the same key answers the first answer (kept 24 hours), never a second order')
  }),
  paramDocs: { Order: OrderSchema },
  result: OrderOutputSchema.describe('the stored Order'),
  session: true,
  // A staff user's order is placed on behalf of a customer (and may charge their stored card: PREVIOUS_ORDER, EXISTING_PAYMENT_DATA).
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_PRICE_OPTION_INVALID',
    'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'ORDER_CROSS_SELL_INVALID', 'ORDER_TRIAL_INVALID', 'PROMOTION_CODE_INVALID', 'SHIPPING_METHOD_INVALID',
    'ORDER_DELIVERY_DETAILS_REQUIRED', 'ORDER_FREE_TOTAL_NOT_ZERO', 'PAYMENT_ERROR', 'NOT_ALLOWED',
    'ORDER_ITEMS_QUANTITY_INVALID', 'PROMOTION_NOT_ALLOWED_FOR_B2B', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
  handler: async (params, ctx) => {
    const order = parseOrder(params.Order, ctx.deps.clock.now())
    const placed = await placeOrder(ctx.deps, { merchant: ctx.merchant, user: ctx.user, order, idempotencyKey: params.IdempotencyKey }, ctx.log)
    // A replay stores nothing; a new order's statement counted the notifications it queued.
    ctx.outbox.nothingQueued = placed.kind === 'first-answer' || placed.order.notificationsQueued === 0
    return toWirePlacedOrder(ctx.deps.pageKey, placed)
  }
})
