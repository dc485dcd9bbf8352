/** Order statuses as 2Checkout reports them (SPEC §4). */
export const ORDER_STATUSES = ['PENDING', 'AUTHRECEIVED', 'COMPLETE', 'CANCELED', 'REVERSED', 'REFUND', 'PURCHASE_PENDING', 'UNFINISHED', 'PENDING_APPROVAL'] as const
export type OrderStatus = typeof ORDER_STATUSES[number]

export const APPROVE_STATUSES = ['WAITING', 'OK'] as const
export type ApproveStatus = typeof APPROVE_STATUSES[number]

export const VENDOR_APPROVE_STATUSES = ['OK', 'WAITING', 'REJECTED'] as const
export type VendorApproveStatus = typeof VENDOR_APPROVE_STATUSES[number]

export const FRAUD_STATUSES = ['OPEN', 'OKAY', 'REJECTED'] as const
export type FraudStatus = typeof FRAUD_STATUSES[number]

/**
 * Statuses of an order still awaiting its payment: an offline payment (PENDING), a purchase order
 * approved or not (PURCHASE_PENDING, UNFINISHED). Past its due date, such an order is overdue.
 */
export const AWAITING_PAYMENT_STATUSES = ['PENDING', 'PURCHASE_PENDING', 'UNFINISHED'] as const satisfies readonly OrderStatus[]

/** Statuses at which an order counts as finished: OrderNo and FinishDate are set. */
export const FINISHED_STATUSES: ReadonlySet<OrderStatus> = new Set(['COMPLETE'])

/** Draft order statuses (issue 19 item 1): OPEN until completed into its order, abandoned or expired. */
export const DRAFT_STATUSES = ['OPEN', 'COMPLETED', 'ABANDONED', 'EXPIRED'] as const
export type DraftStatus = typeof DRAFT_STATUSES[number]

/** A payment link's statuses (issue 19 item 2): vocabulary the wire names too. */
export const PAYMENT_LINK_STATUSES = ['PENDING', 'PAID', 'EXPIRED', 'CANCELLED'] as const
export type PaymentLinkStatus = typeof PAYMENT_LINK_STATUSES[number]
