import { CompiledQuery, sql, type Kysely } from 'kysely'
import { namedStatement } from '../db/named-statement.js'
import type { Database } from '../db/schema.js'

/** `fraudReview`: the customer is flagged for review (undefined: not read). */
export type OrderCustomer = { id: bigint, customerReference: bigint | null, fraudReview?: boolean }

/**
 * The customer an order belongs to (SPEC §4): by CustomerReference (2Checkout's external
 * customer id, which groups a customer's subscriptions), else by e-mail address; created on the
 * first order. `on conflict do nothing` keeps racing orders of one new customer to one row, and,
 * unlike `do update`, takes no row lock, so a busy customer's orders do not queue on each other.
 */
export async function upsertOrderCustomer (
  db: Kysely<Database>,
  merchantId: bigint,
  customer: { customerReference?: number | undefined, firstName: string, lastName: string, email: string, company?: string | undefined }
): Promise<OrderCustomer> {
  const reference = customer.customerReference === undefined ? null : BigInt(customer.customerReference)
  const find = () => {
    const query = db.selectFrom('customers').select(['id', 'customer_reference', 'fraud_review']).where('merchant_id', '=', merchantId)
    return (reference !== null
      ? query.where('customer_reference', '=', reference)
      : query.where('customer_reference', 'is', null).where(sql`lower(email)`, '=', sql<string>`lower(${customer.email})`)
    ).executeTakeFirst()
  }
  const existing = await find()
  if (existing !== undefined) return { id: existing.id, customerReference: existing.customer_reference, fraudReview: existing.fraud_review }
  const insert = db.insertInto('customers').values({
    merchant_id: merchantId,
    customer_reference: reference,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    company: customer.company ?? null
  })
  const inserted = await (reference !== null
    ? insert.onConflict((oc) => oc.columns(['merchant_id', 'customer_reference']).doNothing())
    : insert.onConflict((oc) => oc.expression(sql`merchant_id, lower(email)`).where('customer_reference', 'is', null).doNothing())
  ).returning(['id', 'customer_reference', 'fraud_review']).executeTakeFirst()
  // A racing order created it between our look-up and insert: it is committed now, read it.
  const row = inserted ?? await find()
  if (row === undefined) throw new Error('customer vanished between insert and read')
  return { id: row.id, customerReference: row.customer_reference, fraudReview: row.fraud_review }
}

/** The shopper an order is for: CustomerReference, else e-mail address. */
export type CustomerKey = { customerReference: bigint | null, email: string }

// The merchant's catalog version (for the cart-catalog cache) and the order's existing customer,
// in one round trip. The second branch runs only when there is no CustomerReference.
const ORDER_CONTEXT = namedStatement<'merchant_id' | 'reference' | 'email'>(`
select m.catalog_version, c.id, c.customer_reference, c.fraud_review
from merchants m
left join lateral (
  (select id, customer_reference, fraud_review from customers
    where merchant_id = m.id and customer_reference = $reference::int8)
  union all
  (select id, customer_reference, fraud_review from customers
    where merchant_id = m.id and $reference::int8 is null and customer_reference is null and lower(email) = lower($email::text))
  limit 1
) c on true
where m.id = $merchant_id::int8`)

/**
 * What placeOrder reads before it prices: the merchant's catalog version and, when `key` is
 * given, the customer it names (undefined: a new customer; no key: not looked up).
 */
export async function readOrderContext (db: Kysely<Database>, merchantId: bigint, key: CustomerKey | undefined): Promise<{ catalogVersion: bigint | undefined, customer: OrderCustomer | undefined }> {
  const { rows } = await db.executeQuery<{ catalog_version: bigint, id: bigint | null, customer_reference: bigint | null, fraud_review: boolean | null }>(CompiledQuery.raw(
    ORDER_CONTEXT.text,
    ORDER_CONTEXT.bind({ merchant_id: merchantId, reference: key?.customerReference ?? null, email: key?.email ?? null })
  ))
  const row = rows[0]
  if (row === undefined) return { catalogVersion: undefined, customer: undefined }
  return {
    catalogVersion: row.catalog_version,
    customer: row.id === null ? undefined : { id: row.id, customerReference: row.customer_reference, fraudReview: row.fraud_review === true }
  }
}
