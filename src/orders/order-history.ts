import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import { fromMinor } from '../catalog/money.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { formatWireDate } from '../wire/wire-date.js'
import { FRAUD_STATUSES, ORDER_STATUSES, type FraudStatus } from './order.js'
import { ORDER_EVENTS, type OrderEventName } from './order-events.js'
import { readOrderHistory, type HistoryActor, type HistoryUser, type OrderHistoryRecord } from './order-history-store.js'
import { parseRefNo } from './order-reference.js'

// getOrderHistory's answer on the wire (ordergate's own: 2Checkout shows this in its control panel).

const WireDateSchema = z.string().describe('YYYY-MM-DD HH:mm:ss (UTC)')
const StatusSchema = z.enum(ORDER_STATUSES)
const EventSchema = z.enum(ORDER_EVENTS)
const UserSchema = z.object({ UserId: z.number().int(), Username: z.string() }).describe('the merchant user (staff)')

export const ACTOR_TYPES = ['MERCHANT_API', 'USER', 'SHOPPER', 'SYSTEM'] as const

const ActorSchema = z.object({
  Type: z.enum(ACTOR_TYPES).describe('MERCHANT_API: the merchant\'s API session; USER: a merchant user\'s session; SHOPPER: the shopper on a sandbox payment page; SYSTEM: ordergate itself'),
  UserId: z.number().int().optional().describe('USER: the merchant user'),
  Username: z.string().optional().describe('USER: the merchant user\'s username'),
  Name: z.string().optional().describe('SYSTEM: which part of ordergate (fraud-rules, customer-flag, sweep, …)')
})

/** An event's detail as recorded (order-events.ts placementEvents, payment-returns.ts, order-sweeps.ts), keys in the wire's case. */
const EventDetailSchema = z.object({
  PaymentType: z.string().optional().describe('PLACED: PaymentDetails.Type'),
  PaymentStatus: z.string().optional().describe('PLACED: the payment\'s status (APPROVED, DECLINED, PENDING, NOT_REQUIRED)'),
  Reason: z.string().nullable().optional().describe('a decline\'s or a fraud review\'s reason'),
  Page: z.enum(['3DS', 'REDIRECT']).optional().describe('PAYMENT_ABANDONED: the page the shopper did not finish'),
  Amount: z.string().optional().describe('REFUNDED, PARTIALLY_REFUNDED: the amount refunded, a decimal in Currency'),
  Currency: z.string().optional().describe('REFUNDED, PARTIALLY_REFUNDED: the order\'s currency'),
  Kind: z.enum(['TOTAL', 'PARTIAL']).optional().describe('REFUNDED, PARTIALLY_REFUNDED: a total refund in one go, or a part'),
  Comment: z.string().optional().describe('REFUNDED, PARTIALLY_REFUNDED: the refund\'s Comment'),
  RefundedTotal: z.string().optional().describe('REFUNDED, PARTIALLY_REFUNDED: everything refunded so far, this refund included'),
  Given: z.boolean().optional().describe('CARD_CONSENT_RECORDED: the customer agreed to keep the card (true) or not (false); the Actor is the agent who recorded it'),
  CardType: z.string().optional().describe('CARD_CONSENT_RECORDED: the card\'s brand'),
  LastDigits: z.string().optional().describe('CARD_CONSENT_RECORDED: the card\'s last 4 digits')
})
type EventDetail = z.output<typeof EventDetailSchema>

export const OrderHistorySchema = z.object({
  RefNo: z.string(),
  Events: z.array(z.object({
    At: WireDateSchema,
    FromStatus: StatusSchema.nullable().describe('null for the placement'),
    Status: StatusSchema.describe('the status after the event (the same as FromStatus when the status did not change)'),
    Event: EventSchema,
    Actor: ActorSchema,
    Reason: z.string().nullable().describe('why, as the user or the system gave it'),
    Detail: EventDetailSchema.optional().describe('what more the event recorded; absent when nothing')
  })).describe('every change, oldest first'),
  Refunds: z.array(z.object({
    RefundId: z.number().int(),
    Amount: z.number().describe('refunded, in the order currency'),
    Kind: z.enum(['TOTAL', 'PARTIAL']).describe('TOTAL: the whole order at once; PARTIAL: by amount or by items (the last partial refund may reach the total)'),
    Items: z.array(z.object({ ProductCode: z.string(), Quantity: z.number().int(), Amount: z.number() })).describe('a refund by items: what of each line; empty for a refund by amount'),
    Reason: z.string(),
    Comment: z.string().nullable(),
    Actor: ActorSchema,
    At: WireDateSchema
  })).describe('issueRefund\'s refunds, oldest first'),
  Adjustments: z.array(z.object({
    Kind: z.string().describe('LINE_DISCOUNT, ORDER_DISCOUNT or PAYMENT_NOT_REQUIRED'),
    LineNo: z.number().int().nullable().describe('the Items line (1-based) of a LINE_DISCOUNT'),
    DiscountType: z.string().nullable().describe('the Discount.Type given (UNIT_PRICE, AMOUNT, PERCENT)'),
    Value: z.string().describe('the Discount.Value as given; the replaced order\'s RefNo for PAYMENT_NOT_REQUIRED'),
    OldAmount: z.number().describe('before the adjustment, in the order currency'),
    NewAmount: z.number().describe('after it, in the order currency'),
    Reason: z.string(),
    ReasonCode: z.string().nullable().describe('the merchant\'s reason code it was given with (Assisted.ReasonCode)'),
    User: UserSchema,
    ApprovedBy: UserSchema.nullable().describe('the supervisor who approved it above the user\'s limit (Assisted.Approval); null when no approval was needed'),
    At: WireDateSchema
  })).describe('staff discounts and overrides (placeAssistedOrder), oldest first; as getOrder\'s Adjustments'),
  FraudReview: z.object({
    Status: z.enum(FRAUD_STATUSES),
    Reason: z.string(),
    OpenedBy: z.string().describe('system:fraud-rules or system:customer-flag'),
    OpenedAt: WireDateSchema,
    ClosedBy: UserSchema.optional(),
    ClosedAt: WireDateSchema.optional(),
    Note: z.string().optional()
  }).nullable().describe('null: the order was never held for review'),
  Notifications: z.array(z.object({
    NotificationId: z.number().int(),
    Url: z.string(),
    Event: EventSchema.describe('the change it reports'),
    Status: StatusSchema.describe('the order status it reports'),
    State: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
    Attempts: z.number().int().describe('tries so far'),
    CreatedAt: WireDateSchema,
    DeliveredAt: WireDateSchema.nullable(),
    ResendOf: z.number().int().nullable().describe('the NotificationId this one sends again (resendIpn)'),
    Tries: z.array(z.object({
      At: WireDateSchema,
      IpnDate: z.string().describe('the IPN_DATE the try was signed with'),
      HttpStatus: z.number().int().nullable().describe('null: no HTTP answer (connection refused, timeout)'),
      ReceiptValid: z.boolean().describe('the answer held the expected signed read receipt'),
      Error: z.string().nullable(),
      DurationMs: z.number().int()
    }))
  })).describe('the IPN notifications of its status changes, oldest first')
})

export type OrderHistory = z.output<typeof OrderHistorySchema>

const user = (u: HistoryUser) => ({ UserId: Number(u.userId), Username: u.username })

function toWireActor (actor: HistoryActor): OrderHistory['Events'][number]['Actor'] {
  switch (actor.kind) {
    case 'USER':
      return { Type: 'USER', UserId: Number(actor.userId), ...(actor.username !== undefined ? { Username: actor.username } : {}) }
    case 'SYSTEM':
      return { Type: 'SYSTEM', Name: actor.name }
    default:
      return { Type: actor.kind }
  }
}

/** An event's detail with the wire's key case (paymentType → PaymentType); the values as recorded by the lifecycle's callers. */
function wireDetail (detail: Record<string, unknown>): EventDetail | undefined {
  const entries = Object.entries(detail)
  if (entries.length === 0) return undefined
  return Object.fromEntries(entries.map(([key, value]) => [key.charAt(0).toUpperCase() + key.slice(1), value])) as EventDetail
}

function toWireHistory (h: OrderHistoryRecord): OrderHistory {
  const money = (minor: bigint) => fromMinor(minor, h.currency)
  const review = h.fraudReview
  return {
    RefNo: String(h.refNo),
    Events: h.events.map((e) => {
      const detail = wireDetail(e.detail)
      return {
        At: formatWireDate(e.at),
        FromStatus: e.fromStatus,
        Status: e.toStatus,
        Event: e.event as OrderEventName,
        Actor: toWireActor(e.actor),
        Reason: e.reason,
        ...(detail !== undefined ? { Detail: detail } : {})
      }
    }),
    Refunds: h.refunds.map((r) => ({
      RefundId: Number(r.id),
      Amount: money(r.amountMinor),
      Kind: r.kind as 'TOTAL' | 'PARTIAL',
      Items: r.items.map((i) => ({ ProductCode: i.productCode, Quantity: i.quantity, Amount: money(i.amountMinor) })),
      Reason: r.reason,
      Comment: r.comment,
      Actor: toWireActor(r.actor),
      At: formatWireDate(r.at)
    })),
    Adjustments: h.adjustments.map((a) => ({
      Kind: a.kind,
      LineNo: a.lineNo,
      DiscountType: a.discountType,
      Value: a.value,
      OldAmount: money(a.oldMinor),
      NewAmount: money(a.newMinor),
      Reason: a.reason,
      ReasonCode: a.reasonCode,
      User: user(a.user),
      ApprovedBy: a.approvedBy === null ? null : user(a.approvedBy),
      At: formatWireDate(a.at)
    })),
    FraudReview: review === null
      ? null
      : {
          Status: review.status as FraudStatus,
          Reason: review.reason,
          OpenedBy: review.openedBy,
          OpenedAt: formatWireDate(review.openedAt),
          ...(review.closedBy !== null ? { ClosedBy: user(review.closedBy) } : {}),
          ...(review.closedAt !== null ? { ClosedAt: formatWireDate(review.closedAt) } : {}),
          ...(review.note !== null ? { Note: review.note } : {})
        },
    Notifications: h.notifications.map((n) => ({
      NotificationId: Number(n.id),
      Url: n.url,
      Event: n.event as OrderEventName,
      Status: n.status,
      State: n.state as 'PENDING' | 'DELIVERED' | 'FAILED',
      Attempts: n.attempts,
      CreatedAt: formatWireDate(n.createdAt),
      DeliveredAt: n.deliveredAt === null ? null : formatWireDate(n.deliveredAt),
      ResendOf: n.resendOf === null ? null : Number(n.resendOf),
      Tries: n.tries.map((t) => ({
        At: formatWireDate(t.at),
        IpnDate: t.ipnDate,
        HttpStatus: t.httpStatus,
        ReceiptValid: t.receiptValid,
        Error: t.error,
        DurationMs: t.durationMs
      }))
    }))
  }
}

/**
 * getOrderHistory: what happened to this merchant's order, who did it and why; its refunds, the staff
 * adjustments, the fraud review and the IPN notifications with each try. Another merchant's
 * order is answered exactly like an unknown one.
 */
export async function getOrderHistory (db: Kysely<Database>, merchant: Merchant, refNo: string): Promise<OrderHistory> {
  const ref = parseRefNo(refNo)
  const history = ref === undefined ? undefined : await readOrderHistory(db, merchant.id, ref)
  if (history === undefined) throw new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  return toWireHistory(history)
}
