/**
 * completeDraft (issue 19 item 1): a draft becomes one order through placeOrder itself (the same
 * plan, the same pricing, the same payment strategies), with the payment given now: the card
 * never rests with the draft. Idempotent: a draft already COMPLETED answers its order, and two
 * completions at once take turns on the draft's lock inside placeOrder's transaction, so the
 * second answers the first one's order; drafts.order_id is unique besides. A replacement order
 * ("payment not required", Assisted.PaymentNotRequired of placeAssistedOrder) is completed the
 * same way: its draft ends COMPLETED with it instead of staying OPEN beside it.
 */
import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/privileges.js'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { validateOrder } from '../wire/order-schema.js'
import type { Assisted } from './assisted-order.js'
import type { ApprovalContext } from './discount-authority.js'
import { draftNotFound, requireOpen, requireVersion } from './draft-claim.js'
import { findDraft, type StoredDraft } from './draft-store.js'
import { draftContent, type DraftDeps } from './drafts.js'
import { findOrderById, type StoredOrder } from './order-store.js'
import { parseRefNo } from './order-reference.js'
import { placeOrder, type PlaceOrderDeps } from './place-order.js'

export type CompleteDraftDeps = PlaceOrderDeps & Pick<DraftDeps, 'config'>

async function orderOf (deps: CompleteDraftDeps, merchant: Merchant, draft: StoredDraft): Promise<StoredOrder | undefined> {
  if (draft.status !== 'COMPLETED' || draft.orderId === null) return undefined
  const order = await findOrderById(deps.db, merchant.id, draft.orderId)
  if (order === undefined) throw new Error(`the order of draft ${draft.id} is missing`)
  return order
}

type Completion = { paymentDetails: unknown, paymentNotRequired?: Assisted['PaymentNotRequired'], paymentLinkId?: bigint }

/**
 * The order a COMPLETED draft became, answered to a completion only when that completion is the
 * one that placed it: a retry whose answer was lost. One of another kind (a replacement of a draft
 * paid by card, a card payment of a replaced draft, the replacement of another original, another
 * payment type) is refused DRAFT_NOT_OPEN with the RefNo, so staff are never told a charge or a
 * replacement happened that did not. A payment link's page checks itself whether its link paid it.
 */
function sameCompletion (order: StoredOrder, draftId: bigint, payment: Completion): StoredOrder {
  if (payment.paymentLinkId !== undefined) return order
  const replacementOf = order.staffAdjustments.find((a) => a.kind === 'PAYMENT_NOT_REQUIRED')?.value
  const type = (payment.paymentDetails as { Type?: unknown } | null)?.Type
  const asked = payment.paymentNotRequired === undefined ? undefined : parseRefNo(payment.paymentNotRequired.OriginalRefNo)?.toString() ?? null
  const same = replacementOf === asked &&
    typeof type === 'string' && type.toUpperCase() === order.paymentType.toUpperCase()
  if (same) return order
  throw new AppError('DRAFT_NOT_OPEN', {
    message: `The draft ${draftId} is COMPLETED: it became order ${order.refNo}${replacementOf !== undefined ? `, a replacement of ${replacementOf}` : ` paid by ${order.paymentType}`}; nothing else was placed`,
    data: { Status: 'COMPLETED', RefNo: String(order.refNo) }
  })
}

/** completeDraft takes CardConsent and PaymentNotRequired as its own params: refusals name them so, not under Assisted. */
function toParamPath (err: unknown): unknown {
  if (!(err instanceof AppError) || err.fields === undefined || !err.fields.some((f) => /^Assisted\.(CardConsent|PaymentNotRequired)(\.|$)/.test(f.path))) return err
  const fields = err.fields.map((f) => ({ ...f, path: f.path.replace(/^Assisted\.(CardConsent|PaymentNotRequired)(?=\.|$)/, '$1') }))
  return new AppError(err.reason, { message: err.message, fields, ...(err.data !== undefined ? { data: err.data } : {}), cause: err })
}

/**
 * Places the draft's order with `paymentDetails` (the placeOrder PaymentDetails, validated with
 * the draft's Order: refusals name `PaymentDetails.…`) and the customer's card consent, from the
 * version the caller saw. A
 * COMPLETED draft answers its order again; a declined payment (DRAFT_PAYMENT_DECLINED) stores
 * nothing and leaves the draft OPEN with its stock held. `paymentLinkId`: paid on that payment
 * link's page (payment-links.ts), which is marked PAID with the order in the same transaction.
 * `paymentNotRequired`: a replacement order, as placeAssistedOrder's Assisted.PaymentNotRequired
 * (PaymentDetails.Type FREE, an original order of this merchant; the caller holds
 * REPLACEMENT_ORDERS): COMPLETE, uncharged, linked to the original. Each staff discount is held
 * to the authority of who gave it on the draft; `approval`, a supervisor's verified before, lets
 * through those above their giver's limits now (the limits lowered since) and is recorded on them.
 */
export async function completeDraft (deps: CompleteDraftDeps, merchant: Merchant, user: MerchantUser, draftId: bigint, version: number, payment: { paymentDetails: unknown, cardConsent?: Assisted['CardConsent'], paymentNotRequired?: Assisted['PaymentNotRequired'], paymentLinkId?: bigint, approval?: ApprovalContext | undefined }, log: Log): Promise<StoredOrder> {
  const now = deps.clock.now()
  const draft = await findDraft(deps.db, merchant.id, draftId)
  if (draft === undefined) throw draftNotFound(draftId)
  const done = await orderOf(deps, merchant, draft)
  if (done !== undefined) return sameCompletion(done, draftId, payment)
  requireOpen(draft, now)
  requireVersion(draft, version)
  const content = draftContent(draft, now)
  const { PaymentDetails: _placeholder, ...order } = content.order
  const validation = validateOrder({ ...order, PaymentDetails: payment.paymentDetails }, now)
  if (!validation.ok) throw new AppError('INVALID_PARAMS', { fields: validation.fields })
  try {
    // the card consent is asked with the card, now (Assisted.CardConsent's rules and history); a
    // replacement is decided now too (a draft never holds PaymentNotRequired: DraftAssistedSchema)
    const assisted = {
      ...content.assisted,
      ...(payment.cardConsent !== undefined ? { CardConsent: payment.cardConsent } : {}),
      ...(payment.paymentNotRequired !== undefined ? { PaymentNotRequired: payment.paymentNotRequired } : {})
    }
    // each staff discount is its giver's on the draft, held to their authority, whoever completes it
    const placed = await placeOrder(deps, { merchant, user, order: validation.order, assisted, givers: content.givers, approval: payment.approval, draft: { id: draftId, version, paymentLinkId: payment.paymentLinkId } }, log)
    if (placed.kind !== 'order') throw new Error('a draft\'s order is placed without an idempotency key')
    return placed.order
  } catch (err) {
    // A racing completion won the draft's lock: answer its order.
    if (err instanceof AppError && err.reason === 'DRAFT_NOT_OPEN') {
      const now = await findDraft(deps.db, merchant.id, draftId)
      const won = now === undefined ? undefined : await orderOf(deps, merchant, now)
      if (won !== undefined) return sameCompletion(won, draftId, payment)
    }
    throw toParamPath(err)
  }
}
