import { sql, type Kysely } from 'kysely'
import { releaseOrderInventory } from '../catalog/inventory.js'
import type { Database } from '../db/schema.js'
import { recordOrderEvents, type OrderEventName } from './order-events.js'
import type { ApproveStatus, FraudStatus, OrderStatus, VendorApproveStatus } from './order.js'

/** The order row as a transition sees it, locked. */
export type LockedOrder = {
  id: bigint
  merchantId: bigint
  customerId: bigint | null
  refNo: bigint
  status: OrderStatus
  fraudStatus: FraudStatus | null
  paymentType: string
  currency: string
  amountMinor: bigint
  extra: Record<string, unknown>
  paymentDetails: Record<string, unknown>
}

/** Locks the order row (`for update`) so concurrent transitions of one order run one after the other. */
export async function lockOrder (trx: Kysely<Database>, orderId: bigint): Promise<LockedOrder | undefined> {
  const row = await trx.selectFrom('orders')
    .select(['id', 'merchant_id', 'customer_id', 'ref_no', 'status', 'fraud_status', 'payment_type', 'currency', 'gross_discounted_price_minor', 'extra', 'payment_details'])
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    id: row.id,
    merchantId: row.merchant_id,
    customerId: row.customer_id,
    refNo: row.ref_no,
    status: row.status as OrderStatus,
    fraudStatus: row.fraud_status as FraudStatus | null,
    paymentType: row.payment_type,
    currency: row.currency,
    amountMinor: row.gross_discounted_price_minor,
    extra: row.extra as Record<string, unknown>,
    paymentDetails: row.payment_details as Record<string, unknown>
  }
}

export type StatusChange = {
  to: OrderStatus
  event: OrderEventName
  actor: string
  at: Date
  detail?: Record<string, unknown>
  approveStatus?: ApproveStatus
  vendorApproveStatus?: VendorApproveStatus
  fraudStatus?: FraudStatus
  /** replaces orders.extra (PODetails, FraudReview) */
  extra?: Record<string, unknown>
  /** replaces orders.payment_details (the wire PaymentDetails) */
  paymentDetails?: Record<string, unknown>
  /** 2Checkout's Errors: null on success */
  errors?: Record<string, string> | null
  payment?: { status?: string, processorReference?: string, declineReason?: string | null, details?: Record<string, unknown> }
}

/**
 * Moves a locked order from its current status to `change.to`, records the event, and — when it
 * completes — sets FinishDate and the OrderNo from order_no_seq (2Checkout: OrderNo is 0 until
 * then). The caller has checked the from-status on the row `lockOrder` returned.
 */
export async function applyStatusChange (trx: Kysely<Database>, order: LockedOrder, change: StatusChange): Promise<void> {
  const completes = change.to === 'COMPLETE' && order.status !== 'COMPLETE'
  await trx.updateTable('orders')
    .set({
      status: change.to,
      updated_at: sql`${change.at}`,
      ...(change.approveStatus !== undefined ? { approve_status: change.approveStatus } : {}),
      ...(change.vendorApproveStatus !== undefined ? { vendor_approve_status: change.vendorApproveStatus } : {}),
      ...(change.fraudStatus !== undefined ? { fraud_status: change.fraudStatus } : {}),
      ...(change.extra !== undefined ? { extra: JSON.stringify(change.extra) } : {}),
      ...(change.paymentDetails !== undefined ? { payment_details: JSON.stringify(change.paymentDetails) } : {}),
      ...(change.errors !== undefined ? { errors: change.errors === null ? null : JSON.stringify(change.errors) } : {}),
      ...(completes ? { finish_date: change.at, order_no: sql<bigint>`nextval('order_no_seq')` } : {})
    })
    .where('id', '=', order.id)
    .execute()
  const p = change.payment
  if (p !== undefined) {
    await trx.updateTable('payments')
      .set({
        ...(p.status !== undefined ? { status: p.status } : {}),
        ...(p.processorReference !== undefined ? { processor_reference: p.processorReference } : {}),
        ...(p.declineReason !== undefined ? { decline_reason: p.declineReason } : {}),
        ...(p.details !== undefined ? { details: JSON.stringify(p.details) } : {})
      })
      .where('order_id', '=', order.id)
      .execute()
  }
  // Every way to CANCELED (3DS or redirect cancelled, PO canceled or swept, fraud rejected)
  // gives the order's reserved stock back, in the same transaction; a second release is a no-op.
  if (change.to === 'CANCELED') await releaseOrderInventory(trx, order.id)
  await recordOrderEvents(trx, [{ orderId: order.id, at: change.at, fromStatus: order.status, toStatus: change.to, event: change.event, actor: change.actor, ...(change.detail !== undefined ? { detail: change.detail } : {}) }])
}
