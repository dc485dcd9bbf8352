/**
 * Reference look-ups for a merchant's integration (getAvailableCountries,
 * getAvailableCurrencies): country names in a language, and the currencies the merchant's
 * catalog sells in. Names come from the runtime's ICU data (Intl.DisplayNames), so no list of
 * translations is kept here.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { minorUnitsOf } from './money.js'

export type Country = { readonly code: string, readonly name: string }

const countryLists = new Map<string, readonly Country[]>()

/**
 * The countries of `codes` with their names in `language` (ISO 639-1), sorted by name as that
 * language sorts. A language ICU has no names for falls back to English; a code without a name
 * keeps its code as the name. Computed once per language.
 */
export function countryList (codes: Iterable<string>, language: string): readonly Country[] {
  const key = language.toLowerCase()
  const cached = countryLists.get(key)
  if (cached !== undefined) return cached
  const names = new Intl.DisplayNames([key, 'en'], { type: 'region', fallback: 'code' })
  const collator = new Intl.Collator([key, 'en'])
  const list = Object.freeze([...codes].map((code) => Object.freeze({ code, name: names.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1)))
  countryLists.set(key, list)
  return list
}

export type MerchantCurrency = {
  readonly code: string
  /** English name (ICU); the code itself for a currency ICU does not know. */
  readonly name: string
  /** Digits after the decimal point on the wire (ISO 4217, or the catalog file's override). */
  readonly minorUnits: number
}

const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency', fallback: 'code' })

/**
 * The currencies the merchant sells in: those of a list price of one of its live (not archived)
 * products, published or not, by code. One statement through the products' merchant index.
 */
export async function listMerchantCurrencies (db: Kysely<Database>, merchantId: bigint): Promise<MerchantCurrency[]> {
  const rows = await db.selectFrom('product_prices as pp')
    .innerJoin('products as p', 'p.id', 'pp.product_id')
    .leftJoin('merchant_currencies as mc', (join) => join.onRef('mc.merchant_id', '=', 'p.merchant_id').onRef('mc.currency', '=', 'pp.currency'))
    .select(['pp.currency', 'mc.minor_units'])
    .distinct()
    .where('p.merchant_id', '=', merchantId)
    .where('p.archived_at', 'is', null)
    .where('pp.price_type', '=', 'LIST')
    .orderBy('pp.currency')
    .execute()
  return rows.map((row) => ({
    code: row.currency,
    name: currencyNames.of(row.currency) ?? row.currency,
    minorUnits: row.minor_units ?? minorUnitsOf(row.currency)
  }))
}
