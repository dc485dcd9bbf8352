import { sql, type Kysely } from 'kysely'
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
      : query.where('customer_reference', 'is', null).where(sql`lower(email)`, '=', customer.email.toLowerCase())
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
