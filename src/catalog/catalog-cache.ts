import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { loadCatalogForCart, type CartCatalog, type CartCatalogRequest } from './catalog-store.js'

/**
 * Carts' catalogs, reused while the merchant's catalog is unchanged. Every catalog load bumps
 * `merchants.catalog_version` in its transaction and every look-up first reads that version (one
 * indexed row), so a change is seen by the very next order; what is saved is the heavy catalog
 * query (planning and JSON building). Stock and coupon uses are not trusted from here: both are
 * checked and counted in the order's transaction. Bounded: the oldest entries go first.
 */
export type CatalogCache = {
  /** `catalogVersion`: the merchant's catalog_version when the caller has just read it (saves a round trip) */
  load: (db: Kysely<Database>, merchantId: bigint, request: CartCatalogRequest, catalogVersion?: bigint) => Promise<CartCatalog>
}

export function createCatalogCache (options: { maxEntries: number }): CatalogCache {
  const entries = new Map<string, CartCatalog>()
  return {
    async load (db, merchantId, request, catalogVersion) {
      if (options.maxEntries <= 0) return await loadCatalogForCart(db, merchantId, request)
      const version = catalogVersion ?? (await db.selectFrom('merchants').select('catalog_version').where('id', '=', merchantId).executeTakeFirst())?.catalog_version
      if (version === undefined) return await loadCatalogForCart(db, merchantId, request)
      const key = JSON.stringify([
        String(merchantId), String(version), request.currency ?? '', request.billingCountry ?? '', request.shippingMethodCode ?? '',
        [...request.productCodes].sort(), request.promotionCodes.map((c) => c.trim().toUpperCase()).sort()
      ])
      const cached = entries.get(key)
      if (cached !== undefined) {
        entries.delete(key)
        entries.set(key, cached)
        return cached
      }
      const catalog = await loadCatalogForCart(db, merchantId, request)
      entries.set(key, catalog)
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
      return catalog
    }
  }
}
