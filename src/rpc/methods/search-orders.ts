import { z } from 'zod'
import { OrderSearchOptionsSchema, SEARCH_MAX_LIMIT, searchOrders } from '../../orders/search-orders.js'
import { toWireOrder } from '../../wire/wire-order.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'
import { getOrderMethod } from './get-order.js'

/** searchOrders(sessionID, orderSearchOptions) → {Items, Pagination {Page, Limit, Count}}, newest first. */
export const searchOrdersMethod = defineMethod({
  name: 'searchOrders',
  summary: 'This merchant\'s orders matching the options (dates, Status, ApproveStatus, ExternalRefNo; customer e-mail, reference or id, product code), newest first, a page at a time with the total (a user\'s session needs PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string(), orderSearchOptions: OrderSearchOptionsSchema.nullish() }),
  result: z.object({
    // Each item is getOrder's Order, so the schema is getOrder's result (typed by issue 18 item 5).
    Items: z.array(getOrderMethod.result).describe('the orders of the page, newest first, each as getOrder answers it'),
    Pagination: z.object({ Page: z.number().int().min(1), Limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT), Count: z.number().int().min(0).describe('how many orders match in all') })
  }),
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    const found = await searchOrders(ctx.deps, ctx.merchant, params.orderSearchOptions ?? undefined)
    return { Items: found.orders.map((order) => openPageTokens(ctx.deps.pageKey, toWireOrder(order))), Pagination: { Page: found.page, Limit: found.limit, Count: found.count } }
  }
})
