import { z } from 'zod'
import { AppError } from '../../errors.js'
import { OrderSchema, validateOrder } from '../../orders/order-schema.js'
import { mapAssistedError, planAssistedOrder, requireFreeOrderPrivilege, withPlaced } from '../../orders/assisted-order.js'
import { idempotent } from '../../orders/idempotency.js'
import { placeOrder } from '../../orders/place-order.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** placeOrder(sessionID, Order[, IdempotencyKey]) → the stored Order (2Checkout API 6.0 wire format). */
export const placeOrderMethod = defineMethod({
  name: 'placeOrder',
  summary: 'Places an order from catalog products and runs its payment; returns the stored Order',
  params: z.object({
    sessionID: z.string(),
    Order: z.unknown().refine((v) => v !== undefined && v !== null, { message: 'Order (the order object) is required', params: { error_code: 'FIELD_REQUIRED' } }),
    IdempotencyKey: z.string().min(1).max(255).optional().describe('optional: a retry with the same key answers the first answer (kept 24 hours), never a second order')
  }),
  paramDocs: { Order: OrderSchema },
  result: z.record(z.string(), z.unknown()).describe('the stored Order'),
  session: true,
  // A staff user's order is placed on behalf of a customer (and may charge their stored card: PREVIOUS_ORDER, EXISTING_PAYMENT_DATA).
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_PRICE_OPTION_INVALID',
    'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'ORDER_CROSS_SELL_INVALID', 'ORDER_TRIAL_INVALID', 'PROMOTION_CODE_INVALID', 'SHIPPING_METHOD_INVALID',
    'ORDER_DELIVERY_DETAILS_REQUIRED', 'ORDER_FREE_TOTAL_NOT_ZERO', 'PAYMENT_ERROR', 'NOT_ALLOWED',
    'ORDER_ITEMS_QUANTITY_INVALID', 'PROMOTION_NOT_ALLOWED_FOR_B2B', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
  handler: async (params, ctx) => {
    // The Order's own rules, every violation at once, with 2Checkout's names (SPEC §3).
    const validation = validateOrder(params.Order, ctx.deps.clock.now())
    if (!validation.ok) throw new AppError('INVALID_PARAMS', { fields: validation.fields })
    const order = validation.order
    // SPEC §4/§5: a known customer's level prices the order; coupons are for retail customers only.
    const run = async (bind?: Parameters<typeof withPlaced>[1]) => {
      try {
        const now = ctx.deps.clock.now()
        const plan = await planAssistedOrder(ctx.deps.db, ctx.merchant, undefined, order, undefined, now)
        // A staff user's session: a level that makes the order free needs REPLACEMENT_ORDERS here too.
        await requireFreeOrderPrivilege(ctx.deps, ctx.merchant, ctx.user, order, plan, now)
        return await placeOrder(ctx.deps, ctx.merchant, order, ctx.log, withPlaced(plan.hooks, bind))
      } catch (err) {
        throw mapAssistedError(err)
      }
    }
    // Stored answers hold page tokens sealed (src/payments/payment-page-token.ts): opened here, after the key's row kept it.
    if (params.IdempotencyKey === undefined) return openPageTokens(ctx.deps.pageKey, await run())
    // The parsed Order, not the raw one: the fingerprint sees only known fields (src/orders/idempotency.ts).
    return openPageTokens(ctx.deps.pageKey, await idempotent(ctx.deps, ctx.merchant.id, params.IdempotencyKey, 'placeOrder', { Order: order }, run))
  }
})
