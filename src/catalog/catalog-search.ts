/**
 * Catalog search for staff (SPEC §5, seed 001): published and unpublished products, by name,
 * product code, variant attribute values and SKU, with prices, options, SKUs and stock.
 * One SQL statement: the page of products and the total number of matches.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../db/schema.js'
import type { CatalogProduct } from './catalog-file.js'
import { productJson, toCatalogProduct, type ProductJson } from './catalog-store.js'

export const PUBLISHED_FILTERS = ['PUBLISHED', 'UNPUBLISHED', 'ALL'] as const
export type PublishedFilter = typeof PUBLISHED_FILTERS[number]

export type ProductSearch = {
  /** Case-insensitive substring of the name, the product code, a variant attribute value, or a SKU's code or name. */
  readonly query?: string
  /** Default ALL: staff may sell unpublished products. */
  readonly published?: PublishedFilter
  /** Every pair must match exactly (case-sensitive), on the product or on one of its SKUs (SKU values win over the product's). */
  readonly attributes?: Readonly<Record<string, string>>
  /** Case-insensitive substring of a SKU's code or name. */
  readonly sku?: string
  /** 1–500. */
  readonly limit: number
  readonly offset: number
}

/** Stock as staff see it; `available` = on hand − reserved + backorder limit, never below 0. */
export type StockLevel = {
  readonly onHand: number
  readonly reserved: number
  readonly backorderLimit: number
  readonly available: number
}

export type FoundProduct = Omit<CatalogProduct, 'inventory'> & { readonly inventory: StockLevel | null }

export type ProductSearchResult = {
  /** Matches in all, whatever the page. */
  readonly total: number
  /** This page, by name then code. */
  readonly products: readonly FoundProduct[]
}

const MAX_LIMIT = 500

/** Searches the merchant's live (not archived) products; a page of them plus the total. */
export async function searchProducts (db: Kysely<Database>, merchantId: bigint, search: ProductSearch): Promise<ProductSearchResult> {
  if (!Number.isInteger(search.limit) || search.limit < 1 || search.limit > MAX_LIMIT) throw new RangeError(`limit must be an integer from 1 to ${MAX_LIMIT}`)
  if (!Number.isInteger(search.offset) || search.offset < 0) throw new RangeError('offset must be a non-negative integer')

  const conditions: RawBuilder<unknown>[] = [sql`p.merchant_id = ${merchantId}`, sql`p.archived_at is null`]
  const published = search.published ?? 'ALL'
  if (published === 'PUBLISHED') conditions.push(sql`p.published`)
  if (published === 'UNPUBLISHED') conditions.push(sql`not p.published`)
  const query = search.query?.trim() ?? ''
  if (query !== '') {
    const pattern = containing(query)
    conditions.push(sql`(
      p.name ilike ${pattern} or p.code ilike ${pattern}
      or exists (select 1 from jsonb_each_text(p.attributes) pa where pa.value ilike ${pattern})
      or exists (select 1 from product_skus s where s.product_id = p.id and (
        s.code ilike ${pattern} or s.name ilike ${pattern}
        or exists (select 1 from jsonb_each_text(s.attributes) sa where sa.value ilike ${pattern})))
    )`)
  }
  if (search.attributes !== undefined && Object.keys(search.attributes).length > 0) {
    const wanted = JSON.stringify(search.attributes)
    conditions.push(sql`(
      p.attributes @> ${wanted}::jsonb
      or exists (select 1 from product_skus s where s.product_id = p.id and (p.attributes || s.attributes) @> ${wanted}::jsonb)
    )`)
  }
  const sku = search.sku?.trim() ?? ''
  if (sku !== '') {
    const pattern = containing(sku)
    conditions.push(sql`exists (select 1 from product_skus s where s.product_id = p.id and (s.code ilike ${pattern} or s.name ilike ${pattern}))`)
  }

  const { rows } = await sql<{ total: bigint, products: ProductJson[] }>`
    with matched as (
      select p.id, p.name, p.code from products p where ${sql.join(conditions, sql` and `)}
    ), page as (
      select id, name, code from matched order by name, code limit ${search.limit} offset ${search.offset}
    )
    select
      (select count(*) from matched) as total,
      (select coalesce(jsonb_agg(${productJson(undefined)} order by p.name, p.code), '[]'::jsonb)
        from page join products p using (id)) as products
  `.execute(db)
  const row = rows[0]
  return {
    total: Number(row?.total ?? 0n),
    products: (row?.products ?? []).map((json) => {
      const product = toCatalogProduct(json)
      const stock = json.inventory
      return {
        ...product,
        inventory: stock === null
          ? null
          : {
              onHand: stock.onHand,
              reserved: stock.reserved,
              backorderLimit: stock.backorderLimit,
              available: Math.max(0, stock.onHand - stock.reserved + stock.backorderLimit)
            }
      }
    })
  }
}

/** An ILIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
function containing (text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
