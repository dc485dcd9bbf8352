/**
 * Customer levels (seed 003: "customer levels that change prices"): a level has a price list —
 * per product and currency unit prices — and a percentage off the list price for the products
 * its list does not name. Pricing stays pure: `applyLevelPrices` rewrites the list prices of the
 * catalog handed to `priceCart`, so quote and placeOrder price a level the same way.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Catalog } from '../catalog/catalog-file.js'
import { percentOf, tryPercentToBasisPoints, tryToMinor } from '../catalog/money.js'
import type { Database } from '../db/schema.js'
import { AppError, type FieldError } from '../errors.js'

export type LevelPricing = {
  code: string
  percentOffBp: number
  /** product code → currency → unit price (minor units) */
  prices: ReadonlyMap<string, ReadonlyMap<string, bigint>>
}

/** The catalog with the level's list prices: the price list wins, else the percentage off. Pure. */
export function applyLevelPrices<C extends Catalog> (catalog: C, level: LevelPricing | undefined): C {
  if (level === undefined) return catalog
  return {
    ...catalog,
    products: catalog.products.map((product) => {
      const listed = level.prices.get(product.code)
      const prices = Object.fromEntries(Object.entries(product.prices).map(([currency, minor]) => {
        const fixed = listed?.get(currency)
        return [currency, fixed ?? minor - percentOf(minor, level.percentOffBp)]
      }))
      return { ...product, prices }
    })
  }
}

export async function loadLevelPricing (db: Kysely<Database>, levelId: bigint): Promise<LevelPricing | undefined> {
  const level = await db.selectFrom('customer_levels').select(['code', 'percent_off_bp']).where('id', '=', levelId).executeTakeFirst()
  if (level === undefined) return undefined
  const rows = await db.selectFrom('customer_level_prices').select(['product_code', 'currency', 'amount_minor']).where('level_id', '=', levelId).execute()
  const prices = new Map<string, Map<string, bigint>>()
  for (const row of rows) {
    const byCurrency = prices.get(row.product_code) ?? new Map<string, bigint>()
    byCurrency.set(row.currency.trim().toUpperCase(), row.amount_minor)
    prices.set(row.product_code, byCurrency)
  }
  return { code: level.code, percentOffBp: level.percent_off_bp, prices }
}

/** saveCustomerLevel's answer: the level as stored, its price list as given. */
export const CustomerLevelSchema = z.object({
  Code: z.string(),
  Name: z.string(),
  PercentOff: z.number().describe('percent off the list price for products without a level price'),
  Prices: z.array(z.object({ ProductCode: z.string(), Currency: z.string(), Amount: z.number() })).describe('the level\'s unit prices, as given')
}).describe('CustomerLevel')
export type CustomerLevel = z.output<typeof CustomerLevelSchema>

export type LevelInput = {
  Code: string
  Name: string
  /** percent off the list price (0-100, two decimals) for products the price list does not name */
  PercentOff?: number | undefined
  Prices?: Array<{ ProductCode: string, Currency: string, Amount: number }> | undefined
}

/** saveCustomerLevel: creates or replaces a level (by Code) and its whole price list. */
export async function saveCustomerLevel (db: Kysely<Database>, merchantId: bigint, input: LevelInput): Promise<CustomerLevel> {
  const fields: FieldError[] = []
  const bp = tryPercentToBasisPoints(input.PercentOff ?? 0)
  if (!bp.ok || bp.value < 0 || bp.value > 10_000) fields.push({ path: 'Level.PercentOff', error_code: 'DISCOUNT_INVALID', message: 'PercentOff is a percentage from 0 to 100 with at most two decimals' })
  const prices = (input.Prices ?? []).map((price, index) => {
    const minor = tryToMinor(price.Amount, price.Currency)
    if (!minor.ok || minor.value < 0n) fields.push({ path: `Level.Prices.${index}.Amount`, error_code: 'FIELD_INVALID', message: minor.ok ? 'a price must not be negative' : minor.message })
    return { product_code: price.ProductCode, currency: price.Currency.toUpperCase(), amount_minor: minor.ok ? minor.value : 0n }
  })
  if (fields.length > 0) throw new AppError('INVALID_PARAMS', { fields })
  const percentOffBp = bp.ok ? bp.value : 0
  await db.transaction().execute(async (trx) => {
    const level = await trx.insertInto('customer_levels')
      .values({ merchant_id: merchantId, code: input.Code, name: input.Name, percent_off_bp: percentOffBp })
      .onConflict((oc) => oc.constraint('customer_levels_merchant_code_key').doUpdateSet({ name: input.Name, percent_off_bp: percentOffBp }))
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx.deleteFrom('customer_level_prices').where('level_id', '=', level.id).execute()
    if (prices.length > 0) {
      try {
        await trx.insertInto('customer_level_prices').values(prices.map((p) => ({ ...p, level_id: level.id }))).execute()
      } catch (err) {
        if ((err as { code?: unknown }).code !== '23505') throw err
        throw new AppError('INVALID_PARAMS', { fields: [{ path: 'Level.Prices', error_code: 'FIELD_INVALID', message: 'a product and currency appear twice in the price list' }] })
      }
    }
  })
  return { Code: input.Code, Name: input.Name, PercentOff: percentOffBp / 100, Prices: input.Prices ?? [] }
}
