import t from 'tap'
import fc from 'fast-check'
import { normaliseCatalog } from '../../../src/catalog/catalog-file.js'
import type { Catalog, CatalogFile } from '../../../src/catalog/catalog-file.js'
import { DEMO_CATALOG } from '../../../src/catalog/demo-catalog.js'
import { fromMinor } from '../../../src/catalog/money.js'
import { priceCart } from '../../../src/catalog/pricing.js'
import type { Cart, CartLine, PricedCart, PricedLine, PricingError } from '../../../src/catalog/pricing.js'

const DEMO = normaliseCatalog(DEMO_CATALOG)
const NOW = new Date('2026-03-15T12:00:00Z')

type CartInput = Partial<Cart> & { lines: readonly CartLine[] }

const cartOf = (input: CartInput): Cart => ({
  currency: 'USD',
  billingCountry: 'US',
  taxExempt: false,
  promotionCodes: [],
  now: NOW,
  ...input
})

function priced (input: CartInput, catalog: Catalog = DEMO): PricedCart {
  const result = priceCart(catalog, cartOf(input))
  if (!result.ok) throw new Error(`expected a priced cart, got ${JSON.stringify(result.errors)}`)
  assertSumsOfParts(result.cart)
  return result.cart
}

function refused (input: CartInput, catalog: Catalog = DEMO): PricingError[] {
  const result = priceCart(catalog, cartOf(input))
  if (result.ok) throw new Error('expected the cart to be refused')
  return [...result.errors]
}

/** The money of a line, without the catalog product it carries. */
const moneyOf = (line: PricedLine | undefined): Record<string, unknown> => ({
  unitNetMinor: line?.unitNetMinor,
  quantity: line?.quantity,
  netMinor: line?.netMinor,
  grossMinor: line?.grossMinor,
  discountMinor: line?.discountMinor,
  netDiscountedMinor: line?.netDiscountedMinor,
  vatBasisPoints: line?.vatBasisPoints,
  vatMinor: line?.vatMinor,
  grossDiscountedMinor: line?.grossDiscountedMinor
})

const totalsOf = (cart: PricedCart): Record<string, bigint> => ({
  netPrice: cart.netPrice,
  grossPrice: cart.grossPrice,
  netDiscountedPrice: cart.netDiscountedPrice,
  grossDiscountedPrice: cart.grossDiscountedPrice,
  discount: cart.discount,
  vat: cart.vat
})

/** The invariants of the documented rules, checked on every priced cart in this file. */
function assertSumsOfParts (cart: PricedCart): void {
  const sum = (pick: (line: PricedLine) => bigint): bigint => cart.lines.reduce((acc, line) => acc + pick(line), 0n)
  const shipNet = cart.shipping?.netMinor ?? 0n
  const shipVat = cart.shipping?.vatMinor ?? 0n
  const orderDiscount = cart.orderDiscount?.discountMinor ?? 0n
  const checks: [string, boolean][] = [
    ['netPrice', cart.netPrice === sum(l => l.netMinor) + shipNet],
    ['grossPrice', cart.grossPrice === sum(l => l.grossMinor) + shipNet + shipVat],
    ['netDiscountedPrice', cart.netDiscountedPrice === sum(l => l.netDiscountedMinor) + shipNet],
    ['vat', cart.vat === sum(l => l.vatMinor) + shipVat],
    ['discount', cart.discount === sum(l => l.discountMinor) + orderDiscount],
    ['grossDiscountedPrice', cart.grossDiscountedPrice === cart.netDiscountedPrice + cart.vat - orderDiscount],
    ['net − line discounts', cart.netPrice - sum(l => l.discountMinor) === cart.netDiscountedPrice],
    ['shipping gross', cart.shipping === null || cart.shipping.grossMinor === shipNet + shipVat],
    ['promotions', cart.promotions.every(p => p.discountMinor === sum(l => l.promotions.find(lp => lp.code === p.code)?.discountMinor ?? 0n))],
    ['non-negative', [cart.grossDiscountedPrice, ...cart.lines.map(l => l.netDiscountedMinor)].every(v => v >= 0n)],
    ...cart.lines.map((l): [string, boolean] => [`line ${l.index}`,
      l.netMinor === l.unitNetMinor * BigInt(l.quantity) &&
      l.netDiscountedMinor === l.netMinor - l.discountMinor &&
      l.grossDiscountedMinor === l.netDiscountedMinor + l.vatMinor &&
      l.discountMinor === (l.crossSell?.discountMinor ?? 0n) + (l.manualDiscount?.discountMinor ?? 0n) + l.promotions.reduce((a, p) => a + p.discountMinor, 0n)])
  ]
  const broken = checks.filter(([, ok]) => !ok).map(([name]) => name)
  if (broken.length > 0) throw new Error(`totals are not the sum of their parts: ${broken.join(', ')}`)
}

const SUB = 'my_subscription_1'

t.test('each demo product in each of its currencies, billed to the US (no tax)', async t => {
  const cases: [string, string, bigint][] = [
    [SUB, 'USD', 9900n], [SUB, 'EUR', 8900n], [SUB, 'GBP', 7900n],
    ['PAY-WHAT-YOU-WANT', 'USD', 100n], ['PAY-WHAT-YOU-WANT', 'EUR', 100n],
    ['ADDON-1', 'USD', 1000n]
  ]
  for (const [code, currency, unit] of cases) {
    const cart = priced({ currency, lines: [{ code, quantity: 1 }] })
    t.same(moneyOf(cart.lines[0]), {
      unitNetMinor: unit,
      quantity: 1,
      netMinor: unit,
      grossMinor: unit,
      discountMinor: 0n,
      netDiscountedMinor: unit,
      vatBasisPoints: 0,
      vatMinor: 0n,
      grossDiscountedMinor: unit
    }, `${code} in ${currency}`)
    t.same(totalsOf(cart), { netPrice: unit, grossPrice: unit, netDiscountedPrice: unit, grossDiscountedPrice: unit, discount: 0n, vat: 0n })
    t.equal(cart.shipping, null, 'digital: no shipping')
    t.equal(cart.lines[0]?.priceType, 'LIST')
  }
  const usd = priced({ lines: [{ code: 'BOOK-PRINT', quantity: 1 }] })
  t.same(moneyOf(usd.lines[0]), { unitNetMinor: 2500n, quantity: 1, netMinor: 2500n, grossMinor: 2500n, discountMinor: 0n, netDiscountedMinor: 2500n, vatBasisPoints: 0, vatMinor: 0n, grossDiscountedMinor: 2500n })
  t.equal(usd.lines[0]?.isPhysical, true)
  t.same(totalsOf(usd), { netPrice: 3000n, grossPrice: 3000n, netDiscountedPrice: 3000n, grossDiscountedPrice: 3000n, discount: 0n, vat: 0n }, 'BOOK-PRINT USD + STANDARD 5.00')
  const eur = priced({ currency: 'eur', lines: [{ code: 'BOOK-PRINT', quantity: 1 }] })
  t.equal(eur.currency, 'EUR')
  t.same(totalsOf(eur), { netPrice: 2750n, grossPrice: 2750n, netDiscountedPrice: 2750n, grossDiscountedPrice: 2750n, discount: 0n, vat: 0n }, 'BOOK-PRINT EUR + STANDARD 4.50')
})

t.test('my_subscription_1 in USD billed to DE: the whole priced cart', async t => {
  const cart = priced({ billingCountry: 'de', lines: [{ code: SUB, quantity: 1 }] })
  const line = cart.lines[0]
  t.same(moneyOf(line), {
    unitNetMinor: 9900n,
    quantity: 1,
    netMinor: 9900n,
    grossMinor: 11781n,
    discountMinor: 0n,
    netDiscountedMinor: 9900n,
    vatBasisPoints: 1900,
    vatMinor: 1881n,
    grossDiscountedMinor: 11781n
  })
  t.match(line, { index: 0, code: SUB, name: 'My Subscription 1', isPhysical: false, priceType: 'LIST', priceOptions: [], trial: null, crossSell: null, manualDiscount: null, promotions: [] })
  t.equal(line?.product.code, SUB)
  t.same(totalsOf(cart), { netPrice: 9900n, grossPrice: 11781n, netDiscountedPrice: 9900n, grossDiscountedPrice: 11781n, discount: 0n, vat: 1881n })
  t.equal(cart.billingCountry, 'DE')
  t.equal(cart.vatBasisPoints, 1900)
  t.same(cart.promotions, [])
  t.equal(cart.orderDiscount, null)
  t.equal(fromMinor(cart.grossDiscountedPrice, cart.currency), 117.81)
})

t.test('price options: PREMIUM adds its modifier in USD, EUR and GBP; BASIC adds 0', async t => {
  const cases: [string, string, bigint, bigint, bigint][] = [
    // currency, country, unit, vat, gross
    ['USD', 'US', 11900n, 0n, 11900n],
    ['EUR', 'DE', 10700n, 2033n, 12733n],
    ['EUR', 'FR', 10700n, 2140n, 12840n],
    ['GBP', 'GB', 9500n, 1900n, 11400n]
  ]
  for (const [currency, billingCountry, unit, vat, gross] of cases) {
    const cart = priced({ currency, billingCountry, lines: [{ code: SUB, quantity: 1, priceOptions: ['PREMIUM'] }] })
    t.equal(cart.lines[0]?.unitNetMinor, unit, `PREMIUM ${currency}`)
    t.equal(cart.vat, vat)
    t.equal(cart.grossDiscountedPrice, gross)
    t.same(cart.lines[0]?.priceOptions, [{ groupCode: 'SUPPORT', optionCode: 'PREMIUM', modifierMinor: unit - (DEMO.products[0]?.prices[currency] ?? 0n) }])
  }
  t.equal(priced({ lines: [{ code: SUB, quantity: 1, priceOptions: ['BASIC'] }] }).lines[0]?.unitNetMinor, 9900n)
})

t.test('price option errors name the option', async t => {
  t.same(refused({ lines: [{ code: SUB, quantity: 1, priceOptions: ['GOLD'] }] }), [
    { path: 'Items.0.PriceOptions.0', error_code: 'ORDER_PRICE_OPTION_INVALID', message: 'product "my_subscription_1" has no price option "GOLD"' }
  ])
  t.same(refused({ lines: [{ code: SUB, quantity: 1, priceOptions: ['BASIC', 'PREMIUM'] }] }), [
    { path: 'Items.0.PriceOptions.1', error_code: 'ORDER_PRICE_OPTION_INVALID', message: 'only one option of group "SUPPORT" may be chosen' }
  ])
  const catalog = normaliseCatalog({
    products: [{
      code: 'OPT',
      name: 'Options',
      kind: 'DIGITAL',
      prices: { USD: '10.00', EUR: '9.00' },
      priceOptionGroups: [{ code: 'SEATS', name: 'Seats', required: true, options: [{ code: 'S5', name: '5 seats', modifiers: { USD: '40.00' } }] }]
    }]
  })
  t.same(refused({ lines: [{ code: 'OPT', quantity: 1 }] }, catalog), [
    { path: 'Items.0.PriceOptions', error_code: 'ORDER_PRICE_OPTION_INVALID', message: 'price option group "SEATS" requires an option' }
  ])
  t.same(refused({ currency: 'EUR', lines: [{ code: 'OPT', quantity: 1, priceOptions: ['S5'] }] }, catalog), [
    { path: 'Items.0.PriceOptions.0', error_code: 'ORDER_PRICE_OPTION_INVALID', message: 'price option "S5" is not available in EUR' }
  ], 'one error: the group was answered, with an option that cannot be sold in EUR')
  t.equal(priced({ lines: [{ code: 'OPT', quantity: 2, priceOptions: ['S5'] }] }, catalog).netPrice, 10000n)
})

t.test('quantity 3 multiplies the line; VAT and shipping VAT round half up', async t => {
  const sub = priced({ currency: 'GBP', billingCountry: 'GB', lines: [{ code: SUB, quantity: 3, priceOptions: ['PREMIUM'] }] })
  t.same(moneyOf(sub.lines[0]), { unitNetMinor: 9500n, quantity: 3, netMinor: 28500n, grossMinor: 34200n, discountMinor: 0n, netDiscountedMinor: 28500n, vatBasisPoints: 2000, vatMinor: 5700n, grossDiscountedMinor: 34200n })

  const book = priced({ currency: 'EUR', billingCountry: 'DE', lines: [{ code: 'BOOK-PRINT', quantity: 3 }] })
  t.same(moneyOf(book.lines[0]), { unitNetMinor: 2300n, quantity: 3, netMinor: 6900n, grossMinor: 8211n, discountMinor: 0n, netDiscountedMinor: 6900n, vatBasisPoints: 1900, vatMinor: 1311n, grossDiscountedMinor: 8211n })
  t.same(book.shipping, { methodCode: 'STANDARD', name: 'Standard shipping', isDefault: true, netMinor: 450n, vatBasisPoints: 1900, vatMinor: 86n, grossMinor: 536n }, '4.50 × 19% = 0.855 → 0.86')
  t.same(totalsOf(book), { netPrice: 7350n, grossPrice: 8747n, netDiscountedPrice: 7350n, grossDiscountedPrice: 8747n, discount: 0n, vat: 1397n })
})

t.test('CUSTOM price on PAY-WHAT-YOU-WANT replaces the list price; refused on my_subscription_1', async t => {
  const usd = priced({ lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 2, customAmountMinor: 1234n }] })
  t.same(moneyOf(usd.lines[0]), { unitNetMinor: 1234n, quantity: 2, netMinor: 2468n, grossMinor: 2468n, discountMinor: 0n, netDiscountedMinor: 2468n, vatBasisPoints: 0, vatMinor: 0n, grossDiscountedMinor: 2468n })
  t.equal(usd.lines[0]?.priceType, 'CUSTOM')

  const nl = priced({ currency: 'EUR', billingCountry: 'NL', lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: 1234n }] })
  t.same(totalsOf(nl), { netPrice: 1234n, grossPrice: 1493n, netDiscountedPrice: 1234n, grossDiscountedPrice: 1493n, discount: 0n, vat: 259n }, '12.34 × 21% = 2.5914 → 2.59')

  const gbp = priced({ currency: 'GBP', lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: 500n }] })
  t.equal(gbp.netPrice, 500n, 'a custom amount needs no list price in the currency')
  t.equal(priced({ lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: 0n }] }).grossDiscountedPrice, 0n)

  t.same(refused({ lines: [{ code: SUB, quantity: 1, customAmountMinor: 100n }] }), [
    { path: 'Items.0.Price.Type', error_code: 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', message: 'product "my_subscription_1" does not allow a custom price' }
  ])
  t.same(refused({ lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: -1n }] }), [
    { path: 'Items.0.Price.Amount', error_code: 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', message: 'a custom price must not be negative' }
  ])
})

t.test('coupon WELCOME10 takes 10% off every product', async t => {
  const fr = priced({ billingCountry: 'FR', promotionCodes: ['WELCOME10'], lines: [{ code: SUB, quantity: 1 }] })
  t.same(moneyOf(fr.lines[0]), { unitNetMinor: 9900n, quantity: 1, netMinor: 9900n, grossMinor: 11880n, discountMinor: 990n, netDiscountedMinor: 8910n, vatBasisPoints: 2000, vatMinor: 1782n, grossDiscountedMinor: 10692n })
  t.same(fr.lines[0]?.promotions, [{ code: 'WELCOME10', discountMinor: 990n }])
  t.same(fr.promotions, [{ code: 'WELCOME10', name: 'Welcome: 10% off every product', type: 'PERCENT', appliesTo: 'PRODUCTS', discountMinor: 990n }])
  t.same(totalsOf(fr), { netPrice: 9900n, grossPrice: 11880n, netDiscountedPrice: 8910n, grossDiscountedPrice: 10692n, discount: 990n, vat: 1782n })

  const mixed = priced({ currency: 'EUR', billingCountry: 'DE', promotionCodes: ['welcome10'], lines: [{ code: SUB, quantity: 1, priceOptions: ['PREMIUM'] }, { code: 'BOOK-PRINT', quantity: 2 }] })
  t.same(mixed.lines.map(l => [l.discountMinor, l.netDiscountedMinor, l.vatMinor]), [[1070n, 9630n, 1830n], [460n, 4140n, 787n]], 'coupon codes match case-insensitively')
  t.equal(mixed.shipping?.netMinor, 450n, 'coupons never discount shipping')
  t.same(totalsOf(mixed), { netPrice: 15750n, grossPrice: 18743n, netDiscountedPrice: 14220n, grossDiscountedPrice: 16923n, discount: 1530n, vat: 2703n })
})

t.test('coupon FIXED5USD takes USD 5.00 off the order, spread over the lines; refused in EUR', async t => {
  const us = priced({ promotionCodes: ['FIXED5USD'], lines: [{ code: SUB, quantity: 1 }, { code: 'BOOK-PRINT', quantity: 1 }] })
  t.same(us.lines.map(l => l.promotions), [[{ code: 'FIXED5USD', discountMinor: 399n }], [{ code: 'FIXED5USD', discountMinor: 101n }]], '500 × 9900/12400 = 399.19, 500 × 2500/12400 = 100.81: the spare unit goes to the larger remainder')
  t.same(totalsOf(us), { netPrice: 12900n, grossPrice: 12900n, netDiscountedPrice: 12400n, grossDiscountedPrice: 12400n, discount: 500n, vat: 0n })
  t.same(us.promotions, [{ code: 'FIXED5USD', name: 'USD 5.00 off the order', type: 'FIXED', appliesTo: 'ORDER', discountMinor: 500n }])

  const de = priced({ billingCountry: 'DE', promotionCodes: ['FIXED5USD'], lines: [{ code: SUB, quantity: 1 }, { code: 'BOOK-PRINT', quantity: 1 }] })
  t.same(de.lines.map(l => [l.netDiscountedMinor, l.vatMinor]), [[9501n, 1805n], [2399n, 456n]])
  t.same(de.shipping, { methodCode: 'STANDARD', name: 'Standard shipping', isDefault: true, netMinor: 500n, vatBasisPoints: 1900, vatMinor: 95n, grossMinor: 595n })
  t.same(totalsOf(de), { netPrice: 12900n, grossPrice: 15351n, netDiscountedPrice: 12400n, grossDiscountedPrice: 14756n, discount: 500n, vat: 2356n })

  const small = priced({ promotionCodes: ['FIXED5USD'], lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: 300n }] })
  t.equal(small.discount, 300n, 'capped at the order: never negative')
  t.equal(small.grossDiscountedPrice, 0n)

  const both = priced({ promotionCodes: ['WELCOME10', 'FIXED5USD'], lines: [{ code: SUB, quantity: 1 }] })
  t.same(both.lines[0]?.promotions, [{ code: 'WELCOME10', discountMinor: 990n }, { code: 'FIXED5USD', discountMinor: 500n }], 'coupons apply in the order given, each on what is left')
  t.equal(both.netDiscountedPrice, 8410n)

  t.same(refused({ currency: 'EUR', promotionCodes: ['FIXED5USD'], lines: [{ code: SUB, quantity: 1 }] }), [
    { path: 'Promotions.0', error_code: 'PROMOTION_CODE_INVALID', message: 'coupon "FIXED5USD" is not valid for EUR orders' }
  ])
})

t.test('cross-sell XSELL1: ADDON-1 at 8.00 with its parent in the cart; refused without it', async t => {
  const lines: CartLine[] = [
    { code: SUB, quantity: 1 },
    { code: 'ADDON-1', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL1' } }
  ]
  const cart = priced({ lines })
  t.same(moneyOf(cart.lines[1]), { unitNetMinor: 1000n, quantity: 1, netMinor: 1000n, grossMinor: 1000n, discountMinor: 200n, netDiscountedMinor: 800n, vatBasisPoints: 0, vatMinor: 0n, grossDiscountedMinor: 800n })
  t.same(cart.lines[1]?.crossSell, { campaignCode: 'XSELL1', parentCode: SUB, discountMinor: 200n })
  t.same(totalsOf(cart), { netPrice: 10900n, grossPrice: 10900n, netDiscountedPrice: 10700n, grossDiscountedPrice: 10700n, discount: 200n, vat: 0n })

  const ro = priced({ billingCountry: 'RO', lines: [lines[1] as CartLine, lines[0] as CartLine] })
  t.same(ro.lines.map(l => [l.code, l.netDiscountedMinor, l.vatMinor]), [['ADDON-1', 800n, 152n], [SUB, 9900n, 1881n]], 'the parent may come after the offer')

  const coupon = priced({ promotionCodes: ['WELCOME10'], lines })
  t.same(coupon.lines.map(l => [l.netDiscountedMinor, l.promotions]), [[8910n, [{ code: 'WELCOME10', discountMinor: 990n }]], [800n, []]], 'coupons do not stack on the cross-sell line')

  t.same(refused({ lines: [{ code: 'ADDON-1', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL1' } }] }), [
    { path: 'Items.0.CrossSell.ParentCode', error_code: 'ORDER_CROSS_SELL_INVALID', message: 'the parent product "my_subscription_1" is not in the order' }
  ])
  t.same(refused({ lines: [{ code: SUB, quantity: 1 }, { code: 'ADDON-1', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL9' } }] }), [
    { path: 'Items.1.CrossSell.CampaignCode', error_code: 'ORDER_CROSS_SELL_INVALID', message: 'unknown cross-sell campaign "XSELL9"' }
  ])
  t.same(refused({ lines: [{ code: 'BOOK-PRINT', quantity: 1 }, { code: 'ADDON-1', quantity: 1, crossSell: { parentCode: 'BOOK-PRINT', campaignCode: 'XSELL1' } }] }), [
    { path: 'Items.1.CrossSell.ParentCode', error_code: 'ORDER_CROSS_SELL_INVALID', message: 'campaign "XSELL1" is offered with "my_subscription_1", not "BOOK-PRINT"' }
  ])
  t.same(refused({ lines: [{ code: SUB, quantity: 1 }, { code: 'BOOK-PRINT', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL1' } }] }), [
    { path: 'Items.1.CrossSell.CampaignCode', error_code: 'ORDER_CROSS_SELL_INVALID', message: 'campaign "XSELL1" does not offer "BOOK-PRINT"' }
  ])
})

t.test('cross-sell AMOUNT campaigns take an amount per unit, capped at the line', async t => {
  const catalog = normaliseCatalog({
    products: [
      { code: 'MAIN', name: 'Main', kind: 'DIGITAL', prices: { USD: '50.00', EUR: '40.00' } },
      { code: 'EXTRA', name: 'Extra', kind: 'DIGITAL', prices: { USD: '3.00', EUR: '3.00' } }
    ],
    crossSellCampaigns: [{ code: 'X', parentCode: 'MAIN', productCode: 'EXTRA', discount: { type: 'AMOUNT', amounts: { USD: '1.25' } } }]
  })
  const cart = priced({ lines: [{ code: 'MAIN', quantity: 1 }, { code: 'EXTRA', quantity: 4, crossSell: { parentCode: 'MAIN', campaignCode: 'X' } }] }, catalog)
  t.equal(cart.lines[1]?.discountMinor, 500n)
  t.same(refused({ currency: 'EUR', lines: [{ code: 'MAIN', quantity: 1 }, { code: 'EXTRA', quantity: 1, crossSell: { parentCode: 'MAIN', campaignCode: 'X' } }] }, catalog), [
    { path: 'Items.1.CrossSell.CampaignCode', error_code: 'ORDER_CROSS_SELL_INVALID', message: 'campaign "X" has no discount in EUR' }
  ])
})

t.test('shipping: STANDARD is added to BOOK-PRINT by default, EXPRESS when asked', async t => {
  const standard = priced({ lines: [{ code: 'BOOK-PRINT', quantity: 1 }] })
  t.same(standard.shipping, { methodCode: 'STANDARD', name: 'Standard shipping', isDefault: true, netMinor: 500n, vatBasisPoints: 0, vatMinor: 0n, grossMinor: 500n })
  const express = priced({ billingCountry: 'NL', shippingMethodCode: 'express', lines: [{ code: 'BOOK-PRINT', quantity: 2 }] })
  t.same(express.shipping, { methodCode: 'EXPRESS', name: 'Express shipping', isDefault: false, netMinor: 1500n, vatBasisPoints: 2100, vatMinor: 315n, grossMinor: 1815n })
  t.same(totalsOf(express), { netPrice: 6500n, grossPrice: 7865n, netDiscountedPrice: 6500n, grossDiscountedPrice: 7865n, discount: 0n, vat: 1365n })
  const digital = priced({ lines: [{ code: SUB, quantity: 1 }, { code: 'BOOK-PRINT', quantity: 1 }] })
  t.equal(digital.shipping?.netMinor, 500n, 'one shipping fee per order')

  const path = 'DeliveryInformation.ShippingMethod.Code'
  t.same(refused({ currency: 'EUR', shippingMethodCode: 'EXPRESS', lines: [{ code: 'BOOK-PRINT', quantity: 1 }] }), [
    { path, error_code: 'SHIPPING_METHOD_INVALID', message: 'shipping method "EXPRESS" has no price in EUR' }
  ])
  t.same(refused({ shippingMethodCode: 'OVERNIGHT', lines: [{ code: 'BOOK-PRINT', quantity: 1 }] }), [
    { path, error_code: 'SHIPPING_METHOD_INVALID', message: 'unknown shipping method "OVERNIGHT"' }
  ])
  t.same(refused({ shippingMethodCode: 'STANDARD', lines: [{ code: SUB, quantity: 1 }] }), [
    { path, error_code: 'SHIPPING_METHOD_INVALID', message: 'the order has no physical product to ship' }
  ])
  const noDefault = normaliseCatalog({ products: [{ code: 'BOX', name: 'Box', kind: 'PHYSICAL', prices: { USD: '1.00' } }] })
  t.same(refused({ lines: [{ code: 'BOX', quantity: 1 }] }, noDefault), [
    { path, error_code: 'SHIPPING_METHOD_INVALID', message: 'a shipping method is required: the order has a physical product and the merchant has no default method' }
  ])
})

t.test('VAT by billing country: DE, FR, RO, GB, NL; US and others 0; US tax exemption', async t => {
  const vatOf = (billingCountry: string, taxExempt = false, catalog = DEMO): [number, bigint] => {
    const cart = priced({ currency: 'EUR', billingCountry, taxExempt, lines: [{ code: SUB, quantity: 1 }] }, catalog)
    return [cart.vatBasisPoints, cart.vat]
  }
  t.same(vatOf('DE'), [1900, 1691n])
  t.same(vatOf('FR'), [2000, 1780n])
  t.same(vatOf('RO'), [1900, 1691n])
  t.same(vatOf('GB'), [2000, 1780n])
  t.same(vatOf('NL'), [2100, 1869n])
  t.same(vatOf('US'), [0, 0n])
  t.same(vatOf('CH'), [0, 0n])

  const withUsTax = normaliseCatalog({ ...DEMO_CATALOG, vat: { ...DEMO_CATALOG.vat, US: 7.25 } })
  t.same(vatOf('US', false, withUsTax), [725, 645n], '89.00 × 7.25% = 6.4525 → 6.45')
  t.same(vatOf('us', true, withUsTax), [0, 0n], 'a US order with a TaxExemptionId pays no US tax')
  t.same(vatOf('DE', true, withUsTax), [1900, 1691n], 'the exemption is for US orders only')
})

t.test('JPY rounds to whole yen and BHD to the fils (test-only catalogs)', async t => {
  const jpy = normaliseCatalog({
    products: [{ code: 'JP-1', name: 'Yen product', kind: 'DIGITAL', prices: { JPY: 1333 } }],
    promotions: [{ code: 'PCT15', name: '15% off', type: 'PERCENT', percent: 15, appliesTo: 'PRODUCTS' }],
    vat: { DE: 19, JP: 10 }
  })
  const de = priced({ currency: 'JPY', billingCountry: 'DE', lines: [{ code: 'JP-1', quantity: 1 }] }, jpy)
  t.same(totalsOf(de), { netPrice: 1333n, grossPrice: 1586n, netDiscountedPrice: 1333n, grossDiscountedPrice: 1586n, discount: 0n, vat: 253n }, '1333 × 19% = 253.27 → 253')
  const jp = priced({ currency: 'JPY', billingCountry: 'JP', lines: [{ code: 'JP-1', quantity: 3 }] }, jpy)
  t.equal(jp.vat, 400n, '3999 × 10% = 399.9 → 400')
  const coupon = priced({ currency: 'JPY', billingCountry: 'DE', promotionCodes: ['PCT15'], lines: [{ code: 'JP-1', quantity: 1 }] }, jpy)
  t.same(totalsOf(coupon), { netPrice: 1333n, grossPrice: 1586n, netDiscountedPrice: 1133n, grossDiscountedPrice: 1348n, discount: 200n, vat: 215n }, '1333 × 15% = 199.95 → 200; 1133 × 19% = 215.27 → 215')
  t.equal(fromMinor(coupon.grossDiscountedPrice, 'JPY'), 1348)

  const bhd = normaliseCatalog({
    products: [{ code: 'BH-1', name: 'Dinar product', kind: 'DIGITAL', prices: { BHD: '12.345' } }],
    vat: { BH: 10 }
  })
  const one = priced({ currency: 'BHD', billingCountry: 'BH', lines: [{ code: 'BH-1', quantity: 1 }] }, bhd)
  t.same(totalsOf(one), { netPrice: 12345n, grossPrice: 13580n, netDiscountedPrice: 12345n, grossDiscountedPrice: 13580n, discount: 0n, vat: 1235n }, '12.345 × 10% = 1.2345 → 1.235 (half up)')
  t.equal(fromMinor(one.grossDiscountedPrice, 'BHD'), 13.58)
  const two = priced({ currency: 'BHD', billingCountry: 'BH', lines: [{ code: 'BH-1', quantity: 2 }] }, bhd)
  t.equal(fromMinor(two.grossDiscountedPrice, 'BHD'), 27.159)
})

t.test('trial: the line is charged the trial price; the trial must match the catalog', async t => {
  const cart = priced({ billingCountry: 'DE', lines: [{ code: SUB, quantity: 1, priceOptions: ['PREMIUM'], trial: { periodDays: 30, priceMinor: 0n } }] })
  t.equal(cart.lines[0]?.priceType, 'TRIAL')
  t.same(cart.lines[0]?.trial, { periodDays: 30, priceMinor: 0n })
  t.same(totalsOf(cart), { netPrice: 0n, grossPrice: 0n, netDiscountedPrice: 0n, grossDiscountedPrice: 0n, discount: 0n, vat: 0n })
  t.same(cart.lines[0]?.priceOptions.map(o => o.optionCode), ['PREMIUM'], 'options stay on the subscription')

  const paidTrial = normaliseCatalog({
    products: [{ code: 'T', name: 'T', kind: 'DIGITAL', prices: { USD: '30.00' }, trial: { allowed: true, periodDays: 7, prices: { USD: '1.99' } } }],
    vat: { DE: 19 }
  })
  const paid = priced({ billingCountry: 'DE', lines: [{ code: 'T', quantity: 2, trial: { periodDays: 7, priceMinor: 199n } }] }, paidTrial)
  t.same(moneyOf(paid.lines[0]), { unitNetMinor: 199n, quantity: 2, netMinor: 398n, grossMinor: 474n, discountMinor: 0n, netDiscountedMinor: 398n, vatBasisPoints: 1900, vatMinor: 76n, grossDiscountedMinor: 474n })

  t.same(refused({ lines: [{ code: SUB, quantity: 1, trial: { periodDays: 14, priceMinor: 100n } }] }), [
    { path: 'Items.0.Trial.Period', error_code: 'ORDER_TRIAL_INVALID', message: 'the trial period of "my_subscription_1" is 30 days' },
    { path: 'Items.0.Trial.Price', error_code: 'ORDER_TRIAL_INVALID', message: 'the trial price of "my_subscription_1" in USD is 0 minor units' }
  ])
  t.same(refused({ lines: [{ code: 'BOOK-PRINT', quantity: 1, trial: { periodDays: 30, priceMinor: 0n } }] }), [
    { path: 'Items.0.Trial', error_code: 'ORDER_TRIAL_INVALID', message: 'product "BOOK-PRINT" has no trial' }
  ])
  t.same(refused({ lines: [{ code: 'PAY-WHAT-YOU-WANT', quantity: 1, customAmountMinor: 100n, trial: { periodDays: 30, priceMinor: 0n } }] }), [
    { path: 'Items.0.Trial', error_code: 'ORDER_TRIAL_INVALID', message: 'a trial cannot be combined with a custom price' }
  ])
})

t.test('manual line discounts: AMOUNT, PERCENT, UNIT_PRICE; a negative price is refused', async t => {
  const amount = priced({ lines: [{ code: SUB, quantity: 1, manualDiscount: { Type: 'AMOUNT', Value: 1000n, Reason: 'loyal customer' } }] })
  t.equal(amount.netDiscountedPrice, 8900n)
  t.same(amount.lines[0]?.manualDiscount, { Type: 'AMOUNT', Value: 1000n, Reason: 'loyal customer', discountMinor: 1000n })

  const percent = priced({ billingCountry: 'DE', lines: [{ code: SUB, quantity: 1, manualDiscount: { Type: 'PERCENT', Value: 2500n, Reason: 'quarter off' } }] })
  t.same(moneyOf(percent.lines[0]), { unitNetMinor: 9900n, quantity: 1, netMinor: 9900n, grossMinor: 11781n, discountMinor: 2475n, netDiscountedMinor: 7425n, vatBasisPoints: 1900, vatMinor: 1411n, grossDiscountedMinor: 8836n })

  const unit = priced({ lines: [{ code: SUB, quantity: 2, manualDiscount: { Type: 'UNIT_PRICE', Value: 8000n, Reason: 'price match' } }] })
  t.same([unit.lines[0]?.netMinor, unit.lines[0]?.discountMinor, unit.lines[0]?.netDiscountedMinor], [19800n, 3800n, 16000n])

  const stacked = priced({
    promotionCodes: ['WELCOME10'],
    lines: [{ code: SUB, quantity: 1 }, { code: 'ADDON-1', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL1' }, manualDiscount: { Type: 'AMOUNT', Value: 300n, Reason: 'bundle' } }]
  })
  t.same(stacked.lines[1]?.discountMinor, 500n, 'cross-sell 200, then manual 300 on what is left')

  t.same(refused({ lines: [{ code: 'ADDON-1', quantity: 1, manualDiscount: { Type: 'AMOUNT', Value: 1001n, Reason: 'too much' } }] }), [
    { path: 'Items.0.ManualDiscount.Value', error_code: 'DISCOUNT_INVALID', message: 'a discount of 1001 would make the line price (1000) negative' }
  ])
  t.same(refused({ lines: [{ code: 'ADDON-1', quantity: 1, manualDiscount: { Type: 'UNIT_PRICE', Value: 1200n, Reason: 'up' } }] }), [
    { path: 'Items.0.ManualDiscount.Value', error_code: 'DISCOUNT_INVALID', message: 'a unit price of 1200 is above the current line price (1000 for 1)' }
  ])
  t.same(refused({ lines: [{ code: 'ADDON-1', quantity: 1, manualDiscount: { Type: 'PERCENT', Value: 10001n, Reason: 'x' } }] }).map(e => e.error_code), ['DISCOUNT_INVALID'])
  t.same(refused({ lines: [{ code: 'ADDON-1', quantity: 1, manualDiscount: { Type: 'AMOUNT', Value: -1n, Reason: 'x' } }] }), [
    { path: 'Items.0.ManualDiscount.Value', error_code: 'DISCOUNT_INVALID', message: 'a discount must not be negative' }
  ])
  t.equal(priced({ lines: [{ code: 'ADDON-1', quantity: 1, manualDiscount: { Type: 'AMOUNT', Value: 1000n, Reason: 'free' } }] }).grossDiscountedPrice, 0n, 'down to exactly 0 is fine')
})

t.test('the manual order discount applies after tax and shipping', async t => {
  const base = { billingCountry: 'DE', lines: [{ code: 'BOOK-PRINT', quantity: 1 }] }
  const amount = priced({ ...base, orderDiscount: { Type: 'AMOUNT', Value: 570n, Reason: 'round to 30.00' } })
  t.same(totalsOf(amount), { netPrice: 3000n, grossPrice: 3570n, netDiscountedPrice: 3000n, grossDiscountedPrice: 3000n, discount: 570n, vat: 570n }, 'the VAT figures are untouched')
  t.same(amount.orderDiscount, { Type: 'AMOUNT', Value: 570n, Reason: 'round to 30.00', discountMinor: 570n })
  t.equal(amount.lines[0]?.discountMinor, 0n)

  const percent = priced({ ...base, orderDiscount: { Type: 'PERCENT', Value: 1000n, Reason: 'ten percent' } })
  t.equal(percent.grossDiscountedPrice, 3213n, '35.70 − 10% (3.57) = 32.13')

  t.same(refused({ ...base, orderDiscount: { Type: 'AMOUNT', Value: 3571n, Reason: 'x' } }), [
    { path: 'ManualDiscount.Value', error_code: 'DISCOUNT_INVALID', message: 'a discount of 3571 would make the order total (3570) negative' }
  ])
  t.same(refused({ ...base, orderDiscount: { Type: 'UNIT_PRICE', Value: 1n, Reason: 'x' } }), [
    { path: 'ManualDiscount.Type', error_code: 'DISCOUNT_INVALID', message: 'an order discount is an AMOUNT or a PERCENT' }
  ])
  t.same(refused({ ...base, orderDiscount: { Type: 'AMOUNT', Value: -5n, Reason: 'x' } }).map(e => e.path), ['ManualDiscount.Value'])
})

t.test('unknown, unpublished and unpriced products are refused with the field path', async t => {
  t.same(refused({ lines: [{ code: 'NOPE', quantity: 1 }] }), [
    { path: 'Items.0.Code', error_code: 'ORDER_PRODUCT_CODE_INVALID', message: 'unknown product code "NOPE"' }
  ])
  t.same(refused({ lines: [{ code: 'my_SUBSCRIPTION_1', quantity: 1 }] }).map(e => e.error_code), ['ORDER_PRODUCT_CODE_INVALID'], 'product codes match exactly')
  const hidden = normaliseCatalog({ products: [{ code: 'HIDDEN', name: 'Hidden', kind: 'DIGITAL', published: false, prices: { USD: '3.00' } }] })
  t.same(refused({ lines: [{ code: 'HIDDEN', quantity: 1 }] }, hidden), [
    { path: 'Items.0.Code', error_code: 'ORDER_PRODUCT_NOT_PUBLISHED', message: 'product "HIDDEN" is not published' }
  ])
  t.equal(priced({ allowUnpublished: true, lines: [{ code: 'HIDDEN', quantity: 1 }] }, hidden).netPrice, 300n, 'assisted sale may sell it')
  t.same(refused({ currency: 'GBP', lines: [{ code: 'BOOK-PRINT', quantity: 1 }] }), [
    { path: 'Items.0.Code', error_code: 'ORDER_PRODUCT_CURRENCY_INVALID', message: 'product "BOOK-PRINT" has no price in GBP' },
    { path: 'DeliveryInformation.ShippingMethod.Code', error_code: 'SHIPPING_METHOD_INVALID', message: 'shipping method "STANDARD" has no price in GBP' }
  ])
  t.same(refused({ currency: 'EUR', lines: [{ code: 'ADDON-1', quantity: 1 }] }).map(e => [e.path, e.error_code]), [['Items.0.Code', 'ORDER_PRODUCT_CURRENCY_INVALID']])
  t.same(refused({ lines: [] }), [{ path: 'Items', error_code: 'ORDER_PRODUCTS_EMPTY', message: 'the order has no items' }])
  t.same(refused({ lines: [{ code: SUB, quantity: 0 }, { code: SUB, quantity: 1.5 }] }).map(e => [e.path, e.error_code]), [
    ['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID'],
    ['Items.1.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID']
  ])
})

t.test('every error of a cart is reported, not only the first', async t => {
  t.same(refused({
    currency: 'EUR',
    promotionCodes: ['NOPE', 'FIXED5USD', 'WELCOME10', 'WELCOME10'],
    shippingMethodCode: 'EXPRESS',
    lines: [
      { code: 'GHOST', quantity: 1 },
      { code: SUB, quantity: 1, priceOptions: ['GOLD'] },
      { code: 'BOOK-PRINT', quantity: 1 }
    ]
  }).map(e => [e.path, e.error_code]), [
    ['Items.0.Code', 'ORDER_PRODUCT_CODE_INVALID'],
    ['Items.1.PriceOptions.0', 'ORDER_PRICE_OPTION_INVALID'],
    ['Promotions.0', 'PROMOTION_CODE_INVALID'],
    ['Promotions.1', 'PROMOTION_CODE_INVALID'],
    ['Promotions.3', 'PROMOTION_CODE_INVALID'],
    ['DeliveryInformation.ShippingMethod.Code', 'SHIPPING_METHOD_INVALID']
  ])
})

t.test('promotion rules: dates, currencies, product lists, uses, disabled', async t => {
  const file: CatalogFile = {
    products: [
      { code: 'A', name: 'A', kind: 'DIGITAL', prices: { USD: '10.00', EUR: '10.00' } },
      { code: 'B', name: 'B', kind: 'DIGITAL', prices: { USD: '20.00', EUR: '20.00' } }
    ],
    promotions: [
      { code: 'MARCH', name: 'March', type: 'PERCENT', percent: 50, appliesTo: 'ORDER', validFrom: '2026-03-01', validUntil: '2026-03-15' },
      { code: 'APRIL', name: 'April', type: 'PERCENT', percent: 50, appliesTo: 'ORDER', validFrom: '2026-04-01' },
      { code: 'ONLY-B', name: 'B only', type: 'FIXED', amounts: { USD: '1.50' }, appliesTo: 'PRODUCTS', productCodes: ['B'] },
      { code: 'ORDER-B', name: 'B orders', type: 'FIXED', amounts: { USD: '100.00' }, appliesTo: 'ORDER', productCodes: ['B'] },
      { code: 'THIRD', name: 'A third', type: 'PERCENT', percent: 33.33, appliesTo: 'ORDER' },
      { code: 'ONCE', name: 'Once', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', maxUses: 1 },
      { code: 'OFF', name: 'Off', type: 'PERCENT', percent: 5, appliesTo: 'ORDER', enabled: false }
    ]
  }
  const catalog = normaliseCatalog(file)
  const lines: CartLine[] = [{ code: 'A', quantity: 1 }, { code: 'B', quantity: 2 }]
  t.equal(priced({ promotionCodes: ['MARCH'], lines, now: new Date('2026-03-15T23:59:59Z') }, catalog).discount, 2500n, 'a date-only validUntil includes that whole day')
  t.same(refused({ promotionCodes: ['MARCH'], lines, now: new Date('2026-03-16T00:00:00Z') }, catalog), [
    { path: 'Promotions.0', error_code: 'PROMOTION_CODE_INVALID', message: 'coupon "MARCH" is not valid at 2026-03-16T00:00:00.000Z' }
  ])
  t.same(refused({ promotionCodes: ['APRIL'], lines }, catalog).map(e => e.path), ['Promotions.0'], 'not valid yet')
  const onlyB = priced({ promotionCodes: ['ONLY-B'], lines }, catalog)
  t.same(onlyB.lines.map(l => l.discountMinor), [0n, 300n], 'FIXED per unit on the listed products only')
  const orderB = priced({ promotionCodes: ['ORDER-B'], lines }, catalog)
  t.same(orderB.lines.map(l => l.discountMinor), [0n, 4000n], 'ORDER scope restricted to B, capped at its subtotal')
  const third = priced({ promotionCodes: ['THIRD'], lines }, catalog)
  t.same(third.lines.map(l => l.discountMinor), [333n, 1334n], '5000 × 33.33% = 1666.5 → 1667, spread 333.4 / 1333.6: the spare unit goes to B')
  t.equal(third.promotions[0]?.discountMinor, 1667n)
  t.equal(priced({ promotionCodes: ['ONCE'], lines, promotionUses: { ONCE: 0 } }, catalog).discount, 250n)
  t.same(refused({ promotionCodes: ['ONCE'], lines, promotionUses: { ONCE: 1 } }, catalog), [
    { path: 'Promotions.0', error_code: 'PROMOTION_CODE_INVALID', message: 'coupon "ONCE" has been used up' }
  ])
  t.same(refused({ promotionCodes: ['OFF'], lines }, catalog), [
    { path: 'Promotions.0', error_code: 'PROMOTION_CODE_INVALID', message: '"OFF" is not a valid coupon' }
  ])
  t.same(refused({ currency: 'EUR', promotionCodes: ['ONLY-B'], lines }, catalog), [
    { path: 'Promotions.0', error_code: 'PROMOTION_CODE_INVALID', message: 'coupon "ONLY-B" has no amount in EUR' }
  ])
  t.same(refused({ promotionCodes: ['THIRD', 'third'], lines }, catalog), [
    { path: 'Promotions.1', error_code: 'PROMOTION_CODE_INVALID', message: 'coupon "third" is given more than once' }
  ])
})

t.test('property: for any valid demo cart the totals are the sum of their parts', async t => {
  const lineArb = fc.oneof(
    fc.record({ code: fc.constant(SUB), quantity: fc.integer({ min: 1, max: 50 }), priceOptions: fc.constantFrom([], ['BASIC'], ['PREMIUM']) }),
    fc.record({ code: fc.constant('BOOK-PRINT'), quantity: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ code: fc.constant('PAY-WHAT-YOU-WANT'), quantity: fc.integer({ min: 1, max: 5 }), customAmountMinor: fc.bigInt({ min: 0n, max: 1_000_000n }) }),
    fc.record({
      code: fc.constant(SUB),
      quantity: fc.integer({ min: 1, max: 5 }),
      manualDiscount: fc.record({ Type: fc.constant('PERCENT' as const), Value: fc.bigInt({ min: 0n, max: 10_000n }), Reason: fc.constant('p') })
    })
  )
  fc.assert(fc.property(
    fc.array(lineArb, { minLength: 1, maxLength: 6 }),
    fc.boolean(),
    fc.constantFrom('US', 'DE', 'FR', 'RO', 'GB', 'NL', 'CH'),
    fc.subarray(['WELCOME10', 'FIXED5USD']),
    fc.option(fc.bigInt({ min: 0n, max: 10_000n }), { nil: undefined }),
    (cartLines, withAddon, billingCountry, promotionCodes, orderPercent) => {
      const lines: CartLine[] = [...cartLines]
      if (withAddon && lines.some(l => l.code === SUB)) lines.push({ code: 'ADDON-1', quantity: 1, crossSell: { parentCode: SUB, campaignCode: 'XSELL1' } })
      const result = priceCart(DEMO, cartOf({
        billingCountry,
        promotionCodes,
        lines,
        ...(orderPercent === undefined ? {} : { orderDiscount: { Type: 'PERCENT' as const, Value: orderPercent, Reason: 'r' } })
      }))
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      assertSumsOfParts(result.cart)
      return result.cart.grossDiscountedPrice <= result.cart.grossPrice && result.cart.netDiscountedPrice <= result.cart.netPrice
    }
  ), { numRuns: 500 })
  t.pass('500 random carts add up')
})
