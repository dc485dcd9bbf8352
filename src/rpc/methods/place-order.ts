import { z } from 'zod'
import { AppError } from '../../errors.js'
import { OrderSchema, validateOrder } from '../../orders/order-schema.js'
import { placeOrder } from '../../orders/place-order.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** placeOrder(sessionID, Order) → the stored Order (2Checkout API 6.0 wire format). */
export const placeOrderMethod = defineMethod({
  name: 'placeOrder',
  summary: 'Places an order from catalog products and runs its payment; returns the stored Order',
  params: z.object({
    sessionID: z.string(),
    Order: z.unknown().refine((v) => v !== undefined && v !== null, { message: 'Order (the order object) is required', params: { error_code: 'FIELD_REQUIRED' } })
  }),
  paramDocs: { Order: OrderSchema },
  result: z.record(z.string(), z.unknown()).describe('the stored Order'),
  session: true,
  errors: [...SESSION_ERRORS, 'ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_PRICE_OPTION_INVALID',
    'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'ORDER_CROSS_SELL_INVALID', 'ORDER_TRIAL_INVALID', 'PROMOTION_CODE_INVALID', 'SHIPPING_METHOD_INVALID',
    'ORDER_DELIVERY_DETAILS_REQUIRED', 'ORDER_FREE_TOTAL_NOT_ZERO', 'PAYMENT_ERROR', 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    // The Order's own rules, every violation at once, with 2Checkout's names (SPEC §3).
    const validation = validateOrder(params.Order, ctx.deps.clock.now())
    if (!validation.ok) throw new AppError('INVALID_PARAMS', { fields: validation.fields })
    return await placeOrder(ctx.deps, ctx.merchant, validation.order, ctx.log)
  }
})
