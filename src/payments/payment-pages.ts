import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { fromMinor } from '../catalog/money.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { saltOfToken, type PageKind, type PaymentPage } from './payment-page-token.js'
import { paymentCardOf, type PaymentCard } from './payment-strategy.js'
import type { PaymentGateway } from './sandbox-processor.js'

// The shopper's side of a payment that needs a page: 3-D Secure (cards and wallet tokens) and
// redirect providers (PayPal, iDEAL, …): finding a page by its token, whether it can still be
// used, what it shows, and what the gateway says when the shopper submits it. The HTTP routes
// (src/http/sandbox-routes.ts) render and call these; nothing here knows HTTP, nor orders: the
// order's move is src/orders/payment-returns.ts's, which locks the order, re-reads the page
// here and settles it. Tokens are single use and expire (PAYMENT_PAGE_TTL_MS).

export type { PageKind }
export type PageAction = 'complete' | 'cancel'
export type PageRefusal = 'UNKNOWN' | 'USED' | 'EXPIRED'

export type PaymentPageDeps = { db: Kysely<Database>, clock: Clock, gateway: PaymentGateway, /** derives the tokens (src/payments/payment-page-token.ts) */ pageKey: Buffer }

/** Where payments.details keeps each kind of page. */
/**
 * payments.details key: `false` when the order's card must not be kept once its page is approved
 * (an assisted sale without the customer's consent to keep the card).
 */
export const KEEP_CARD = 'keepCard'

export const PAGE_DETAILS_KEY: Record<PageKind, 'threeDs' | 'redirect'> = { '3DS': 'threeDs', REDIRECT: 'redirect' }

/**
 * The page a payment still waits on: PENDING, with a 3-D Secure or redirect page no shopper
 * has used. A page used (passed, declined, cancelled) or a payment without a page: undefined.
 */
export function waitingPage (payment: { status: string, details: unknown }): PageKind | undefined {
  if (payment.status !== 'PENDING') return undefined
  const details = payment.details as Record<string, unknown>
  for (const kind of Object.keys(PAGE_DETAILS_KEY) as PageKind[]) {
    const page = details[PAGE_DETAILS_KEY[kind]] as { usedAt?: unknown } | null | undefined
    if (page !== undefined && page !== null && page.usedAt === undefined) return kind
  }
  return undefined
}

export type PageRow = {
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

/** The payment page of this token and its order, or undefined (an unknown token or kind). */
export async function findPaymentPage (db: Kysely<Database>, pageKey: Buffer, kind: PageKind, token: string): Promise<PageRow | undefined> {
  // Tokens are base64url (newPaymentPage). Anything else is unknown without asking the database,
  // which refuses U+0000 with an error (a 500 carrying PostgreSQL's message) and would compare a
  // lone surrogate as U+FFFD.
  if (!PAGE_TOKEN.test(token)) return undefined
  const key = PAGE_DETAILS_KEY[kind]
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

/** Why the page cannot be used now (unknown, used, expired), or undefined when it can. */
export function pageRefusal (row: PageRow | undefined, now: Date): PageRefusal | undefined {
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
  const row = await findPaymentPage(deps.db, deps.pageKey, kind, token)
  const refused = pageRefusal(row, deps.clock.now())
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

/** What the payment row becomes when the page is settled. */
export type PagePayment = { status: 'APPROVED' | 'DECLINED' | 'CANCELED', processorReference?: string, declineReason?: string, details: Record<string, unknown> }

/** The gateway's answer to a submitted page, with where the shopper's browser goes next. */
export type PageSettlement =
  | { outcome: 'CANCELED', location: string, payment: PagePayment }
  | { outcome: 'DECLINED', location: string, reason: string, payment: PagePayment }
  | {
    outcome: 'APPROVED'
    location: string
    payment: PagePayment
    /** the sandbox fraud rule held the authorized payment for review */
    fraudReview?: string
    /** the card to keep for the customer (an authenticated card payment, not held) */
    card?: { card: PaymentCard, holderName: string, processorToken: string }
  }

/**
 * Settles a usable page (pageRefusal said nothing) the shopper completed or cancelled: asks the
 * gateway (a redirect completed, a 3-D Secure card authorized) and answers the payment's new
 * state, the page marked used. Call it once the order is locked; it writes nothing.
 */
export async function settlePaymentPage (deps: Pick<PaymentPageDeps, 'gateway'>, kind: PageKind, row: PageRow, action: PageAction, now: Date): Promise<PageSettlement> {
  const usedDetails = { ...row.details, [PAGE_DETAILS_KEY[kind]]: { ...row.page, usedAt: now.toISOString() } }
  const returnTo = withRefNo(row.page.returnUrl, row.refNo)
  const cancelTo = withRefNo(row.page.cancelUrl, row.refNo)
  if (action === 'cancel') return { outcome: 'CANCELED', location: cancelTo, payment: { status: 'CANCELED', details: usedDetails } }

  if (kind === 'REDIRECT') {
    const done = await deps.gateway.completeRedirect({ type: row.paymentType, reference: String(row.refNo), amountMinor: row.amountMinor, currency: row.currency })
    return { outcome: 'APPROVED', location: returnTo, payment: { status: 'APPROVED', details: { ...usedDetails, ...(done.paymentToken !== undefined ? { paymentToken: done.paymentToken } : {}) } } }
  }

  const holderName = typeof row.details.holderName === 'string' ? row.details.holderName : ''
  const cardToken = typeof row.details.paymentToken === 'string' ? row.details.paymentToken : ''
  const result = await deps.gateway.authorizeCard({ cardToken, holderName, amountMinor: row.amountMinor, currency: row.currency, authenticated: true })
  if (result.outcome !== 'APPROVED') {
    const reason = result.outcome === 'DECLINED' ? result.reason : '3-D Secure authentication failed'
    return { outcome: 'DECLINED', location: cancelTo, reason, payment: { status: 'DECLINED', declineReason: reason, processorReference: result.reference, details: usedDetails } }
  }
  const payment: PagePayment = { status: 'APPROVED', processorReference: result.reference, details: { ...usedDetails, paymentToken: result.cardToken } }
  if (result.fraudReview !== undefined) return { outcome: 'APPROVED', location: returnTo, payment, fraudReview: result.fraudReview }
  return { outcome: 'APPROVED', location: returnTo, payment, ...(row.card !== null ? { card: { card: row.card, holderName, processorToken: result.cardToken } } : {}) }
}
