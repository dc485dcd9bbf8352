/**
 * Catalog search: for staff (SPEC §5, seed 001: published and unpublished products, by name,
 * product code, variant attribute values and SKU, with prices, options, SKUs and stock) and for
 * the merchant's API (searchProducts, getProductByCode: by name, exact codes, enabled or not).
 * One SQL statement: the page of products, the total number of matches and the currency overrides.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../db/schema.js'
import type { CatalogProduct } from './catalog-file.js'
import { minorUnitsJson, productJson, toCatalogProduct, type ProductJson } from './catalog-store.js'
import type { MinorUnitOverrides } from './money.js'
import { AppError } from '../errors.js'

export const PUBLISHED_FILTERS = ['PUBLISHED', 'UNPUBLISHED', 'ALL'] as const
export type PublishedFilter = typeof PUBLISHED_FILTERS[number]
export const PRODUCT_ORDERS = ['name', 'code'] as const
export type ProductOrder = typeof PRODUCT_ORDERS[number]

export type ProductSearch = {
  /** Case-insensitive substring of the name, the product code, a variant attribute value, or a SKU's code or name. */
  readonly query?: string
  /** Default ALL: staff may sell unpublished products. */
  readonly published?: PublishedFilter
  /** Every pair must match exactly (case-sensitive), on the product or on one of its SKUs (SKU values win over the product's). */
  readonly attributes?: Readonly<Record<string, string>>
  /** Case-insensitive substring of a SKU's code or name. */
  readonly sku?: string
  /** Case-insensitive substring of the product's name only. */
  readonly name?: string
  /** Exact product codes (an index look-up each); empty matches nothing. */
  readonly codes?: readonly string[]
  /** Default: by name, then code, ascending. */
  readonly order?: { readonly by: ProductOrder, readonly direction: 'asc' | 'desc' }
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
  /** This page, by name then code (or as `order` asks). */
  readonly products: readonly FoundProduct[]
  /** The merchant's minor-unit overrides (catalog file `currencies`), for amounts on the wire. */
  readonly minorUnits: MinorUnitOverrides
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
  const name = search.name?.trim() ?? ''
  if (name !== '') conditions.push(sql`p.name ilike ${containing(name)}`)
  if (search.codes !== undefined) conditions.push(sql`p.code = any(${[...search.codes]}::text[])`)
  const sku = search.sku?.trim() ?? ''
  if (sku !== '') {
    const pattern = containing(sku)
    conditions.push(sql`exists (select 1 from product_skus s where s.product_id = p.id and (s.code ilike ${pattern} or s.name ilike ${pattern}))`)
  }

  const direction = search.order?.direction === 'desc' ? sql`desc` : sql`asc`
  const ordered = (alias: string) => search.order?.by === 'code'
    ? sql`${sql.ref(`${alias}.code`)} ${direction}`
    : sql`${sql.ref(`${alias}.name`)} ${direction}, ${sql.ref(`${alias}.code`)} ${direction}`
  const { rows } = await sql<{ total: bigint, products: ProductJson[], minor_units: Record<string, number> }>`
    with matched as (
      select p.id, p.name, p.code from products p where ${sql.join(conditions, sql` and `)}
    ), page as (
      select m.id, m.name, m.code from matched m order by ${ordered('m')} limit ${search.limit} offset ${search.offset}
    )
    select
      (select count(*) from matched) as total,
      (select coalesce(jsonb_agg(${productJson(undefined)} order by ${ordered('p')}), '[]'::jsonb)
        from page join products p using (id)) as products,
      ${minorUnitsJson(merchantId)} as minor_units
  `.execute(db)
  const row = rows[0]
  return {
    minorUnits: Object.freeze({ ...row?.minor_units }),
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

/** One live product of the merchant by its exact code, published or not; PRODUCT_NOT_FOUND (at `path`) otherwise. */
export async function findProductByCode (db: Kysely<Database>, merchantId: bigint, code: string, path = 'ProductCode'): Promise<{ product: FoundProduct, minorUnits: MinorUnitOverrides }> {
  const found = await searchProducts(db, merchantId, { codes: [code], limit: 1, offset: 0 })
  const product = found.products[0]
  if (product === undefined) {
    throw new AppError('PRODUCT_NOT_FOUND', { fields: [{ path, error_code: 'PRODUCT_NOT_FOUND', message: `no product ${code} in this merchant's catalog` }] })
  }
  return { product, minorUnits: found.minorUnits }
}

/** An ILIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
function containing (text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
