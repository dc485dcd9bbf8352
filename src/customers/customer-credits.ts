import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** Adds store credit to a customer's balance in one currency (minor units, > 0). */
export async function grantStoreCredit (db: Kysely<Database>, credit: { customerId: bigint, currency: string, amountMinor: bigint }): Promise<bigint> {
  if (credit.amountMinor <= 0n) throw new RangeError('store credit must be a positive amount')
  const row = await db.insertInto('customer_credits')
    .values({ customer_id: credit.customerId, currency: credit.currency.toUpperCase(), balance_minor: credit.amountMinor })
    .onConflict((oc) => oc.columns(['customer_id', 'currency']).doUpdateSet((eb) => ({
      balance_minor: eb('customer_credits.balance_minor', '+', eb.ref('excluded.balance_minor')),
      updated_at: sql`now()`
    })))
    .returning('balance_minor')
    .executeTakeFirstOrThrow()
  return row.balance_minor
}

/**
 * Takes `amountMinor` from the balance when it covers it: one conditional update, so two orders
 * cannot spend the same credit. Returns the new balance, or undefined when it does not cover it.
 */
export async function spendStoreCredit (trx: Kysely<Database>, debit: { customerId: bigint, currency: string, amountMinor: bigint }): Promise<bigint | undefined> {
  const row = await trx.updateTable('customer_credits')
    .set((eb) => ({ balance_minor: eb('balance_minor', '-', debit.amountMinor), updated_at: sql`now()` }))
    .where('customer_id', '=', debit.customerId)
    .where('currency', '=', debit.currency.toUpperCase())
    .where('balance_minor', '>=', debit.amountMinor)
    .returning('balance_minor')
    .executeTakeFirst()
  return row?.balance_minor
}

/** The customer's balance in a currency (0 when none). */
export async function storeCreditBalance (db: Kysely<Database>, customerId: bigint, currency: string): Promise<bigint> {
  const row = await db.selectFrom('customer_credits').select('balance_minor')
    .where('customer_id', '=', customerId).where('currency', '=', currency.toUpperCase()).executeTakeFirst()
  return row?.balance_minor ?? 0n
}
