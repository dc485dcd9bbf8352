import t from 'tap'
import { ShippingPriceSchema } from '../../../src/catalog/catalog-wire.js'
import { DELIVERY } from '../../helpers/assisted.js'
import { BACKENDS, fieldsOf, lookupMerchants } from '../../helpers/catalog-lookups.js'
import { testCardOrder } from '../../helpers/orders.js'

// getShippingPrice (issue 18, item 4): the shipping methods the merchant really has, priced for
// the cart as placeOrder charges them; merchant isolation; cart problems as placeOrder names them.

const amounts = (amount: number) => ({ TotalAmount: amount, BasePrice: amount, OverweightAmount: 0, CountrySurcharge: 0, WeightSurcharge: 0, OrderSurcharge: 0 })
const price = (code: string, name: string, currency: string, isDefault: boolean, net: number, gross: number) =>
  ({ Name: name, Code: code, TrackingURL: null, Currency: currency, Default: isDefault, PriceDetails: { Net: amounts(net), Gross: amounts(gross) } })
const STANDARD = (currency: string, net: number, gross: number) => price('STANDARD', 'Standard shipping', currency, true, net, gross)
const EXPRESS = (net: number, gross: number) => price('EXPRESS', 'Express shipping', 'USD', false, net, gross)
const BOOK = [{ Code: 'BOOK-PRINT', Quantity: 2 }]
const at = (country: string) => ({ CountryCode: country })

for (const [backend, open] of BACKENDS) {
  t.test(`on ${backend}`, async (t) => {
    const { ta, a, b } = await lookupMerchants(t, open)
    const shipping = async (session: string, items: unknown, billing = 'US', currency?: unknown, coupons?: unknown) =>
      await ta.rpc('getShippingPrice', [session, items, at(billing), at('FR'), ...(currency !== undefined ? [currency] : []), ...(coupons !== undefined ? [coupons] : [])])

    t.test('each of the merchant\'s methods priced in the currency, net and gross at the billing country\'s VAT, in the merchant\'s order', async (t) => {
      const usd = await shipping(a.apiSession, BOOK, 'US', 'usd')
      t.same(usd, { jsonrpc: '2.0', id: 1, result: [STANDARD('USD', 5, 5), EXPRESS(15, 15)] }, 'US: no VAT; the default first as the catalog lists it')
      for (const entry of usd.result) t.ok(ShippingPriceSchema.safeParse(entry).success, `${entry.Code as string}: validates against its schema`)
      t.same((await shipping(a.apiSession, BOOK, 'de', 'EUR')).result, [STANDARD('EUR', 4.5, 5.36)], 'DE 19%: 4.50 + 0.855 → 5.36; EXPRESS has no EUR price, so it is not offered')
      t.same((await ta.rpc('getShippingPrice', { sessionID: a.apiSession, Items: [{ Code: 'BOOK-PRINT' }], BillingDetails: { ...testCardOrder().BillingDetails, CountryCode: 'nl' }, DeliveryDetails: DELIVERY })).result,
        [STANDARD('EUR', 4.5, 5.45), STANDARD('USD', 5, 6.05), EXPRESS(15, 18.15)], 'without Currency: every currency the cart and a method are priced in; a whole order\'s BillingDetails and DeliveryDetails are accepted')
      t.same((await shipping(a.apiSession, BOOK, 'US', null, null)).result, [STANDARD('EUR', 4.5, 4.5), STANDARD('USD', 5, 5), EXPRESS(15, 15)], 'null Currency and CouponCodes are "not given"')
    })

    t.test('the prices are what quote (and so placeOrder) charges for the same cart', async (t) => {
      for (const method of ['STANDARD', 'EXPRESS']) {
        const order = testCardOrder({ Items: BOOK, BillingDetails: { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined }, DeliveryDetails: DELIVERY, DeliveryInformation: { ShippingMethod: { Code: method } } })
        const quoted = await ta.rpc('quote', [a.apiSession, order])
        t.notOk(quoted.error, JSON.stringify(quoted.error))
        const offered = (await shipping(a.apiSession, BOOK, 'DE', 'USD')).result.find((p: { Code: string }) => p.Code === method)
        t.equal(offered.PriceDetails.Net.TotalAmount, quoted.result.ShippingPrice, `${method}: the net shipping quote charges`)
        t.equal(offered.PriceDetails.Gross.TotalAmount, method === 'STANDARD' ? 5.95 : 17.85, `${method}: gross at DE 19%`)
      }
    })

    t.test('a cart with nothing physical has nothing to ship; coupons never change shipping', async (t) => {
      t.same((await shipping(a.apiSession, [{ Code: 'my_subscription_1' }], 'US', 'USD')).result, [])
      t.same((await shipping(a.apiSession, [{ Code: 'my_subscription_1' }])).result, [], 'in any currency')
      t.same((await shipping(a.apiSession, [...BOOK, { Code: 'my_subscription_1' }], 'US', 'USD', ['WELCOME10', 'fixed5usd'])).result, [STANDARD('USD', 5, 5), EXPRESS(15, 15)], 'valid coupons, the same prices')
    })

    t.test('cart problems are answered as placeOrder answers them, coupons at CouponCodes', async (t) => {
      const refused = async (session: string, items: unknown, currency?: string, coupons?: string[]) => {
        const reply = await shipping(session, items, 'US', currency, coupons)
        return [reply.error?.code, reply.error?.data?.error_code, fieldsOf(reply)]
      }
      t.same(await refused(a.apiSession, [{ Code: 'NOPE' }, ...BOOK], 'USD'), [55201, 'ORDER_PRODUCT_CODE_INVALID', [['Items.0.Code', 'ORDER_PRODUCT_CODE_INVALID']]])
      t.same(await refused(a.apiSession, [{ Code: 'NOPE' }]), [55201, 'ORDER_PRODUCT_CODE_INVALID', [['Items.0.Code', 'ORDER_PRODUCT_CODE_INVALID']]], 'without a currency too')
      t.same(await refused(a.apiSession, BOOK, 'GBP'), [55201, 'ORDER_PRODUCT_CURRENCY_INVALID', [['Items.0.Code', 'ORDER_PRODUCT_CURRENCY_INVALID']]], 'BOOK-PRINT has no GBP price')
      t.same(await refused(a.apiSession, BOOK, 'USD', ['WELCOME10', 'NOPE']), [55201, 'PROMOTION_CODE_INVALID', [['CouponCodes.1', 'PROMOTION_CODE_INVALID']]])
      t.same(await refused(a.apiSession, BOOK, 'EUR', ['FIXED5USD']), [55201, 'PROMOTION_CODE_INVALID', [['CouponCodes.0', 'PROMOTION_CODE_INVALID']]], 'a USD-only coupon in EUR')
      t.same((await shipping(a.apiSession, BOOK, 'US', null, ['FIXED5USD'])).result, [STANDARD('USD', 5, 5), EXPRESS(15, 15)], 'without a currency, a currency the coupon is not valid in is left out')
      t.same(await refused(b.apiSession, [{ Code: 'HIDDEN-1' }], 'USD'), [55201, 'ORDER_PRODUCT_NOT_PUBLISHED', [['Items.0.Code', 'ORDER_PRODUCT_NOT_PUBLISHED']]], 'the merchant\'s API may not sell an unpublished product')
    })

    t.test('staff with the on-behalf privilege may ship unpublished products, as an assisted sale sells them; amounts keep the merchant\'s decimals', async (t) => {
      const staff = await b.userSession(['PLACE_ORDERS_ON_BEHALF'])
      t.same((await shipping(staff, [{ Code: 'HIDDEN-1', Quantity: 3 }], 'DE')).result, [
        price('COURIER', 'B courier', 'JPY', true, 700, 833),
        price('COURIER', 'B courier', 'USD', true, 2.5, 2.975)
      ], 'JPY 700 + 19% = 833; USD (3 decimals) 2.500 + 0.475')
    })

    t.test('a merchant sees only its own methods and products', async (t) => {
      t.same(await shipping(b.apiSession, BOOK, 'US', 'USD').then((r) => [r.error?.data?.error_code, fieldsOf(r)]), ['ORDER_PRODUCT_CODE_INVALID', [['Items.0.Code', 'ORDER_PRODUCT_CODE_INVALID']]], 'A\'s product is unknown to B')
      const json = JSON.stringify(await shipping(b.staffSession, [{ Code: 'HIDDEN-1' }]))
      t.ok(json.includes('COURIER') && !json.includes('STANDARD') && !json.includes('EXPRESS'), 'B\'s courier only')
      t.notOk(JSON.stringify(await shipping(a.staffSession, BOOK)).includes('COURIER'), 'A never sees B\'s courier')
    })

    t.test('bad params are refused with their paths', async (t) => {
      const refused = async (params: unknown[]) => fieldsOf(await ta.rpc('getShippingPrice', [a.apiSession, ...params]))
      t.same(await refused([[], at('US'), at('US')]), [['Items', 'FIELD_OUT_OF_RANGE']])
      t.same(await refused([[{ Code: 'BOOK-PRINT', Quantity: 0 }], at('US'), at('US')]), [['Items.0.Quantity', 'FIELD_OUT_OF_RANGE']])
      t.same(await refused([[{ Code: 'BOOK-PRINT', Quantity: '2' }], at('US'), at('US')]), [['Items.0.Quantity', 'FIELD_TYPE_INVALID']])
      t.same(await refused([[{ Code: 'BOOK-PRINT', PriceOptions: ['X'] }], at('US'), at('US')]), [['Items.0.PriceOptions', 'FIELD_UNKNOWN']], 'an item field ordergate does not read is refused, not ignored')
      t.same(await refused([BOOK, {}, at('US')]), [['BillingDetails.CountryCode', 'FIELD_REQUIRED']])
      t.same(await refused([BOOK, at('XX'), at('US')]), [['BillingDetails.CountryCode', 'FIELD_INVALID']])
      t.same(await refused([BOOK, at('US')]), [['DeliveryDetails', 'FIELD_REQUIRED']])
      t.same(await refused([BOOK, at('US'), at('USA')]), [['DeliveryDetails.CountryCode', 'FIELD_INVALID']])
      t.same(await refused([BOOK, at('US'), at('US'), 'US$']), [['Currency', 'FIELD_INVALID']])
      t.same(await refused([BOOK, at('US'), at('US'), 'USD', 'WELCOME10']), [['CouponCodes', 'FIELD_TYPE_INVALID']])
    })
  })
}
