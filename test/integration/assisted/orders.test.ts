import t from 'tap'
import { DEMO_CATALOG } from '../../../src/catalog/demo-catalog.js'
import { createTestApp } from '../../helpers/app.js'
import { catalogWithStock, DELIVERY, staffMerchant, stock } from '../../helpers/assisted.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'

const book = (quantity: number) => testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: quantity }], DeliveryDetails: DELIVERY })

t.test('assisted orders: who placed them, discounts, replacement, stock, cancel, fraud review, attachments', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta, {
    ...catalogWithStock(5, 2),
    products: catalogWithStock(5, 2).products.map((p) => (p.code === 'PAY-WHAT-YOU-WANT' ? { ...p, published: false } : p))
  })

  t.test('an on-behalf order records who placed it, on the wire and in orders.placed_by_user_id', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', { sessionID: m.staffSession, Order: testCardOrder() })
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result.ExtraInformation, { AssistedSale: true, PlacedBy: { UserId: Number, Username: 'agent1' } })
    const row = await ta.db.db.selectFrom('orders').select('placed_by_user_id').where('ref_no', '=', BigInt(reply.result.RefNo)).executeTakeFirstOrThrow()
    t.equal(Number(row.placed_by_user_id), reply.result.ExtraInformation.PlacedBy.UserId)
    t.same((await ta.rpc('getOrder', [m.apiSession, reply.result.RefNo])).result, reply.result, 'getOrder answers the same Order')
  })

  t.test('line discounts (unit price, amount, percent) and a total discount after tax and shipping, each recorded with user, old and new value', async (t) => {
    const order = testCardOrder({
      BillingDetails: { ...testCardOrder().BillingDetails, CountryCode: 'de', State: undefined },
      Items: [{ Code: 'my_subscription_1', Quantity: 2 }, { Code: 'ADDON-1', Quantity: 1 }, { Code: 'BOOK-PRINT', Quantity: 1 }],
      DeliveryDetails: { ...DELIVERY, CountryCode: 'de', State: undefined }
    })
    const assisted = {
      Items: [{ Discount: { Type: 'UNIT_PRICE', Value: 90, Reason: 'VIP price' } }, { Discount: { Type: 'PERCENT', Value: 50, Reason: 'bundle' } }, { Discount: { Type: 'AMOUNT', Value: '5.00', Reason: 'dented cover' } }],
      Discount: { Type: 'AMOUNT', Value: 10, Reason: 'goodwill' }
    }
    const quoted = await ta.rpc('quote', [m.staffSession, order, assisted])
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, order, assisted])
    t.notOk(reply.error, JSON.stringify(reply.error))
    const o = reply.result
    t.same(o.Items.map((i: { Price: { NetDiscountedPrice: number } }) => i.Price.NetDiscountedPrice), [180, 5, 20])
    // lines 205.00 + shipping 5.00 = 210.00 net; VAT 19% = 39.90; 249.90 − 10.00 after tax and shipping
    t.match(o, { NetDiscountedPrice: 210, VAT: 39.9, GrossDiscountedPrice: 239.9, ShippingPrice: 5 })
    t.equal(quoted.result.GrossDiscountedPrice, o.GrossDiscountedPrice, 'quote agreed')
    const rows = await ta.db.db.selectFrom('order_adjustments').innerJoin('orders', 'orders.id', 'order_adjustments.order_id')
      .select(['line_no', 'kind', 'discount_type', 'value', 'old_minor', 'new_minor', 'reason', 'user_id', 'orders.placed_by_user_id'])
      .where('orders.ref_no', '=', BigInt(o.RefNo)).orderBy('order_adjustments.id').execute()
    t.same(rows.map((r) => [r.line_no, r.kind, r.discount_type, r.value, Number(r.old_minor), Number(r.new_minor), r.reason]), [
      [1, 'LINE_DISCOUNT', 'UNIT_PRICE', '90', 19800, 18000, 'VIP price'],
      [2, 'LINE_DISCOUNT', 'PERCENT', '50', 1000, 500, 'bundle'],
      [3, 'LINE_DISCOUNT', 'AMOUNT', '5.00', 2500, 2000, 'dented cover'],
      [null, 'ORDER_DISCOUNT', 'AMOUNT', '10', 24990, 23990, 'goodwill']
    ])
    t.ok(rows.every((r) => r.user_id === r.placed_by_user_id), 'recorded with the staff user')
  })

  t.test('a discount that would make a price negative is DISCOUNT_INVALID at its Assisted path; nothing written', async (t) => {
    const before = await ta.db.db.selectFrom('orders').select('id').execute()
    const line = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { Items: [{ Discount: { Type: 'AMOUNT', Value: 100, Reason: 'too much' } }] }])
    t.equal(line.error?.code, 55201)
    t.equal(line.error?.data.error_code, 'DISCOUNT_INVALID')
    t.same(line.error?.data.fields.map((f: { path: string }) => f.path), ['Assisted.Items.0.Discount.Value'])
    const total = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { Discount: { Type: 'AMOUNT', Value: 99.01, Reason: 'too much' } }])
    t.same(total.error?.data.fields.map((f: { path: string }) => f.path), ['Assisted.Discount.Value'])
    const unit = await ta.rpc('quote', [m.staffSession, testCardOrder(), { Items: [{ Discount: { Type: 'UNIT_PRICE', Value: 120, Reason: 'up' } }] }])
    t.equal(unit.error?.data.error_code, 'DISCOUNT_INVALID', 'a unit price above the price is refused too')
    t.equal((await ta.db.db.selectFrom('orders').select('id').execute()).length, before.length)
  })

  t.test('staff may sell an unpublished product; the API may not', async (t) => {
    const order = testCardOrder({ Items: [{ Code: 'PAY-WHAT-YOU-WANT', Quantity: 1 }] })
    t.equal((await ta.rpc('placeOrder', [m.apiSession, order])).error?.data.error_code, 'ORDER_PRODUCT_NOT_PUBLISHED')
    t.equal((await ta.rpc('placeAssistedOrder', [m.staffSession, order])).result?.Status, 'AUTHRECEIVED')
  })

  t.test('a payment-not-required replacement order is COMPLETE, uncharged, linked to the original', async (t) => {
    const original = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    const order = { ...testCardOrder(), PaymentDetails: { Type: 'FREE', Currency: 'usd' } }
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { PaymentNotRequired: { OriginalRefNo: original.RefNo, Reason: 'lost in transit' } }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'COMPLETE', ApproveStatus: 'OK', OrderNo: Number, GrossDiscountedPrice: 99, ExtraInformation: { ReplacementOf: original.RefNo } })
    const payment = await ta.db.db.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id').select(['payments.status']).where('orders.ref_no', '=', BigInt(reply.result.RefNo)).executeTakeFirstOrThrow()
    t.equal(payment.status, 'NOT_REQUIRED')
    const unknown = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { PaymentNotRequired: { OriginalRefNo: '1', Reason: 'x' } }])
    t.equal(unknown.error?.data.error_code, 'ORDER_NOT_FOUND')
  })

  t.test('stock: a quantity above on hand + backorder is refused naming Items.N.Quantity and what is available; cancel releases', async (t) => {
    const available = 5 + 2 - (await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved
    const refused = await ta.rpc('placeOrder', [m.apiSession, book(available + 1)])
    t.equal(refused.error?.code, 55201)
    t.equal(refused.error?.data.error_code, 'ORDER_ITEMS_QUANTITY_INVALID')
    t.equal(refused.error?.data.fields[0].path, 'Items.0.Quantity')
    t.match(refused.error?.data.fields[0].message, new RegExp(`only ${available} `))
    t.equal((await ta.rpc('quote', [m.apiSession, book(available + 1)])).error?.data.error_code, 'ORDER_ITEMS_QUANTITY_INVALID', 'quote warns the same way')
    const placed = (await ta.rpc('placeAssistedOrder', [m.staffSession, book(available)])).result
    t.equal(placed.Status, 'AUTHRECEIVED', 'the last units, backorder included, can be sold')
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, 7)
    const declined = await ta.rpc('placeOrder', [m.apiSession, book(1)])
    t.equal(declined.error?.data.error_code, 'ORDER_ITEMS_QUANTITY_INVALID', 'sold out')
    const canceled = await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'customer changed their mind'])
    t.match(canceled.result, { Status: 'CANCELED', Cancellation: { By: { Username: 'agent1' }, Reason: 'customer changed their mind' } })
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, 7 - available, 'its units are back')
    t.equal((await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'again'])).error?.data.error_code, 'ORDER_STATUS_INVALID', 'once only')
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, 7 - available)
  })

  t.test('a declined card holds no stock', async (t) => {
    const before = (await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved
    const reply = await ta.rpc('placeOrder', [m.apiSession, withCard(book(1), { CardNumber: '4000000000000002' })])
    t.match(reply.result, { Status: 'PENDING', Errors: { PAYMENT_ERROR: String } })
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, before)
  })

  t.test('fraud review: a flagged customer\'s orders wait until marked OKAY; a rejected review cancels', async (t) => {
    const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Eve', LastName: 'Suspect', Email: 'eve@example.com', FraudReview: true }])).result
    const held = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customer.CustomerId }])).result
    t.match(held, { Status: 'PENDING', ApproveStatus: 'WAITING', FraudReview: { Status: 'OPEN', Reason: /flagged/ } })
    t.equal((await ta.rpc('isValidOrderReference', [m.apiSession, held.RefNo])).result, false)
    const review = await ta.db.db.selectFrom('fraud_reviews').selectAll().executeTakeFirstOrThrow()
    t.match(review, { opened_by: 'system:customer-flag', next_status: 'AUTHRECEIVED', outcome: null })

    const okay = await ta.rpc('reviewCustomer', [m.staffSession, customer.CustomerId, 'OKAY', 'called the customer'])
    t.match(okay.result, { Outcome: 'OKAY', Orders: [{ RefNo: held.RefNo, Status: 'AUTHRECEIVED' }] })
    const after = (await ta.rpc('getOrder', [m.apiSession, held.RefNo])).result
    t.match(after, { Status: 'AUTHRECEIVED', FraudReview: { Status: 'OKAY', ClosedBy: { Username: 'agent1' }, ClosedAt: '2026-11-23 10:00:00' } })
    const closed = await ta.db.db.selectFrom('fraud_reviews').selectAll().where('order_id', '=', review.order_id).executeTakeFirstOrThrow()
    t.match(closed, { outcome: 'OKAY', note: 'called the customer' })
    t.ok(closed.closed_by_user_id !== null && closed.closed_at !== null)
    const next = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customer.CustomerId }])).result
    t.equal(next.Status, 'AUTHRECEIVED', 'once OKAY, the customer\'s orders are no longer held')

    const sandbox = (await ta.rpc('placeOrder', [m.apiSession, withCard(testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Email: 'mallory@example.com' } }), { HolderName: 'FRAUD REVIEW' })])).result
    t.match(sandbox, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } })
    const found = (await ta.rpc('searchCustomers', [m.staffSession, { Email: 'mallory@example.com' }])).result.Customers[0]
    const rejected = await ta.rpc('reviewCustomer', [m.staffSession, found.CustomerId, 'REJECTED'])
    t.match(rejected.result, { Outcome: 'REJECTED', Orders: [{ RefNo: sandbox.RefNo, Status: 'CANCELED' }] })
    t.match((await ta.rpc('getOrder', [m.apiSession, sandbox.RefNo])).result, { Status: 'CANCELED', VendorApproveStatus: 'REJECTED', FraudReview: { Status: 'REJECTED' } })
  })

  t.test('PDF attachments: base64, %PDF- magic checked, size-limited', async (t) => {
    const order = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
    const added = await ta.rpc('addOrderAttachment', [m.staffSession, order.RefNo, 'invoice.pdf', pdf.toString('base64')])
    t.match(added.result, { AttachmentId: Number, FileName: 'invoice.pdf', ContentType: 'application/pdf', Size: pdf.length })
    t.match((await ta.rpc('listOrderAttachments', [m.staffSession, order.RefNo])).result, [{ FileName: 'invoice.pdf' }])
    const got = await ta.rpc('getOrderAttachment', [m.staffSession, order.RefNo, added.result.AttachmentId])
    t.equal(got.result.Content, pdf.toString('base64'))
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    t.equal((await ta.rpc('addOrderAttachment', [m.staffSession, order.RefNo, 'x.pdf', png.toString('base64')])).error?.data.error_code, 'ATTACHMENT_INVALID')
    t.equal((await ta.rpc('addOrderAttachment', [m.staffSession, order.RefNo, 'x.pdf', 'not base64!'])).error?.data.error_code, 'ATTACHMENT_INVALID')
    t.equal((await ta.rpc('addOrderAttachment', [m.staffSession, '1', 'x.pdf', pdf.toString('base64')])).error?.data.error_code, 'ORDER_NOT_FOUND')
  })
})

t.test('an attachment over 5 MiB is refused', async (t) => {
  const ta = await createTestApp(t, { RPC_BODY_LIMIT_BYTES: String(8 * 1024 * 1024) })
  const m = await staffMerchant(ta, DEMO_CATALOG)
  const order = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)
  big.write('%PDF-1.4')
  const reply = await ta.rpc('addOrderAttachment', [m.staffSession, order.RefNo, 'big.pdf', big.toString('base64')])
  t.equal(reply.error?.data.error_code, 'ATTACHMENT_INVALID')
  t.match(reply.error?.data.fields[0].message, /exceeds 5242880 bytes/)
})
