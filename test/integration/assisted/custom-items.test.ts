import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Assisted.CustomItems (issue 19): custom (non-catalog) lines, CUSTOM-1, CUSTOM-2, …, priced by
// the same code as catalog lines (VAT by tax class, the staff discount, coupons), stored and
// answered by getOrder; only a user with CUSTOM_LINE_ITEMS may add them.

const DE_BILLING = { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined }
const euroOrder = (overrides: Record<string, unknown> = {}) => testCardOrder({
  Currency: 'eur',
  BillingDetails: DE_BILLING,
  PaymentDetails: { ...testCardOrder().PaymentDetails, Currency: 'eur' },
  ...overrides
})
const CUSTOM = [
  { Name: 'Setup fee', Price: '50.00', Quantity: 2, TaxClass: 'STANDARD', Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } },
  { Name: 'Training (exempt)', Price: 30, TaxClass: 'EXEMPT' }
]

const price = (p: Record<string, number | string>) => ({ Currency: 'eur', Type: 'CUSTOM', ...p })

t.test('custom line items', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const countOrders = async () => (await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', m.merchantId).execute()).length

  t.test('priced like catalog lines (VAT by tax class, staff discount, coupon), stored, and answered the same by quote, placeAssistedOrder and getOrder', async (t) => {
    const order = euroOrder({ Promotions: ['WELCOME10'] })
    const assisted = { CustomItems: CUSTOM }
    const quoted = await ta.rpc('quote', [m.staffSession, order, assisted])
    t.notOk(quoted.error, JSON.stringify(quoted.error))
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, order, assisted])
    t.notOk(placed.error, JSON.stringify(placed.error))
    const o = placed.result
    // my_subscription_1 89.00 − 10 % coupon = 80.10, VAT 19 % 15.22;
    // CUSTOM-1 2 × 50.00 = 100.00 − 10 % staff = 90.00 − 10 % coupon = 81.00, VAT 15.39;
    // CUSTOM-2 30.00 − 10 % coupon = 27.00, EXEMPT: VAT 0.
    t.same(o.Items.slice(1), [
      {
        Code: 'CUSTOM-1',
        Name: 'Setup fee',
        Quantity: 2,
        SKU: null,
        PriceOptions: [],
        Price: price({ UnitNetPrice: 50, NetPrice: 100, GrossPrice: 119, NetDiscountedPrice: 81, GrossDiscountedPrice: 96.39, Discount: 19, VAT: 15.39, VATPercent: 19 }),
        CrossSell: null,
        Trial: null,
        AdditionalFields: [],
        SubscriptionStartDate: null,
        SubscriptionCustomSettings: null,
        Promotions: ['WELCOME10'],
        CustomItem: { TaxClass: 'STANDARD' }
      },
      {
        Code: 'CUSTOM-2',
        Name: 'Training (exempt)',
        Quantity: 1,
        SKU: null,
        PriceOptions: [],
        Price: price({ UnitNetPrice: 30, NetPrice: 30, GrossPrice: 30, NetDiscountedPrice: 27, GrossDiscountedPrice: 27, Discount: 3, VAT: 0, VATPercent: 0 }),
        CrossSell: null,
        Trial: null,
        AdditionalFields: [],
        SubscriptionStartDate: null,
        SubscriptionCustomSettings: null,
        Promotions: ['WELCOME10'],
        CustomItem: { TaxClass: 'EXEMPT' }
      }
    ], 'the custom lines, after the catalog line, each with its TaxClass')
    t.notOk('CustomItem' in o.Items[0], 'a catalog line has no CustomItem')
    t.same(quoted.result.Items.map((i: { CustomItem?: unknown }) => i.CustomItem), [undefined, { TaxClass: 'STANDARD' }, { TaxClass: 'EXEMPT' }], 'quote echoes the tax classes too')
    t.match(o, { Status: 'AUTHRECEIVED', NetPrice: 219, GrossPrice: 254.91, NetDiscountedPrice: 188.1, VAT: 30.61, GrossDiscountedPrice: 218.71, Discount: 30.9 })
    t.same(
      { Net: quoted.result.NetDiscountedPrice, VAT: quoted.result.VAT, Gross: quoted.result.GrossDiscountedPrice, Due: quoted.result.AmountDue, Codes: quoted.result.Items.map((i: { Code: string }) => i.Code) },
      { Net: 188.1, VAT: 30.61, Gross: 218.71, Due: 218.71, Codes: ['my_subscription_1', 'CUSTOM-1', 'CUSTOM-2'] },
      'quote priced it the same'
    )
    t.match(quoted.result.Items[1], { ManualDiscount: { Type: 'PERCENT', Amount: 10, Reason: 'loyal customer' } })
    t.same((await ta.rpc('getOrder', [m.apiSession, o.RefNo])).result, o, 'getOrder answers the same Order')

    const lines = await ta.db.db.selectFrom('order_items').innerJoin('orders', 'orders.id', 'order_items.order_id')
      .select(['order_items.line_no', 'order_items.product_code', 'order_items.product_name', 'order_items.quantity', 'order_items.unit_net_price_minor', 'order_items.vat_minor', 'order_items.vat_percent_bp', 'order_items.details'])
      .where('orders.ref_no', '=', BigInt(o.RefNo)).orderBy('order_items.line_no').execute()
    t.same(lines.slice(1).map((l) => [l.line_no, l.product_code, l.product_name, l.quantity, Number(l.unit_net_price_minor), Number(l.vat_minor), l.vat_percent_bp, (l.details as { CustomItem?: unknown }).CustomItem]), [
      [2, 'CUSTOM-1', 'Setup fee', 2, 5000, 1539, 1900, { TaxClass: 'STANDARD' }],
      [3, 'CUSTOM-2', 'Training (exempt)', 1, 3000, 0, 0, { TaxClass: 'EXEMPT' }]
    ], 'stored as order lines with their tax class')
    const adjustments = await ta.db.db.selectFrom('order_adjustments').innerJoin('orders', 'orders.id', 'order_adjustments.order_id')
      .select(['line_no', 'kind', 'discount_type', 'value', 'old_minor', 'new_minor', 'reason'])
      .where('orders.ref_no', '=', BigInt(o.RefNo)).execute()
    t.same(adjustments.map((r) => [r.line_no, r.kind, r.discount_type, r.value, Number(r.old_minor), Number(r.new_minor), r.reason]), [
      [2, 'LINE_DISCOUNT', 'PERCENT', '10', 10000, 9000, 'loyal customer']
    ], 'the staff discount of a custom line is recorded like a catalog line\'s')
  })

  t.test('without CUSTOM_LINE_ITEMS, quote and placeAssistedOrder refuse NOT_ALLOWED naming Assisted.CustomItems; nothing written', async (t) => {
    const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'])
    const before = await countOrders()
    for (const method of ['quote', 'placeAssistedOrder']) {
      const reply = await ta.rpc(method, [agent, euroOrder(), { CustomItems: CUSTOM }])
      t.same(reply.error, {
        code: 10004,
        message: 'Not allowed: user agent3 lacks the privilege CUSTOM_LINE_ITEMS ("Add custom (non-catalog) line items with their own name, price and tax class to an assisted order"): Assisted.CustomItems: only a user with CUSTOM_LINE_ITEMS may send it',
        data: {
          error_code: 'NOT_ALLOWED',
          reason: 'NOT_ALLOWED',
          fields: [{ path: 'Assisted.CustomItems', error_code: 'NOT_ALLOWED', message: 'only a user with CUSTOM_LINE_ITEMS may send it' }],
          privilege: 'CUSTOM_LINE_ITEMS',
          privileges: ['CUSTOM_LINE_ITEMS'],
          requestId: reply.error?.data?.requestId
        }
      }, `${method}: refused, naming the field`)
      t.type(reply.error?.data?.requestId, 'string')
    }
    t.equal(await countOrders(), before, 'no order written')
    t.notOk((await ta.rpc('placeAssistedOrder', [agent, euroOrder(), { CustomItems: [] }])).error, 'an empty CustomItems needs no privilege')
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    t.match((await ta.rpc('placeAssistedOrder', [custom, euroOrder(), { CustomItems: CUSTOM }])).result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: 243.01 }, 'with the privilege it is placed')
  })

  t.test('bad custom items are refused at their Assisted path; nothing written', async (t) => {
    const before = await countOrders()
    const negative = await ta.rpc('placeAssistedOrder', [m.staffSession, euroOrder(), { CustomItems: [{ Name: 'Refund', Price: -5 }] }])
    t.match(negative.error, { code: 55201, data: { error_code: 'CUSTOM_ITEM_INVALID', fields: [{ path: 'Assisted.CustomItems.0.Price', error_code: 'CUSTOM_ITEM_INVALID', message: 'a custom item\'s price must not be negative' }] } })
    const precision = await ta.rpc('quote', [m.staffSession, euroOrder(), { CustomItems: [{ Name: 'Fee', Price: '1.005' }] }])
    t.match(precision.error, { code: 55201, data: { error_code: 'CUSTOM_ITEM_INVALID', fields: [{ path: 'Assisted.CustomItems.0.Price' }] } })
    const discount = await ta.rpc('placeAssistedOrder', [m.staffSession, euroOrder(), { CustomItems: [{ Name: 'Fee', Price: 5 }, { Name: 'Fee 2', Price: 5, Discount: { Type: 'AMOUNT', Value: 6, Reason: 'too much' } }] }])
    t.match(discount.error, { code: 55201, data: { error_code: 'DISCOUNT_INVALID' } })
    t.same(discount.error?.data.fields.map((f: { path: string }) => f.path), ['Assisted.CustomItems.1.Discount.Value'])
    const noName = await ta.rpc('placeAssistedOrder', [m.staffSession, euroOrder(), { CustomItems: [{ Name: ' ', Price: 5 }] }])
    t.equal(noName.error?.code, -32602)
    t.match(JSON.stringify(noName.error?.data), 'Assisted.CustomItems.0.Name')
    t.equal(await countOrders(), before)
  })

  t.test('a total that staff discounts on custom lines bring to 0 needs REPLACEMENT_ORDERS, like any free order', async (t) => {
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const free = { ...euroOrder({ PaymentDetails: { Type: 'FREE', Currency: 'eur' } }) }
    const assisted = {
      Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'gift' } }],
      CustomItems: [{ Name: 'Fee', Price: 5, Discount: { Type: 'PERCENT', Value: 100, Reason: 'gift' } }]
    }
    const refused = await ta.rpc('placeAssistedOrder', [custom, free, assisted])
    t.match(refused.error, { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS' } })
    t.same(refused.error?.data.fields?.map((f: { path: string }) => f.path), ['Assisted.Items.0.Discount', 'Assisted.CustomItems.0.Discount'], 'each 100 % discount named at its Assisted path')
    t.match((await ta.rpc('placeAssistedOrder', [m.staffSession, free, assisted])).result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 })
  })
})
