import { saveStoredCard } from '../customers/stored-cards.js'
import { findPaymentPage, KEEP_CARD, pageRefusal, settlePaymentPage, type PageAction, type PageKind, type PageRefusal, type PageSettlement, type PaymentPageDeps } from '../payments/payment-pages.js'
import { SHOPPER, systemActor } from './order-actor.js'
import { changeOrderStatus, lockOrder, type LockedOrder, type StatusChange } from './order-lifecycle.js'

// The shopper back from a 3-D Secure or redirect page (the sandbox routes call this): the order
// is locked, the page read again under the lock (a concurrent submit may have used it), the
// gateway asked (src/payments/payment-pages.ts), and the lifecycle owner moves the order. A
// second submit of the same page changes nothing.

function eventOf (kind: PageKind, outcome: PageSettlement['outcome']): StatusChange['event'] {
  if (outcome === 'CANCELED') return kind === '3DS' ? 'THREE_DS_CANCELED' : 'REDIRECT_CANCELED'
  // A redirect is completed or cancelled, never declined: were it, the owner would refuse a
  // REDIRECT_COMPLETED to PENDING and nothing would be written.
  if (kind === 'REDIRECT') return 'REDIRECT_COMPLETED'
  return outcome === 'APPROVED' ? 'THREE_DS_PASSED' : 'THREE_DS_DECLINED'
}

/** The order's move for a settled page. */
function statusChange (order: LockedOrder, kind: PageKind, settled: PageSettlement, at: Date): StatusChange {
  const base = { event: eventOf(kind, settled.outcome), actor: SHOPPER, at, payment: settled.payment }
  if (settled.outcome === 'CANCELED') return { ...base, to: 'CANCELED' }
  if (settled.outcome === 'DECLINED') return { ...base, to: 'PENDING', detail: { reason: settled.reason }, errors: { PAYMENT_ERROR: settled.reason } }
  if (settled.fraudReview === undefined) return { ...base, to: 'AUTHRECEIVED' }
  return {
    ...base,
    to: 'PENDING',
    fraudStatus: 'OPEN',
    extra: { ...order.extra, FraudReview: { Status: 'OPEN', Reason: settled.fraudReview } },
    followedBy: { event: 'FRAUD_REVIEW_OPENED', actor: systemActor('fraud-rules'), detail: { reason: settled.fraudReview } }
  }
}

/**
 * The shopper completed or cancelled the page. Returns where to send their browser and the
 * order's new status, or why nothing happened (unknown, already used or expired token: no state
 * change).
 */
export async function finishPaymentPage (deps: PaymentPageDeps, kind: PageKind, token: string, action: PageAction): Promise<
  | { ok: true, location: string, status: string }
  | { ok: false, reason: PageRefusal }
> {
  const found = await findPaymentPage(deps.db, deps.pageKey, kind, token)
  if (found === undefined) return { ok: false, reason: 'UNKNOWN' }
  return await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const order = await lockOrder(trx, found.orderId)
    const row = await findPaymentPage(trx, deps.pageKey, kind, token)
    const refused = pageRefusal(row, now)
    if (order === undefined || row === undefined || refused !== undefined) return { ok: false as const, reason: refused ?? 'UNKNOWN' }
    const settled = await settlePaymentPage(deps, kind, row, action, now)
    const changed = await changeOrderStatus(trx, order, statusChange(order, kind, settled, now))
    // An assisted sale without the customer's consent keeps no card (place-order.ts, KEEP_CARD).
    if (settled.outcome === 'APPROVED' && settled.card !== undefined && order.customerId !== null && row.details[KEEP_CARD] !== false) {
      await saveStoredCard(trx, { merchantId: order.merchantId, customerId: order.customerId, ...settled.card.card, holderName: settled.card.holderName, processorToken: settled.card.processorToken, at: now })
    }
    return { ok: true as const, location: settled.location, status: changed.status }
  })
}
