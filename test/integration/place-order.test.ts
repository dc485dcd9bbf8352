import t from 'tap'
import { loadCatalogFile } from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'

async function countRows (ta: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of ['orders', 'order_items', 'payments', 'customers'] as const) {
    const row = await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()
    counts[table] = Number(row.n)
  }
  return counts
}

t.test('placeOrder and getOrder', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)

  t.test('a TEST order with 4111111111111111 and "John Doe" ends AUTHRECEIVED / WAITING / OK', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, testCardOrder()])
    t.notOk(reply.error, JSON.stringify(reply.error))
    const order = reply.result
    t.match(order, {
      RefNo: /^\d{9,}$/,
      OrderNo: 0,
      ExternalReference: 'EXT-1',
      MerchantCode: m.code,
      Status: 'AUTHRECEIVED',
      ApproveStatus: 'WAITING',
      VendorApproveStatus: 'OK',
      OrderDate: '2026-11-23 10:00:00',
      FinishDate: null,
      Currency: 'usd',
      Language: 'en',
      Country: 'us',
      NetPrice: 99,
      GrossPrice: 99,
      NetDiscountedPrice: 99,
      GrossDiscountedPrice: 99,
      Discount: 0,
      VAT: 0,
      Errors: null,
      Items: [{ Code: 'my_subscription_1', Name: String, Quantity: 1, Price: { UnitNetPrice: 99, NetPrice: 99, GrossPrice: 99, VAT: 0, Discount: 0, Currency: 'usd' } }],
      BillingDetails: { FirstName: 'John', LastName: 'Doe', CountryCode: 'us', Email: 'john.doe@example.com' },
      PaymentDetails: { Type: 'TEST', Currency: 'usd', PaymentMethod: { CardType: 'visa', FirstDigits: '411111', LastDigits: '1111', ExpirationYear: '2030', ExpirationMonth: '12' } }
    })
    const text = JSON.stringify(order)
    t.notOk(text.includes('4111111111111111'), 'no full card number in the answer')
    t.notOk(/"CCID"/.test(text), 'no CVV in the answer')

    t.test('getOrder returns exactly what placeOrder returned (deep-equal round trip)', async (t) => {
      const fetched = await ta.rpc('getOrder', [m.sessionId, order.RefNo])
      t.same(fetched.result, order)
      const byName = await ta.rpc('getOrder', { sessionID: m.sessionId, RefNo: order.RefNo })
      t.same(byName.result, order)
    })

    t.test('isValidOrderReference is true for it', async (t) => {
      t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, order.RefNo])).result, true)
    })

    t.test('the database holds the masked card only', async (t) => {
      const payment = await ta.db.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow()
      t.equal(payment.card_first6, '411111')
      t.equal(payment.card_last4, '1111')
      const orders = await ta.db.db.selectFrom('orders').selectAll().execute()
      const dump = JSON.stringify([orders, await ta.db.db.selectFrom('payments').selectAll().execute()], (_k, v) => typeof v === 'bigint' ? String(v) : v)
      t.notOk(dump.includes('4111111111111111'))
      t.notOk(dump.includes('"123"'))
    })
  })

  t.test('placeOrder by name, with lower-case codes, PREMIUM price option, quantity 3 in EUR to DE (19% VAT)', async (t) => {
    const order = testCardOrder({
      Currency: 'eur',
      Items: [{ Code: 'my_subscription_1', Quantity: 3, PriceOptions: ['PREMIUM'] }],
      BillingDetails: { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined, Zip: '10115', City: 'Berlin' }
    })
    order.PaymentDetails.Currency = 'EUR'
    const reply = await ta.rpc('placeOrder', { sessionID: m.sessionId, Order: order })
    t.notOk(reply.error, JSON.stringify(reply.error))
    // (89.00 + 18.00) × 3 = 321.00 net; VAT 19% = 60.99; gross 381.99
    t.match(reply.result, { Currency: 'eur', NetPrice: 321, VAT: 60.99, GrossPrice: 381.99, GrossDiscountedPrice: 381.99, Items: [{ PriceOptions: ['PREMIUM'], Price: { UnitNetPrice: 107, VATPercent: 19 } }] })
  })

  t.test('a declined card is not an RPC error: the order is stored PENDING with Errors.PAYMENT_ERROR', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder(), { CardNumber: '4000000000000002' })])
    t.notOk(reply.error)
    t.match(reply.result, { Status: 'PENDING', Errors: { PAYMENT_ERROR: /declined/i }, RefNo: /^\d+$/ })
    t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, reply.result.RefNo])).result, false, 'a declined order cannot pay a PREVIOUS_ORDER')
    t.same((await ta.rpc('getOrder', [m.sessionId, reply.result.RefNo])).result, reply.result)
  })

  t.test('FREE on a zero total completes with an OrderNo; FREE on a non-zero total is refused and writes nothing', async (t) => {
    const free = testCardOrder({ Items: [{ Code: 'PAY-WHAT-YOU-WANT', Price: { Type: 'CUSTOM', Amount: 0 } }], PaymentDetails: { Type: 'FREE', Currency: 'USD', PaymentMethod: null } })
    const reply = await ta.rpc('placeOrder', [m.sessionId, free])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'COMPLETE', ApproveStatus: 'OK', GrossDiscountedPrice: 0, FinishDate: '2026-11-23 10:00:00', PaymentDetails: { Type: 'FREE', PaymentMethod: null } })
    t.ok(reply.result.OrderNo > 0, 'OrderNo is set once the order completes')

    const before = await countRows(ta)
    const refused = await ta.rpc('placeOrder', [m.sessionId, { ...free, Items: [{ Code: 'my_subscription_1' }] }])
    t.equal(refused.error?.code, 55201)
    t.match(refused.error?.data, { error_code: 'ORDER_FREE_TOTAL_NOT_ZERO', fields: [{ path: 'PaymentDetails.Type' }] })
    t.same(await countRows(ta), before, 'nothing written')
  })

  t.test('a physical product needs DeliveryDetails and gets the default STANDARD shipping', async (t) => {
    const book = testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }] })
    const missing = await ta.rpc('placeOrder', [m.sessionId, book])
    t.match(missing.error, { code: 55201, data: { error_code: 'ORDER_DELIVERY_DETAILS_REQUIRED', fields: [{ path: 'DeliveryDetails' }] } })
    const reply = await ta.rpc('placeOrder', [m.sessionId, { ...book, DeliveryDetails: { FirstName: 'John', LastName: 'Doe', CountryCode: 'US', State: 'CA', City: 'LA', Address1: '1 Main St', Zip: '90210' } }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    // 2 × 25.00 + STANDARD 5.00 shipping
    t.match(reply.result, { NetPrice: 55, GrossDiscountedPrice: 55, DeliveryInformation: { ShippingMethod: { Code: 'STANDARD' } }, DeliveryDetails: { CountryCode: 'us' } })
  })

  t.test('the WELCOME10 coupon takes 10% off and is echoed in Promotions', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ Promotions: ['welcome10'] })])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { NetPrice: 99, Discount: 9.9, NetDiscountedPrice: 89.1, GrossDiscountedPrice: 89.1, Promotions: ['WELCOME10'] })
  })

  t.test('business refusals name the field and write nothing', async (t) => {
    const before = await countRows(ta)
    const unknown = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ Items: [{ Code: 'NO-SUCH-PRODUCT' }] })])
    t.match(unknown.error, { code: 55201, data: { error_code: 'ORDER_PRODUCT_CODE_INVALID', fields: [{ path: 'Items.0.Code', error_code: 'ORDER_PRODUCT_CODE_INVALID' }] } })
    const jpy = testCardOrder({ Currency: 'jpy' })
    jpy.PaymentDetails.Currency = 'JPY'
    const wrongCurrency = await ta.rpc('placeOrder', [m.sessionId, jpy])
    t.match(wrongCurrency.error, { code: 55201, data: { error_code: 'ORDER_PRODUCT_CURRENCY_INVALID', fields: [{ path: 'Items.0.Code' }] } })
    const custom = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ Items: [{ Code: 'my_subscription_1', Price: { Type: 'CUSTOM', Amount: 1 } }] })])
    t.match(custom.error, { code: 55201, data: { error_code: 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID' } })
    const coupon = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ Promotions: ['NOPE'] })])
    t.match(coupon.error, { code: 55201, data: { error_code: 'PROMOTION_CODE_INVALID', fields: [{ path: 'Promotions.0' }] } })
    t.same(await countRows(ta), before)
  })

  t.test('an invalid Order answers -32602 with every violation and writes nothing', async (t) => {
    const before = await countRows(ta)
    const bad = testCardOrder({
      Currency: 'usd',
      Items: [{ Code: 'my_subscription_1', Quantity: 0 }],
      BillingDetails: { ...testCardOrder().BillingDetails, State: undefined, Email: 'not-an-email' }
    })
    const reply = await ta.rpc('placeOrder', [m.sessionId, withCard(bad, { CardNumber: '4111111111111112', CCID: '12' })])
    t.equal(reply.error?.code, -32602)
    t.equal(reply.error?.data.error_code, 'INVALID_PARAMS')
    const paths = (reply.error?.data.fields as Array<{ path: string }>).map((f) => f.path).sort()
    t.same(paths, ['BillingDetails.Email', 'BillingDetails.State', 'Items.0.Quantity', 'PaymentDetails.PaymentMethod.CCID', 'PaymentDetails.PaymentMethod.CardNumber'])
    t.notOk(JSON.stringify(reply).includes('4111111111111112'), 'the card number is not echoed')
    t.same(await countRows(ta), before)
  })

  t.test('placeOrder without an Order is -32602 naming Order', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId])
    t.equal(reply.error?.code, -32602)
    t.match(reply.error?.data.fields, [{ path: 'Order' }])
  })

  t.test('placeOrder with an expired session returns SESSION_EXPIRED and writes nothing', async (t) => {
    const before = await countRows(ta)
    const session = await ta.login(m)
    ta.clock.advance(600_000)
    const reply = await ta.rpc('placeOrder', [session, testCardOrder()])
    t.equal(reply.error?.data.error_code, 'SESSION_EXPIRED')
    t.same(await countRows(ta), before)
    ta.clock.advance(-600_000)
  })

  t.test('orders of one CustomerReference share one customer', async (t) => {
    const a = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ CustomerReference: 4242 })])
    const b = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ CustomerReference: '4242' })])
    t.equal(a.result.CustomerReference, 4242)
    t.equal(b.result.CustomerReference, 4242)
    const rows = await ta.db.db.selectFrom('customers').selectAll().where('customer_reference', '=', 4242n).execute()
    t.equal(rows.length, 1)
  })
})

t.test('merchant isolation: merchant B cannot see, validate or fetch merchant A\'s orders', async (t) => {
  const ta = await createTestApp(t)
  const a = await seedDemoMerchant(ta)
  const b = await seedDemoMerchant(ta)
  const placed = await ta.rpc('placeOrder', [a.sessionId, testCardOrder()])
  const refNo = placed.result.RefNo as string
  t.equal((await ta.rpc('isValidOrderReference', [a.sessionId, refNo])).result, true)
  t.equal((await ta.rpc('isValidOrderReference', [b.sessionId, refNo])).result, false)
  const fetched = await ta.rpc('getOrder', [b.sessionId, refNo])
  t.match(fetched.error, { code: 55201, data: { error_code: 'ORDER_NOT_FOUND' } })
  const unknown = await ta.rpc('getOrder', [b.sessionId, '999999999'])
  t.same(unknown.error?.data.error_code, fetched.error?.data.error_code, 'the same answer as an unknown RefNo')
  t.equal(unknown.error?.message, fetched.error?.message.replace(refNo, '999999999'))
})

t.test('a coupon with max_uses is counted when orders are placed and refused once used up', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const row = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
  const catalog = structuredClone(DEMO_CATALOG) as any
  catalog.promotions = catalog.promotions.map((p: any) => p.code === 'WELCOME10' ? { ...p, maxUses: 2 } : p)
  const loaded = await loadCatalogFile(ta.db.db, row.id, catalog)
  t.ok(loaded.ok)
  const session = await ta.login(merchant)
  const replies = await Promise.all([1, 2, 3].map(() => ta.rpc('placeOrder', [session, testCardOrder({ Promotions: ['WELCOME10'] })])))
  t.equal(replies.filter((r) => r.result !== undefined).length, 2, 'two orders get the coupon')
  const refused = replies.filter((r) => r.error !== undefined)
  t.equal(refused.length, 1)
  t.match(refused[0]?.error, { code: 55201, data: { error_code: 'PROMOTION_CODE_INVALID', fields: [{ path: 'Promotions.0' }] } })
  const promo = await ta.db.db.selectFrom('promotions').select('uses').where('merchant_id', '=', row.id).where('code', '=', 'WELCOME10').executeTakeFirstOrThrow()
  t.equal(Number(promo.uses), 2)
  const orders = await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(orders.n), 2, 'the refused order wrote nothing')
})

// Card orders without coupons or stock are stored by one statement outside a transaction (the
// customer, when new, is created by that statement); these are that path's own cases.
t.test('orders stored in one statement: new customers, racing first orders, kept cards, flagged customers', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const shopper = (email: string, overrides: Record<string, unknown> = {}) =>
    testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Email: email }, ...overrides })

  t.test('20 racing first orders of one new shopper: all placed, one customer, one kept card', async (t) => {
    const replies = await Promise.all(Array.from({ length: 20 }, async () => await ta.rpc('placeOrder', [m.sessionId, shopper('Racer@Example.com')])))
    t.same(replies.filter((r) => r.result?.Status !== 'AUTHRECEIVED').map((r) => r.error), [], 'every order placed')
    const customers = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).where('email', 'ilike', 'racer@example.com').execute()
    t.equal(customers.length, 1, 'one customer')
    const customerId = customers[0]?.id ?? -1n
    const orders = await ta.db.db.selectFrom('orders').select('id').where('customer_id', '=', customerId).execute()
    t.equal(orders.length, 20, 'all 20 orders are that customer\'s')
    const cards = await ta.db.db.selectFrom('stored_cards').selectAll().where('customer_id', '=', customerId).execute()
    t.match(cards, [{ brand: 'visa', first6: '411111', last4: '1111' }], 'the card kept once, as brand and digits only')
    const payments = await ta.db.db.selectFrom('payments').select('id').where('order_id', 'in', orders.map((o) => o.id)).execute()
    t.equal(payments.length, 20, 'one payment record per order')
  })

  t.test('racing first orders of one new CustomerReference share one customer', async (t) => {
    const replies = await Promise.all(Array.from({ length: 10 }, async (_, i) => await ta.rpc('placeOrder', [m.sessionId, shopper(`ref${i}@example.com`, { CustomerReference: 777 })])))
    t.same(replies.map((r) => r.result?.CustomerReference), Array(10).fill(777))
    const customers = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).where('customer_reference', '=', 777n).execute()
    t.equal(customers.length, 1)
  })

  t.test('an e-mail address finds its customer whatever its letter case', async (t) => {
    await ta.rpc('placeOrder', [m.sessionId, shopper('Case@Example.com')])
    await ta.rpc('placeOrder', [m.sessionId, shopper('CASE@example.COM')])
    const customers = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).where('email', 'ilike', 'case@example.com').execute()
    t.equal(customers.length, 1)
  })

  t.test('a customer flagged for review: the order is held PENDING with a review opened in the same statement', async (t) => {
    const first = (await ta.rpc('placeOrder', [m.sessionId, shopper('flagged@example.com')])).result
    t.equal(first.Status, 'AUTHRECEIVED')
    await ta.db.db.updateTable('customers').set({ fraud_review: true }).where('merchant_id', '=', m.id).where('email', '=', 'flagged@example.com').execute()
    const held = (await ta.rpc('placeOrder', [m.sessionId, shopper('flagged@example.com')])).result
    t.match(held, { Status: 'PENDING', ApproveStatus: 'WAITING', FraudReview: { Status: 'OPEN', Reason: /flagged/ } })
    const order = await ta.db.db.selectFrom('orders').select(['id', 'status', 'fraud_status']).where('ref_no', '=', BigInt(held.RefNo)).executeTakeFirstOrThrow()
    t.match(order, { status: 'PENDING', fraud_status: 'OPEN' })
    const review = await ta.db.db.selectFrom('fraud_reviews').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow()
    t.match(review, { opened_by: 'system:customer-flag', next_status: 'AUTHRECEIVED', outcome: null })
  })

  t.test('a sandbox fraud-rule hit opens a fraud-rules review and keeps no card', async (t) => {
    const held = (await ta.rpc('placeOrder', [m.sessionId, withCard(shopper('rule@example.com'), { HolderName: 'FRAUD REVIEW' })])).result
    t.match(held, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } })
    const order = await ta.db.db.selectFrom('orders').select(['id', 'customer_id']).where('ref_no', '=', BigInt(held.RefNo)).executeTakeFirstOrThrow()
    t.match(await ta.db.db.selectFrom('fraud_reviews').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow(), { opened_by: 'system:fraud-rules', next_status: 'AUTHRECEIVED' })
    t.same(await ta.db.db.selectFrom('stored_cards').select('id').where('customer_id', '=', order.customer_id ?? -1n).execute(), [])
  })

  t.test('a declined card keeps no card and stores the order PENDING with its payment', async (t) => {
    const declined = (await ta.rpc('placeOrder', [m.sessionId, withCard(shopper('declined@example.com'), { CardNumber: '4000000000000002' })])).result
    t.match(declined, { Status: 'PENDING', Errors: { PAYMENT_ERROR: String } })
    const order = await ta.db.db.selectFrom('orders').select(['id', 'customer_id']).where('ref_no', '=', BigInt(declined.RefNo)).executeTakeFirstOrThrow()
    t.match(await ta.db.db.selectFrom('payments').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow(), { status: 'DECLINED', card_last4: '0002' })
    t.same(await ta.db.db.selectFrom('stored_cards').select('id').where('customer_id', '=', order.customer_id ?? -1n).execute(), [])
  })
})
