import type { Kysely } from 'kysely'
import { batchedRead, batchStatements } from '../db/coalesce.js'
import type { Database } from '../db/schema.js'

/** `fraudReview`: the customer is flagged for review (undefined: not read). */
export type OrderCustomer = { id: bigint, customerReference: bigint | null, fraudReview?: boolean }

/** A customer an order creates (its first order): found again by CustomerReference, else by e-mail. */
export type NewCustomer = { customerReference: bigint | null, firstName: string, lastName: string, email: string, company: string | null }

/**
 * Creates the customer of a first order (SPEC §4), for a caller that has just looked it up with
 * `readOrderContext` and not found it. `on conflict do nothing` keeps racing first orders of one
 * shopper to one row and, unlike `do update`, takes no row lock; the loser reads the winner's row.
 */
export async function createOrderCustomer (db: Kysely<Database>, merchantId: bigint, customer: NewCustomer): Promise<OrderCustomer> {
  const inserted = await db.insertInto('customers').values({
    merchant_id: merchantId,
    customer_reference: customer.customerReference,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    company: customer.company
  }).onConflict((oc) => oc.doNothing()).returning(['id', 'customer_reference', 'fraud_review']).executeTakeFirst()
  if (inserted !== undefined) return { id: inserted.id, customerReference: inserted.customer_reference, fraudReview: inserted.fraud_review }
  // A racing order created it between our look-up and insert: it is committed now, read it.
  const { customer: existing } = await readOrderContext(db, merchantId, customer)
  if (existing === undefined) throw new Error('customer vanished between insert and read')
  return existing
}

/** The shopper an order is for: CustomerReference, else e-mail address. */
export type CustomerKey = { customerReference: bigint | null, email: string }

// The merchant's catalog version (for the cart-catalog cache) and the order's existing customer,
// in one round trip, for every order that concurrent calls are placing at once. The second
// branch runs only when there is no CustomerReference.
const ORDER_CONTEXTS = batchStatements([['merchant_id', 'int8'], ['reference', 'int8'], ['email', 'text']], (source) => `
select k.n, m.catalog_version, c.id, c.customer_reference, c.fraud_review
from ${source}
join merchants m on m.id = k.merchant_id
left join lateral (
  (select id, customer_reference, fraud_review from customers
    where merchant_id = m.id and customer_reference = k.reference)
  union all
  (select id, customer_reference, fraud_review from customers
    where merchant_id = m.id and k.reference is null and customer_reference is null and lower(email) = lower(k.email))
  limit 1
) c on true`)

type OrderContextRow = { n: number, catalog_version: bigint, id: bigint | null, customer_reference: bigint | null, fraud_review: boolean | null }
type OrderContext = { catalogVersion: bigint | undefined, customer: OrderCustomer | undefined }

const readContext = batchedRead(
  ORDER_CONTEXTS,
  (key: { merchantId: bigint, reference: bigint | null, email: string | null }) => [key.merchantId, key.reference, key.email],
  (row: OrderContextRow): OrderContext => ({
    catalogVersion: row.catalog_version,
    customer: row.id === null ? undefined : { id: row.id, customerReference: row.customer_reference, fraudReview: row.fraud_review === true }
  })
)

/**
 * What placeOrder reads before it prices: the merchant's catalog version and, when `key` is
 * given, the customer it names (undefined: a new customer; no key: not looked up).
 */
export async function readOrderContext (db: Kysely<Database>, merchantId: bigint, key: CustomerKey | undefined): Promise<OrderContext> {
  const context = await readContext(db, { merchantId, reference: key?.customerReference ?? null, email: key?.email ?? null })
  return context ?? { catalogVersion: undefined, customer: undefined }
}
