import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export type OrderCustomer = { id: bigint, customerReference: bigint | null }

/**
 * The customer an order belongs to (SPEC §4): by CustomerReference (2Checkout's external
 * customer id, which groups a customer's subscriptions), else by e-mail address; created on the
 * first order. An upsert, so racing orders of one new customer still make one customer.
 */
export async function upsertOrderCustomer (
  db: Kysely<Database>,
  merchantId: bigint,
  customer: { customerReference?: number | undefined, firstName: string, lastName: string, email: string, company?: string | undefined }
): Promise<OrderCustomer> {
  const values = {
    merchant_id: merchantId,
    customer_reference: customer.customerReference === undefined ? null : BigInt(customer.customerReference),
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    company: customer.company ?? null
  }
  const insert = db.insertInto('customers').values(values)
  const row = customer.customerReference !== undefined
    ? await insert
      .onConflict((oc) => oc.columns(['merchant_id', 'customer_reference']).doUpdateSet({ updated_at: sql`now()` }))
      .returning(['id', 'customer_reference'])
      .executeTakeFirstOrThrow()
    : await insert
      .onConflict((oc) => oc.expression(sql`merchant_id, lower(email)`).where('customer_reference', 'is', null).doUpdateSet({ updated_at: sql`now()` }))
      .returning(['id', 'customer_reference'])
      .executeTakeFirstOrThrow()
  return { id: row.id, customerReference: row.customer_reference }
}
