import t, { type Test } from 'tap'
import { sweepOrders } from '../../../src/orders/order-sweeps.js'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { catalogWithStock, DELIVERY, staffMerchant, stock, type Staff } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

// Draft orders (issue 19 item 1) on the test database (PostgreSQL when it runs, as in CI); the
// acceptance's races and expiry (one update of two from the same version, one order of many
// completions, stock released on expiry) also on the embedded backend, the default install's.

const BACKENDS: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

const CARD = testCardOrder().PaymentDetails
const DECLINED = { ...CARD, PaymentMethod: { ...CARD.PaymentMethod, CardNumber: '4000000000000002' } }

/** The draft Order: the test order without PaymentDetails. */
function draftOrder (overrides: Record<string, unknown> = {}): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder(overrides)
  return order
}

const BOOKS = (quantity: number) => draftOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: quantity }], DeliveryDetails: DELIVERY })

async function setup (t: Test, onHand = 100, makeDb: () => Promise<TestDb> = createTestDb): Promise<{ ta: TestApp, m: Staff, agent: string }> {
  const ta = await createTestApp(t, {}, await makeDb())
  const m = await staffMerchant(ta, catalogWithStock(onHand, 0))
  const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  return { ta, m, agent }
}

const draftRows = async (ta: TestApp) => await ta.db.db.selectFrom('drafts').selectAll().execute()
const orderCount = async (ta: TestApp) => Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

t.test('createDraft answers the draft at version 1, priced as quote prices it, and getDraft answers the same', async (t) => {
  const { ta, m, agent } = await setup(t)
  const order = draftOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2, PriceOptions: ['PREMIUM'] }] })
  const created = await ta.rpc('createDraft', [agent, order, { Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } }])
  t.notOk(created.error, JSON.stringify(created.error))
  const quote = await ta.rpc('quote', [agent, testCardOrder({ Items: order.Items }), { Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } }])
  t.notOk(quote.error)
  const row = (await draftRows(ta))[0]!
  const users = await ta.db.db.selectFrom('merchant_users').select(['id', 'username']).where('id', '=', row.created_by_user_id).executeTakeFirstOrThrow()
  const at = '2026-11-23 10:00:00'
  t.same(created.result, {
    DraftId: Number(row.id),
    Version: 1,
    Status: 'OPEN',
    Order: {
      Currency: 'USD',
      Country: 'US',
      Language: 'en',
      ExternalReference: 'EXT-1',
      Items: [{ Code: 'my_subscription_1', Quantity: 2, PriceOptions: ['PREMIUM'], AdditionalFields: [] }],
      BillingDetails: { FirstName: 'John', LastName: 'Doe', CountryCode: 'US', State: 'CA', City: 'Los Angeles', Address1: '1 Main St', Zip: '90210', Email: 'john.doe@example.com' },
      Promotions: [],
      AdditionalFields: []
    },
    Assisted: { Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } },
    Price: quote.result,
    PriceErrors: [],
    CustomerId: null,
    RefNo: null,
    CreatedBy: { UserId: Number(users.id), Username: users.username },
    UpdatedBy: { UserId: Number(users.id), Username: users.username },
    CreatedAt: at,
    UpdatedAt: at,
    ExpiresAt: '2026-11-30 10:00:00',
    ClosedAt: null
  })
  t.same((await ta.rpc('getDraft', [agent, Number(row.id)])).result, created.result, 'getDraft: the same draft, priced the same')
  t.equal(row.merchant_id, m.merchantId)
  t.notOk(JSON.stringify(row.order_json).includes('PaymentDetails'), 'no payment details stored')
})

t.test('quote == draft price == placed order price for the demo catalog\'s cases', async (t) => {
  const { ta, m } = await setup(t)
  const cases: Array<{ name: string, order: Record<string, unknown>, assisted?: Record<string, unknown> }> = [
    { name: 'a subscription', order: { Items: [{ Code: 'my_subscription_1', Quantity: 1 }] } },
    { name: 'price option PREMIUM, 3 of them', order: { Items: [{ Code: 'my_subscription_1', Quantity: 3, PriceOptions: ['PREMIUM'] }] } },
    { name: 'a printed book, shipped EXPRESS', order: { Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }], DeliveryDetails: DELIVERY, DeliveryInformation: { ShippingMethod: { Code: 'EXPRESS' } } } },
    { name: 'a cross-sell', order: { Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 1, CrossSell: { ParentCode: 'my_subscription_1', CampaignCode: 'XSELL1' } }] } },
    { name: 'coupon WELCOME10', order: { Items: [{ Code: 'my_subscription_1', Quantity: 1 }], Promotions: ['WELCOME10'] } },
    { name: 'coupon FIXED5USD', order: { Items: [{ Code: 'ADDON-1', Quantity: 2 }], Promotions: ['FIXED5USD'] } },
    { name: 'pay what you want', order: { Items: [{ Code: 'PAY-WHAT-YOU-WANT', Quantity: 1, Price: { Type: 'CUSTOM', Amount: 7.77 } }] } },
    { name: 'EUR to Germany (VAT)', order: { Currency: 'eur', Country: 'de', Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], BillingDetails: { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined }, DeliveryDetails: { ...DELIVERY, CountryCode: 'de', State: undefined } } },
    {
      name: 'staff line and order discounts',
      order: { Items: [{ Code: 'my_subscription_1', Quantity: 2 }, { Code: 'ADDON-1', Quantity: 1 }] },
      assisted: { Items: [{ Discount: { Type: 'AMOUNT', Value: 5, Reason: 'goodwill' } }, { Discount: { Type: 'UNIT_PRICE', Value: 7.5, Reason: 'match' } }], Discount: { Type: 'PERCENT', Value: 12.5, Reason: 'loyal' } }
    }
  ]
  for (const c of cases) {
    const full = testCardOrder(c.order)
    if (full.Currency === 'eur') full.PaymentDetails = { ...full.PaymentDetails, Currency: 'eur' }
    const { PaymentDetails: payment, ...order } = full
    const assisted = c.assisted ?? {}
    const quote = await ta.rpc('quote', [m.staffSession, full, assisted])
    t.notOk(quote.error, `${c.name}: quoted ${JSON.stringify(quote.error)}`)
    const draft = await ta.rpc('createDraft', [m.staffSession, order, assisted])
    t.notOk(draft.error, `${c.name}: drafted ${JSON.stringify(draft.error)}`)
    t.same(draft.result.Price, quote.result, `${c.name}: the draft's price is the quote`)
    const placed = await ta.rpc('completeDraft', [m.staffSession, draft.result.DraftId, 1, payment])
    t.notOk(placed.error, `${c.name}: completed ${JSON.stringify(placed.error)}`)
    const p = placed.result
    t.same({ NetPrice: p.NetPrice, GrossPrice: p.GrossPrice, NetDiscountedPrice: p.NetDiscountedPrice, GrossDiscountedPrice: p.GrossDiscountedPrice, Discount: p.Discount, VAT: p.VAT, ShippingPrice: p.ShippingPrice },
      { NetPrice: quote.result.NetPrice, GrossPrice: quote.result.GrossPrice, NetDiscountedPrice: quote.result.NetDiscountedPrice, GrossDiscountedPrice: quote.result.GrossDiscountedPrice, Discount: quote.result.Discount, VAT: quote.result.VAT, ShippingPrice: quote.result.ShippingPrice },
      `${c.name}: the placed order's totals are the quote's`)
    t.same(p.Items.map((i: { Price: unknown }) => i.Price), quote.result.Items.map((i: { Price: unknown }) => i.Price), `${c.name}: each line's price too`)
    t.equal(p.Status, 'AUTHRECEIVED')
  }
})

for (const [backend, makeDb] of BACKENDS) {
  t.test(`on ${backend}, two updates from the same version at once: exactly one wins, the other is DRAFT_VERSION_CONFLICT`, async (t) => {
    const { ta, agent } = await setup(t, 100, makeDb)
    const created = (await ta.rpc('createDraft', [agent, BOOKS(1)])).result
    for (let round = 0; round < 5; round++) {
      const version = created.Version + round
      const replies = await Promise.all([3, 4].map(async (q) => await ta.rpc('updateDraft', [agent, created.DraftId, version, BOOKS(q + round * 2)])))
      const won = replies.filter((r) => r.error === undefined)
      const lost = replies.filter((r) => r.error !== undefined)
      t.equal(won.length, 1, `round ${round}: one wins`)
      t.equal(lost.length, 1, `round ${round}: one is refused`)
      t.same(lost[0]?.error, {
        code: 55201,
        message: `The draft was changed since the version given: get it again and apply the change to the new version: Version: the draft is at version ${version + 1}, not ${version}`,
        data: { error_code: 'DRAFT_VERSION_CONFLICT', reason: 'DRAFT_VERSION_CONFLICT', Version: version + 1, fields: [{ path: 'Version', error_code: 'DRAFT_VERSION_CONFLICT', message: `the draft is at version ${version + 1}, not ${version}` }], requestId: lost[0]?.error?.data?.requestId }
      }, `round ${round}: the whole refusal`)
      t.equal(won[0]?.result.Version, version + 1)
      const now = (await ta.rpc('getDraft', [agent, created.DraftId])).result
      t.same(now.Order.Items, won[0]?.result.Order.Items, 'the winner\'s lines are the draft\'s')
      const held = await ta.db.db.selectFrom('draft_stock_holds').select('quantity').execute()
      t.same(held.map((h) => h.quantity), [won[0]?.result.Order.Items[0].Quantity], 'the stock held is the winner\'s quantity')
    }
    // a stale version later is refused too, and writes nothing
    const before = await draftRows(ta)
    const stale = await ta.rpc('updateDraft', [agent, created.DraftId, 1, BOOKS(9)])
    t.match(stale.error, { code: 55201, data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 6 } })
    t.same(await draftRows(ta), before, 'nothing written')
  })
}

for (const [backend, makeDb] of BACKENDS) {
  t.test(`on ${backend}, completing a draft twice, and twice at once, places one order; the second answers the same order`, async (t) => {
    const { ta, m, agent } = await setup(t, 5, makeDb)
    const created = (await ta.rpc('createDraft', [agent, BOOKS(2)])).result
    t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 5, reserved: 2, backorderLimit: 0 }, 'the draft holds 2')
    const first = await ta.rpc('completeDraft', [agent, created.DraftId, 1, CARD])
    t.notOk(first.error, JSON.stringify(first.error))
    t.match(first.result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: created.Price.GrossDiscountedPrice, ExtraInformation: { AssistedSale: true } })
    const again = await ta.rpc('completeDraft', [agent, created.DraftId, 1, CARD])
    t.same(again.result, first.result, 'the same order again')
    t.equal(await orderCount(ta), 1, 'one order')
    t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 5, reserved: 2, backorderLimit: 0 }, 'the order reserves what the draft held: 2, not 4')
    t.equal((await ta.db.db.selectFrom('draft_stock_holds').selectAll().execute()).length, 0, 'the draft holds nothing now')
    const got = (await ta.rpc('getDraft', [agent, created.DraftId])).result
    t.match(got, { Status: 'COMPLETED', RefNo: first.result.RefNo, Price: null, ClosedAt: '2026-11-23 10:00:00' })
    t.match((await ta.rpc('updateDraft', [agent, created.DraftId, 1, BOOKS(1)])).error, { code: 55201, data: { error_code: 'DRAFT_NOT_OPEN', Status: 'COMPLETED' } })
    t.match((await ta.rpc('abandonDraft', [agent, created.DraftId])).error, { code: 55201, data: { error_code: 'DRAFT_NOT_OPEN', Status: 'COMPLETED' } })

    // at once: 4 completions of a new draft
    for (let round = 0; round < 3; round++) {
      const draft = (await ta.rpc('createDraft', [agent, draftOrder()])).result
      const before = await orderCount(ta)
      const replies = await Promise.all([0, 1, 2, 3].map(async () => await ta.rpc('completeDraft', [agent, draft.DraftId, 1, CARD])))
      t.same(replies.map((r) => r.error), [undefined, undefined, undefined, undefined], `round ${round}: every completion answers`)
      t.same(new Set(replies.map((r) => r.result.RefNo)).size, 1, `round ${round}: one RefNo`)
      t.equal(await orderCount(ta), before + 1, `round ${round}: one order`)
    }
  })
}

t.test('a declined card leaves the draft OPEN with its stock held, and stores no order', async (t) => {
  const { ta, m, agent } = await setup(t, 5)
  const created = (await ta.rpc('createDraft', [agent, BOOKS(3)])).result
  const declined = await ta.rpc('completeDraft', [agent, created.DraftId, 1, DECLINED])
  t.match(declined.error, { code: 55200, data: { error_code: 'DRAFT_PAYMENT_DECLINED', fields: [{ path: 'PaymentDetails', error_code: 'DRAFT_PAYMENT_DECLINED' }] } })
  t.equal(await orderCount(ta), 0, 'no order stored')
  t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 5, reserved: 3, backorderLimit: 0 }, 'still held by the draft')
  t.match((await ta.rpc('getDraft', [agent, created.DraftId])).result, { Status: 'OPEN', Version: 1 })
  t.notOk(ta.logs.some((line) => line.includes('4000000000000002')), 'no card number in any log line')
  const paid = await ta.rpc('completeDraft', [agent, created.DraftId, 1, CARD, { Given: true }])
  t.match(paid.result, { Status: 'AUTHRECEIVED' }, 'another card completes it, with the customer\'s consent to keep it')
  const consent = await ta.db.db.selectFrom('order_events').select('event').where('event', '=', 'CARD_CONSENT_RECORDED').execute()
  t.equal(consent.length, 1, 'the consent is in the order\'s history')

  // a 3-D Secure card: the draft is completed with the PENDING order whose page the customer finishes
  const secure = (await ta.rpc('createDraft', [agent, draftOrder()])).result
  const pending = await ta.rpc('completeDraft', [agent, secure.DraftId, 1, { ...CARD, PaymentMethod: { ...CARD.PaymentMethod, CardNumber: '4000000000003220' } }])
  t.match(pending.result, { Status: 'PENDING', PaymentDetails: { PaymentMethod: { Authorize3DS: { Href: /^http/ } } } })
  t.match((await ta.rpc('getDraft', [agent, secure.DraftId])).result, { Status: 'COMPLETED', RefNo: pending.result.RefNo })
})

for (const [backend, makeDb] of BACKENDS) {
  t.test(`on ${backend}, an expired draft releases its stock (the sweep, on the test clock) and cannot be changed or completed`, async (t) => {
    const { ta, m, agent: first } = await setup(t, 4, makeDb)
    let agent = first
    const short = (await ta.rpc('createDraft', [agent, BOOKS(3), {}, 60])).result
    t.equal(short.ExpiresAt, '2026-11-23 11:00:00')
    const long = (await ta.rpc('createDraft', [agent, BOOKS(1)])).result
    t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 4, reserved: 4, backorderLimit: 0 })
    const none = await ta.rpc('quote', [agent, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: DELIVERY })])
    t.match(none.error, { data: { error_code: 'ORDER_ITEMS_QUANTITY_INVALID', fields: [{ path: 'Items.0.Quantity' }] } }, 'the held stock is not for sale')
    const third = await ta.rpc('createDraft', [agent, BOOKS(1)])
    t.match(third.error, { data: { error_code: 'ORDER_ITEMS_QUANTITY_INVALID', fields: [{ path: 'Items.0.Quantity', message: 'only 0 of "BOOK-PRINT" can be ordered (on hand + backorder limit − reserved); the order asks for 1' }] } }, 'nor for another draft')

    ta.clock.advance(59 * 60_000)
    t.same((await sweepOrders(ta.deps)).expiredDrafts, [], 'at 59 minutes nothing expires')
    ta.clock.advance(60_000)
    agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
    t.match((await ta.rpc('updateDraft', [agent, short.DraftId, 1, BOOKS(1)])).error, { data: { error_code: 'DRAFT_NOT_OPEN', Status: 'EXPIRED' } }, 'past its expiry, before the sweep: refused')
    t.match((await ta.rpc('completeDraft', [agent, short.DraftId, 1, CARD])).error, { data: { error_code: 'DRAFT_NOT_OPEN', Status: 'EXPIRED' } })
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [String(short.DraftId)], expiredPaymentLinks: [] }, 'at 60 minutes the short draft expires')
    t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 4, reserved: 1, backorderLimit: 0 }, 'its 3 given back; the other draft still holds 1')
    t.same((await sweepOrders(ta.deps)).expiredDrafts, [], 'once')
    t.match((await ta.rpc('getDraft', [agent, short.DraftId])).result, { Status: 'EXPIRED', ClosedAt: '2026-11-23 11:00:00', Price: null })
    t.match((await ta.rpc('getDraft', [agent, long.DraftId])).result, { Status: 'OPEN' })
    t.equal(await orderCount(ta), 0)
    ta.clock.advance(7 * 86_400_000)
    t.same((await sweepOrders(ta.deps)).expiredDrafts, [String(long.DraftId)], 'the default life: 7 days')
    t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 4, reserved: 0, backorderLimit: 0 })
  })
}

t.test('abandonDraft gives the stock back; searchDrafts by status, customer and creator, a page at a time', async (t) => {
  const { ta, m, agent } = await setup(t)
  const other = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Cat', LastName: 'Cee', Email: 'cat@example.com' }])).result
  const a = (await ta.rpc('createDraft', [agent, BOOKS(2)])).result
  const b = (await ta.rpc('createDraft', [agent, draftOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Email: 'Cat@Example.com' } }), { CustomerId: customer.CustomerId }])).result
  const c = (await ta.rpc('createDraft', [other, draftOrder()])).result
  t.match((await ta.rpc('abandonDraft', [agent, a.DraftId, 2])).error, { data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 1 } }, 'a stale version is refused')
  const abandoned = await ta.rpc('abandonDraft', [agent, a.DraftId, 1])
  t.match(abandoned.result, { DraftId: a.DraftId, Status: 'ABANDONED', Version: 1, Price: null })
  t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 100, reserved: 0, backorderLimit: 0 })
  const ids = async (options: unknown) => {
    const reply = await ta.rpc('searchDrafts', [agent, options])
    t.notOk(reply.error, JSON.stringify(reply.error))
    return { ids: reply.result.Items.map((d: { DraftId: number }) => d.DraftId), pagination: reply.result.Pagination }
  }
  t.same(await ids(null), { ids: [c.DraftId, b.DraftId, a.DraftId], pagination: { Page: 1, Limit: 10, Count: 3 } })
  t.same(await ids({ Status: 'OPEN' }), { ids: [c.DraftId, b.DraftId], pagination: { Page: 1, Limit: 10, Count: 2 } })
  t.same(await ids({ Status: 'ABANDONED' }), { ids: [a.DraftId], pagination: { Page: 1, Limit: 10, Count: 1 } })
  t.same(await ids({ CustomerId: customer.CustomerId }), { ids: [b.DraftId], pagination: { Page: 1, Limit: 10, Count: 1 } })
  t.same(await ids({ CustomerEmail: 'CAT@example.com' }), { ids: [b.DraftId], pagination: { Page: 1, Limit: 10, Count: 1 } })
  t.same(await ids({ CreatedBy: c.CreatedBy.Username }), { ids: [c.DraftId], pagination: { Page: 1, Limit: 10, Count: 1 } })
  t.same(await ids({ Pagination: { Page: 2, Limit: 2 } }), { ids: [a.DraftId], pagination: { Page: 2, Limit: 2, Count: 3 } })
  const searched = (await ta.rpc('searchDrafts', [agent, { Status: 'OPEN' }])).result.Items[1]
  t.same(searched, (await ta.rpc('getDraft', [agent, b.DraftId])).result, 'each item as getDraft answers it')
  t.match((await ta.rpc('searchDrafts', [agent, { Colour: 'red' }])).error, { code: -32602, data: { fields: [{ path: 'SearchOptions.Colour' }] } })
})

t.test('bad inputs name the field and write nothing; a draft never holds card data', async (t) => {
  const { ta, agent, m } = await setup(t)
  const refusals: Array<[string, unknown[], Record<string, unknown>]> = [
    // the params guard's refusal of card numbers outside a payment's card field (every method)
    ['card details', [agent, testCardOrder()], { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'PaymentDetails.PaymentMethod.CardNumber', error_code: 'CARD_NUMBER_IN_TEXT' }] } }],
    ['a card number in a field', [agent, draftOrder({ ExternalReference: '4111 1111 1111 1111' })], { code: -32602, data: { fields: [{ path: 'ExternalReference', error_code: 'CARD_NUMBER_IN_TEXT' }] } }],
    ['a card number in a discount reason', [agent, draftOrder(), { Discount: { Type: 'AMOUNT', Value: 1, Reason: 'card 4111111111111111' } }], { code: -32602, data: { fields: [{ path: 'Assisted.Discount.Reason', error_code: 'CARD_NUMBER_IN_TEXT' }] } }],
    // the draft's own: no PaymentDetails at all, no card field anywhere
    ['payment details without a card', [agent, { ...draftOrder(), PaymentDetails: { Type: 'WIRE', Currency: 'usd' } }], { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'PaymentDetails', error_code: 'DRAFT_PAYMENT_DETAILS_NOT_ALLOWED' }] } }],
    ['a CVV key', [agent, { ...draftOrder(), BillingDetails: { ...draftOrder().BillingDetails, CVV: '123' } }], { code: -32602, data: { fields: [{ path: 'BillingDetails.CVV', error_code: 'DRAFT_CARD_DATA_NOT_ALLOWED' }] } }],
    ['no city', [agent, draftOrder({ BillingDetails: { ...draftOrder().BillingDetails, City: undefined } })], { code: -32602, data: { fields: [{ path: 'BillingDetails.City', error_code: 'FIELD_REQUIRED' }] } }],
    ['an unknown product', [agent, draftOrder({ Items: [{ Code: 'NOPE', Quantity: 1 }] })], { code: 55201, data: { error_code: 'ORDER_PRODUCT_CODE_INVALID', fields: [{ path: 'Items.0.Code' }] } }],
    ['too many books', [agent, BOOKS(101)], { code: 55201, data: { error_code: 'ORDER_ITEMS_QUANTITY_INVALID', fields: [{ path: 'Items.0.Quantity' }] } }],
    ['a bad discount', [agent, draftOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 150, Reason: 'x' } }] }], { code: 55201, data: { error_code: 'DISCOUNT_INVALID', fields: [{ path: 'Assisted.Items.0.Discount.Value' }] } }],
    ['a replacement', [agent, draftOrder(), { PaymentNotRequired: { OriginalRefNo: '1', Reason: 'x' } }], { code: -32602, data: { fields: [{ path: 'Assisted.PaymentNotRequired' }] } }],
    ['card consent (asked with the card, at completeDraft)', [agent, draftOrder(), { CardConsent: { Given: true } }], { code: -32602, data: { fields: [{ path: 'Assisted.CardConsent' }] } }],
    // A draft is kept in the database: a supervisor's password (Assisted.Approval) never is; it is
    // checked as placeAssistedOrder checks it (discount-givers.test: an approval that passes).
    ['an unknown supervisor\'s approval', [agent, draftOrder(), { Approval: { Username: 'boss', Password: 'approval-secret-9f3' } }], { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED' }] } }],
    ['a life too long', [agent, draftOrder(), {}, 43_201], { code: -32602, data: { fields: [{ path: 'ExpiresInMinutes', error_code: 'FIELD_INVALID' }] } }]
  ]
  for (const [name, params, error] of refusals) {
    const reply = await ta.rpc('createDraft', params)
    t.match(reply.error, error, `${name}: ${JSON.stringify(reply.error?.data?.fields)}`)
  }
  t.same(await draftRows(ta), [], 'no draft written')
  t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 100, reserved: 0, backorderLimit: 0 }, 'no stock held')
  t.notOk(ta.logs.some((line) => line.includes('4111111111111111') || line.includes('4111 1111 1111 1111')), 'no card number in any log line')
  t.notOk(ta.logs.some((line) => line.includes('approval-secret-9f3')), 'no approval password in any log line')

  const draft = (await ta.rpc('createDraft', [agent, BOOKS(1)])).result
  const before = await draftRows(ta)
  t.match((await ta.rpc('updateDraft', [agent, draft.DraftId, 1, BOOKS(101)])).error, { data: { error_code: 'ORDER_ITEMS_QUANTITY_INVALID' } })
  t.match((await ta.rpc('updateDraft', [agent, draft.DraftId, 1, testCardOrder()])).error, { data: { fields: [{ path: 'PaymentDetails' }] } })
  t.match((await ta.rpc('updateDraft', [agent, 999999, 1, BOOKS(1)])).error, { code: 55201, data: { error_code: 'DRAFT_NOT_FOUND', fields: [{ path: 'DraftId' }] } })
  t.match((await ta.rpc('completeDraft', [agent, draft.DraftId, 1, { ...CARD, PaymentMethod: { ...CARD.PaymentMethod, CardNumber: '4111111111111112' } }])).error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.CardNumber' }] } })
  t.match((await ta.rpc('completeDraft', [agent, draft.DraftId, 2, CARD])).error, { data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 1 } })
  t.same(await draftRows(ta), before, 'the draft unchanged')
  t.equal(await orderCount(ta), 0, 'no order')
  t.same(await stock(ta, m.merchantId, 'BOOK-PRINT'), { onHand: 100, reserved: 1, backorderLimit: 0 })
})

t.test('drafts are for staff with PLACE_ORDERS_ON_BEHALF, not the merchant\'s API session nor a user without it', async (t) => {
  const { ta, m, agent } = await setup(t)
  const draft = (await ta.rpc('createDraft', [agent, draftOrder()])).result
  const calls: Array<[string, (s: string) => unknown[]]> = [
    ['createDraft', (s) => [s, draftOrder()]],
    ['updateDraft', (s) => [s, draft.DraftId, 1, draftOrder()]],
    ['getDraft', (s) => [s, draft.DraftId]],
    ['searchDrafts', (s) => [s]],
    ['abandonDraft', (s) => [s, draft.DraftId]],
    ['completeDraft', (s) => [s, draft.DraftId, 1, CARD]]
  ]
  for (const [method, params] of calls) {
    t.match((await ta.rpc(method, params(m.apiSession))).error, { code: 10004, data: { error_code: 'NOT_ALLOWED' } }, `${method}: not the API session`)
    t.match((await ta.rpc(method, params(m.noPrivilegeSession))).error, { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'PLACE_ORDERS_ON_BEHALF' } }, `${method}: not without the privilege`)
  }
  t.equal((await draftRows(ta)).length, 1)
  t.match((await ta.rpc('getDraft', [agent, draft.DraftId])).result, { Status: 'OPEN', Version: 1 })
})

t.test('DRAFT_TTL_MINUTES, DRAFT_MAX_TTL_MINUTES and PAYMENT_LINK_TTL_MINUTES set otherwise: drafts and links expire by them (test clock), and a longer ExpiresInMinutes is refused naming DRAFT_MAX_TTL_MINUTES', async (t) => {
  // SESSION_TTL_SECONDS: the agent's session outlives the four hours the clock moves on
  const ta = await createTestApp(t, { DRAFT_TTL_MINUTES: '90', DRAFT_MAX_TTL_MINUTES: '240', PAYMENT_LINK_TTL_MINUTES: '30', SESSION_TTL_SECONDS: '86400' })
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  const MINUTE = 60_000
  const start = ta.clock.now().getTime()
  const at = (ms: number) => ta.clock.set(new Date(start + ms))
  const sweep = async () => { const swept = await sweepOrders(ta.deps); return { drafts: swept.expiredDrafts, links: swept.expiredPaymentLinks } }

  const plain = (await ta.rpc('createDraft', [agent, draftOrder()])).result
  t.equal(plain.ExpiresAt, '2026-11-23 11:30:00', 'no ExpiresInMinutes: DRAFT_TTL_MINUTES (90) from now')
  const before = await draftRows(ta)
  const refused = { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'ExpiresInMinutes', error_code: 'FIELD_INVALID', message: 'at most 240 minutes (DRAFT_MAX_TTL_MINUTES)' }] } }
  t.match((await ta.rpc('createDraft', [agent, draftOrder(), {}, 241])).error, refused, 'createDraft: 241 minutes is above DRAFT_MAX_TTL_MINUTES (240)')
  t.match((await ta.rpc('updateDraft', [agent, plain.DraftId, 1, draftOrder(), {}, 241])).error, refused, 'updateDraft too')
  t.same(await draftRows(ta), before, 'nothing written')
  const longest = (await ta.rpc('createDraft', [agent, draftOrder(), {}, 240])).result
  t.equal(longest.ExpiresAt, '2026-11-23 14:00:00', 'at DRAFT_MAX_TTL_MINUTES: accepted')
  const link = (await ta.rpc('createPaymentLink', [agent, longest.DraftId, 1])).result
  t.equal(link.ExpiresAt, '2026-11-23 10:30:00', 'no ExpiresInMinutes: PAYMENT_LINK_TTL_MINUTES (30) from now')

  at(30 * MINUTE - 1)
  t.same(await sweep(), { drafts: [], links: [] }, 'a millisecond before 30 minutes nothing expires')
  t.equal((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result.Status, 'PENDING')
  at(30 * MINUTE)
  t.same(await sweep(), { drafts: [], links: [String(link.LinkId)] }, 'at 30 minutes the link expires')
  t.equal((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result.Status, 'EXPIRED')
  at(90 * MINUTE - 1)
  t.same(await sweep(), { drafts: [], links: [] })
  at(90 * MINUTE)
  t.same(await sweep(), { drafts: [String(plain.DraftId)], links: [] }, 'at 90 minutes the default draft expires')
  t.match((await ta.rpc('getDraft', [agent, plain.DraftId])).result, { Status: 'EXPIRED', ClosedAt: '2026-11-23 11:30:00' })
  at(240 * MINUTE - 1)
  t.same(await sweep(), { drafts: [], links: [] })
  at(240 * MINUTE)
  t.same(await sweep(), { drafts: [String(longest.DraftId)], links: [] }, 'at 240 minutes the longest draft expires')

  const short = (await ta.rpc('createDraft', [agent, draftOrder(), {}, 20])).result
  const cut = (await ta.rpc('createPaymentLink', [agent, short.DraftId, 1])).result
  t.equal(cut.ExpiresAt, '2026-11-23 14:20:00', 'a link on a draft with 20 minutes left: cut to the draft\'s expiry, not 30 minutes')
})
