/**
 * The catalog on the wire, in 2Checkout API 6.0's shapes (getProductByCode, searchProducts,
 * getShippingPrice, getAvailableCountries, getAvailableCurrencies): the Zod schemas that the
 * OpenRPC document is generated from, and the mappers from domain values to them. Amounts become
 * decimals here, at the edge, with the currency's minor-unit precision (the merchant's overrides
 * included); inside they stay bigint minor units.
 *
 * What ordergate's catalog does not have is not invented: one pricing configuration per product
 * (its list prices), price options as the catalog defines them (a fixed amount added per
 * currency), no product groups, bundles, shipping classes, images or translations. The README's
 * "Differences from 2Checkout" lists each.
 */
import { z } from 'zod'
import type { FoundProduct, ProductSearch } from './catalog-search.js'
import type { PriceMap } from './catalog-file.js'
import { fromMinor, type MinorUnitOverrides } from './money.js'
import type { Country, MerchantCurrency } from './reference-data.js'
import type { ShippingPrice } from './shipping-price.js'

const Amount = z.number().nonnegative().describe('a decimal with the currency\'s minor-unit precision')
const CurrencyCode = z.string().length(3).describe('upper-case ISO 4217 code')

export const PriceSchema = z.object({ Amount, Currency: CurrencyCode })

export const PriceOptionSchema = z.object({
  Code: z.string().describe('what Items[].PriceOptions names in placeOrder'),
  Name: z.string(),
  PriceImpact: z.object({
    ImpactOn: z.literal('BASE'),
    Impact: z.literal('ADD'),
    Method: z.literal('FIXED'),
    Amounts: z.array(PriceSchema).describe('added to the unit price; an option without an amount in the order currency cannot be chosen in it')
  })
})

export const PriceOptionGroupSchema = z.object({
  Code: z.string(),
  Name: z.string(),
  Type: z.literal('RADIO').describe('at most one option of the group per line'),
  Required: z.boolean(),
  Options: z.array(PriceOptionSchema)
})

export const PricingConfigurationSchema = z.object({
  Code: z.literal('DEFAULT'),
  Name: z.literal('Default'),
  Default: z.literal(true),
  BillingCountries: z.array(z.string()).describe('always empty: the prices apply in every country'),
  PricingSchema: z.literal('DYNAMIC'),
  PriceType: z.literal('NET'),
  DefaultCurrency: CurrencyCode.nullable().describe('the first currency of the product\'s prices'),
  Prices: z.object({ Regular: z.array(PriceSchema.extend({ MinQuantity: z.literal(1), MaxQuantity: z.literal(99999) })) }),
  PriceOptions: z.array(PriceOptionGroupSchema)
})

export const ProductSchema = z.object({
  ProductCode: z.string(),
  ProductName: z.string(),
  ProductType: z.literal('REGULAR'),
  Tangible: z.boolean().describe('true for a PHYSICAL product (shipped, with stock), false for a DIGITAL one'),
  Enabled: z.boolean().describe('published: placeOrder sells enabled products only (staff may sell the others)'),
  GeneratesSubscription: z.boolean(),
  SubscriptionInformation: z.object({
    BillingCycle: z.number().int().positive(),
    BillingCycleUnits: z.enum(['D', 'M']).describe('D days, M months')
  }).nullable(),
  Trial: z.object({
    Allowed: z.boolean(),
    PeriodDays: z.number().int().positive(),
    Prices: z.array(PriceSchema)
  }).nullable().describe('ordergate: the trial placeOrder accepts (Items[].Trial must match it)'),
  AllowCustomPrice: z.boolean().describe('ordergate: Items[].Price {Type: CUSTOM, Amount} is accepted'),
  PricingConfigurations: z.array(PricingConfigurationSchema).length(1)
}).describe('a product of the merchant\'s catalog')

export type WireProduct = z.output<typeof ProductSchema>

export const ProductSearchPageSchema = z.object({
  Items: z.array(ProductSchema),
  Pagination: z.object({
    Page: z.number().int().positive(),
    Limit: z.number().int().positive(),
    Count: z.number().int().nonnegative().describe('products matching the search, on every page')
  })
})

const ShippingAmountsSchema = z.object({
  TotalAmount: Amount.describe('what the order is charged for this method'),
  BasePrice: Amount,
  OverweightAmount: z.literal(0),
  CountrySurcharge: z.literal(0),
  WeightSurcharge: z.literal(0),
  OrderSurcharge: z.literal(0)
})

export const ShippingPriceSchema = z.object({
  Name: z.string(),
  Code: z.string().describe('what DeliveryInformation.ShippingMethod.Code names in placeOrder'),
  TrackingURL: z.null(),
  Currency: CurrencyCode,
  Default: z.boolean().describe('ordergate: the method charged when the order names none'),
  PriceDetails: z.object({
    Net: ShippingAmountsSchema,
    Gross: ShippingAmountsSchema.describe('net + VAT at the billing country\'s rate')
  })
})

export const CountrySchema = z.object({
  Code: z.string().length(2).describe('ISO 3166-1 alpha-2, upper case'),
  Name: z.string().describe('in the language asked for (English by default)')
})

export const CurrencySchema = z.object({
  Code: CurrencyCode,
  Name: z.string().describe('English name'),
  Decimals: z.number().int().min(0).max(4).describe('digits after the decimal point in amounts of this currency')
})

function prices (map: PriceMap, minorUnits: MinorUnitOverrides): Array<z.output<typeof PriceSchema>> {
  return Object.entries(map).map(([currency, minor]) => ({ Amount: fromMinor(minor, currency, minorUnits), Currency: currency }))
}

/** A catalog product in 2Checkout's Product shape. */
export function toWireProduct (product: FoundProduct, minorUnits: MinorUnitOverrides): WireProduct {
  const regular = prices(product.prices, minorUnits)
  return {
    ProductCode: product.code,
    ProductName: product.name,
    ProductType: 'REGULAR',
    Tangible: product.kind === 'PHYSICAL',
    Enabled: product.published,
    GeneratesSubscription: product.subscription !== null,
    SubscriptionInformation: product.subscription === null
      ? null
      : { BillingCycle: product.subscription.cycleLength, BillingCycleUnits: product.subscription.cycleUnit === 'DAY' ? 'D' : 'M' },
    Trial: product.trial === null ? null : { Allowed: product.trial.allowed, PeriodDays: product.trial.periodDays, Prices: prices(product.trial.prices, minorUnits) },
    AllowCustomPrice: product.allowCustomPrice,
    PricingConfigurations: [{
      Code: 'DEFAULT',
      Name: 'Default',
      Default: true,
      BillingCountries: [],
      PricingSchema: 'DYNAMIC',
      PriceType: 'NET',
      DefaultCurrency: regular[0]?.Currency ?? null,
      Prices: { Regular: regular.map((price) => ({ ...price, MinQuantity: 1, MaxQuantity: 99999 })) },
      PriceOptions: product.priceOptionGroups.map((group) => ({
        Code: group.code,
        Name: group.name,
        Type: 'RADIO',
        Required: group.required,
        Options: group.options.map((option) => ({
          Code: option.code,
          Name: option.name,
          PriceImpact: { ImpactOn: 'BASE', Impact: 'ADD', Method: 'FIXED', Amounts: prices(option.modifiers, minorUnits) }
        }))
      }))
    }]
  }
}

/** A shipping method's price for a cart in 2Checkout's shipping price shape. */
export function toWireShippingPrice (price: ShippingPrice, minorUnits: MinorUnitOverrides): z.output<typeof ShippingPriceSchema> {
  const amounts = (minor: bigint) => {
    const amount = fromMinor(minor, price.currency, minorUnits)
    return { TotalAmount: amount, BasePrice: amount, OverweightAmount: 0 as const, CountrySurcharge: 0 as const, WeightSurcharge: 0 as const, OrderSurcharge: 0 as const }
  }
  return {
    Name: price.name,
    Code: price.code,
    TrackingURL: null,
    Currency: price.currency,
    Default: price.isDefault,
    PriceDetails: { Net: amounts(price.netMinor), Gross: amounts(price.grossMinor) }
  }
}

export function toWireCountry (country: Country): z.output<typeof CountrySchema> {
  return { Code: country.code, Name: country.name }
}

export function toWireCurrency (currency: MerchantCurrency): z.output<typeof CurrencySchema> {
  return { Code: currency.code, Name: currency.name, Decimals: currency.minorUnits }
}

// ---------------------------------------------------------------------------------------------
// Params: 2Checkout's names; every field checked, unknown fields of the search refused.

const Page = z.number().int().min(1).max(1_000_000)
const Limit = z.number().int().min(1).max(200)

/** searchProducts' SearchOptions (2Checkout API 6.0); `null` is accepted where 2Checkout says "Can be NULL". */
export const SearchOptionsSchema = z.strictObject({
  Name: z.string().max(255).nullish().describe('a case-insensitive part of the product name'),
  Codes: z.array(z.string().min(1).max(256)).max(200).nullish().describe('exact product codes'),
  Types: z.array(z.enum(['REGULAR', 'BUNDLE'])).nullish().describe('ordergate has REGULAR products only'),
  Enabled: z.boolean().nullish(),
  GroupName: z.string().max(255).nullish().describe('ordergate has no product groups: a GroupName matches no product'),
  Limit: Limit.nullish().describe('as Pagination.Limit (the older place of it)'),
  Page: Page.nullish().describe('as Pagination.Page (the older place of it)'),
  OrderBy: z.strictObject({
    Field: z.enum(['ProductName', 'ProductCode']).nullish(),
    Direction: z.string().regex(/^(asc|desc)$/i, 'must be asc or desc').nullish().describe('default desc, as 2Checkout')
  }).nullish(),
  Pagination: z.strictObject({ Page: Page.nullish(), Limit: Limit.nullish() }).nullish()
}).superRefine((options, ctx) => {
  const { Pagination } = options
  if (Pagination == null) return
  for (const key of ['Page', 'Limit'] as const) {
    if (options[key] != null && Pagination[key] != null && options[key] !== Pagination[key]) {
      ctx.addIssue({ code: 'custom', path: [key], message: `${key} is given twice, differently: give Pagination.${key} only` })
    }
  }
})

export type SearchOptions = z.output<typeof SearchOptionsSchema>

/** SearchOptions → the catalog search, the page and the limit (default page 1 of 10, as 2Checkout). */
export function toProductSearch (options: SearchOptions): { search: ProductSearch, page: number, limit: number } {
  const page = options.Pagination?.Page ?? options.Page ?? 1
  const limit = options.Pagination?.Limit ?? options.Limit ?? 10
  // No product is a BUNDLE or in a group: such a search matches nothing (no code matches `[]`).
  const none = (options.Types != null && !options.Types.includes('REGULAR')) || (options.GroupName != null && options.GroupName !== '')
  const search: ProductSearch = {
    ...(options.Name != null ? { name: options.Name } : {}),
    ...(none ? { codes: [] } : options.Codes != null ? { codes: options.Codes } : {}),
    published: options.Enabled == null ? 'ALL' : options.Enabled ? 'PUBLISHED' : 'UNPUBLISHED',
    ...(options.OrderBy != null
      ? { order: { by: options.OrderBy.Field === 'ProductCode' ? 'code' : 'name', direction: options.OrderBy.Direction?.toLowerCase() === 'asc' ? 'asc' : 'desc' } }
      : {}),
    limit,
    offset: (page - 1) * limit
  }
  return { search, page, limit }
}
