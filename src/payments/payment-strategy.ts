import type { PaymentTerms } from './payment-terms.js'
import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { PricedCart } from '../catalog/pricing.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import type { Order } from '../wire/order-schema.js'
import type { PaymentDetailsOf } from '../wire/payment-method-schemas.js'
import type { WirePaymentMethod, WirePODetails } from '../wire/order-output.js'
import type { PaymentType } from './payment-types.js'
import type { PaymentGateway } from './sandbox-processor.js'

/** What every strategy may use: the clock, the gateway, this server's URL. No protocol types. */
export type GatewayDeps = {
  clock: Clock
  gateway: PaymentGateway
  /** base URL of this server, for the pages it serves (3DS, redirects) */
  publicUrl: string
}

/** What a strategy that reads or writes the database gets besides: the order's open transaction and customer. */
export type PaymentDeps = GatewayDeps & {
  trx: Kysely<Database>
  customerId: bigint
}

export type PaymentRequest<T extends PaymentType = PaymentType> = {
  merchant: Merchant
  order: Order
  details: PaymentDetailsOf<T>
  priced: PricedCart
  /** what is charged: the order's GrossDiscountedPrice, in minor units */
  amountMinor: bigint
  currency: string
  /** an assisted sale's payment terms (Assisted.PaymentTerms), for a payment made later */
  paymentTerms?: PaymentTerms | undefined
}

/** The card a payment used, as recorded: brand, first 6 and last 4 digits, expiry (never the number). */
export type PaymentCard = { brand: string, first6: string, last4: string, expiry: string }

/** The card a `payments` row records, or null when it records none (not a card payment). */
export function paymentCardOf (row: { card_brand: string | null, card_first6: string | null, card_last4: string | null, card_expiry: string | null }): PaymentCard | null {
  return row.card_brand !== null && row.card_first6 !== null && row.card_last4 !== null && row.card_expiry !== null
    ? { brand: row.card_brand, first6: row.card_first6, last4: row.card_last4, expiry: row.card_expiry }
    : null
}

// What a payment leaves a new order in, in 2Checkout's names: the order statuses
// (src/orders/order.ts) a placement can reach. They are declared here, at the boundary, because
// payments never imports orders (test/unit/architecture/import-graph.test.ts); placeOrder stores
// them as the order's own, so a value the order does not know fails to compile there.
export type PlacedStatus = 'PENDING' | 'AUTHRECEIVED' | 'COMPLETE' | 'PURCHASE_PENDING' | 'UNFINISHED'
export type PlacedApproveStatus = 'WAITING' | 'OK'
export type PlacedVendorApproveStatus = 'OK' | 'WAITING'

/** The outcome the use case stores; `paymentMethod` is the masked wire PaymentMethod. */
export type PaymentOutcome = {
  status: PlacedStatus
  approveStatus: PlacedApproveStatus
  vendorApproveStatus: PlacedVendorApproveStatus
  paymentStatus: 'APPROVED' | 'DECLINED' | 'PENDING' | 'NOT_REQUIRED'
  /** 2Checkout's Errors object: null on success, {PAYMENT_ERROR: reason} on a decline */
  errors: Record<string, string> | null
  /** the masked PaymentMethod the Order answers (src/wire/order-output.ts); null when nothing is charged */
  paymentMethod: WirePaymentMethod | null
  /** a fraud review the placement opens (it can only open one) */
  fraud?: { status: 'OPEN', reason: string }
  card?: { brand: string, first6: string, last4: string, expiry: string }
  /** an approved card to keep (or refresh) for the customer; stored with the order, in its statement */
  storedCard?: { brand: string, first6: string, last4: string, expiry: string, holderName: string, processorToken: string }
  processorReference?: string
  declineReason?: string
  /** non-secret, strategy-specific data kept with the payment (instructions, tokens, PO) */
  details?: Record<string, unknown>
  /** order data shown on the wire besides PaymentDetails (PODetails) */
  extra?: { PODetails: WirePODetails }
  /** when a payment made later is due (a purchase order's terms) */
  paymentTerms?: PaymentTerms
}

/**
 * How one PaymentDetails.Type pays. `database` says what pay() needs: `transaction` strategies
 * read or write the database (a token to redeem, credit to spend) inside the order's transaction;
 * `none` strategies only talk to the gateway and return what to store in the outcome, which lets
 * placeOrder store such an order with a single statement (no BEGIN/COMMIT round trips). The
 * types keep a `none` strategy from reaching the database at all.
 */
export type PaymentStrategy<T extends PaymentType = PaymentType> =
  | { type: T, database: 'transaction', pay: (deps: PaymentDeps, request: PaymentRequest<T>) => Promise<PaymentOutcome> }
  | { type: T, database: 'none', pay: (deps: GatewayDeps, request: PaymentRequest<T>) => Promise<PaymentOutcome> }
