import t from 'tap'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import {
  CatalogFileSchema,
  formatCatalogIssues,
  normaliseCatalog,
  parseCatalogFile
} from '../../../src/catalog/catalog-file.js'
import type { CatalogFile } from '../../../src/catalog/catalog-file.js'
import { DEMO_CATALOG } from '../../../src/catalog/demo-catalog.js'

const DEMO_JSON = fileURLToPath(new URL('../../../samples/catalog/demo-catalog.json', import.meta.url))

const minimal = (): CatalogFile => ({
  products: [{ code: 'P1', name: 'Product one', kind: 'DIGITAL', prices: { USD: '10.00' } }]
})

const issuesOf = (input: unknown): { path: string, message: string }[] => {
  const result = parseCatalogFile(input)
  if (result.ok) throw new Error('expected the catalog to be refused')
  return [...result.issues]
}

t.test('samples/catalog/demo-catalog.json equals DEMO_CATALOG and parses', async t => {
  const json: unknown = JSON.parse(await readFile(DEMO_JSON, 'utf8'))
  t.same(json, DEMO_CATALOG)
  t.strictSame(json, JSON.parse(JSON.stringify(DEMO_CATALOG)))
  const parsed = parseCatalogFile(json)
  t.equal(parsed.ok, true)
})

t.test('the demo catalog normalises to minor units and basis points (SPEC §6)', async t => {
  const catalog = normaliseCatalog(DEMO_CATALOG)
  t.same(catalog.products.map(p => p.code), ['my_subscription_1', 'BOOK-PRINT', 'PAY-WHAT-YOU-WANT', 'ADDON-1'])
  const [sub, book, pwyw, addon] = catalog.products
  t.same(sub?.prices, { USD: 9900n, EUR: 8900n, GBP: 7900n })
  t.equal(sub?.kind, 'DIGITAL')
  t.same(sub?.subscription, { cycleUnit: 'MONTH', cycleLength: 1 })
  t.same(sub?.trial, { allowed: true, periodDays: 30, prices: { USD: 0n, EUR: 0n, GBP: 0n } })
  t.same(sub?.priceOptionGroups, [{
    code: 'SUPPORT',
    name: 'Support level',
    required: false,
    options: [
      { code: 'BASIC', name: 'Basic support', modifiers: { USD: 0n, EUR: 0n, GBP: 0n } },
      { code: 'PREMIUM', name: 'Premium support', modifiers: { USD: 2000n, EUR: 1800n, GBP: 1600n } }
    ]
  }])
  t.same(book?.prices, { USD: 2500n, EUR: 2300n })
  t.equal(book?.kind, 'PHYSICAL')
  t.same(book?.inventory, { onHand: 100, backorderLimit: 10 })
  t.equal(pwyw?.allowCustomPrice, true)
  t.equal(addon?.allowCustomPrice, false)
  t.same(addon?.prices, { USD: 1000n })
  t.equal(addon?.published, true, 'published defaults to true')
  t.same(catalog.crossSellCampaigns, [{ code: 'XSELL1', parentCode: 'my_subscription_1', productCode: 'ADDON-1', discount: { type: 'PERCENT', basisPoints: 2000 } }])
  t.same(catalog.promotions.map(p => [p.code, p.type, p.appliesTo, p.basisPoints, p.amounts, p.currencies, p.enabled]), [
    ['WELCOME10', 'PERCENT', 'PRODUCTS', 1000, {}, [], true],
    ['FIXED5USD', 'FIXED', 'ORDER', 0, { USD: 500n }, ['USD'], true]
  ])
  t.same(catalog.shippingMethods, [
    { code: 'STANDARD', name: 'Standard shipping', isDefault: true, prices: { USD: 500n, EUR: 450n } },
    { code: 'EXPRESS', name: 'Express shipping', isDefault: false, prices: { USD: 1500n } }
  ])
  t.same(catalog.vat, { DE: 1900, FR: 2000, RO: 1900, GB: 2000, NL: 2100 })
})

t.test('a minimal file gets its defaults', async t => {
  const catalog = normaliseCatalog(minimal())
  t.same(catalog.products[0], {
    code: 'P1',
    name: 'Product one',
    kind: 'DIGITAL',
    published: true,
    allowCustomPrice: false,
    prices: { USD: 1000n },
    priceOptionGroups: [],
    trial: null,
    subscription: null,
    skus: [],
    inventory: null,
    attributes: {}
  })
  t.same(catalog.promotions, [])
  t.same(catalog.shippingMethods, [])
  t.same(catalog.vat, {})
  t.same(catalog.minorUnits, {})
})

t.test('amounts follow their currency precision, with overrides', async t => {
  const catalog = normaliseCatalog({
    currencies: { XTS: 4 },
    products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { JPY: 1200, BHD: '12.345', USD: 0.1, XTS: '1.2345' } }],
    vat: { DE: 19, ES: 20.5 }
  })
  t.same(catalog.products[0]?.prices, { JPY: 1200n, BHD: 12345n, USD: 10n, XTS: 12345n })
  t.same(catalog.vat, { DE: 1900, ES: 2050 })
  t.same(catalog.minorUnits, { XTS: 4 })
})

t.test('bad files are refused with readable paths', async t => {
  t.same(issuesOf({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { JPY: '10.5' } }] }), [
    { path: 'products.0.prices.JPY', message: '10.5 has more than 0 decimal places for JPY' }
  ])
  t.same(issuesOf({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { USD: '1.005' } }] }), [
    { path: 'products.0.prices.USD', message: '1.005 has more than 2 decimal places for USD' }
  ])

  const kind = issuesOf({ products: [{ code: 'P', name: 'P', kind: 'EBOOK', prices: { USD: '1.00' } }] })
  t.equal(kind.length, 1)
  t.equal(kind[0]?.path, 'products.0.kind')

  const negative = issuesOf({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { USD: '-1.00' } }] })
  t.equal(negative[0]?.path, 'products.0.prices.USD')
  t.match(negative[0]?.message, /non-negative decimal/)

  const lowerCurrency = issuesOf({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { usd: '1.00' } }] })
  t.equal(lowerCurrency[0]?.path, 'products.0.prices.usd')
  t.match(lowerCurrency[0]?.message, /ISO 4217/)

  t.same(issuesOf({ ...minimal(), vat: { de: 19 }, currencies: { xts: 2 } }), [
    { path: 'currencies.xts', message: 'must be an upper-case ISO 4217 code such as "USD"' },
    { path: 'vat.de', message: 'must be an upper-case ISO 3166 alpha-2 code such as "DE"' }
  ])

  const typo = issuesOf({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { USD: '1.00' }, publshed: false }] })
  t.equal(typo[0]?.path, 'products.0')
  t.match(typo[0]?.message, /publshed/)

  t.same(issuesOf({ products: 'none' }).map(i => i.path), ['products'])
  t.same(issuesOf(null).map(i => i.path), [''])
  const longCode = issuesOf({ products: [{ code: 'x'.repeat(257), name: 'P', kind: 'DIGITAL', prices: { USD: '1' } }] })
  t.same(longCode.map(i => i.path), ['products.0.code'])
})

t.test('references and business rules inside the file are checked', async t => {
  const issues = issuesOf({
    products: [
      {
        code: 'A',
        name: 'A',
        kind: 'DIGITAL',
        prices: {},
        inventory: { onHand: 1 },
        priceOptionGroups: [
          { code: 'G1', name: 'G1', options: [{ code: 'O', name: 'O', modifiers: {} }] },
          { code: 'G2', name: 'G2', options: [{ code: 'O', name: 'O again', modifiers: {} }] }
        ],
        skus: [{ code: 'A-1', priceOptions: ['NOPE'] }]
      },
      { code: 'A', name: 'A twin', kind: 'DIGITAL', prices: { USD: '1.00' } }
    ],
    crossSellCampaigns: [
      { code: 'X', parentCode: 'MISSING', productCode: 'A', discountPercent: 10 },
      { code: 'Y', parentCode: 'A', productCode: 'A' }
    ],
    promotions: [
      { code: 'P10', name: 'p', type: 'PERCENT', appliesTo: 'PRODUCTS', productCodes: ['GHOST'] },
      { code: 'p10', name: 'p', type: 'FIXED', percent: 5, appliesTo: 'ORDER' },
      { code: 'WIN', name: 'w', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', validFrom: '2026-02-01', validUntil: '2026-01-01' }
    ],
    shippingMethods: [
      { code: 'S1', name: 'S1', default: true, prices: { USD: '1.00' } },
      { code: 'S2', name: 'S2', default: true, prices: { USD: '2.00' } }
    ],
    vat: { DE: 19.125 }
  })
  t.same(issues.map(i => `${i.path}: ${i.message}`).sort(), [
    'crossSellCampaigns.0.parentCode: unknown product "MISSING"',
    'crossSellCampaigns.1: give exactly one of discountPercent and discount',
    'crossSellCampaigns.1.productCode: a product cannot be cross-sold under itself',
    'products.0.inventory: inventory is kept for PHYSICAL products only',
    'products.0.prices: a product needs a price in at least one currency unless it allows a custom price',
    'products.0.priceOptionGroups.1.options.0.code: duplicate price option code "O" in product A',
    'products.0.skus.0.priceOptions.0: unknown price option "NOPE" of product A',
    'products.1.code: duplicate product code "A"',
    'promotions.0.percent: a PERCENT promotion needs a percent above 0',
    'promotions.0.productCodes.0: unknown product "GHOST"',
    'promotions.1.amounts: a FIXED promotion needs an amount in at least one currency',
    'promotions.1.code: duplicate promotion code "p10"',
    'promotions.1.percent: percent belongs to PERCENT promotions',
    'promotions.2.validUntil: validUntil must be after validFrom',
    'shippingMethods: at most one shipping method may be the default (found S1, S2)',
    'vat.DE: percentage 19.125 has more than 2 decimal places'
  ].sort())
})

t.test('promotion validity dates: a date alone runs through the end of that UTC day', async t => {
  const catalog = normaliseCatalog({
    ...minimal(),
    promotions: [
      { code: 'D', name: 'd', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', validFrom: '2026-01-01', validUntil: '2026-01-31' },
      { code: 'T', name: 't', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', validFrom: '2026-01-01T10:00:00+02:00', validUntil: '2026-01-02T00:00:00Z' }
    ]
  })
  t.same(catalog.promotions.map(p => [p.validFrom?.toISOString(), p.validUntil?.toISOString()]), [
    ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00.000Z', '2026-01-02T00:00:00.000Z']
  ])
})

t.test('normaliseCatalog throws a readable RangeError on an invalid file; formatCatalogIssues is one line', async t => {
  t.throws(() => normaliseCatalog({ products: [{ code: 'P', name: 'P', kind: 'DIGITAL', prices: { JPY: '1.5' } }] }), {
    name: 'RangeError',
    message: 'Invalid catalog: products.0.prices.JPY: 1.5 has more than 0 decimal places for JPY'
  })
  t.equal(formatCatalogIssues([{ path: '', message: 'a' }, { path: 'x.0', message: 'b' }]), '(file): a; x.0: b')
  t.equal(CatalogFileSchema.safeParse(DEMO_CATALOG).success, true)
})

t.test('text PostgreSQL cannot store and deep nesting are refused with their path, never thrown', async t => {
  const lone = 'text must be valid Unicode: a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair) cannot be stored'
  // as `ordergate catalog load` reads them: JSON escapes make lone surrogates and U+0000
  const file = JSON.parse('{"products":[{"code":"P1","name":"Bad \\ud800 name","kind":"DIGITAL","prices":{"USD":"1.00"},"attributes":{"col\\udc00or":"red","size":"x\\u0000"}}]}')
  t.same(issuesOf(file), [
    { path: 'products.0.name', message: lone },
    { path: 'products.0.attributes.col\uFFFDor', message: `the key: ${lone}` },
    { path: 'products.0.attributes.size', message: 'text must not contain the NUL character (U+0000)' }
  ])
  const deep = JSON.parse(`{"products":[{"code":"P1","name":"n","kind":"DIGITAL","prices":{"USD":"1.00"},"attributes":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`)
  t.same(issuesOf(deep).map(i => i.message), ['arrays and objects may nest at most 32 levels deep'])
  t.equal(parseCatalogFile({ ...minimal(), products: [{ code: 'P1', name: 'Zoë 😀', kind: 'DIGITAL', prices: { USD: '10.00' } }] }).ok, true, 'valid pairs and accents pass')
})
