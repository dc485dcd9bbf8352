/**
 * What staff do to an order after it is placed (SPEC §5): cancel it (stock given back), end a
 * customer's fraud review (OKAY → the orders move on; rejected → canceled), attach PDFs.
 * Each status change locks the order row and has the lifecycle owner (src/orders/order-lifecycle.ts)
 * check and make the move in the same transaction, its history row naming the user and their reason.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/merchant-users.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { formatWireDate } from '../wire/wire-date.js'
import { WireDateSchema } from '../wire/order-output.js'
import { sessionActor } from './order-actor.js'
import { changeOrderStatus, lockOrder, lockOrderByRefNo } from './order-lifecycle.js'
import { parseRefNo } from './order-reference.js'
import { findOrderByRefNo, type StoredOrder } from './order-store.js'
import { ORDER_STATUSES, type OrderStatus } from './order.js'

export type AdminDeps = { db: Kysely<Database>, clock: Clock }

const notFound = (refNo: string) => new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
const by = (user: MerchantUser) => ({ UserId: Number(user.id), Username: user.username })
// A staff cancel or a rejected review voids the payment that was taken or waits; a declined one stays DECLINED.
const VOIDABLE_PAYMENTS = ['APPROVED', 'PENDING'] as const

/**
 * cancelOrder: → CANCELED (from PENDING, AUTHRECEIVED, PURCHASE_PENDING, UNFINISHED or
 * PENDING_APPROVAL), the payment voided, the stock it held given back, who/when/why recorded.
 */
export async function cancelOrder (deps: AdminDeps, merchant: Merchant, user: MerchantUser, refNo: string, reason: string): Promise<StoredOrder> {
  const now = deps.clock.now()
  const parsed = parseRefNo(refNo)
  if (parsed === undefined) throw notFound(refNo)
  await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrderByRefNo(trx, merchant.id, parsed)
    if (order === undefined) throw notFound(refNo)
    const review = order.fraudStatus === 'OPEN'
    const extra = {
      ...order.extra,
      ...(review ? { FraudReview: { ...(order.extra.FraudReview as Record<string, unknown>), Status: 'REJECTED', ClosedBy: by(user), ClosedAt: formatWireDate(now) } } : {})
    }
    await changeOrderStatus(trx, order, {
      to: 'CANCELED',
      event: 'CANCELED_BY_STAFF',
      actor: sessionActor(merchant, user),
      at: now,
      reason,
      ...(review ? { fraudStatus: 'REJECTED' } : {}),
      extra,
      payment: { status: 'CANCELED', onlyFrom: VOIDABLE_PAYMENTS }
    })
    if (review) {
      await trx.updateTable('fraud_reviews').set({ outcome: 'REJECTED', closed_by_user_id: user.id, closed_at: now, note: `order canceled: ${reason}` })
        .where('order_id', '=', order.id).where('outcome', 'is', null).execute()
    }
  })
  const stored = await findOrderByRefNo(deps.db, merchant.id, parsed)
  if (stored === undefined) throw notFound(refNo)
  return stored
}

export const REVIEW_OUTCOMES = ['OKAY', 'REJECTED'] as const
export type ReviewOutcome = typeof REVIEW_OUTCOMES[number]

const StaffUserSchema = z.object({ UserId: z.number().int(), Username: z.string() }).describe('the merchant user (staff)')

/** reviewCustomer's answer: the review's outcome and the orders it moved. */
export const CustomerReviewSchema = z.object({
  CustomerId: z.number().int(),
  Outcome: z.enum(REVIEW_OUTCOMES),
  ReviewedBy: StaffUserSchema,
  ReviewedAt: WireDateSchema,
  Orders: z.array(z.object({ RefNo: z.string(), Status: z.enum(ORDER_STATUSES).describe('the status the order moved to') })).describe('the customer\'s orders that were in review')
}).describe('CustomerReview')
export type CustomerReview = z.output<typeof CustomerReviewSchema>

/**
 * reviewCustomer: ends the fraud review of a customer (seed 001: mark the customer "OKAY").
 * OKAY clears the customer's review flag and moves every order of theirs in review on to the
 * status it was held from (an approved card → AUTHRECEIVED; COMPLETE gets its OrderNo);
 * REJECTED cancels those orders. Each review records who closed it, when and how, and each
 * order's history the user and their note.
 */
export async function reviewCustomer (deps: AdminDeps, merchant: Merchant, user: MerchantUser, customerId: bigint, outcome: ReviewOutcome, note: string | undefined): Promise<CustomerReview> {
  const now = deps.clock.now()
  const customer = await deps.db.selectFrom('customers').select('id').where('merchant_id', '=', merchant.id).where('id', '=', customerId).executeTakeFirst()
  if (customer === undefined) throw new AppError('CUSTOMER_NOT_FOUND', { fields: [{ path: 'CustomerId', error_code: 'CUSTOMER_NOT_FOUND', message: `no customer ${customerId} for this merchant` }] })
  const released = await deps.db.transaction().execute(async (trx) => {
    if (outcome === 'OKAY') await trx.updateTable('customers').set({ fraud_review: false, updated_at: sql`${now}` }).where('id', '=', customerId).execute()
    else await trx.updateTable('customers').set({ fraud_review: true, updated_at: sql`${now}` }).where('id', '=', customerId).execute()
    const open = await trx.selectFrom('fraud_reviews')
      .innerJoin('orders', 'orders.id', 'fraud_reviews.order_id')
      .select(['fraud_reviews.id as review_id', 'orders.id as order_id', 'fraud_reviews.next_status'])
      .where('orders.merchant_id', '=', merchant.id).where('orders.customer_id', '=', customerId)
      .where('fraud_reviews.outcome', 'is', null)
      .orderBy('orders.id')
      .execute()
    const moved: CustomerReview['Orders'] = []
    for (const review of open) {
      const order = await lockOrder(trx, review.order_id)
      if (order === undefined || order.fraudStatus !== 'OPEN') continue
      const fraudReview = { ...(order.extra.FraudReview as Record<string, unknown>), Status: outcome, ClosedBy: by(user), ClosedAt: formatWireDate(now), ...(note !== undefined ? { Note: note } : {}) }
      const common = { actor: sessionActor(merchant, user), at: now, fraudStatus: outcome, extra: { ...order.extra, FraudReview: fraudReview }, ...(note !== undefined ? { reason: note } : {}) }
      const changed = outcome === 'OKAY'
        ? await changeOrderStatus(trx, order, { ...common, to: review.next_status as OrderStatus, event: 'FRAUD_REVIEW_OKAY', approveStatus: 'OK' })
        : await changeOrderStatus(trx, order, { ...common, to: 'CANCELED', event: 'FRAUD_REVIEW_REJECTED', vendorApproveStatus: 'REJECTED', payment: { status: 'CANCELED', onlyFrom: VOIDABLE_PAYMENTS } })
      await trx.updateTable('fraud_reviews').set({ outcome, closed_by_user_id: user.id, closed_at: now, note: note ?? null }).where('id', '=', review.review_id).execute()
      moved.push({ RefNo: String(order.refNo), Status: changed.status })
    }
    return moved
  })
  return { CustomerId: Number(customerId), Outcome: outcome, ReviewedBy: by(user), ReviewedAt: formatWireDate(now), Orders: released }
}

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1')
// A flat character class (no nested groups): linear on megabytes of text.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Decodes and checks an attachment: strict base64, at most MAX_ATTACHMENT_BYTES, a PDF by its magic bytes. */
export function decodePdf (base64: string): Buffer {
  const invalid = (message: string) => new AppError('ATTACHMENT_INVALID', { fields: [{ path: 'Content', error_code: 'ATTACHMENT_INVALID', message }] })
  if (base64.length > Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 4) throw invalid(`the attachment exceeds ${MAX_ATTACHMENT_BYTES} bytes`)
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) throw invalid('Content must be standard base64')
  const bytes = Buffer.from(base64, 'base64')
  if (bytes.length === 0) throw invalid('the attachment is empty')
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw invalid(`the attachment exceeds ${MAX_ATTACHMENT_BYTES} bytes`)
  if (!bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) throw invalid('only PDF documents (starting with %PDF-) can be attached')
  return bytes
}

/** An order attachment's metadata (addOrderAttachment, listOrderAttachments). */
export const OrderAttachmentSchema = z.object({
  AttachmentId: z.number().int(),
  FileName: z.string(),
  ContentType: z.literal('application/pdf'),
  Size: z.number().int().describe('bytes'),
  Sha256: z.string().describe('hex SHA-256 of the content'),
  AddedAt: WireDateSchema,
  AddedBy: StaffUserSchema.describe('the merchant user who attached it')
}).describe('OrderAttachment')
export type OrderAttachment = z.output<typeof OrderAttachmentSchema>

/** getOrderAttachment: the metadata and the content. */
export const OrderAttachmentContentSchema = OrderAttachmentSchema.extend({ Content: z.string().describe('the PDF, base64') }).describe('OrderAttachmentWithContent')
export type OrderAttachmentContent = z.output<typeof OrderAttachmentContentSchema>

type AttachmentRow = { id: bigint, file_name: string, content_type: string, size_bytes: number, sha256: string, created_at: Date, added_by_user_id: bigint, username: string }

function wireAttachment (row: AttachmentRow): OrderAttachment {
  return { AttachmentId: Number(row.id), FileName: row.file_name, ContentType: row.content_type as OrderAttachment['ContentType'], Size: row.size_bytes, Sha256: row.sha256, AddedAt: formatWireDate(row.created_at), AddedBy: { UserId: Number(row.added_by_user_id), Username: row.username } }
}

const ATTACHMENT_COLUMNS = ['f.id', 'f.file_name', 'f.content_type', 'f.size_bytes', 'f.sha256', 'f.created_at', 'f.added_by_user_id', 'u.username'] as const

async function orderId (db: Kysely<Database>, merchantId: bigint, refNo: string): Promise<bigint> {
  const ref = parseRefNo(refNo)
  const row = ref === undefined ? undefined : await db.selectFrom('orders').select('id').where('merchant_id', '=', merchantId).where('ref_no', '=', ref).executeTakeFirst()
  if (row === undefined) throw notFound(refNo)
  return row.id
}

export async function addOrderAttachment (deps: AdminDeps, merchant: Merchant, user: MerchantUser, refNo: string, fileName: string, base64: string): Promise<OrderAttachment> {
  const bytes = decodePdf(base64)
  const id = await orderId(deps.db, merchant.id, refNo)
  const row = await deps.db.insertInto('order_attachments').values({
    order_id: id,
    file_name: fileName,
    content_type: 'application/pdf',
    size_bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    content: bytes,
    added_by_user_id: user.id,
    created_at: deps.clock.now()
  }).returning(['id', 'file_name', 'content_type', 'size_bytes', 'sha256', 'created_at', 'added_by_user_id']).executeTakeFirstOrThrow()
  return wireAttachment({ ...row, username: user.username })
}

export async function listOrderAttachments (db: Kysely<Database>, merchant: Merchant, refNo: string): Promise<OrderAttachment[]> {
  const id = await orderId(db, merchant.id, refNo)
  const rows = await db.selectFrom('order_attachments as f').innerJoin('merchant_users as u', 'u.id', 'f.added_by_user_id')
    .select(ATTACHMENT_COLUMNS).where('f.order_id', '=', id).orderBy('f.id').execute()
  return rows.map(wireAttachment)
}

export async function getOrderAttachment (db: Kysely<Database>, merchant: Merchant, refNo: string, attachmentId: bigint): Promise<OrderAttachmentContent> {
  const id = await orderId(db, merchant.id, refNo)
  const row = await db.selectFrom('order_attachments as f').innerJoin('merchant_users as u', 'u.id', 'f.added_by_user_id')
    .select([...ATTACHMENT_COLUMNS, 'f.content']).where('f.order_id', '=', id).where('f.id', '=', attachmentId).executeTakeFirst()
  if (row === undefined) throw new AppError('ATTACHMENT_NOT_FOUND', { fields: [{ path: 'AttachmentId', error_code: 'ATTACHMENT_NOT_FOUND', message: `order ${refNo} has no attachment ${attachmentId}` }] })
  return { ...wireAttachment(row), Content: Buffer.from(row.content).toString('base64') }
}
