import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Assisted.CustomItems in drafts (issue 19 item 1): kept with the draft, priced in its answers
// as quote prices them, placed by completeDraft; only a user with CUSTOM_LINE_ITEMS may add them.

const DE_BILLING = { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined }
const CARD = { ...testCardOrder().PaymentDetails, Currency: 'eur' }
const fullOrder = () => testCardOrder({ Currency: 'eur', BillingDetails: DE_BILLING, PaymentDetails: CARD })
function draftOrder (): Record<string, unknown> {
  const { PaymentDetails: _payment, ...order } = fullOrder()
  return order
}
const CUSTOM = [
  { Name: 'Setup fee', Price: '50.00', Quantity: 2, TaxClass: 'STANDARD', Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } },
  { Name: 'Training (exempt)', Price: 30, TaxClass: 'EXEMPT' }
]
const money = (o: Record<string, unknown>) => ({ Net: o.NetDiscountedPrice, VAT: o.VAT, Gross: o.GrossDiscountedPrice, Items: (o.Items as Array<Record<string, any>>).map((i) => [i.Code, i.Price?.GrossDiscountedPrice ?? i.GrossDiscountedPrice, i.CustomItem]) })

t.test('custom line items in drafts', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const draftCount = async () => (await ta.db.db.selectFrom('drafts').select('id').where('merchant_id', '=', m.merchantId).execute()).length
  const orderCount = async () => (await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', m.merchantId).execute()).length

  t.test('draft price == quote price == placed order total, with a STANDARD and an EXEMPT custom line', async (t) => {
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const quote = await ta.rpc('quote', [custom, fullOrder(), { CustomItems: CUSTOM }])
    t.notOk(quote.error, JSON.stringify(quote.error))
    const created = await ta.rpc('createDraft', [custom, draftOrder(), { CustomItems: CUSTOM }])
    t.notOk(created.error, JSON.stringify(created.error))
    const draft = created.result
    t.same(draft.Assisted, {
      CustomItems: [
        { Name: 'Setup fee', Price: '50.00', Quantity: 2, TaxClass: 'STANDARD', Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } },
        { Name: 'Training (exempt)', Price: 30, Quantity: 1, TaxClass: 'EXEMPT' }
      ]
    }, 'the custom lines are kept with the draft')
    t.same(draft.Price, quote.result, 'the draft is priced as quote prices it')
    // my_subscription_1 89.00, VAT 19 % 16.91; CUSTOM-1 2 × 50.00 − 10 % = 90.00, VAT 17.10; CUSTOM-2 30.00, EXEMPT
    t.same(money(draft.Price), {
      Net: 209,
      VAT: 34.01,
      Gross: 243.01,
      Items: [['my_subscription_1', 105.91, undefined], ['CUSTOM-1', 107.1, { TaxClass: 'STANDARD' }], ['CUSTOM-2', 30, { TaxClass: 'EXEMPT' }]]
    })
    t.same((await ta.rpc('getDraft', [custom, draft.DraftId])).result, draft, 'getDraft answers the same, priced the same')
    const row = await ta.db.db.selectFrom('drafts').select('order_json').where('id', '=', BigInt(draft.DraftId)).executeTakeFirstOrThrow()
    t.same((row.order_json as { Assisted: unknown }).Assisted, draft.Assisted, 'stored as the draft\'s Assisted part')

    const placed = await ta.rpc('completeDraft', [custom, draft.DraftId, 1, CARD])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.match(placed.result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: 243.01 })
    t.same(money(placed.result), money(draft.Price), 'the placed order: the draft\'s price, line by line')
    t.same(placed.result.Items.slice(1).map((i: Record<string, any>) => [i.Code, i.Name, i.Quantity, i.Price.UnitNetPrice, i.Price.VATPercent, i.CustomItem]), [
      ['CUSTOM-1', 'Setup fee', 2, 50, 19, { TaxClass: 'STANDARD' }],
      ['CUSTOM-2', 'Training (exempt)', 1, 30, 0, { TaxClass: 'EXEMPT' }]
    ], 'completeDraft placed the custom lines')
    t.same((await ta.rpc('getOrder', [m.apiSession, placed.result.RefNo])).result, placed.result, 'getOrder answers the same Order')
    const lines = await ta.db.db.selectFrom('order_items').innerJoin('orders', 'orders.id', 'order_items.order_id')
      .select(['order_items.product_code', 'order_items.vat_minor']).where('orders.ref_no', '=', BigInt(placed.result.RefNo)).orderBy('order_items.line_no').execute()
    t.same(lines.map((l) => [l.product_code, Number(l.vat_minor)]), [['my_subscription_1', 1691], ['CUSTOM-1', 1710], ['CUSTOM-2', 0]], 'stored as order lines')
  })

  t.test('without CUSTOM_LINE_ITEMS, createDraft and updateDraft refuse NOT_ALLOWED naming Assisted.CustomItems; nothing written', async (t) => {
    const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
    const before = await draftCount()
    const refused = await ta.rpc('createDraft', [agent, draftOrder(), { CustomItems: CUSTOM }])
    t.match(refused.error, {
      code: 10004,
      data: { error_code: 'NOT_ALLOWED', privilege: 'CUSTOM_LINE_ITEMS', fields: [{ path: 'Assisted.CustomItems', error_code: 'NOT_ALLOWED', message: 'only a user with CUSTOM_LINE_ITEMS may send it' }] }
    }, 'createDraft refused, naming the field')
    t.equal(await draftCount(), before, 'no draft written')

    const plain = await ta.rpc('createDraft', [agent, draftOrder(), { CustomItems: [] }])
    t.notOk(plain.error, 'an empty CustomItems needs no privilege')
    const changed = await ta.rpc('updateDraft', [agent, plain.result.DraftId, 1, draftOrder(), { CustomItems: CUSTOM }])
    t.match(changed.error, { code: 10004, data: { error_code: 'NOT_ALLOWED', fields: [{ path: 'Assisted.CustomItems' }] } }, 'updateDraft refused, naming the field')
    const after = (await ta.rpc('getDraft', [agent, plain.result.DraftId])).result
    t.match(after, { Version: 1, Assisted: { CustomItems: [] } }, 'the draft unchanged')
  })

  t.test('updateDraft changes and removes custom lines; completeDraft places what the draft holds then', async (t) => {
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const created = (await ta.rpc('createDraft', [custom, draftOrder(), { CustomItems: CUSTOM }])).result
    const changed = await ta.rpc('updateDraft', [custom, created.DraftId, 1, draftOrder(), { CustomItems: [{ Name: 'Consulting', Price: 100, TaxClass: 'EXEMPT' }] }])
    t.notOk(changed.error, JSON.stringify(changed.error))
    const quoteChanged = await ta.rpc('quote', [custom, fullOrder(), { CustomItems: [{ Name: 'Consulting', Price: 100, TaxClass: 'EXEMPT' }] }])
    t.same(changed.result.Price, quoteChanged.result, 'changed: priced as quote prices it')
    t.same(money(changed.result.Price).Items, [['my_subscription_1', 105.91, undefined], ['CUSTOM-1', 100, { TaxClass: 'EXEMPT' }]])

    const removed = await ta.rpc('updateDraft', [custom, created.DraftId, 2, draftOrder(), {}])
    t.notOk(removed.error, JSON.stringify(removed.error))
    t.same(removed.result.Assisted, {}, 'no custom lines left')
    t.same(removed.result.Price, (await ta.rpc('quote', [custom, fullOrder(), {}])).result, 'priced without them')
    const before = await orderCount()
    const placed = await ta.rpc('completeDraft', [custom, created.DraftId, 3, CARD])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(placed.result.Items.map((i: { Code: string }) => i.Code), ['my_subscription_1'], 'placed without the removed lines')
    t.equal(placed.result.GrossDiscountedPrice, 105.91)
    t.equal(await orderCount(), before + 1)
  })

  t.test('a payment link of a draft with custom lines shows them and places them at the draft\'s price', async (t) => {
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const lines = [{ Name: 'Setup <fee> & co', Price: '50.00', TaxClass: 'STANDARD' }, { Name: 'Training (exempt)', Price: 30, TaxClass: 'EXEMPT' }]
    const draft = (await ta.rpc('createDraft', [custom, draftOrder(), { CustomItems: lines }])).result
    t.equal(draft.Price.AmountDue, 195.41, '105.91 + 59.50 + 30.00')
    const link = await ta.rpc('createPaymentLink', [custom, draft.DraftId, draft.Version])
    t.notOk(link.error, JSON.stringify(link.error))
    const url = new URL(link.result.Url)
    const page = await ta.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
    t.equal(page.statusCode, 200)
    t.ok(page.body.includes('Setup &#60;fee&#62; &#38; co') && page.body.includes('Training (exempt)'), 'the page lists the custom lines, escaped')
    t.notOk(page.body.includes('Setup <fee>'), 'the name is not raw HTML')
    const token = url.searchParams.get('token') ?? ''
    const paid = await ta.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token, HolderName: 'John Doe', CardNumber: '4111111111111111', ExpirationMonth: '12', ExpirationYear: '2030', CCID: '123' }) })
    t.equal(paid.statusCode, 200, paid.body)
    const order = (await ta.rpc('getOrder', [m.apiSession, JSON.parse(paid.body).RefNo])).result
    t.same(money(order), money(draft.Price), 'the placed order: the draft\'s price, custom lines included')
    t.same(order.Items.map((i: { Code: string }) => i.Code), ['my_subscription_1', 'CUSTOM-1', 'CUSTOM-2'])
  })

  t.test('a bad custom item in a draft is refused at its Assisted path; nothing written', async (t) => {
    const custom = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const before = await draftCount()
    const negative = await ta.rpc('createDraft', [custom, draftOrder(), { CustomItems: [{ Name: 'Refund', Price: -5 }] }])
    t.match(negative.error, { code: 55201, data: { error_code: 'CUSTOM_ITEM_INVALID', fields: [{ path: 'Assisted.CustomItems.0.Price' }] } })
    t.equal(await draftCount(), before)
  })
})
