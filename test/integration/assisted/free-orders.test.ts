import t from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// A zero total reached by staff adjustments is a free order: like a "payment not required"
// replacement it needs REPLACEMENT_ORDERS, whatever adjustments (line or order discounts, price
// overrides, any mix of them) get it there, and whatever payment type the Order names.
const FREE = { Type: 'FREE', Currency: 'usd' }
const freeOrder = (overrides: Record<string, unknown> = {}) => testCardOrder({ PaymentDetails: FREE, ...overrides })
const TWO_LINES = [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }]

async function written (ta: TestApp) {
  const count = async (table: 'orders' | 'order_adjustments' | 'idempotency_keys' | 'order_events' | 'payments') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { orders: await count('orders'), adjustments: await count('order_adjustments'), keys: await count('idempotency_keys'), events: await count('order_events'), payments: await count('payments') }
}

t.test('an agent without REPLACEMENT_ORDERS cannot reach a zero total by staff adjustments', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])

  const zeroes: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['a line discount of 100 percent', freeOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }],
    ['a unit price override of 0', freeOrder(), { Items: [{ Discount: { Type: 'UNIT_PRICE', Value: 0, Reason: 'price match' } }] }],
    ['a line AMOUNT equal to the line', freeOrder(), { Items: [{ Discount: { Type: 'AMOUNT', Value: '99.00', Reason: 'dented' } }] }],
    ['an order discount of 100 percent', freeOrder(), { Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }],
    ['an order AMOUNT equal to the total', freeOrder(), { Discount: { Type: 'AMOUNT', Value: '99.00', Reason: 'goodwill' } }],
    ['line discounts on every line', freeOrder({ Items: TWO_LINES }), { Items: [{ Discount: { Type: 'UNIT_PRICE', Value: 0, Reason: 'a' } }, { Discount: { Type: 'PERCENT', Value: 100, Reason: 'b' } }] }],
    ['a line discount and an order discount for the rest', freeOrder({ Items: TWO_LINES }), { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'a' } }], Discount: { Type: 'AMOUNT', Value: '20.00', Reason: 'b' } }],
    ['a 100 percent discount on a card order', testCardOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }],
    ['a 100 percent discount with an idempotency key', freeOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }], IdempotencyKey: 'free-1' }]
  ]
  for (const [scenario, order, assisted] of zeroes) {
    t.test(`${scenario}: NOT_ALLOWED naming REPLACEMENT_ORDERS, nothing written`, async (t) => {
      const before = await written(ta)
      const reply = await ta.rpc('placeAssistedOrder', [agent, order, assisted])
      t.match(reply, {
        jsonrpc: '2.0',
        id: 1,
        error: { code: 10004, message: /REPLACEMENT_ORDERS/, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS', privileges: ['REPLACEMENT_ORDERS'] } }
      })
      t.notOk(reply.result, 'no order')
      t.same(await written(ta), before, 'no order, adjustment, event, payment or idempotency key')
    })
  }

  t.test('a staff discount on top of a customer level\'s price: NOT_ALLOWED naming REPLACEMENT_ORDERS, nothing written', async (t) => {
    t.notOk((await ta.rpc('saveCustomerLevel', [m.staffSession, { Code: 'HALF', Name: 'Half', PercentOff: 50 }])).error)
    const customer = await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Lev', LastName: 'El', Email: 'lev@example.com', Level: 'HALF' }])
    t.notOk(customer.error, JSON.stringify(customer.error))
    const before = await written(ta)
    const reply = await ta.rpc('placeAssistedOrder', [agent, freeOrder(), { CustomerId: customer.result.CustomerId, Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'the rest' } }] }])
    t.match(reply, { error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS' } } })
    t.same(await written(ta), before, 'nothing written')
  })

  t.test('a customer level that makes a product free: NOT_ALLOWED naming REPLACEMENT_ORDERS, no level written', async (t) => {
    const levels = async () => await ta.db.db.selectFrom('customer_levels').select(['code', 'percent_off_bp']).orderBy('code').execute()
    const before = await levels()
    for (const level of [{ Code: 'FREE', Name: 'Free', PercentOff: 100 }, { Code: 'HALF', Name: 'Free book', PercentOff: 50, Prices: [{ ProductCode: 'BOOK-PRINT', Currency: 'USD', Amount: 0 }] }]) {
      const reply = await ta.rpc('saveCustomerLevel', [agent, level])
      t.match(reply, { error: { code: 10004, message: /REPLACEMENT_ORDERS/, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS', privileges: ['REPLACEMENT_ORDERS'] } } }, level.Code)
    }
    t.same(await levels(), before, 'no level created or changed')
    t.notOk((await ta.rpc('saveCustomerLevel', [agent, { Code: 'GOLD', Name: 'Gold', PercentOff: 99.99 }])).error, 'a level that is not free needs MANAGE_CUSTOMERS only')
  })

  t.test('a level whose rounding makes a product free (99.99 % of 10.00 rounds to 10.00): NOT_ALLOWED naming REPLACEMENT_ORDERS on placeAssistedOrder and on placeOrder, nothing written', async (t) => {
    t.notOk((await ta.rpc('saveCustomerLevel', [agent, { Code: 'ALMOST', Name: 'Almost free', PercentOff: 99.99 }])).error, 'the level itself is not refused')
    const customer = await ta.rpc('createCustomer', [agent, { CustomerReference: 770001, FirstName: 'Al', LastName: 'Most', Email: 'almost@example.com', Level: 'ALMOST' }])
    t.notOk(customer.error, JSON.stringify(customer.error))
    const addon = freeOrder({ Items: [{ Code: 'ADDON-1', Quantity: 1 }] })
    const before = await written(ta)
    const assisted = await ta.rpc('placeAssistedOrder', [agent, addon, { CustomerId: customer.result.CustomerId }])
    t.match(assisted, { error: { code: 10004, message: /REPLACEMENT_ORDERS/, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS' } } }, 'placeAssistedOrder')
    const plain = await ta.rpc('placeOrder', [agent, { ...addon, CustomerReference: 770001 }, 'free-level'])
    t.match(plain, { error: { code: 10004, message: /REPLACEMENT_ORDERS/, data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS' } } }, 'placeOrder by a staff session')
    t.same(await written(ta), before, 'no order, adjustment, event, payment or idempotency key')
    const byMerchant = await ta.rpc('placeOrder', [m.apiSession, { ...addon, CustomerReference: 770001 }])
    t.match(byMerchant.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 }, 'the merchant\'s own API session may (it is the merchant)')
  })

  t.test('the refused idempotency key is free: a supervisor may place that order with it', async (t) => {
    const order = freeOrder()
    const assisted = { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }], IdempotencyKey: 'free-2' }
    t.match((await ta.rpc('placeAssistedOrder', [agent, order, assisted])).error, { data: { error_code: 'NOT_ALLOWED' } })
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, order, assisted])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 })
  })
})

t.test('what still needs no REPLACEMENT_ORDERS', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])

  t.test('an agent\'s discount that leaves a total above 0 is placed', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, testCardOrder(), { Items: [{ Discount: { Type: 'AMOUNT', Value: '98.99', Reason: 'goodwill' } }] }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: 0.01 })
  })

  t.test('an agent\'s order whose total is 0 before any staff adjustment is placed FREE', async (t) => {
    const order = freeOrder({ Items: [{ Code: 'PAY-WHAT-YOU-WANT', Price: { Type: 'CUSTOM', Amount: 0 } }] })
    const plain = await ta.rpc('placeAssistedOrder', [agent, order])
    t.notOk(plain.error, JSON.stringify(plain.error))
    t.match(plain.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 })
    const discounted = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'already free' } }] }])
    t.notOk(discounted.error, 'a discount on a total that was already 0 makes nothing free')
    t.match(discounted.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 })
  })

  t.test('a user with REPLACEMENT_ORDERS may discount an order to 0', async (t) => {
    const replacer = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'REPLACEMENT_ORDERS'])
    const reply = await ta.rpc('placeAssistedOrder', [replacer, freeOrder(), { Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0 })
  })
})
