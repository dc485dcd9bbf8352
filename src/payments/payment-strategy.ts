import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { PricedCart } from '../catalog/pricing.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import type { Order } from '../orders/order-schema.js'
import type { ApproveStatus, FraudStatus, OrderStatus, VendorApproveStatus } from '../orders/order.js'
import type { PaymentDetailsOf } from './payment-method-schemas.js'
import type { PaymentType } from './payment-types.js'
import type { PaymentGateway } from './sandbox-processor.js'

/** What a strategy may use: the open transaction, the clock, the gateway. No protocol types. */
export type PaymentDeps = {
  trx: Kysely<Database>
  clock: Clock
  gateway: PaymentGateway
  /** base URL of this server, for the pages it serves (3DS, redirects) */
  publicUrl: string
}

export type PaymentRequest<T extends PaymentType = PaymentType> = {
  merchant: Merchant
  order: Order
  details: PaymentDetailsOf<T>
  priced: PricedCart
  /** what is charged: the order's GrossDiscountedPrice, in minor units */
  amountMinor: bigint
  currency: string
  customerId: bigint
}

/** The outcome the use case stores; `paymentMethod` is the masked wire PaymentMethod. */
export type PaymentOutcome = {
  status: OrderStatus
  approveStatus: ApproveStatus
  vendorApproveStatus: VendorApproveStatus
  paymentStatus: 'APPROVED' | 'DECLINED' | 'PENDING' | 'NOT_REQUIRED'
  /** 2Checkout's Errors object: null on success, {PAYMENT_ERROR: reason} on a decline */
  errors: Record<string, string> | null
  paymentMethod: Record<string, unknown> | null
  fraud?: { status: FraudStatus, reason: string }
  card?: { brand: string, first6: string, last4: string, expiry: string }
  processorReference?: string
  declineReason?: string
  /** non-secret, strategy-specific data kept with the payment (instructions, tokens, PO) */
  details?: Record<string, unknown>
  /** order data shown on the wire besides PaymentDetails (PODetails) */
  extra?: Record<string, unknown>
}

export type PaymentStrategy<T extends PaymentType = PaymentType> = {
  type: T
  pay: (deps: PaymentDeps, request: PaymentRequest<T>) => Promise<PaymentOutcome>
}
