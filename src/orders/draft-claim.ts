/**
 * The rules a draft's row is held to under its lock (issue 19 item 1), shared by the draft use
 * cases and by placeOrder completing a draft: found for this merchant, OPEN and not past its
 * expiry, at the version the caller saw.
 */
import type { Kysely } from 'kysely'
import { releaseDraftStock } from '../catalog/inventory.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { closeDraft, lockDraft } from './draft-store.js'
import { lockPaymentLink, markPaymentLinkPaid } from './payment-link-store.js'

export type LockedDraft = NonNullable<Awaited<ReturnType<typeof lockDraft>>>

export function draftNotFound (draftId: bigint): AppError {
  return new AppError('DRAFT_NOT_FOUND', { fields: [{ path: 'DraftId', error_code: 'DRAFT_NOT_FOUND', message: `no draft ${draftId} for this merchant` }] })
}

/** Refuses a draft that is not OPEN, or OPEN but past its expiry (the sweep has not marked it yet). */
export function requireOpen (draft: { id: bigint, status: string, expiresAt: Date }, now: Date): void {
  const status = draft.status === 'OPEN' && draft.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : draft.status
  if (status !== 'OPEN') {
    throw new AppError('DRAFT_NOT_OPEN', { message: `The draft ${draft.id} is ${status}: it cannot be changed or completed`, data: { Status: status } })
  }
}

export function requireVersion (draft: { id: bigint, version: number }, version: number): void {
  if (draft.version !== version) {
    throw new AppError('DRAFT_VERSION_CONFLICT', {
      fields: [{ path: 'Version', error_code: 'DRAFT_VERSION_CONFLICT', message: `the draft is at version ${draft.version}, not ${version}` }],
      data: { Version: draft.version }
    })
  }
}

/** Locks the draft and checks it: this merchant's, OPEN, not expired, at `version` (when given). */
export async function lockOpenDraft (trx: Kysely<Database>, merchantId: bigint, draftId: bigint, version: number | undefined, now: Date): Promise<LockedDraft> {
  const locked = await lockDraft(trx, merchantId, draftId)
  if (locked === undefined) throw draftNotFound(draftId)
  requireOpen(locked, now)
  if (version !== undefined) requireVersion(locked, version)
  return locked
}

/** PAYMENT_LINK_NOT_PENDING with the link's status (PAID, EXPIRED, CANCELLED). */
export function paymentLinkNotPending (linkId: bigint, status: string): AppError {
  return new AppError('PAYMENT_LINK_NOT_PENDING', { message: `The payment link ${linkId} is ${status}: it cannot be paid`, data: { Status: status } })
}

/** What placeOrder completes: the draft at the version the caller saw, and the payment link paying it (the hosted page). */
export type DraftClaim = { id: bigint, version: number, paymentLinkId?: bigint | undefined }

/**
 * placeOrder completing a draft, first in its transaction: the draft locked and checked, and its
 * stock holds given back, so the order reserves the same stock in the same transaction. A
 * racing completion waits on the lock and then finds the draft COMPLETED (DRAFT_NOT_OPEN). Paid
 * through a payment link, the link is locked next (draft, then link: createPaymentLink and
 * cancelPaymentLink take them in the same order) and must still be PENDING and unexpired.
 */
export async function claimDraft (trx: Kysely<Database>, merchantId: bigint, draft: DraftClaim, now: Date): Promise<void> {
  await lockOpenDraft(trx, merchantId, draft.id, draft.version, now)
  if (draft.paymentLinkId !== undefined) {
    const link = await lockPaymentLink(trx, draft.paymentLinkId)
    if (link === undefined || link.draftId !== draft.id) throw new Error(`payment link ${draft.paymentLinkId} is not of draft ${draft.id}`)
    const status = link.status === 'PENDING' && link.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : link.status
    if (status !== 'PENDING') throw paymentLinkNotPending(link.id, status)
  }
  await releaseDraftStock(trx, draft.id)
}

/** placeOrder completing a draft, last in its transaction: the draft COMPLETED with its one order (drafts.order_id is unique), and its payment link, when it paid, PAID. */
export async function settleDraft (trx: Kysely<Database>, draft: DraftClaim, orderId: bigint, userId: bigint, now: Date): Promise<void> {
  if (!await closeDraft(trx, draft.id, { status: 'COMPLETED', at: now, userId, orderId })) throw new Error(`draft ${draft.id} was not OPEN under its lock`)
  if (draft.paymentLinkId !== undefined && !await markPaymentLinkPaid(trx, draft.paymentLinkId, orderId, now)) throw new Error(`payment link ${draft.paymentLinkId} was not PENDING under its lock`)
}
