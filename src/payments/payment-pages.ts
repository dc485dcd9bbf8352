import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { fromMinor } from '../catalog/money.js'
import type { Clock } from '../clock.js'
import { saveStoredCard } from '../customers/stored-cards.js'
import type { Database } from '../db/schema.js'
import { recordOrderEvents } from '../orders/order-events.js'
import { applyStatusChange, lockOrder, type StatusChange } from '../orders/order-transitions.js'
import { saltOfToken, type PageKind, type PaymentPage } from './payment-page-token.js'
import { paymentCardOf, type PaymentCard } from './payment-strategy.js'
import type { PaymentGateway } from './sandbox-processor.js'

// The shopper's side of a payment that needs a page: 3-D Secure (cards and wallet tokens) and
// redirect providers (PayPal, iDEAL, …). The HTTP routes (src/http/sandbox-routes.ts) render
// and call these; nothing here knows HTTP. Tokens are single use and expire
// (PAYMENT_PAGE_TTL_MS); the order row is locked and its status checked, so a second submit
// of the same page changes nothing.

export type { PageKind }
export type PageAction = 'complete' | 'cancel'
export type PageRefusal = 'UNKNOWN' | 'USED' | 'EXPIRED'

export type PaymentPageDeps = { db: Kysely<Database>, clock: Clock, gateway: PaymentGateway, /** derives the tokens (src/payments/payment-page-token.ts) */ pageKey: Buffer }

const DETAILS_KEY: Record<PageKind, 'threeDs' | 'redirect'> = { '3DS': 'threeDs', REDIRECT: 'redirect' }

type PageRow = {
  orderId: bigint
  refNo: bigint
  paymentType: string
  merchantName: string
  amountMinor: bigint
  currency: string
  paymentStatus: string
  orderStatus: string
  card: PaymentCard | null
  details: Record<string, unknown>
  page: PaymentPage & { usedAt?: string }
}

const PAGE_TOKEN = /^[A-Za-z0-9_-]{1,128}$/
// A token of an older version was random and is kept as its SHA-256 (migration 202612012100);
// such pages expire within PAYMENT_PAGE_TTL_MS of the upgrade.
const LEGACY_TOKEN = /^[\w-]{32}$/

async function findPage (db: Kysely<Database>, pageKey: Buffer, kind: PageKind, token: string): Promise<PageRow | undefined> {
  // Tokens are base64url (newPaymentPage). Anything else is unknown without asking the database,
  // which refuses U+0000 with an error (a 500 carrying PostgreSQL's message) and would compare a
  // lone surrogate as U+FFFD.
  if (!PAGE_TOKEN.test(token)) return undefined
  const key = DETAILS_KEY[kind]
  const salt = saltOfToken(pageKey, kind, token)
  const legacy = salt === undefined && LEGACY_TOKEN.test(token) ? createHash('sha256').update(token).digest('hex') : undefined
  if (salt === undefined && legacy === undefined) return undefined
  const row = await db.selectFrom('payments')
    .innerJoin('orders', 'orders.id', 'payments.order_id')
    .innerJoin('merchants', 'merchants.id', 'orders.merchant_id')
    .select([
      'orders.id as order_id', 'orders.ref_no', 'orders.payment_type', 'orders.status as order_status', 'merchants.name as merchant_name',
      'payments.amount_minor', 'payments.currency', 'payments.status as payment_status', 'payments.details',
      'payments.card_brand', 'payments.card_first6', 'payments.card_last4', 'payments.card_expiry'
    ])
    .where(sql<string>`payments.details->${key}->>${salt !== undefined ? 'salt' : 'tokenSha256'}`, '=', salt ?? legacy ?? '')
    .executeTakeFirst()
  if (row === undefined) return undefined
  const details = row.details as Record<string, unknown>
  return {
    orderId: row.order_id,
    refNo: row.ref_no,
    paymentType: row.payment_type,
    merchantName: row.merchant_name,
    amountMinor: row.amount_minor,
    currency: row.currency,
    paymentStatus: row.payment_status,
    orderStatus: row.order_status,
    card: paymentCardOf(row),
    details,
    page: details[key] as PaymentPage & { usedAt?: string }
  }
}

function refusal (row: PageRow | undefined, now: Date): PageRefusal | undefined {
  if (row === undefined) return 'UNKNOWN'
  if (row.page.usedAt !== undefined || row.orderStatus !== 'PENDING' || row.paymentStatus !== 'PENDING') return 'USED'
  if (new Date(row.page.expiresAt).getTime() <= now.getTime()) return 'EXPIRED'
  return undefined
}

/** What the page shows, or why it cannot be used. */
export async function describePaymentPage (deps: PaymentPageDeps, kind: PageKind, token: string): Promise<
  | { ok: true, refNo: string, merchantName: string, amount: string, currency: string, paymentType: string, card: string | null }
  | { ok: false, reason: PageRefusal }
> {
  const row = await findPage(deps.db, deps.pageKey, kind, token)
  const refused = refusal(row, deps.clock.now())
  if (refused !== undefined || row === undefined) return { ok: false, reason: refused ?? 'UNKNOWN' }
  return {
    ok: true,
    refNo: String(row.refNo),
    merchantName: row.merchantName,
    amount: String(fromMinor(row.amountMinor, row.currency)),
    currency: row.currency.toUpperCase(),
    paymentType: row.paymentType,
    card: row.card === null ? null : `${row.card.brand} ${row.card.first6}…${row.card.last4}`
  }
}

/** `url` with REFNO=<refNo> added to its query (2Checkout's Vendor3DSReturnURL?REFNO=…). */
export function withRefNo (url: string, refNo: bigint): string {
  const target = new URL(url)
  target.searchParams.set('REFNO', String(refNo))
  return target.toString()
}

/**
 * The shopper completed or cancelled the page. Returns where to send their browser, or why
 * nothing happened (unknown, already used or expired token: no state change).
 */
export async function finishPaymentPage (deps: PaymentPageDeps, kind: PageKind, token: string, action: PageAction): Promise<
  | { ok: true, location: string, status: string }
  | { ok: false, reason: PageRefusal }
> {
  const found = await findPage(deps.db, deps.pageKey, kind, token)
  if (found === undefined) return { ok: false, reason: 'UNKNOWN' }
  return await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const order = await lockOrder(trx, found.orderId)
    // Read again under the lock: a concurrent submit may have used the page meanwhile.
    const row = await findPage(trx, deps.pageKey, kind, token)
    const refused = refusal(row, now)
    if (order === undefined || row === undefined || refused !== undefined) return { ok: false as const, reason: refused ?? 'UNKNOWN' }
    const key = DETAILS_KEY[kind]
    const usedDetails = { ...row.details, [key]: { ...row.page, usedAt: now.toISOString() } }
    const actor = 'shopper'

    if (action === 'cancel') {
      await applyStatusChange(trx, order, {
        to: 'CANCELED',
        event: kind === '3DS' ? 'THREE_DS_CANCELED' : 'REDIRECT_CANCELED',
        actor,
        at: now,
        payment: { status: 'CANCELED', details: usedDetails }
      })
      return { ok: true as const, location: withRefNo(row.page.cancelUrl, order.refNo), status: 'CANCELED' }
    }

    if (kind === 'REDIRECT') {
      const done = await deps.gateway.completeRedirect({ type: order.paymentType, reference: String(order.refNo), amountMinor: row.amountMinor, currency: row.currency })
      await applyStatusChange(trx, order, {
        to: 'AUTHRECEIVED',
        event: 'REDIRECT_COMPLETED',
        actor,
        at: now,
        payment: { status: 'APPROVED', details: { ...usedDetails, ...(done.paymentToken !== undefined ? { paymentToken: done.paymentToken } : {}) } }
      })
      return { ok: true as const, location: withRefNo(row.page.returnUrl, order.refNo), status: 'AUTHRECEIVED' }
    }

    const holderName = typeof row.details.holderName === 'string' ? row.details.holderName : ''
    const cardToken = typeof row.details.paymentToken === 'string' ? row.details.paymentToken : ''
    const result = await deps.gateway.authorizeCard({ cardToken, holderName, amountMinor: row.amountMinor, currency: row.currency, authenticated: true })
    if (result.outcome !== 'APPROVED') {
      const reason = result.outcome === 'DECLINED' ? result.reason : '3-D Secure authentication failed'
      await applyStatusChange(trx, order, {
        to: 'PENDING',
        event: 'THREE_DS_DECLINED',
        actor,
        at: now,
        detail: { reason },
        errors: { PAYMENT_ERROR: reason },
        payment: { status: 'DECLINED', declineReason: reason, processorReference: result.reference, details: usedDetails }
      })
      return { ok: true as const, location: withRefNo(row.page.cancelUrl, order.refNo), status: 'PENDING' }
    }
    const paid = { ...usedDetails, paymentToken: result.cardToken }
    const change: StatusChange = result.fraudReview !== undefined
      ? { to: 'PENDING', event: 'THREE_DS_PASSED', actor, at: now, fraudStatus: 'OPEN', extra: { ...order.extra, FraudReview: { Status: 'OPEN', Reason: result.fraudReview } }, payment: { status: 'APPROVED', processorReference: result.reference, details: paid } }
      : { to: 'AUTHRECEIVED', event: 'THREE_DS_PASSED', actor, at: now, payment: { status: 'APPROVED', processorReference: result.reference, details: paid } }
    await applyStatusChange(trx, order, change)
    if (result.fraudReview !== undefined) {
      await recordOrderEvents(trx, [{ orderId: order.id, at: now, fromStatus: 'PENDING', toStatus: 'PENDING', event: 'FRAUD_REVIEW_OPENED', actor: 'system:fraud-rules', detail: { reason: result.fraudReview } }])
    } else if (row.card !== null && order.customerId !== null) {
      await saveStoredCard(trx, { merchantId: order.merchantId, customerId: order.customerId, ...row.card, holderName, processorToken: result.cardToken, at: now })
    }
    return { ok: true as const, location: withRefNo(row.page.returnUrl, order.refNo), status: change.to }
  })
}
