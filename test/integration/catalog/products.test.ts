import t from 'tap'
import { loadCatalogFile } from '../../../src/catalog/catalog-store.js'
import { ProductSchema, ProductSearchPageSchema } from '../../../src/catalog/catalog-wire.js'
import { B_CATALOG, BACKENDS, fieldsOf, lookupMerchants } from '../../helpers/catalog-lookups.js'

// getProductByCode and searchProducts (issue 18, item 4): 2Checkout's Product shape, merchant
// isolation, unpublished and archived products, pagination, strict params.

const regular = (amount: number, currency: string) => ({ Amount: amount, Currency: currency, MinQuantity: 1, MaxQuantity: 99999 })
const impact = (amounts: Array<[number, string]>) => ({ ImpactOn: 'BASE', Impact: 'ADD', Method: 'FIXED', Amounts: amounts.map(([Amount, Currency]) => ({ Amount, Currency })) })
const configuration = (prices: ReturnType<typeof regular>[], options: unknown[] = []) => [{
  Code: 'DEFAULT',
  Name: 'Default',
  Default: true,
  BillingCountries: [],
  PricingSchema: 'DYNAMIC',
  PriceType: 'NET',
  DefaultCurrency: prices[0]?.Currency ?? null,
  Prices: { Regular: prices },
  PriceOptions: options
}]

const MY_SUBSCRIPTION_1 = {
  ProductCode: 'my_subscription_1',
  ProductName: 'My Subscription 1',
  ProductType: 'REGULAR',
  Tangible: false,
  Enabled: true,
  GeneratesSubscription: true,
  SubscriptionInformation: { BillingCycle: 1, BillingCycleUnits: 'M' },
  Trial: { Allowed: true, PeriodDays: 30, Prices: [{ Amount: 0, Currency: 'EUR' }, { Amount: 0, Currency: 'GBP' }, { Amount: 0, Currency: 'USD' }] },
  AllowCustomPrice: false,
  PricingConfigurations: configuration([regular(89, 'EUR'), regular(79, 'GBP'), regular(99, 'USD')], [{
    Code: 'SUPPORT',
    Name: 'Support level',
    Type: 'RADIO',
    Required: false,
    Options: [
      { Code: 'BASIC', Name: 'Basic support', PriceImpact: impact([[0, 'EUR'], [0, 'GBP'], [0, 'USD']]) },
      { Code: 'PREMIUM', Name: 'Premium support', PriceImpact: impact([[18, 'EUR'], [16, 'GBP'], [20, 'USD']]) }
    ]
  }])
}

const HIDDEN_1 = {
  ProductCode: 'HIDDEN-1',
  ProductName: 'Hidden gadget',
  ProductType: 'REGULAR',
  Tangible: true,
  Enabled: false,
  GeneratesSubscription: false,
  SubscriptionInformation: null,
  Trial: null,
  AllowCustomPrice: false,
  // USD has 3 decimals in B's catalog file: the amount keeps them
  PricingConfigurations: configuration([regular(1500, 'JPY'), regular(12.345, 'USD')])
}

for (const [backend, open] of BACKENDS) {
  t.test(`on ${backend}`, async (t) => {
    const { ta, a, b } = await lookupMerchants(t, open)
    const codes = (reply: { result?: { Items?: Array<{ ProductCode: string }> } }) => reply.result?.Items?.map((p) => p.ProductCode)

    t.test('getProductByCode answers the merchant\'s product in 2Checkout\'s Product shape, whatever the session may call it with', async (t) => {
      for (const [label, session] of [['API session', a.apiSession], ['staff session', a.staffSession]] as const) {
        const reply = await ta.rpc('getProductByCode', [session, 'my_subscription_1'])
        t.same(reply, { jsonrpc: '2.0', id: 1, result: MY_SUBSCRIPTION_1 }, `${label}: the whole product`)
        t.ok(ProductSchema.safeParse(reply.result).success, `${label}: the result validates against its schema`)
      }
      t.same((await ta.rpc('getProductByCode', { sessionID: b.apiSession, ProductCode: 'HIDDEN-1' })).result, HIDDEN_1, 'an unpublished physical product, by name params, with the merchant\'s 3-decimal USD')
      t.match((await ta.rpc('getProductByCode', [b.apiSession, 'DAILY'])).result, { GeneratesSubscription: true, SubscriptionInformation: { BillingCycle: 7, BillingCycleUnits: 'D' } }, 'a subscription in days')
    })

    t.test('getProductByCode of another merchant\'s, an unknown or an archived product is PRODUCT_NOT_FOUND naming ProductCode; a code both have is one\'s own', async (t) => {
      for (const [session, code] of [[b.apiSession, 'BOOK-PRINT'], [a.apiSession, 'HIDDEN-1'], [a.staffSession, 'HIDDEN-1'], [a.apiSession, 'book-print']] as const) {
        const { error } = await ta.rpc('getProductByCode', [session, code])
        t.type(error?.data?.requestId, 'string')
        t.same({ ...error, data: { ...error?.data, requestId: 'R' } }, {
          code: 55201,
          message: `Product not found: ProductCode: no product ${code} in this merchant's catalog`,
          data: { error_code: 'PRODUCT_NOT_FOUND', reason: 'PRODUCT_NOT_FOUND', fields: [{ path: 'ProductCode', error_code: 'PRODUCT_NOT_FOUND', message: `no product ${code} in this merchant's catalog` }], requestId: 'R' }
        }, `${code}: not found (codes match exactly)`)
      }
      t.match((await ta.rpc('getProductByCode', [b.apiSession, 'my_subscription_1'])).result, { ProductName: 'B subscription', PricingConfigurations: [{ Prices: { Regular: [{ Amount: 1, Currency: 'USD' }] } }] }, 'B\'s own my_subscription_1')

      const reloaded = await loadCatalogFile(ta.db.db, b.merchantId, { ...B_CATALOG, products: (B_CATALOG.products).filter((p) => p.code !== 'DAILY') })
      t.ok(reloaded.ok)
      t.match((await ta.rpc('getProductByCode', [b.apiSession, 'DAILY'])).error, { code: 55201, data: { error_code: 'PRODUCT_NOT_FOUND' } }, 'a product the catalog no longer names is archived: not found')
      t.ok((await loadCatalogFile(ta.db.db, b.merchantId, B_CATALOG)).ok, 'B\'s catalog restored')
    })

    t.test('searchCatalog (staff) shares the search, and now its amounts keep the merchant\'s decimals too', async (t) => {
      const reply = await ta.rpc('searchCatalog', [b.staffSession, { Text: 'HIDDEN' }])
      t.same(reply.result?.Products?.map((p: { Code: string, Prices: unknown }) => [p.Code, p.Prices]), [['HIDDEN-1', { JPY: 1500, USD: 12.345 }]], 'USD 12.345 (3 decimals), not 123.45')
    })

    t.test('getProductByCode refuses bad params with their paths', async (t) => {
      t.same(fieldsOf(await ta.rpc('getProductByCode', [a.apiSession])), [['ProductCode', 'FIELD_REQUIRED']])
      t.same(fieldsOf(await ta.rpc('getProductByCode', [a.apiSession, ''])), [['ProductCode', 'FIELD_REQUIRED']])
      t.same(fieldsOf(await ta.rpc('getProductByCode', [a.apiSession, 42])), [['ProductCode', 'FIELD_TYPE_INVALID']])
      t.same(fieldsOf(await ta.rpc('getProductByCode', [a.apiSession, 'x'.repeat(257)])), [['ProductCode', 'FIELD_TOO_LONG']])
      t.same(fieldsOf(await ta.rpc('getProductByCode', [a.apiSession, 'x', 'y'])), [['params', 'PARAMS_TOO_MANY']])
    })

    t.test('searchProducts: every product of the merchant by name, page 1 of 10 by default, with the number of matches', async (t) => {
      const reply = await ta.rpc('searchProducts', [a.apiSession, {}])
      t.same(codes(reply), ['ADDON-1', 'my_subscription_1', 'PAY-WHAT-YOU-WANT', 'BOOK-PRINT'], 'by name: Add-on 1, My Subscription 1, Pay what you want, Printed book')
      t.same(reply.result.Pagination, { Page: 1, Limit: 10, Count: 4 })
      t.same(reply.result.Items[1], MY_SUBSCRIPTION_1, 'each item is the Product getProductByCode answers')
      t.ok(ProductSearchPageSchema.safeParse(reply.result).success, 'the result validates against its schema')
      t.same(codes(await ta.rpc('searchProducts', [a.apiSession])), codes(reply), 'SearchOptions may be left out')
      t.same(codes(await ta.rpc('searchProducts', [b.apiSession, {}])), ['my_subscription_1', 'DAILY', 'HIDDEN-1'], 'B sees its own three products, the unpublished one too, none of A\'s')
    })

    t.test('searchProducts filters by Name, Codes, Enabled, Types and GroupName', async (t) => {
      const search = async (options: unknown, session = a.apiSession) => codes(await ta.rpc('searchProducts', [session, options]))
      t.same(await search({ Name: 'BOOK' }), ['BOOK-PRINT'], 'a part of the name, case-insensitively')
      t.same(await search({ Name: 'ADDON' }), [], 'the name only, not the code')
      t.same(await search({ Name: '%' }), [], 'LIKE wildcards are taken literally')
      t.same(await search({ Codes: ['BOOK-PRINT', 'ADDON-1', 'NOPE', 'HIDDEN-1'] }), ['ADDON-1', 'BOOK-PRINT'], 'exact codes, the merchant\'s only')
      t.same(await search({ Enabled: false }, b.apiSession), ['HIDDEN-1'])
      t.same(await search({ Enabled: true }, b.apiSession), ['my_subscription_1', 'DAILY'])
      t.same(await search({ Enabled: null, Name: null, Codes: null, Types: null }, b.apiSession), ['my_subscription_1', 'DAILY', 'HIDDEN-1'], 'null is "not given", as 2Checkout\'s "Can be NULL"')
      t.same(await search({ Types: ['REGULAR', 'BUNDLE'] }), ['ADDON-1', 'my_subscription_1', 'PAY-WHAT-YOU-WANT', 'BOOK-PRINT'])
      t.same(await search({ Types: ['BUNDLE'] }), [], 'no bundles in ordergate')
      const groups = await ta.rpc('searchProducts', [a.apiSession, { GroupName: 'General' }])
      t.same([groups.result.Items, groups.result.Pagination.Count], [[], 0], 'no product groups in ordergate')
    })

    t.test('searchProducts pages with Pagination {Page, Limit} (or the older Page and Limit) and orders by OrderBy', async (t) => {
      const page = async (options: unknown) => (await ta.rpc('searchProducts', [a.apiSession, options])).result
      t.same(await page({ Pagination: { Page: 2, Limit: 3 } }), { Items: [(await page({ Codes: ['BOOK-PRINT'] })).Items[0]], Pagination: { Page: 2, Limit: 3, Count: 4 } }, 'the 4th product on page 2 of 3')
      t.same(codes({ result: await page({ Page: 2, Limit: 2 }) }), ['PAY-WHAT-YOU-WANT', 'BOOK-PRINT'])
      t.same((await page({ Pagination: { Page: 9 } })).Pagination, { Page: 9, Limit: 10, Count: 4 }, 'a page past the end is empty, the count stays')
      t.same(codes({ result: await page({ OrderBy: { Field: 'ProductName' } }) }), ['BOOK-PRINT', 'PAY-WHAT-YOU-WANT', 'my_subscription_1', 'ADDON-1'], 'Direction defaults to desc, as 2Checkout')
      t.same(codes({ result: await page({ OrderBy: { Field: 'ProductName', Direction: 'ASC' } }) }), ['ADDON-1', 'my_subscription_1', 'PAY-WHAT-YOU-WANT', 'BOOK-PRINT'])
      t.same(codes({ result: await page({ Codes: ['ADDON-1', 'BOOK-PRINT'], OrderBy: { Field: 'ProductCode', Direction: 'desc' } }) }), ['BOOK-PRINT', 'ADDON-1'])
    })

    t.test('searchProducts refuses bad SearchOptions with their paths and answers nothing else', async (t) => {
      const refused = async (options: unknown) => fieldsOf(await ta.rpc('searchProducts', [a.apiSession, options]))
      t.same(await refused({ Limit: 201 }), [['SearchOptions.Limit', 'FIELD_OUT_OF_RANGE']], 'at most 200 a page, as 2Checkout')
      t.same(await refused({ Pagination: { Page: 0 } }), [['SearchOptions.Pagination.Page', 'FIELD_OUT_OF_RANGE']])
      t.same(await refused({ Pagination: { Limit: 1.5 } }), [['SearchOptions.Pagination.Limit', 'FIELD_TYPE_INVALID']])
      t.same(await refused({ Limit: 5, Pagination: { Limit: 6 } }), [['SearchOptions.Limit', 'FIELD_INVALID']], 'the page size given twice, differently')
      t.same(await refused({ Codes: 'BOOK-PRINT' }), [['SearchOptions.Codes', 'FIELD_TYPE_INVALID']])
      t.same(await refused({ Types: ['SIMPLE'] }), [['SearchOptions.Types.0', 'FIELD_INVALID']])
      t.same(await refused({ Enabled: 'yes' }), [['SearchOptions.Enabled', 'FIELD_TYPE_INVALID']])
      t.same(await refused({ OrderBy: { Field: 'AvangateId' } }), [['SearchOptions.OrderBy.Field', 'FIELD_INVALID']], 'the order fields ordergate has')
      t.same(await refused({ OrderBy: { Field: 'ProductName', Direction: 'up' } }), [['SearchOptions.OrderBy.Direction', 'FIELD_INVALID']])
      t.same(await refused({ Nmae: 'book' }), [['SearchOptions.Nmae', 'FIELD_UNKNOWN']], 'a misspelt option is refused, not ignored')
      t.same(await refused('book'), [['SearchOptions', 'FIELD_TYPE_INVALID']])
    })
  })
}
