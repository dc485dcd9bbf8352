import t, { type Test } from 'tap'
import { buildIpnFields, encodeIpnForm, signIpn, type IpnField } from '../../../src/notifications/ipn-message.js'
import { loadIpnSource } from '../../../src/notifications/ipn-source-store.js'
import { createEmbeddedTestDb } from '../../helpers/db.js'
import { createTestApp, TEST_START, type TestApp } from '../../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../../helpers/orders.js'

const PAN = '4111111111111111'
const CVV = '123'

const values = (fields: readonly IpnField[], name: string): string[] => fields.filter(([n]) => n === name).map(([, v]) => v)
const value = (fields: readonly IpnField[], name: string): string | undefined => values(fields, name)[0]
const money = (amount: number): string => amount.toFixed(2)

/** A EUR card order billed in Germany, delivered to France: a physical and a digital product, WELCOME10. */
const germanOrder = () => testCardOrder({
  Currency: 'eur',
  Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'BOOK-PRINT', Quantity: 2 }],
  Promotions: ['WELCOME10'],
  BillingDetails: { FirstName: 'Jürgen', LastName: 'Müller', CountryCode: 'de', City: 'Köln', Address1: 'Hauptstraße 1', Zip: '50667', Email: 'j.mueller@example.com' },
  DeliveryDetails: { FirstName: 'José', LastName: 'García', CountryCode: 'fr', City: 'Paris', Address1: '1 Rue de la Paix', Zip: '75002', Phone: '+33 1 23 45 67 89' },
  PaymentDetails: { ...testCardOrder().PaymentDetails, Currency: 'eur' }
})

/** Places an order through the API and answers it with its database id and its PLACED event's id. */
async function place (ta: TestApp, sessionId: string, order: Record<string, unknown>): Promise<{ wire: any, orderId: bigint, placedEventId: bigint }> {
  const reply = await ta.rpc('placeOrder', [sessionId, order])
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
  const row = await ta.db.db.selectFrom('orders').select('id').where('ref_no', '=', BigInt(reply.result.RefNo)).executeTakeFirstOrThrow()
  const event = await ta.db.db.selectFrom('order_events').select('id').where('order_id', '=', row.id).where('event', '=', 'PLACED').executeTakeFirstOrThrow()
  return { wire: reply.result, orderId: row.id, placedEventId: event.id }
}

async function productIds (ta: TestApp, merchantId: bigint, codes: string[]): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('products').select(['id', 'code']).where('merchant_id', '=', merchantId).execute()
  return codes.map((code) => String(rows.find((r) => r.code === code)?.id))
}

t.test('loadIpnSource + buildIpnFields for a card order placed through the API', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const { wire, orderId, placedEventId } = await place(ta, m.sessionId, germanOrder())
  t.equal(wire.Status, 'AUTHRECEIVED')

  const source = await loadIpnSource(ta.db.db, orderId, placedEventId)
  if (source === undefined) throw new Error('no IPN source for the placed order')

  t.test('the source is the order as stored and the change it was loaded for', async (t) => {
    t.match(source, {
      merchantCode: m.code,
      refNo: BigInt(wire.RefNo),
      externalReference: 'EXT-1',
      orderDate: TEST_START,
      paidAt: TEST_START,
      completedAt: null,
      paymentType: 'TEST',
      testOrder: true,
      currency: 'EUR',
      fraudStatus: null,
      gift: false,
      customerIp: '10.0.0.1',
      billing: { FirstName: 'Jürgen', LastName: 'Müller', CountryCode: 'DE', Email: 'j.mueller@example.com' },
      delivery: { FirstName: 'José', CountryCode: 'FR', Phone: '+33 1 23 45 67 89' },
      change: { eventId: placedEventId, event: 'PLACED', at: TEST_START, fromStatus: null, toStatus: 'AUTHRECEIVED' }
    })
    t.same(source.items.map((i) => [i.productCode, i.quantity, i.promotions]), [
      ['my_subscription_1', 1, [{ code: 'WELCOME10', name: 'Welcome: 10% off every product' }]],
      ['BOOK-PRINT', 2, [{ code: 'WELCOME10', name: 'Welcome: 10% off every product' }]]
    ])
  })

  t.test('the fields carry the RefNo, the status, the items and the totals the API reported', async (t) => {
    const fields = buildIpnFields(source, ta.clock.now())
    t.equal(value(fields, 'REFNO'), wire.RefNo)
    t.equal(value(fields, 'REFNOEXT'), 'EXT-1')
    t.equal(value(fields, 'ORDERNO'), '0')
    t.equal(value(fields, 'ORDERSTATUS'), 'PAYMENT_AUTHORIZED')
    t.equal(value(fields, 'SALEDATE'), '2026-11-23 10:00:00')
    t.equal(value(fields, 'PAYMENTDATE'), '2026-11-23 10:00:00')
    t.equal(value(fields, 'PAYMETHOD_CODE'), 'TEST')
    t.equal(value(fields, 'TEST_ORDER'), '1')
    t.equal(value(fields, 'CURRENCY'), 'EUR')
    t.equal(value(fields, 'FIRSTNAME'), 'Jürgen')
    t.equal(value(fields, 'COUNTRY'), 'Germany')
    t.equal(value(fields, 'COUNTRY_CODE'), 'de')
    t.equal(value(fields, 'FIRSTNAME_D'), 'José')
    t.equal(value(fields, 'COUNTRY_D'), 'France')
    t.equal(value(fields, 'IPADDRESS'), '10.0.0.1')
    t.equal(value(fields, 'VENDOR_CODE'), m.code)
    t.same(values(fields, 'IPN_PID[]'), await productIds(ta, m.id, ['my_subscription_1', 'BOOK-PRINT']), 'the catalog products\' ids')
    t.same(values(fields, 'IPN_PCODE[]'), wire.Items.map((i: any) => i.Code))
    t.same(values(fields, 'IPN_PNAME[]'), wire.Items.map((i: any) => i.Name))
    t.same(values(fields, 'IPN_QTY[]'), ['1', '2'])
    t.same(values(fields, 'IPN_PRICE[]'), wire.Items.map((i: any) => money(i.Price.UnitNetPrice)))
    t.same(values(fields, 'IPN_VAT[]'), wire.Items.map((i: any) => money(i.Price.VAT)))
    t.same(values(fields, 'IPN_VAT_RATE[]'), wire.Items.map((i: any) => money(i.Price.VATPercent)))
    t.same(values(fields, 'IPN_DISCOUNT[]'), wire.Items.map((i: any) => money(i.Price.Discount)))
    t.same(values(fields, 'IPN_TOTAL[]'), wire.Items.map((i: any) => money(i.Price.GrossDiscountedPrice)))
    t.same(values(fields, 'IPN_PROMONAME[]'), ['Welcome: 10% off every product', 'Welcome: 10% off every product'])
    t.equal(value(fields, 'IPN_TOTALGENERAL'), money(wire.GrossDiscountedPrice))
    t.equal(value(fields, 'IPN_SHIPPING'), money(wire.ShippingPrice))
    t.ok(wire.VAT > 0 && wire.Discount > 0 && wire.ShippingPrice > 0, 'the order has VAT, a discount and shipping')
  })

  t.test('neither the source nor the signed form body holds the card number, its first digits or the CVV', async (t) => {
    const body = encodeIpnForm(signIpn(buildIpnFields(source, ta.clock.now()), m.secret))
    const text = JSON.stringify(source, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
    for (const [what, s] of [['source', text], ['form body', body]] as const) {
      t.notOk(s.includes(PAN), `${what}: no card number`)
      t.notOk(s.includes(PAN.slice(0, 6)), `${what}: no first six digits`)
      t.notOk(s.includes('12/2030') || s.includes('"2030"'), `${what}: no expiry`)
    }
    const signed = signIpn(buildIpnFields(source, ta.clock.now()), m.secret)
    for (const [name, v] of signed) {
      t.not(v, PAN.slice(-4), `${name} is not the card's last four digits`)
      t.not(v, CVV, `${name} is not the CVV`)
    }
  })
})

t.test('a notification reports the status of its change, even after the order moved on', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const { orderId, placedEventId } = await place(ta, m.sessionId, testCardOrder())
  const completedAt = new Date(TEST_START.getTime() + 60_000)
  // The order completes (as the lifecycle would: status, FinishDate, OrderNo, a history row).
  await ta.db.db.updateTable('orders').set({ status: 'COMPLETE', finish_date: completedAt, order_no: 555n }).where('id', '=', orderId).execute()
  const completion = await ta.db.db.insertInto('order_events')
    .values({ order_id: orderId, at: completedAt, from_status: 'AUTHRECEIVED', to_status: 'COMPLETE', event: 'PAYMENT_RECEIVED', actor: 'test', detail: '{}' })
    .returning('id').executeTakeFirstOrThrow()

  const placed = await loadIpnSource(ta.db.db, orderId, placedEventId)
  const completed = await loadIpnSource(ta.db.db, orderId, completion.id)
  if (placed === undefined || completed === undefined) throw new Error('no IPN source')
  const at = ta.clock.now()
  const placedFields = buildIpnFields(placed, at)
  const completedFields = buildIpnFields(completed, at)
  t.equal(value(placedFields, 'ORDERSTATUS'), 'PAYMENT_AUTHORIZED', 'the PLACED notification still says authorized')
  t.equal(value(placedFields, 'ORDERNO'), '0', 'and carries no OrderNo yet')
  t.equal(value(placedFields, 'COMPLETE_DATE'), '')
  t.equal(value(completedFields, 'ORDERSTATUS'), 'COMPLETE')
  t.equal(value(completedFields, 'ORDERNO'), '555')
  t.equal(value(completedFields, 'COMPLETE_DATE'), '2026-11-23 10:01:00')
  t.equal(value(completedFields, 'PAYMENTDATE'), '2026-11-23 10:00:00', 'paid when authorized, not when completed')
})

t.test('an order without delivery details or promotions, and events that are not the order\'s', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const first = await place(ta, m.sessionId, testCardOrder())
  const second = await place(ta, m.sessionId, testCardOrder({ ExternalReference: 'EXT-2' }))

  const source = await loadIpnSource(ta.db.db, first.orderId, first.placedEventId)
  t.equal(source?.delivery, null)
  t.same(source?.items.map((i) => i.promotions), [[]])
  const fields = buildIpnFields(source!, ta.clock.now())
  t.equal(value(fields, 'FIRSTNAME_D'), '')
  t.equal(value(fields, 'COUNTRY'), 'United States of America')
  t.equal(value(fields, 'IPN_PROMONAME[]'), '')

  t.equal(await loadIpnSource(ta.db.db, first.orderId, second.placedEventId), undefined, 'another order\'s event')
  t.equal(await loadIpnSource(ta.db.db, first.orderId, 999_999_999n), undefined, 'an unknown event')
  t.equal(await loadIpnSource(ta.db.db, 999_999_999n, first.placedEventId), undefined, 'an unknown order')
})

t.test('on the embedded backend, loadIpnSource reads the same source', async (t: Test) => {
  const ta = await createTestApp(t, {}, await createEmbeddedTestDb())
  const m = await seedDemoMerchant(ta)
  const { wire, orderId, placedEventId } = await place(ta, m.sessionId, germanOrder())
  const source = await loadIpnSource(ta.db.db, orderId, placedEventId)
  t.match(source, { refNo: BigInt(wire.RefNo), paidAt: TEST_START, completedAt: null, change: { toStatus: 'AUTHRECEIVED' } })
  t.ok(source?.paidAt instanceof Date, 'dates come back as Date')
  t.equal(value(buildIpnFields(source!, ta.clock.now()), 'IPN_TOTALGENERAL'), money(wire.GrossDiscountedPrice))
})
