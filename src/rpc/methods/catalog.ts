import { z } from 'zod'
import { findProductByCode, searchProducts } from '../../catalog/catalog-search.js'
import { CountrySchema, CurrencySchema, ProductSchema, ProductSearchPageSchema, SearchOptionsSchema, ShippingPriceSchema, toProductSearch, toWireCountry, toWireCurrency, toWireProduct, toWireShippingPrice } from '../../catalog/catalog-wire.js'
import { countryList, listMerchantCurrencies } from '../../catalog/reference-data.js'
import { quoteShippingPrices } from '../../catalog/shipping-price.js'
import { AppError, businessError } from '../../errors.js'
import { COUNTRY_CODES, isCountryCode, isLanguageCode } from '../../wire/field-checks.js'
import { normalisePaymentType } from '../../payments/payment-types.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

// Staff sessions read the catalog with the on-behalf privilege, as searchCatalog: the same data.
const CATALOG_ACCESS = { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] } as const
const CountryCode = z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code such as "US"').transform((c) => c.toUpperCase())

/** getProductByCode(sessionID, ProductCode) → the Product, enabled or not. */
export const getProductByCodeMethod = defineMethod({
  name: 'getProductByCode',
  summary: 'One product of this merchant\'s catalog by its code (2Checkout\'s Product: prices per currency, price options), enabled or not',
  params: z.object({ sessionID: z.string(), ProductCode: z.string().min(1).max(256) }),
  result: ProductSchema,
  session: true,
  access: CATALOG_ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'PRODUCT_NOT_FOUND'],
  handler: async (params, ctx) => {
    const { product, minorUnits } = await findProductByCode(ctx.deps.db, ctx.merchant.id, params.ProductCode)
    return toWireProduct(product, minorUnits)
  }
})

/** searchProducts(sessionID, SearchOptions) → {Items, Pagination {Page, Limit, Count}}. */
export const searchProductsMethod = defineMethod({
  name: 'searchProducts',
  summary: 'Searches this merchant\'s catalog by name, codes and Enabled; a page of Products (default page 1 of 10, at most 200) with the number of matches',
  params: z.object({ sessionID: z.string(), SearchOptions: SearchOptionsSchema.optional() }),
  result: ProductSearchPageSchema,
  session: true,
  access: CATALOG_ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    const { search, page, limit } = toProductSearch(params.SearchOptions ?? {})
    const found = await searchProducts(ctx.deps.db, ctx.merchant.id, search)
    return { Items: found.products.map((p) => toWireProduct(p, found.minorUnits)), Pagination: { Page: page, Limit: limit, Count: found.total } }
  }
})

/** getShippingPrice(sessionID, Items, BillingDetails, DeliveryDetails[, Currency, CouponCodes]) → the shipping methods for the cart. */
export const getShippingPriceMethod = defineMethod({
  name: 'getShippingPrice',
  summary: 'The merchant\'s shipping methods that can ship this cart, with their net and gross price in the currency (or each currency) — what placeOrder would charge',
  params: z.object({
    sessionID: z.string(),
    Items: z.array(z.strictObject({ Code: z.string().min(1).max(256), Quantity: z.number().int().min(1).max(1_000_000).default(1) })).min(1).max(200),
    BillingDetails: z.object({ CountryCode }).describe('only CountryCode is read (its VAT rate); the other fields of an order\'s BillingDetails are accepted'),
    DeliveryDetails: z.object({ CountryCode }).describe('only CountryCode is read; shipping prices do not vary by it in ordergate'),
    Currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code such as "USD"').transform((c) => c.toUpperCase()).nullish(),
    CouponCodes: z.array(z.string().min(1).max(64)).max(20).nullish().describe('checked as placeOrder checks Promotions; coupons never discount shipping')
  }),
  result: z.array(ShippingPriceSchema),
  session: true,
  access: CATALOG_ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_PRODUCT_CODE_INVALID', 'ORDER_PRODUCT_NOT_PUBLISHED', 'ORDER_PRODUCT_CURRENCY_INVALID', 'ORDER_ITEMS_QUANTITY_INVALID', 'PROMOTION_CODE_INVALID'],
  handler: async (params, ctx) => {
    const result = await quoteShippingPrices(ctx.deps.db, ctx.merchant.id, {
      items: params.Items.map((item) => ({ code: item.Code, quantity: item.Quantity })),
      billingCountry: params.BillingDetails.CountryCode,
      ...(params.Currency != null ? { currency: params.Currency } : {}),
      promotionCodes: params.CouponCodes ?? [],
      // staff of an assisted sale may sell unpublished products, as placeAssistedOrder
      allowUnpublished: ctx.user !== undefined,
      now: ctx.deps.clock.now()
    })
    if (!result.ok) throw businessError(result.errors.map((e) => ({ ...e, path: e.path.replace(/^Promotions\./, 'CouponCodes.') })))
    return result.prices.map((price) => toWireShippingPrice(price, result.minorUnits))
  }
})

/** getAvailableCountries(sessionID[, language]) → the countries, names in the language. */
export const getAvailableCountriesMethod = defineMethod({
  name: 'getAvailableCountries',
  summary: 'The countries this merchant can sell to (every ISO 3166-1 country), with names in the language (ISO 639-1, default English), sorted by name',
  params: z.object({
    sessionID: z.string(),
    language: z.string().refine(isLanguageCode, 'must be an ISO 639-1 two-letter language code such as "en"').transform((l) => l.toLowerCase()).nullish()
  }),
  result: z.array(CountrySchema),
  session: true,
  access: CATALOG_ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params) => countryList(COUNTRY_CODES, params.language ?? 'en').map(toWireCountry)
})

/** getAvailableCurrencies(sessionID[, countryCode, paymentMethod]) → the merchant's currencies. */
export const getAvailableCurrenciesMethod = defineMethod({
  name: 'getAvailableCurrencies',
  summary: 'The currencies this merchant\'s catalog sells in (a list price of a product in it); countryCode and paymentMethod go together and do not narrow the list',
  params: z.object({
    sessionID: z.string(),
    countryCode: CountryCode.nullish(),
    paymentMethod: z.string().refine((type) => normalisePaymentType(type) !== undefined, 'must be a PaymentDetails.Type of placeOrder, such as "CC"').nullish()
  }),
  result: z.array(CurrencySchema),
  session: true,
  access: CATALOG_ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    // 2Checkout: "If the countryCode parameter is used, the paymentMethod parameter must be used as well"
    if ((params.countryCode == null) !== (params.paymentMethod == null)) {
      const path = params.countryCode == null ? 'countryCode' : 'paymentMethod'
      throw new AppError('INVALID_PARAMS', { fields: [{ path, error_code: 'FIELD_INVALID', message: 'countryCode and paymentMethod are given together or not at all' }] })
    }
    return (await listMerchantCurrencies(ctx.deps.db, ctx.merchant.id)).map(toWireCurrency)
  }
})
