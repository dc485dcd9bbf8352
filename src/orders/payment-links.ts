/**
 * Payment links (issue 19 item 2; seed 003's PCI advice): from an OPEN draft, staff make a link
 * the customer opens to pay on a hosted page (src/http/pay-routes.ts), so the card never reaches
 * the agent's screen. The link's token is random (32 bytes), answered once and kept only as its
 * SHA-256. Paying completes the draft through completeDraft → placeOrder (the same price, the same
 * payment strategies, the same IPN), the link marked PAID in the order's transaction. A link pays
 * the draft at the version it was made for; a draft changed, completed, abandoned or expired since
 * makes its PENDING link unusable (answered CANCELLED or EXPIRED). One PENDING link per draft: a
 * new one cancels the previous one.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Merchant } from '../auth/merchant-store.js'
import { findMerchantByCode } from '../auth/merchant-store.js'
import { findMerchantUserById } from '../auth/merchant-users.js'
import type { MerchantUser } from '../auth/privileges.js'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { lockOpenDraft, paymentLinkNotPending } from './draft-claim.js'
import { completeDraft, type CompleteDraftDeps } from './draft-completion.js'
import { findDraft } from './draft-store.js'
import { draftContent, viewDraft, type DraftView } from './drafts.js'
import type { StoredOrder } from './order-store.js'
import {
  cancelPendingLinksOfDraft, closePaymentLink, expireOverduePaymentLinks, findPaymentLink, findPaymentLinkByTokenHash, insertPaymentLink,
  type PaymentLinkStatus, type StoredPaymentLink
} from './payment-link-store.js'

export type PaymentLinkDeps = CompleteDraftDeps & { config: CompleteDraftDeps['config'] & Pick<Config, 'PAYMENT_LINK_TTL_MINUTES'> }

/** A link as its answers show it: the stored link and its status now. */
export type PaymentLinkView = { link: StoredPaymentLink, status: PaymentLinkStatus }

const MINUTE_MS = 60_000
// base64url of 32 random bytes: anything else is unknown without asking the database
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/

export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex')

/**
 * The link's status now: the stored one, or for a PENDING link, EXPIRED past its expiry or its
 * draft's, CANCELLED when its draft was changed, completed (not by this link) or abandoned since.
 */
export function effectiveStatus (link: StoredPaymentLink, now: Date): PaymentLinkStatus {
  if (link.status !== 'PENDING') return link.status
  const t = now.getTime()
  if (link.expiresAt.getTime() <= t) return 'EXPIRED'
  if (link.draft.status === 'EXPIRED' || (link.draft.status === 'OPEN' && link.draft.expiresAt.getTime() <= t)) return 'EXPIRED'
  if (link.draft.status !== 'OPEN' || link.draft.version !== link.draftVersion) return 'CANCELLED'
  return 'PENDING'
}

const view = (link: StoredPaymentLink, now: Date): PaymentLinkView => ({ link, status: effectiveStatus(link, now) })

function linkNotFound (linkId: bigint): AppError {
  return new AppError('PAYMENT_LINK_NOT_FOUND', { fields: [{ path: 'LinkId', error_code: 'PAYMENT_LINK_NOT_FOUND', message: `no payment link ${linkId} for this merchant` }] })
}

async function readLink (deps: Pick<PaymentLinkDeps, 'db'>, merchantId: bigint, linkId: bigint): Promise<StoredPaymentLink> {
  const link = await findPaymentLink(deps.db, merchantId, linkId)
  if (link === undefined) throw linkNotFound(linkId)
  return link
}

/**
 * createPaymentLink: a PENDING link paying the OPEN draft at `version`, expiring in
 * `expiresInMinutes` (PAYMENT_LINK_TTL_MINUTES unless given) and never after the draft (a
 * given expiry past the draft's is refused naming ExpiresInMinutes; the default is cut to the
 * draft's). The draft's previous PENDING link is CANCELLED. Answers the link and its token, the
 * only time the token exists outside the customer's URL.
 */
export async function createPaymentLink (deps: PaymentLinkDeps, merchant: Merchant, user: MerchantUser, draftId: bigint, version: number, expiresInMinutes: number | undefined): Promise<PaymentLinkView & { token: string }> {
  const now = deps.clock.now()
  const token = randomBytes(32).toString('base64url')
  const id = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockOpenDraft(trx, merchant.id, draftId, version, now)
    // A draft that no longer validates cannot be paid: refused now, naming its fields, not on the customer's page.
    const draft = await findDraft(trx, merchant.id, draftId)
    if (draft === undefined) throw new Error(`draft ${draftId} vanished under its lock`)
    draftContent(draft, now)
    let expiresAt: Date
    if (expiresInMinutes !== undefined) {
      expiresAt = new Date(now.getTime() + expiresInMinutes * MINUTE_MS)
      if (expiresAt.getTime() > locked.expiresAt.getTime()) {
        const left = Math.floor((locked.expiresAt.getTime() - now.getTime()) / MINUTE_MS)
        throw new AppError('INVALID_PARAMS', { fields: [{ path: 'ExpiresInMinutes', error_code: 'FIELD_INVALID', message: `at most ${left} minutes: a payment link never outlives its draft (which expires at ${locked.expiresAt.toISOString()})` }] })
      }
    } else {
      expiresAt = new Date(Math.min(now.getTime() + deps.config.PAYMENT_LINK_TTL_MINUTES * MINUTE_MS, locked.expiresAt.getTime()))
    }
    await cancelPendingLinksOfDraft(trx, draftId, now)
    return await insertPaymentLink(trx, { merchantId: merchant.id, draftId, draftVersion: version, tokenHash: hashLinkToken(token), expiresAt, userId: user.id, now })
  })
  return { ...view(await readLink(deps, merchant.id, id), now), token }
}

/** getPaymentLink: this merchant's link with its status now (agents poll it). */
export async function getPaymentLink (deps: PaymentLinkDeps, merchant: Merchant, linkId: bigint): Promise<PaymentLinkView> {
  return view(await readLink(deps, merchant.id, linkId), deps.clock.now())
}

/** cancelPaymentLink: a PENDING link CANCELLED; any other status is PAYMENT_LINK_NOT_PENDING naming it. */
export async function cancelPaymentLink (deps: PaymentLinkDeps, merchant: Merchant, linkId: bigint): Promise<PaymentLinkView> {
  const now = deps.clock.now()
  const before = view(await readLink(deps, merchant.id, linkId), now)
  if (before.status !== 'PENDING') throw paymentLinkNotPending(linkId, before.status)
  // A payment holding the link's lock finishes first; then the link is PAID and this changes nothing.
  if (!await closePaymentLink(deps.db, merchant.id, linkId, 'CANCELLED', now)) {
    throw paymentLinkNotPending(linkId, view(await readLink(deps, merchant.id, linkId), now).status)
  }
  return view(await readLink(deps, merchant.id, linkId), now)
}

const LINK_SWEEP_BATCH = 500

/**
 * The links past their expiry, still PENDING, written EXPIRED (at most LINK_SWEEP_BATCH a run;
 * the next run takes the rest); their LinkIds. Their drafts are left as they are: a draft
 * expires by its own expiry (sweepExpiredDrafts), and staff may make it a new link meanwhile.
 */
export async function sweepExpiredPaymentLinks (deps: Pick<PaymentLinkDeps, 'db' | 'clock'>): Promise<{ expired: string[] }> {
  const ids = await expireOverduePaymentLinks(deps.db, deps.clock.now(), LINK_SWEEP_BATCH)
  return { expired: ids.map(String) }
}

// ---------------------------------------------------------------------------------------------
// The customer's side: the hosted page

export type LinkRefusal = 'UNKNOWN' | Exclude<PaymentLinkStatus, 'PENDING'>

export type OpenedLink = { link: StoredPaymentLink, merchant: Merchant, user: MerchantUser }

/**
 * The PENDING link of this token on this merchant's page, or why not: UNKNOWN for a malformed or
 * unknown token and for another merchant's token (the path names the merchant); else its status.
 */
async function openLink (deps: PaymentLinkDeps, merchantCode: string, token: string): Promise<{ ok: true, opened: OpenedLink } | { ok: false, reason: LinkRefusal, link?: StoredPaymentLink }> {
  if (!LINK_TOKEN.test(token)) return { ok: false, reason: 'UNKNOWN' }
  const link = await findPaymentLinkByTokenHash(deps.db, hashLinkToken(token))
  if (link === undefined || link.merchantCode !== merchantCode) return { ok: false, reason: 'UNKNOWN' }
  const status = effectiveStatus(link, deps.clock.now())
  if (status !== 'PENDING') return { ok: false, reason: status, link }
  const merchant = await findMerchantByCode(deps.db, merchantCode)
  // The agent who made the link places the order (PlacedBy), with the draft's staff discounts as they gave them.
  const user = merchant === undefined ? undefined : await findMerchantUserById(deps.db, merchant.id, link.createdByUserId)
  if (merchant === undefined || user === undefined) return { ok: false, reason: 'UNKNOWN' }
  return { ok: true, opened: { link, merchant: { id: merchant.id, code: merchant.code, name: merchant.name, poAutoApprove: merchant.poAutoApprove }, user } }
}

/** What the page shows: the merchant and the draft priced now (no agent, no notes). */
export async function describePaymentLink (deps: PaymentLinkDeps, merchantCode: string, token: string): Promise<{ ok: true, merchantName: string, draft: DraftView } | { ok: false, reason: LinkRefusal, link?: StoredPaymentLink }> {
  const opened = await openLink(deps, merchantCode, token)
  if (!opened.ok) return opened
  const { link, merchant, user } = opened.opened
  const draft = await findDraft(deps.db, merchant.id, link.draftId)
  if (draft === undefined) return { ok: false, reason: 'UNKNOWN' }
  return { ok: true, merchantName: merchant.name, draft: await viewDraft(deps, merchant, user, draft) }
}

/**
 * The customer pays the link: completeDraft with `paymentDetails` (the page's card), the link
 * checked PENDING under its lock and PAID with the order in the same transaction. Two payments
 * at once take turns on the draft's lock: one order; the second answers it. A declined card
 * (DRAFT_PAYMENT_DECLINED) or invalid card fields (INVALID_PARAMS naming them) leave the link
 * PENDING. A draft completed meanwhile by staff, not by this link: CANCELLED.
 */
export async function payPaymentLink (deps: PaymentLinkDeps, merchantCode: string, token: string, paymentDetails: (currency: string) => unknown, log: Log): Promise<{ ok: true, order: StoredOrder } | { ok: false, reason: LinkRefusal }> {
  const opened = await openLink(deps, merchantCode, token)
  if (!opened.ok) return { ok: false, reason: opened.reason }
  const { link, merchant, user } = opened.opened
  const draft = await findDraft(deps.db, merchant.id, link.draftId)
  if (draft === undefined) return { ok: false, reason: 'UNKNOWN' }
  const currency = (draft.content.Order as { Currency?: unknown }).Currency
  let order: StoredOrder
  try {
    order = await completeDraft(deps, merchant, user, link.draftId, link.draftVersion, { paymentDetails: paymentDetails(typeof currency === 'string' ? currency : ''), paymentLinkId: link.id }, log)
  } catch (err) {
    if (err instanceof AppError) {
      if (err.reason === 'PAYMENT_LINK_NOT_PENDING') {
        const status = (err.data as { Status?: unknown } | undefined)?.Status
        return { ok: false, reason: status === 'PAID' || status === 'EXPIRED' ? status : 'CANCELLED' }
      }
      if (err.reason === 'DRAFT_VERSION_CONFLICT') return { ok: false, reason: 'CANCELLED' }
      if (err.reason === 'DRAFT_NOT_OPEN') {
        const status = (err.data as { Status?: unknown } | undefined)?.Status
        return { ok: false, reason: status === 'EXPIRED' ? 'EXPIRED' : 'CANCELLED' }
      }
    }
    throw err
  }
  // completeDraft answers the draft's order also when another completion won: this link's only if it paid it.
  const after = await readLink(deps, merchant.id, link.id)
  if (after.status !== 'PAID' || after.orderId !== order.id) return { ok: false, reason: 'CANCELLED' }
  return { ok: true, order }
}
