import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

/**
 * Locks the merchant's row until the caller's transaction ends, so that two writers of the
 * merchant's settings or catalog take turns: without it a delete-then-insert meets the other's
 * fresh rows (a duplicate key) and a read-then-write loses the other's change. NO KEY UPDATE:
 * orders and sessions that reference the merchant (FOR KEY SHARE) are not held up. Answers
 * whether the merchant exists. `trx` must be a transaction (outside one the lock ends at once).
 */
export async function lockMerchantRow (trx: Kysely<Database>, merchantId: bigint): Promise<boolean> {
  if (!trx.isTransaction) throw new Error('lockMerchantRow needs a transaction')
  const row = await trx.selectFrom('merchants').select('id').where('id', '=', merchantId).forNoKeyUpdate().executeTakeFirst()
  return row !== undefined
}
