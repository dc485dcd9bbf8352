import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { catalogWithStock, DELIVERY, staffMerchant, stock } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

const book = (quantity: number) => testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: quantity }], DeliveryDetails: DELIVERY })

t.test('50 concurrent orders for the last 12 units never oversell; rows and stock agree', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta, catalogWithStock(10, 2))
  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => ta.rpc('placeOrder', [m.apiSession, book(1 + (i % 2))])))
  const placed = replies.filter((r) => r.result !== undefined)
  const refused = replies.filter((r) => r.error !== undefined)
  t.ok(refused.every((r) => r.error?.data.error_code === 'ORDER_ITEMS_QUANTITY_INVALID'), 'every refusal is a stock refusal')
  const sold = placed.reduce((sum, r) => sum + (r.result.Items[0].Quantity as number), 0)
  t.ok(sold <= 12, `sold ${sold} of 12`)
  t.ok(sold >= 11, 'stock is not left unsold while orders were refused (at most one unit short: a 2-unit order can miss the last one)')
  const level = await stock(ta, m.merchantId, 'BOOK-PRINT')
  t.equal(level.reserved, sold, 'inventory.reserved = the units of the stored orders')
  const rows = await ta.db.db.selectFrom('order_items').select((eb) => eb.fn.sum<string>('quantity').as('q')).where('product_code', '=', 'BOOK-PRINT').executeTakeFirstOrThrow()
  t.equal(Number(rows.q), sold, 'order rows agree')
  const held = await ta.db.db.selectFrom('inventory_reservations').select((eb) => eb.fn.sum<string>('quantity').as('q')).executeTakeFirstOrThrow()
  t.equal(Number(held.q), sold, 'reservations agree')
  t.equal((await ta.db.db.selectFrom('orders').select('id').execute()).length, placed.length)
})

t.test('idempotent placeOrder', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)

  t.test('20 racing retries with one key create exactly one order and all get it', async (t) => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => ta.rpc('placeOrder', [m.apiSession, testCardOrder(), 'race-key-1'])))
    const refNos = new Set(replies.map((r) => r.result?.RefNo))
    t.equal(refNos.size, 1, JSON.stringify(replies.find((r) => r.error)?.error))
    t.ok(replies.every((r) => r.result?.Status === 'AUTHRECEIVED'))
    t.equal((await ta.db.db.selectFrom('orders').select('id').execute()).length, 1)
    t.equal((await ta.db.db.selectFrom('payments').select('id').execute()).length, 1, 'charged once')
  })

  t.test('20 racing assisted retries with one key create exactly one order', async (t) => {
    const before = (await ta.db.db.selectFrom('orders').select('id').execute()).length
    const assisted = { IdempotencyKey: 'race-key-2', Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } }] }
    const replies = await Promise.all(Array.from({ length: 20 }, () => ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), assisted])))
    t.equal(new Set(replies.map((r) => r.result?.RefNo)).size, 1)
    t.equal(replies[0]?.result.GrossDiscountedPrice, 89.1)
    t.equal((await ta.db.db.selectFrom('orders').select('id').execute()).length, before + 1)
    t.equal((await ta.db.db.selectFrom('order_adjustments').select('id').execute()).length, 1, 'one adjustment, recorded once')
  })

  t.test('a later retry replays the first answer (23 hours on, in a new session); by name too', async (t) => {
    const first = await ta.rpc('placeOrder', [m.apiSession, testCardOrder(), 'key-3'])
    ta.clock.advance(23 * 3600 * 1000)
    const session = await ta.login(m)
    const again = await ta.rpc('placeOrder', { sessionID: session, Order: testCardOrder(), IdempotencyKey: 'key-3' })
    t.same(again.result, first.result)
    m.apiSession = session
    m.staffSession = await m.userSession(['SUPERVISOR' as 'PLACE_ORDERS_ON_BEHALF'])
  })

  t.test('an error is replayed too', async (t) => {
    const bad = testCardOrder({ Items: [{ Code: 'NO-SUCH-PRODUCT', Quantity: 1 }] })
    const first = await ta.rpc('placeOrder', [m.apiSession, bad, 'key-4'])
    t.equal(first.error?.data.error_code, 'ORDER_PRODUCT_CODE_INVALID')
    const again = await ta.rpc('placeOrder', [m.apiSession, bad, 'key-4'])
    t.same({ ...again.error, data: { ...again.error?.data, requestId: 0 } }, { ...first.error, data: { ...first.error?.data, requestId: 0 } })
  })

  t.test('the same key with a different Order is refused; key order in the JSON does not matter', async (t) => {
    const order = testCardOrder()
    await ta.rpc('placeOrder', [m.apiSession, order, 'key-5'])
    const reordered = Object.fromEntries(Object.entries(order).reverse())
    const same = await ta.rpc('placeOrder', [m.apiSession, reordered, 'key-5'])
    t.notOk(same.error, 'the same params in another key order are the same request')
    const reused = await ta.rpc('placeOrder', [m.apiSession, { ...order, ExternalReference: 'OTHER' }, 'key-5'])
    t.equal(reused.error?.code, 55201)
    t.equal(reused.error?.data.error_code, 'IDEMPOTENCY_KEY_REUSED')
    const otherMethod = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { IdempotencyKey: 'key-5' }])
    t.equal(otherMethod.error?.data.error_code, 'IDEMPOTENCY_KEY_REUSED')
  })

  t.test('keys are scoped to the merchant and expire after 24 hours', async (t) => {
    const other = await staffMerchant(ta)
    const a = await ta.rpc('placeOrder', [m.apiSession, testCardOrder(), 'shared-key'])
    const b = await ta.rpc('placeOrder', [other.apiSession, testCardOrder(), 'shared-key'])
    t.not(a.result.RefNo, b.result.RefNo, 'another merchant\'s key is another key')
    ta.clock.advance(24 * 3600 * 1000 + 1000)
    const session = await ta.login(m)
    const later = await ta.rpc('placeOrder', [session, testCardOrder({ ExternalReference: 'NEW' }), 'shared-key'])
    t.notOk(later.error, 'after 24 hours the key is free again')
    t.not(later.result.RefNo, a.result.RefNo)
  })
})
