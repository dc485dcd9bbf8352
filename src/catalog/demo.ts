import type { Kysely } from 'kysely'
import { lockMerchantRow } from '../db/merchant-lock.js'
import type { Database } from '../db/schema.js'
import { normaliseCatalog } from './catalog-file.js'
import { replaceCatalog, type CatalogLoadSummary } from './catalog-store.js'
import { DEMO_CATALOG } from './demo-catalog.js'

/** Loads the demo catalog (SPEC §6) for a merchant, replacing its catalog. */
export async function loadDemoCatalog (db: Kysely<Database>, merchantId: bigint): Promise<CatalogLoadSummary> {
  return await replaceCatalog(db, merchantId, normaliseCatalog(DEMO_CATALOG))
}

/**
 * The embedded default's start (SPEC §6): gives the DEMO merchant the demo catalog when it has
 * no products. Archived products count, so a merchant whose catalog was replaced since is left
 * alone. Answers whether it loaded the demo catalog.
 */
export async function ensureDemoCatalog (db: Kysely<Database>, merchantId: bigint): Promise<boolean> {
  return await db.transaction().execute(async (trx) => {
    // Lock first, then look: two starts racing on one database load it once.
    if (!(await lockMerchantRow(trx, merchantId))) throw new Error(`no merchant with id ${merchantId}`)
    const any = await trx.selectFrom('products').select('id').where('merchant_id', '=', merchantId).limit(1).executeTakeFirst()
    if (any !== undefined) return false
    await loadDemoCatalog(trx, merchantId)
    return true
  })
}
