import { z } from 'zod'
import type { Privilege } from '../../auth/privileges.js'
import { runOrderAction, type LifecycleAction } from '../../orders/order-actions.js'
import { confirmDelivery } from '../../orders/order-delivery.js'
import { RefNoSchema } from '../../orders/order-reference.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { OrderOutputSchema } from '../../wire/order-output.js'
import { toWireOrder } from '../../wire/wire-order.js'
import { defineMethod, SESSION_ERRORS, type MethodDefinition } from '../registry.js'

const ACTION_PARAMS = z.object({ sessionID: z.string(), RefNo: RefNoSchema })

/** A method (sessionID, RefNo) → the updated Order, moving it by one lifecycle action. */
function orderActionMethod (name: LifecycleAction, summary: string, privilege: Privilege): MethodDefinition {
  return defineMethod({
    name,
    summary,
    params: ACTION_PARAMS,
    result: OrderOutputSchema.describe('the updated Order'),
    session: true,
    access: { merchantSession: true, userPrivileges: [privilege] },
    errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
    handler: async (params, ctx) => openPageTokens(ctx.deps.pageKey, toWireOrder(await runOrderAction(ctx.deps, ctx.merchant, ctx.user, params.RefNo, name)))
  })
}

/** approvePurchaseOrder(sessionID, RefNo): UNFINISHED → PURCHASE_PENDING. */
export const approvePurchaseOrderMethod = orderActionMethod('approvePurchaseOrder',
  'Approves a purchase order awaiting approval (UNFINISHED → PURCHASE_PENDING); a user\'s session needs RECORD_PAYMENTS', 'RECORD_PAYMENTS')

/** cancelPurchaseOrder(sessionID, RefNo[, Reason]): UNFINISHED or PURCHASE_PENDING → CANCELED, the reason in its Cancellation. */
export const cancelPurchaseOrderMethod = defineMethod({
  name: 'cancelPurchaseOrder',
  summary: 'Cancels an unpaid purchase order (UNFINISHED or PURCHASE_PENDING → CANCELED), with the Reason given (else "purchase order canceled") in the Order\'s Cancellation and history; a user\'s session needs CANCEL_ORDERS',
  params: ACTION_PARAMS.extend({ Reason: z.string().min(1).max(255).optional() }),
  result: OrderOutputSchema.describe('the updated Order'),
  session: true,
  access: { merchantSession: true, userPrivileges: ['CANCEL_ORDERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => openPageTokens(ctx.deps.pageKey, toWireOrder(await runOrderAction(ctx.deps, ctx.merchant, ctx.user, params.RefNo, 'cancelPurchaseOrder', {}, params.Reason)))
})

/** markOrderPaid(sessionID, RefNo): PURCHASE_PENDING (PO) or PENDING (offline) → COMPLETE. */
export const markOrderPaidMethod = orderActionMethod('markOrderPaid',
  'Records the payment of a purchase order (PURCHASE_PENDING) or an offline order (WIRE, CHECK, DIRECTDEBIT, DIRECT_DEBIT_ACH, BOLETO in PENDING) → COMPLETE with OrderNo and FinishDate; a user\'s session needs RECORD_PAYMENTS', 'RECORD_PAYMENTS')

/**
 * confirmDelivery(sessionID, RefNo): an approved order with a physical product was delivered,
 * AUTHRECEIVED → COMPLETE. 2Checkout takes this confirmation as an IDN (Instant Delivery
 * Notification, a signed POST) or in its Control Panel; it has no JSON-RPC method for it
 * (README: Differences from 2Checkout).
 */
export const confirmDeliveryMethod = defineMethod({
  name: 'confirmDelivery',
  summary: 'Confirms the delivery of an approved order with a physical product (AUTHRECEIVED → COMPLETE with OrderNo and FinishDate), as 2Checkout\'s IDN does; orders with nothing physical complete by themselves. A user\'s session needs RECORD_PAYMENTS',
  params: z.object({ sessionID: z.string(), RefNo: RefNoSchema }),
  result: OrderOutputSchema.describe('the updated Order'),
  session: true,
  access: { merchantSession: true, userPrivileges: ['RECORD_PAYMENTS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => openPageTokens(ctx.deps.pageKey, toWireOrder(await confirmDelivery(ctx.deps, ctx.merchant, ctx.user, params.RefNo)))
})
