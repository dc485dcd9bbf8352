import t from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 19 item 3, discount authority: a 100 % discount is a replacement order (REPLACEMENT_ORDERS).
const TWO_LINES = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })

async function written (ta: TestApp) {
  const count = async (table: 'orders' | 'order_adjustments' | 'idempotency_keys' | 'payments') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { orders: await count('orders'), adjustments: await count('order_adjustments'), keys: await count('idempotency_keys'), payments: await count('payments') }
}

t.test('a 100 % discount needs REPLACEMENT_ORDERS even when the order still costs something', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])

  const full: Array<[string, Record<string, unknown>, string]> = [
    ['a line discount of 100 percent', { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }, 'Assisted.Items.0.Discount'],
    ['a unit price override of 0 on the second line', { Items: [null, { Discount: { Type: 'UNIT_PRICE', Value: 0, Reason: 'price match' } }] }, 'Assisted.Items.1.Discount'],
    ['a line AMOUNT equal to the line', { Items: [{ Discount: { Type: 'AMOUNT', Value: '99.00', Reason: 'dented' } }], IdempotencyKey: 'full-1' }, 'Assisted.Items.0.Discount']
  ]
  for (const [scenario, assisted, path] of full) {
    t.test(`${scenario}: NOT_ALLOWED naming REPLACEMENT_ORDERS and ${path}, nothing written`, async (t) => {
      const before = await written(ta)
      const reply = await ta.rpc('placeAssistedOrder', [agent, TWO_LINES, assisted])
      t.match(reply, {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: 10004,
          message: new RegExp(`REPLACEMENT_ORDERS.*${path.replace(/\./g, '\\.')}`),
          data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS', privileges: ['REPLACEMENT_ORDERS'], fields: [{ path, error_code: 'NOT_ALLOWED', message: /100 %.*replacement/ }] }
        }
      })
      t.equal(reply.error?.data.fields.length, 1)
      t.notOk(reply.result, 'no order')
      t.same(await written(ta), before, 'no order, adjustment, payment or idempotency key')
      t.match((await ta.rpc('quote', [agent, TWO_LINES, assisted])).error, { code: 10004, data: { fields: [{ path }] } }, 'quote refuses it the same way')
    })
  }

  t.test('an order discount that makes the total 0 names Assisted.Discount', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, testCardOrder({ PaymentDetails: { Type: 'FREE', Currency: 'usd' } }), { Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }])
    t.match(reply.error, { code: 10004, data: { privilege: 'REPLACEMENT_ORDERS', fields: [{ path: 'Assisted.Discount', error_code: 'NOT_ALLOWED' }] } })
  })

  t.test('with REPLACEMENT_ORDERS the 100 % line discount is placed and recorded', async (t) => {
    const replacer = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'REPLACEMENT_ORDERS'])
    const reply = await ta.rpc('placeAssistedOrder', [replacer, TWO_LINES, { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: 20, Adjustments: [{ Kind: 'LINE_DISCOUNT', LineNo: 1, OldAmount: 99, NewAmount: 0 }] })
  })

  t.test('a line below 100 % needs no REPLACEMENT_ORDERS', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, TWO_LINES, { Items: [{ Discount: { Type: 'AMOUNT', Value: '98.99', Reason: 'goodwill' } }] }])
    t.notOk(reply.error, JSON.stringify(reply.error))
  })
})
