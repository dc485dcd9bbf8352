/**
 * A customer flagged for fraud review holds their orders (seed 001): what placeOrder stores for
 * the order of such a customer, and the review it opens with.
 */
import type { Kysely } from 'kysely'
import type { OrderCustomer } from '../customers/customer-store.js'
import type { Database } from '../db/schema.js'
import type { PaymentOutcome } from '../payments/payment-strategy.js'
import type { OrderStatus } from './order.js'

// Statuses an order would move on to: a review holds these (an order still waiting for 3DS, a
// redirect or an offline payment has nothing to release yet).
const HOLDABLE: ReadonlySet<OrderStatus> = new Set(['AUTHRECEIVED', 'COMPLETE', 'PURCHASE_PENDING'])

export const CUSTOMER_REVIEW_REASON = 'The customer is flagged for fraud review'

/**
 * An order of a customer flagged for review stays PENDING with FraudReview OPEN (seed 001:
 * "the order will be stuck in Review until the customer is marked OKAY"). Answers the outcome
 * to store and the status the order moves to when the review ends OKAY. A customer the order
 * creates is `{ fraudReview: false }`.
 */
export async function holdForCustomerReview (trx: Kysely<Database>, customer: OrderCustomer | { fraudReview: boolean }, paid: PaymentOutcome): Promise<{ outcome: PaymentOutcome, nextStatus: OrderStatus }> {
  // The sandbox fraud rule already held an approved card payment.
  if (paid.fraud !== undefined) return { outcome: paid, nextStatus: 'AUTHRECEIVED' }
  if (!HOLDABLE.has(paid.status)) return { outcome: paid, nextStatus: paid.status }
  // The flag comes with the customer when it was read with it; otherwise it is read here.
  const flagged = customer.fraudReview ?? ('id' in customer ? (await trx.selectFrom('customers').select('fraud_review').where('id', '=', customer.id).executeTakeFirst())?.fraud_review : false)
  if (flagged !== true) return { outcome: paid, nextStatus: paid.status }
  return {
    outcome: { ...paid, status: 'PENDING', approveStatus: 'WAITING', fraud: { status: 'OPEN', reason: CUSTOMER_REVIEW_REASON } },
    nextStatus: paid.status
  }
}

/** The fraud review the order opens with (stored in the order's statement), if it is held. */
export function openedReview (outcome: PaymentOutcome, nextStatus: OrderStatus): { openedBy: string, reason: string, nextStatus: OrderStatus } | undefined {
  const fraud = outcome.fraud
  if (fraud === undefined || fraud.status !== 'OPEN') return undefined
  return { openedBy: fraud.reason === CUSTOMER_REVIEW_REASON ? 'system:customer-flag' : 'system:fraud-rules', reason: fraud.reason, nextStatus }
}
