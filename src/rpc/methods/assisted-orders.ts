import { z } from 'zod'
import { AppError, type ErrorReason } from '../../errors.js'
import { AssistedSchema, placeAssistedOrder, quoteOrder } from '../../orders/assisted-order.js'
import { idempotent } from '../../orders/idempotency.js'
import { OrderSchema, validateOrder, type Order } from '../../orders/order-schema.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

const OrderParam = z.unknown().refine((v) => v !== undefined && v !== null, { message: 'Order (the order object) is required', params: { error_code: 'FIELD_REQUIRED' } })

/** The Order's own rules, every violation at once (SPEC §3). */
export function parseOrder (input: unknown, now: Date): Order {
  const validation = validateOrder(input, now)
  if (!validation.ok) throw new AppError('INVALID_PARAMS', { fields: validation.fields })
  return validation.order
}

export const PRICING_ERRORS = ['ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_PRICE_OPTION_INVALID',
  'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'ORDER_CROSS_SELL_INVALID', 'ORDER_TRIAL_INVALID', 'PROMOTION_CODE_INVALID', 'SHIPPING_METHOD_INVALID',
  'ORDER_DELIVERY_DETAILS_REQUIRED', 'ORDER_ITEMS_QUANTITY_INVALID', 'DISCOUNT_INVALID', 'PROMOTION_NOT_ALLOWED_FOR_B2B', 'CUSTOMER_NOT_FOUND'] as const satisfies readonly ErrorReason[]

/** placeAssistedOrder(sessionID, Order, Assisted) → the stored Order, placed by a merchant user on behalf of a customer. */
export const placeAssistedOrderMethod = defineMethod({
  name: 'placeAssistedOrder',
  summary: 'Places an Order on behalf of a customer (privilege PLACE_ORDERS_ON_BEHALF): staff discounts, customer level prices, unpublished products, replacement orders, idempotent retries',
  params: z.object({
    sessionID: z.string(),
    Order: OrderParam,
    Assisted: AssistedSchema.optional()
  }),
  paramDocs: { Order: OrderSchema },
  result: z.record(z.string(), z.unknown()).describe('the stored Order; ExtraInformation carries AssistedSale, PlacedBy {UserId, Username}, CustomerId, ReplacementOf'),
  session: true,
  access: {
    merchantSession: false,
    userPrivileges: ['PLACE_ORDERS_ON_BEHALF'],
    conditions: [{ when: 'Assisted.PaymentNotRequired is given', applies: (params) => params.Assisted?.PaymentNotRequired !== undefined, userPrivileges: ['REPLACEMENT_ORDERS'] }]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', ...PRICING_ERRORS, 'ORDER_FREE_TOTAL_NOT_ZERO', 'ORDER_STATUS_INVALID', 'ORDER_NOT_FOUND', 'PAYMENT_ERROR',
    'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
  handler: async (params, ctx) => {
    const user = ctx.user
    const order = parseOrder(params.Order, ctx.deps.clock.now())
    const key = params.Assisted?.IdempotencyKey
    // Stored answers hold page tokens sealed (src/payments/payment-page-token.ts): opened here, after the key's row kept it.
    if (key === undefined) return openPageTokens(ctx.deps.pageKey, await placeAssistedOrder(ctx.deps, ctx.merchant, user, order, params.Assisted, ctx.log))
    const { IdempotencyKey: _key, ...assisted } = params.Assisted ?? {}
    return openPageTokens(ctx.deps.pageKey, await idempotent(ctx.deps, ctx.merchant.id, key, 'placeAssistedOrder', { Order: order, Assisted: assisted },
      async (bind) => await placeAssistedOrder(ctx.deps, ctx.merchant, user, order, params.Assisted, ctx.log, bind)))
  }
})

/** quote(sessionID, Order[, Assisted]) → the Order's totals, priced exactly as placeOrder would, nothing written. */
export const quoteMethod = defineMethod({
  name: 'quote',
  summary: 'Prices an Order exactly as placeOrder would (same code path, stock checked) without placing it; Assisted needs a user with PLACE_ORDERS_ON_BEHALF',
  params: z.object({
    sessionID: z.string(),
    Order: OrderParam,
    Assisted: AssistedSchema.optional()
  }),
  paramDocs: { Order: OrderSchema },
  result: z.object({
    Currency: z.string(),
    NetPrice: z.number(),
    GrossPrice: z.number(),
    NetDiscountedPrice: z.number(),
    GrossDiscountedPrice: z.number(),
    Discount: z.number(),
    VAT: z.number(),
    ShippingPrice: z.number(),
    AmountDue: z.number(),
    Items: z.array(z.record(z.string(), z.unknown()))
  }).loose().describe('the Order\'s money fields as placeOrder would answer them'),
  session: true,
  access: {
    merchantSession: true,
    userPrivileges: ['PLACE_ORDERS_ON_BEHALF'],
    conditions: [{ when: 'Assisted is given', applies: (params) => params.Assisted !== undefined, merchantSession: false, userPrivileges: [] }]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', ...PRICING_ERRORS, 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => {
    // Staff pricing (discounts, unpublished products) only with Assisted, which needs a user's session.
    const user = params.Assisted === undefined ? undefined : ctx.user
    const order = parseOrder(params.Order, ctx.deps.clock.now())
    return await quoteOrder(ctx.deps, ctx.merchant, user, order, params.Assisted)
  }
})
