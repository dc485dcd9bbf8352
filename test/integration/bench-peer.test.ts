// The bench's straightforward server (scripts/bench-peer.ts) answers the bench's placeOrder body
// with a correct order on ordergate's schema, so the bench's comparison cannot silently rot.
// Not timed: correctness only.
import t from 'tap'
import { sql } from 'kysely'
import { createPeerApp } from '../../scripts/bench-peer.js'
import { benchOrder } from '../../scripts/bench-order.js'
import { loginHash } from '../../src/auth/login.js'
import { createTestApp, gmdate, TEST_ENCRYPTION_KEY } from '../helpers/app.js'
import { seedDemoMerchant } from '../helpers/orders.js'

t.test('the straightforward server places the bench order as ordergate does', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const peer = createPeerApp({ db: ta.db.db, encryptionKey: TEST_ENCRYPTION_KEY, now: () => ta.clock.now() })
  t.teardown(async () => { await peer.close() })
  const call = async (method: string, params: unknown) => {
    const response = await peer.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }) })
    t.equal(response.statusCode, 200)
    return JSON.parse(response.body) as { id: unknown, result?: any, error?: { code: number, message: string, data?: any } }
  }
  const count = async (table: 'orders' | 'order_items' | 'payments' | 'order_events' | 'stored_cards' | 'customers') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)
  const withEmail = (email: string) => { const o = benchOrder() as any; return { ...o, BillingDetails: { ...o.BillingDetails, Email: email } } }

  const reference = await ta.rpc('placeOrder', [m.sessionId, withEmail('og@example.com')])
  t.notOk(reference.error, JSON.stringify(reference.error))

  t.test('the same body, the same session (ordergate\'s login): an order of the same prices and statuses', async (t) => {
    const reply = await call('placeOrder', [m.sessionId, withEmail('peer1@example.com')])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.equal(reply.id, 7)
    const order = reply.result
    t.match(order.RefNo, /^\d{9,}$/)
    t.not(order.RefNo, reference.result.RefNo, 'a RefNo of its own, from the same sequence')
    const pick = (o: any) => ({
      ...Object.fromEntries(['Status', 'ApproveStatus', 'VendorApproveStatus', 'OrderNo', 'MerchantCode', 'Currency', 'NetPrice', 'GrossPrice', 'VAT', 'Discount', 'OrderDate'].map((k) => [k, o[k]])),
      Items: o.Items.map((i: any) => ({ Code: i.Code, Name: i.Name, Quantity: i.Quantity, Price: { UnitNetPrice: i.Price.UnitNetPrice, NetPrice: i.Price.NetPrice, GrossPrice: i.Price.GrossPrice, VAT: i.Price.VAT } })),
      Card: { FirstDigits: o.PaymentDetails.PaymentMethod.FirstDigits, LastDigits: o.PaymentDetails.PaymentMethod.LastDigits }
    })
    t.same(pick(order), pick(reference.result))
    t.equal(order.GrossPrice, 109)
    t.notOk(JSON.stringify(order).includes('4111111111111111'), 'no card number in the answer')

    const row = await ta.db.db.selectFrom('orders').selectAll().where('ref_no', '=', BigInt(order.RefNo)).executeTakeFirstOrThrow()
    t.equal(row.status, 'AUTHRECEIVED')
    t.equal(String(row.gross_price_minor), '10900')
    const items = await ta.db.db.selectFrom('order_items').select(['line_no', 'product_code', 'net_price_minor']).where('order_id', '=', row.id).orderBy('line_no').execute()
    t.same(items.map((i) => [i.line_no, i.product_code, String(i.net_price_minor)]), [[1, 'my_subscription_1', '9900'], [2, 'ADDON-1', '1000']])
    const payment = await ta.db.db.selectFrom('payments').selectAll().where('order_id', '=', row.id).executeTakeFirstOrThrow()
    t.match(payment, { type: 'TEST', status: 'APPROVED', card_first6: '411111', card_last4: '1111', card_expiry: '2035-12' })
    const events = await ta.db.db.selectFrom('order_events').select(['event', 'to_status']).where('order_id', '=', row.id).execute()
    t.same(events, [{ event: 'PLACED', to_status: 'AUTHRECEIVED' }])
    const card = await ta.db.db.selectFrom('stored_cards').select(['first6', 'last4']).where('customer_id', '=', row.customer_id!).execute()
    t.same(card, [{ first6: '411111', last4: '1111' }])
    const dump = (await sql<{ t: string }>`select row_to_json(x)::text as t from (select o.*, p.details as pay from orders o join payments p on p.order_id = o.id where o.id = ${row.id}) x`.execute(ta.db.db)).rows[0]?.t ?? ''
    t.notOk(dump.includes('4111111111111111') || dump.includes('"123"'), 'neither the card number nor the CVV is stored')
  })

  t.test('its own login writes a session ordergate\'s table holds; a bad hash is refused', async (t) => {
    const date = gmdate(ta.clock.now())
    const bad = await call('login', [m.code, date, '0'.repeat(32)])
    t.ok(bad.error)
    const session = await call('login', [m.code, date, loginHash(m.secret, m.code, date)])
    t.match(session.result, /^[0-9a-f]{64}$/)
    const reply = await call('placeOrder', [session.result, withEmail('peer2@example.com')])
    t.notOk(reply.error, JSON.stringify(reply.error))
    const unknown = await call('placeOrder', ['f'.repeat(64), withEmail('peer3@example.com')])
    t.ok(unknown.error, 'an unknown session places nothing')
  })

  t.test('a bad field is named and nothing is written', async (t) => {
    const before = await Promise.all([count('orders'), count('customers'), count('payments')])
    const reply = await call('placeOrder', [m.sessionId, withEmail('not-an-email')])
    t.equal(reply.error?.code, -32602)
    t.match(reply.error?.message, /BillingDetails\.Email/)
    const unknownProduct = await call('placeOrder', [m.sessionId, { ...withEmail('peer4@example.com'), Items: [{ Code: 'NOPE', Quantity: 1 }] }])
    t.match(unknownProduct.error?.message, /Items\.0\.Code/)
    t.same(await Promise.all([count('orders'), count('customers'), count('payments')]), before, 'no order, customer or payment half written')
  })

  t.test('IdempotencyKey: a retry answers the first order; other params are refused', async (t) => {
    const before = await count('orders')
    const body = withEmail('peer5@example.com')
    const [first, second] = await Promise.all([call('placeOrder', [m.sessionId, body, 'key-1']), call('placeOrder', [m.sessionId, body, 'key-1'])])
    t.notOk(first.error, JSON.stringify(first.error))
    t.notOk(second.error, JSON.stringify(second.error))
    t.equal(second.result.RefNo, first.result.RefNo)
    t.equal(await count('orders'), before + 1, 'one order for one key')
    const other = await call('placeOrder', [m.sessionId, withEmail('peer6@example.com'), 'key-1'])
    t.ok(other.error, 'the key with other params is refused')
    t.equal(await count('orders'), before + 1)
  })
})
