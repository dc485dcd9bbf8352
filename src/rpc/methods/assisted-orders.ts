import { z } from 'zod'
import type { ErrorReason } from '../../errors.js'
import { verifyApproval } from '../../auth/discount-approval.js'
import { AssistedSchema } from '../../orders/assisted-order.js'
import { placeOrder } from '../../orders/place-order.js'
import { quoteOrder } from '../../orders/quote-order.js'
import { OrderSchema } from '../../wire/order-schema.js'
import { toWireQuote } from '../../wire/wire-order.js'
import { OrderOutputSchema, QuoteOutputSchema } from '../../wire/order-output.js'
import { OrderParam, parseOrder, toWirePlacedOrder } from '../order-params.js'
import type { AccessCondition } from '../access.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

export const PRICING_ERRORS = ['ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_PRICE_OPTION_INVALID',
  'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'ORDER_CROSS_SELL_INVALID', 'ORDER_TRIAL_INVALID', 'PROMOTION_CODE_INVALID', 'SHIPPING_METHOD_INVALID',
  'ORDER_DELIVERY_DETAILS_REQUIRED', 'ORDER_ITEMS_QUANTITY_INVALID', 'DISCOUNT_INVALID', 'PROMOTION_NOT_ALLOWED_FOR_B2B', 'CUSTOMER_NOT_FOUND', 'CUSTOM_ITEM_INVALID'] as const satisfies readonly ErrorReason[]

/** Assisted.CustomItems (custom, non-catalog lines) needs CUSTOM_LINE_ITEMS; every method taking Assisted declares it. */
export const CUSTOM_ITEMS_CONDITION = {
  when: 'Assisted.CustomItems is given',
  applies: (params: { Assisted?: { CustomItems?: readonly unknown[] | undefined } | undefined }) => (params.Assisted?.CustomItems?.length ?? 0) > 0,
  userPrivileges: ['CUSTOM_LINE_ITEMS'],
  field: 'Assisted.CustomItems'
} as const satisfies AccessCondition<{ Assisted?: { CustomItems?: readonly unknown[] | undefined } | undefined }>

/** The discount authority's refusals (src/orders/discount-authority.ts). */
export const DISCOUNT_ERRORS = ['DISCOUNT_LIMIT_EXCEEDED', 'DISCOUNT_REASON_INVALID'] as const satisfies readonly ErrorReason[]

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
  result: OrderOutputSchema.describe('the stored Order; ExtraInformation carries AssistedSale, PlacedBy {UserId, Username}, CustomerId, ReplacementOf'),
  session: true,
  access: {
    merchantSession: false,
    userPrivileges: ['PLACE_ORDERS_ON_BEHALF'],
    conditions: [{ when: 'Assisted.PaymentNotRequired is given', applies: (params) => params.Assisted?.PaymentNotRequired !== undefined, userPrivileges: ['REPLACEMENT_ORDERS'] }, CUSTOM_ITEMS_CONDITION]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', ...PRICING_ERRORS, 'ORDER_FREE_TOTAL_NOT_ZERO', 'ORDER_STATUS_INVALID', 'ORDER_NOT_FOUND', 'PAYMENT_ERROR',
    'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', ...DISCOUNT_ERRORS, 'DISCOUNT_APPROVAL_FAILED', 'TOO_MANY_REQUESTS'],
  handler: async (params, ctx) => {
    const order = parseOrder(params.Order, ctx.deps.clock.now())
    const { IdempotencyKey: idempotencyKey, Approval: credentials, ...assisted } = params.Assisted ?? {}
    // Checked before anything else and never passed on: the password is in no plan, key or log.
    const approval = credentials === undefined ? undefined : await verifyApproval(ctx.deps, ctx.merchant, ctx.user, credentials, ctx.clientIp, ctx.log)
    const placed = await placeOrder(ctx.deps, { merchant: ctx.merchant, user: ctx.user, order, assisted, idempotencyKey, approval }, ctx.log)
    return toWirePlacedOrder(ctx.deps.pageKey, placed)
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
  result: QuoteOutputSchema.describe('the Order\'s money fields as placeOrder would answer them'),
  session: true,
  access: {
    merchantSession: true,
    userPrivileges: ['PLACE_ORDERS_ON_BEHALF'],
    conditions: [{ when: 'Assisted is given', applies: (params) => params.Assisted !== undefined, merchantSession: false, userPrivileges: [] }, CUSTOM_ITEMS_CONDITION]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', ...PRICING_ERRORS, 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID', ...DISCOUNT_ERRORS, 'DISCOUNT_APPROVAL_FAILED', 'TOO_MANY_REQUESTS'],
  handler: async (params, ctx) => {
    // Staff pricing (discounts, unpublished products) only with Assisted, which needs a user's session.
    const user = params.Assisted === undefined ? undefined : ctx.user
    const order = parseOrder(params.Order, ctx.deps.clock.now())
    const { Approval: credentials, ...assisted } = params.Assisted ?? {}
    // As placeAssistedOrder: the approval is checked as a login (a wrong password is a failed login
    // of that user, under the same limits, so quote is no password oracle), then only its result
    // is passed on; the quote records nothing else and the password is in no log line.
    const approval = credentials === undefined || user === undefined ? undefined : await verifyApproval(ctx.deps, ctx.merchant, user, credentials, ctx.clientIp, ctx.log)
    return toWireQuote(await quoteOrder(ctx.deps, ctx.merchant, user, order, params.Assisted === undefined ? undefined : assisted, approval))
  }
})
