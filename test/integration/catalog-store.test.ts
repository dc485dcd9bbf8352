import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import t from 'tap'
import { createMerchant } from '../../src/auth/merchants.js'
import { createSecretBox } from '../../src/auth/secret-box.js'
import { normaliseCatalog, type Catalog, type CatalogFile } from '../../src/catalog/catalog-file.js'
import { searchProducts } from '../../src/catalog/catalog-search.js'
import {
  incrementPromotionUses,
  loadCatalog,
  loadCatalogFile,
  loadCatalogForCart,
  replaceCatalog
} from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { ensureDemoCatalog } from '../../src/catalog/demo.js'
import { priceCart, type Cart, type PricingResult } from '../../src/catalog/pricing.js'
import type { Database } from '../../src/db/schema.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../helpers/db.js'

const DEMO = normaliseCatalog(DEMO_CATALOG)
const secretBox = createSecretBox(Buffer.alloc(32, 7))

/** A second catalog that uses what the demo one does not: SKUs, attributes, AMOUNT cross-sell, dates, overrides. */
const SHOP_FILE: CatalogFile = {
  currencies: { XTS: 0 },
  products: [
    {
      code: 'T-SHIRT',
      name: 'Cotton T-shirt',
      kind: 'PHYSICAL',
      prices: { USD: '20.00', XTS: 2000 },
      attributes: { material: 'cotton', brand: 'Acme' },
      priceOptionGroups: [{
        code: 'PRINT',
        name: 'Print',
        required: true,
        options: [
          { code: 'PLAIN', name: 'Plain', modifiers: { USD: '0.00' } },
          { code: 'LOGO', name: 'Logo', modifiers: { USD: '3.50', XTS: 350 } }
        ]
      }],
      skus: [
        { code: 'TS-RED-L', name: 'Red, large', attributes: { color: 'red', size: 'L' }, priceOptions: ['LOGO'] },
        { code: 'TS-BLUE-M', name: 'Blue, medium', attributes: { color: 'blue', size: 'M' } }
      ],
      inventory: { onHand: 5, backorderLimit: 2 }
    },
    { code: 'DRAFT-EBOOK', name: 'Draft e-book', kind: 'DIGITAL', published: false, prices: { USD: '5.00' } },
    { code: 'MUG', name: 'Mug 100% ceramic', kind: 'PHYSICAL', prices: { USD: '8.00' } },
    { code: 'JUG', name: 'Jug 1000 ml', kind: 'PHYSICAL', prices: { USD: '12.00' } },
    { code: 'STICKER', name: 'Sticker', kind: 'PHYSICAL', prices: { USD: '1.00' }, subscription: { cycleUnit: 'DAY', cycleLength: 7 } }
  ],
  crossSellCampaigns: [
    { code: 'MUG-WITH-SHIRT', parentCode: 'T-SHIRT', productCode: 'MUG', discount: { type: 'AMOUNT', amounts: { USD: '2.00' } } }
  ],
  promotions: [
    { code: 'Limited5', name: 'Five uses only', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', maxUses: 5 },
    {
      code: 'SUMMER',
      name: 'Summer',
      type: 'FIXED',
      amounts: { USD: '3.00', XTS: 300 },
      appliesTo: 'PRODUCTS',
      productCodes: ['T-SHIRT'],
      currencies: ['USD', 'XTS'],
      validFrom: '2026-06-01',
      validUntil: '2026-08-31T22:00:00+02:00',
      enabled: false
    }
  ],
  shippingMethods: [
    { code: 'POST', name: 'Post', default: true, prices: { USD: '3.00' } },
    { code: 'COURIER', name: 'Courier', prices: { USD: '9.00', XTS: 900 } }
  ],
  vat: { DE: 19.5 }
}
const SHOP = normaliseCatalog(SHOP_FILE)

const CATALOG_TABLES = [
  'products', 'product_prices', 'price_option_groups', 'price_options', 'price_option_modifiers', 'product_skus',
  'inventory', 'cross_sell_campaigns', 'cross_sell_campaign_amounts', 'promotions', 'promotion_amounts',
  'shipping_methods', 'shipping_method_prices', 'vat_rates', 'merchant_currencies'
] as const

async function rowCounts (db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of CATALOG_TABLES) {
    const { rows } = await sql<{ n: bigint }>`select count(*) as n from ${sql.table(table)}`.execute(db)
    counts[table] = Number(rows[0]?.n)
  }
  return counts
}

async function newMerchant (db: TestDb): Promise<bigint> {
  const { merchant } = await createMerchant({ db: db.db, secretBox }, { code: `CAT${randomBytes(4).toString('hex').toUpperCase()}` })
  return merchant.id
}

const cartOf = (cart: Partial<Cart> & Pick<Cart, 'lines'>): Cart => ({
  currency: 'USD',
  billingCountry: 'DE',
  taxExempt: false,
  promotionCodes: [],
  now: new Date('2026-11-23T10:00:00Z'),
  ...cart
})

/** A pricing result without the catalog product each line carries (a subset holds fewer currencies). */
function moneyOf (result: PricingResult): unknown {
  return result.ok ? { ...result.cart, lines: result.cart.lines.map(({ product: _product, ...line }) => line) } : result
}

t.test('catalog store on PostgreSQL', async (t) => {
  const db = await createTestDb()
  t.teardown(() => db.close())

  t.test('replaceCatalog then loadCatalog gives back the normalised demo catalog', async (t) => {
    const merchantId = await newMerchant(db)
    const summary = await replaceCatalog(db.db, merchantId, DEMO)
    t.strictSame(summary, {
      products: 4,
      crossSellCampaigns: 1,
      promotions: 2,
      shippingMethods: 2,
      vatRates: 5,
      currencies: 0,
      archived: { products: 0, promotions: 0, shippingMethods: 0 }
    })
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO)
  })

  t.test('a catalog with SKUs, attributes, AMOUNT cross-sell, dates and currency overrides round-trips too', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, SHOP)
    t.strictSame(await loadCatalog(db.db, merchantId), SHOP)
  })

  t.test('loading the same catalog twice changes no row count and keeps ids, uses and reserved stock', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    const before = await rowCounts(db.db)
    const ids = await db.db.selectFrom('products').select(['id', 'code']).where('merchant_id', '=', merchantId).orderBy('code').execute()
    await incrementPromotionUses(db.db, merchantId, ['WELCOME10'])
    await db.db.updateTable('inventory').set({ reserved: 3, on_hand: 1 })
      .where('product_id', '=', ids.find((row) => row.code === 'BOOK-PRINT')?.id ?? 0n).execute()

    const summary = await replaceCatalog(db.db, merchantId, DEMO)
    t.strictSame(summary.archived, { products: 0, promotions: 0, shippingMethods: 0 })
    t.strictSame(await rowCounts(db.db), before, 'no row added or removed')
    t.strictSame(await db.db.selectFrom('products').select(['id', 'code']).where('merchant_id', '=', merchantId).orderBy('code').execute(), ids, 'same product ids')
    const book = await db.db.selectFrom('inventory').innerJoin('products', 'products.id', 'inventory.product_id')
      .select(['on_hand', 'backorder_limit', 'reserved']).where('products.merchant_id', '=', merchantId).executeTakeFirstOrThrow()
    t.strictSame(book, { on_hand: 100, backorder_limit: 10, reserved: 3 }, 'on hand from the file, reserved kept')
    t.strictSame((await loadCatalogForCart(db.db, merchantId, { productCodes: [], promotionCodes: ['WELCOME10'] })).promotionUses, { WELCOME10: 1 })
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO)
  })

  t.test('what a new file no longer names is archived: hidden everywhere, and back with its uses when named again', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    await incrementPromotionUses(db.db, merchantId, ['welcome10'])
    const smaller = normaliseCatalog({
      ...DEMO_CATALOG,
      products: DEMO_CATALOG.products.filter((product) => product.code !== 'BOOK-PRINT'),
      promotions: DEMO_CATALOG.promotions?.filter((promotion) => promotion.code !== 'WELCOME10') ?? [],
      shippingMethods: [{ code: 'EXPRESS', name: 'Express shipping', default: true, prices: { USD: '15.00' } }],
      vat: { DE: 19 }
    })
    const summary = await replaceCatalog(db.db, merchantId, smaller)
    t.strictSame(summary.archived, { products: 1, promotions: 1, shippingMethods: 1 })
    t.strictSame(await loadCatalog(db.db, merchantId), smaller)
    const cart = await loadCatalogForCart(db.db, merchantId, { productCodes: ['BOOK-PRINT'], promotionCodes: ['WELCOME10'] })
    t.strictSame([cart.products, cart.promotions], [[], []], 'archived product and promotion are not found')
    t.equal((await searchProducts(db.db, merchantId, { query: 'book', limit: 10, offset: 0 })).total, 0)
    t.strictSame(await incrementPromotionUses(db.db, merchantId, ['WELCOME10']), { counted: [], exhausted: ['WELCOME10'] })

    await replaceCatalog(db.db, merchantId, DEMO)
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO, 'the demo catalog is whole again')
    t.strictSame((await loadCatalogForCart(db.db, merchantId, { productCodes: [], promotionCodes: ['WELCOME10'] })).promotionUses, { WELCOME10: 1 }, 'the use count survived')
  })

  t.test('replaceCatalog runs in the caller\'s transaction: a rollback leaves the old catalog', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    await t.rejects(db.db.transaction().execute(async (trx) => {
      await replaceCatalog(trx, merchantId, SHOP)
      throw new Error('the caller changes its mind')
    }), /changes its mind/)
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO)
  })

  t.test('loadCatalogFile refuses an invalid file with its paths and writes nothing', async (t) => {
    const merchantId = await newMerchant(db)
    const result = await loadCatalogFile(db.db, merchantId, { products: [{ code: 'X', name: 'X', kind: 'DIGITAL', prices: { USD: '1.001' } }] })
    t.match(result, { ok: false, issues: [{ path: 'products.0.prices.USD' }] })
    t.strictSame((await loadCatalog(db.db, merchantId)).products, [])
    t.match(await loadCatalogFile(db.db, merchantId, DEMO_CATALOG), { ok: true, summary: { products: 4 } })
  })

  t.test('two merchants\' catalogs are separate, even with the same codes', async (t) => {
    const a = await newMerchant(db)
    const b = await newMerchant(db)
    const bCatalog = normaliseCatalog({
      ...SHOP_FILE,
      products: [...SHOP_FILE.products, { code: 'BOOK-PRINT', name: 'B\'s book', kind: 'PHYSICAL', prices: { USD: '99.00' } }],
      promotions: [...SHOP_FILE.promotions ?? [], { code: 'welcome10', name: 'B welcome', type: 'PERCENT', percent: 50, appliesTo: 'ORDER' }],
      shippingMethods: [{ code: 'STANDARD', name: 'B standard', default: true, prices: { USD: '1.00' } }]
    })
    await replaceCatalog(db.db, a, DEMO)
    await replaceCatalog(db.db, b, bCatalog)
    await incrementPromotionUses(db.db, b, ['WELCOME10'])

    t.strictSame(await loadCatalog(db.db, a), DEMO, 'A sees only its own catalog')
    t.strictSame(await loadCatalog(db.db, b), bCatalog, 'B sees only its own catalog')
    const aCart = await loadCatalogForCart(db.db, a, { productCodes: ['T-SHIRT', 'BOOK-PRINT'], promotionCodes: ['LIMITED5', 'WELCOME10'], billingCountry: 'DE' })
    t.strictSame(aCart.products.map((p) => [p.code, p.name, p.prices]), [['BOOK-PRINT', 'Printed book', { USD: 2500n, EUR: 2300n }]])
    t.strictSame(aCart.promotions.map((p) => [p.code, p.basisPoints]), [['WELCOME10', 1000]])
    t.strictSame(aCart.promotionUses, { WELCOME10: 0 }, 'B\'s use of its own WELCOME10 is not A\'s')
    t.strictSame(aCart.shippingMethods, DEMO.shippingMethods)
    t.strictSame(aCart.vat, { DE: 1900 })
    t.equal((await searchProducts(db.db, a, { query: 'shirt', limit: 10, offset: 0 })).total, 0, 'A\'s search never finds B\'s products')
    t.strictSame(await incrementPromotionUses(db.db, a, ['Limited5']), { counted: [], exhausted: ['Limited5'] })
  })

  t.test('loadCatalogForCart returns exactly what the cart needs', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    const [subscription, book, , addon] = DEMO.products
    const [welcome, fixed] = DEMO.promotions

    const cart = await loadCatalogForCart(db.db, merchantId, {
      productCodes: ['ADDON-1', 'NO-SUCH-PRODUCT', 'ADDON-1'],
      promotionCodes: [' welcome10 ', 'Fixed5Usd', 'NO-SUCH-COUPON'],
      billingCountry: 'de'
    })
    t.strictSame(cart, {
      minorUnits: {},
      products: [subscription, addon],
      crossSellCampaigns: DEMO.crossSellCampaigns,
      promotions: [welcome, fixed],
      shippingMethods: DEMO.shippingMethods,
      vat: { DE: 1900 },
      promotionUses: { WELCOME10: 0, FIXED5USD: 0 }
    }, 'the product, the parent of its campaign, the campaign, both coupons, the country\'s VAT')

    const none = await loadCatalogForCart(db.db, merchantId, { productCodes: ['BOOK-PRINT'], promotionCodes: [], billingCountry: 'US' })
    t.strictSame([none.products, none.crossSellCampaigns, none.promotions, none.vat], [[book], [], [], {}], 'no campaign on BOOK-PRINT, no US VAT')

    const eur = await loadCatalogForCart(db.db, merchantId, { productCodes: ['my_subscription_1', 'BOOK-PRINT'], promotionCodes: ['FIXED5USD'], currency: 'eur' })
    t.strictSame(eur.products.map((p) => p.prices), [{ EUR: 8900n }, { EUR: 2300n }], 'only EUR prices when the currency is given')
    t.strictSame(eur.products[0]?.priceOptionGroups[0]?.options.map((o) => o.modifiers), [{ EUR: 0n }, { EUR: 1800n }])
    t.strictSame(eur.shippingMethods.map((m) => m.prices), [{ EUR: 450n }, {}])
    t.strictSame(eur.promotions.map((p) => p.amounts), [{}])
    t.strictSame(eur.vat, DEMO.vat, 'every VAT rate without a billing country')
  })

  t.test('a cart priced from loadCatalogForCart costs what it costs against the whole catalog', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    const carts: Cart[] = [
      cartOf({
        lines: [
          { code: 'my_subscription_1', quantity: 1, priceOptions: ['PREMIUM'] },
          { code: 'ADDON-1', quantity: 2, crossSell: { parentCode: 'my_subscription_1', campaignCode: 'XSELL1' } }
        ],
        promotionCodes: ['welcome10']
      }),
      cartOf({ currency: 'EUR', billingCountry: 'FR', lines: [{ code: 'BOOK-PRINT', quantity: 3 }] }),
      cartOf({ lines: [{ code: 'BOOK-PRINT', quantity: 1 }], promotionCodes: ['FIXED5USD'], shippingMethodCode: 'express' })
    ]
    for (const cart of carts) {
      const subset = await loadCatalogForCart(db.db, merchantId, {
        productCodes: cart.lines.map((line) => line.code),
        promotionCodes: cart.promotionCodes,
        ...(cart.shippingMethodCode !== undefined ? { shippingMethodCode: cart.shippingMethodCode } : {}),
        currency: cart.currency,
        billingCountry: cart.billingCountry
      })
      const priced = priceCart(subset, { ...cart, promotionUses: subset.promotionUses })
      t.ok(priced.ok, JSON.stringify(priced.ok ? null : priced.errors))
      t.strictSame(moneyOf(priced), moneyOf(priceCart(DEMO, cart)), 'same lines, totals, shipping and promotions')
    }
  })

  t.test('incrementPromotionUses stops at max_uses under 20 concurrent calls', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, SHOP)
    const results = await Promise.all(Array.from({ length: 20 }, () => incrementPromotionUses(db.db, merchantId, ['LIMITED5'])))
    t.equal(results.filter((r) => r.counted.length === 1).length, 5, 'exactly max_uses succeed')
    t.equal(results.filter((r) => r.exhausted[0] === 'LIMITED5').length, 15, 'the others are told the code is exhausted')
    const row = await db.db.selectFrom('promotions').select(['uses', 'max_uses']).where('merchant_id', '=', merchantId).where('code', '=', 'Limited5').executeTakeFirstOrThrow()
    t.strictSame(row, { uses: 5, max_uses: 5 })
    t.strictSame((await loadCatalogForCart(db.db, merchantId, { productCodes: [], promotionCodes: ['limited5'] })).promotionUses, { Limited5: 5 })
  })

  t.test('incrementPromotionUses counts each code once per call, case-insensitively, and skips disabled ones', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, SHOP)
    t.strictSame(await incrementPromotionUses(db.db, merchantId, ['limited5', 'LIMITED5', 'summer', 'nope']), { counted: ['limited5'], exhausted: ['summer', 'nope'] })
    t.strictSame(await incrementPromotionUses(db.db, merchantId, []), { counted: [], exhausted: [] })
    const row = await db.db.selectFrom('promotions').select('uses').where('merchant_id', '=', merchantId).where('code', '=', 'Limited5').executeTakeFirstOrThrow()
    t.equal(row.uses, 1)
  })

  t.test('searchProducts', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, SHOP)
    const codes = async (search: Parameters<typeof searchProducts>[2]): Promise<string[]> =>
      (await searchProducts(db.db, merchantId, search)).products.map((p) => p.code)
    const page = { limit: 50, offset: 0 }

    t.strictSame(await codes({ ...page, query: 'COTTON t' }), ['T-SHIRT'], 'by name, case-insensitive substring')
    t.strictSame(await codes({ ...page, query: 'draft-eb' }), ['DRAFT-EBOOK'], 'by product code')
    t.strictSame(await codes({ ...page, query: 'acme' }), ['T-SHIRT'], 'by a product attribute value')
    t.strictSame(await codes({ ...page, query: 'blue' }), ['T-SHIRT'], 'by a SKU attribute value')
    t.strictSame(await codes({ ...page, query: 'ts-red' }), ['T-SHIRT'], 'by a SKU code')
    t.strictSame(await codes({ ...page, query: '100%' }), ['MUG'], 'LIKE wildcards in the query are literal')
    t.strictSame(await codes({ ...page, attributes: { color: 'red', size: 'L' } }), ['T-SHIRT'], 'by variant attributes of one SKU')
    t.strictSame(await codes({ ...page, attributes: { brand: 'Acme', color: 'blue' } }), ['T-SHIRT'], 'product and SKU attributes together')
    t.strictSame(await codes({ ...page, attributes: { color: 'red', size: 'M' } }), [], 'no single SKU is red and M')
    t.strictSame(await codes({ ...page, sku: 'medium' }), ['T-SHIRT'], 'by SKU name')
    t.strictSame(await codes({ ...page, sku: 'nope' }), [])
    t.strictSame(await codes({ ...page, published: 'UNPUBLISHED' }), ['DRAFT-EBOOK'])
    t.strictSame(await codes({ ...page, published: 'PUBLISHED' }), ['T-SHIRT', 'JUG', 'MUG', 'STICKER'])
    t.strictSame(await codes(page), ['T-SHIRT', 'DRAFT-EBOOK', 'JUG', 'MUG', 'STICKER'], 'all, by name')

    const second = await searchProducts(db.db, merchantId, { limit: 2, offset: 2 })
    t.equal(second.total, 5, 'the total counts every match, not the page')
    t.strictSame(second.products.map((p) => p.code), ['JUG', 'MUG'])

    const [shirt] = (await searchProducts(db.db, merchantId, { query: 'shirt', limit: 1, offset: 0 })).products
    const tShirt = SHOP.products[0]
    if (tShirt === undefined) throw new Error('SHOP has no products')
    const { inventory: _inventory, ...expected } = tShirt
    t.strictSame(shirt, { ...expected, inventory: { onHand: 5, reserved: 0, backorderLimit: 2, available: 7 } }, 'with prices, options, SKUs and stock')
    await t.rejects(searchProducts(db.db, merchantId, { limit: 0, offset: 0 }), RangeError)
  })

  t.test('the database refuses a negative price and a second default shipping method', async (t) => {
    const merchantId = await newMerchant(db)
    await replaceCatalog(db.db, merchantId, DEMO)
    const product = await db.db.selectFrom('products').select('id').where('merchant_id', '=', merchantId).where('code', '=', 'ADDON-1').executeTakeFirstOrThrow()
    await t.rejects(
      db.db.insertInto('product_prices').values({ product_id: product.id, price_type: 'LIST', currency: 'GBP', amount_minor: -1n }).execute(),
      { code: '23514', constraint: 'product_prices_amount_minor_check' }
    )
    await t.rejects(
      db.db.updateTable('shipping_methods').set({ is_default: true }).where('merchant_id', '=', merchantId).where('code', '=', 'EXPRESS').execute(),
      { code: '23505', constraint: 'shipping_methods_one_default_key' }
    )
    await t.rejects(
      db.db.insertInto('promotions').values({ merchant_id: merchantId, code: 'Welcome10', name: 'dup', type: 'PERCENT', applies_to: 'ORDER' }).execute(),
      { code: '23505', constraint: 'promotions_merchant_code_key' },
      'promotion codes are unique per merchant case-insensitively'
    )
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO, 'nothing changed')
  })

  t.test('ensureDemoCatalog loads the demo catalog once, only for a merchant without products', async (t) => {
    const merchantId = await newMerchant(db)
    t.equal(await ensureDemoCatalog(db.db, merchantId), true)
    t.strictSame(await loadCatalog(db.db, merchantId), DEMO)
    t.equal(await ensureDemoCatalog(db.db, merchantId), false)
    const other = await newMerchant(db)
    await replaceCatalog(db.db, other, SHOP)
    t.equal(await ensureDemoCatalog(db.db, other), false, 'a merchant with its own catalog is left alone')
    t.strictSame(await loadCatalog(db.db, other), SHOP)
  })
})

t.test('on the embedded backend, the same store code loads, reads, counts and searches the catalog', async (t) => {
  const db = await createEmbeddedTestDb()
  t.teardown(() => db.close())
  const merchantId = await newMerchant(db)
  await replaceCatalog(db.db, merchantId, SHOP)
  t.strictSame(await loadCatalog(db.db, merchantId), SHOP)
  await replaceCatalog(db.db, merchantId, DEMO)
  t.strictSame(await loadCatalog(db.db, merchantId), DEMO)
  const cart: Catalog = await loadCatalogForCart(db.db, merchantId, { productCodes: ['ADDON-1'], promotionCodes: ['welcome10'], billingCountry: 'DE' })
  t.strictSame(cart.products.map((p) => p.code), ['my_subscription_1', 'ADDON-1'])
  const results = await Promise.all(Array.from({ length: 3 }, () => incrementPromotionUses(db.db, merchantId, ['welcome10'])))
  t.strictSame(results.map((r) => r.counted), [['welcome10'], ['welcome10'], ['welcome10']])
  t.strictSame((await searchProducts(db.db, merchantId, { query: 'book', limit: 10, offset: 0 })).products.map((p) => [p.code, p.inventory]),
    [['BOOK-PRINT', { onHand: 100, reserved: 0, backorderLimit: 10, available: 110 }]])
})
