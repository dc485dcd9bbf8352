// A payment link on the wire (issue 19 item 2): createPaymentLink, getPaymentLink and
// cancelPaymentLink answer it. Never the token: only createPaymentLink's Url carries it, once.
import { z } from 'zod'
import type { PaymentLinkView } from '../orders/payment-links.js'
import { PAYMENT_LINK_STATUSES } from '../orders/order.js'
import { WireDateSchema } from './order-output.js'
import { formatWireDate } from './wire-date.js'

export const PaymentLinkOutputSchema = z.object({
  LinkId: z.number().int(),
  DraftId: z.number().int(),
  Status: z.enum(PAYMENT_LINK_STATUSES).describe('PENDING until paid (PAID), past its expiry or its draft\'s (EXPIRED), or cancelled, replaced by a newer link, or its draft changed, completed by staff or abandoned (CANCELLED)'),
  CreatedAt: WireDateSchema,
  ExpiresAt: WireDateSchema,
  PaidAt: WireDateSchema.nullable(),
  RefNo: z.string().nullable().describe('the order the payment placed (PAID)'),
  OrderStatus: z.string().nullable().describe('that order\'s Status now (AUTHRECEIVED for an approved card; PENDING while 3-D Secure waits)')
}).describe('PaymentLink')

export const CreatedPaymentLinkOutputSchema = PaymentLinkOutputSchema.extend({
  Url: z.string().describe('the hosted page the customer opens to pay: <PUBLIC_URL>/pay/<MerchantCode>?token=<token>. Answered only here, once: the token is kept only as its hash')
}).describe('CreatedPaymentLink')

export type WirePaymentLink = z.output<typeof PaymentLinkOutputSchema>

export function toWirePaymentLink ({ link, status }: PaymentLinkView): WirePaymentLink {
  return {
    LinkId: Number(link.id),
    DraftId: Number(link.draftId),
    Status: status,
    CreatedAt: formatWireDate(link.createdAt),
    ExpiresAt: formatWireDate(link.expiresAt),
    PaidAt: link.paidAt === null ? null : formatWireDate(link.paidAt),
    RefNo: link.refNo === null ? null : String(link.refNo),
    OrderStatus: link.orderStatus
  }
}
