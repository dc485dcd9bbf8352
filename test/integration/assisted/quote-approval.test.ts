import t from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 19 item 3: quote prices as placeAssistedOrder would, Assisted.Approval included.
async function written (ta: TestApp) {
  const count = async (table: 'orders' | 'order_adjustments' | 'idempotency_keys' | 'payments') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { orders: await count('orders'), adjustments: await count('order_adjustments'), keys: await count('idempotency_keys'), payments: await count('payments') }
}

t.test('quote with a supervisor\'s approval: the placed order\'s totals; a wrong password refused as placeAssistedOrder refuses it', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])
  const supervisorName = 'agent1' // staffMerchant's SUPERVISOR
  t.notOk((await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 5 }]])).error)
  const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })
  const over = { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } }

  t.match((await ta.rpc('quote', [agent, order, over])).error, { data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED' } }, 'without an approval: refused')

  const before = await written(ta)
  const approved = { ...over, Approval: { Username: supervisorName, Password: STAFF_PASSWORD } }
  const quoted = await ta.rpc('quote', [agent, order, approved])
  t.notOk(quoted.error, JSON.stringify(quoted.error))
  t.same(await written(ta), before, 'the quote wrote no order, adjustment, payment or key')
  t.notOk(JSON.stringify(quoted).includes(STAFF_PASSWORD), 'the password is not in the answer')

  const placed = await ta.rpc('placeAssistedOrder', [agent, order, approved])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.ok(quoted.result.GrossDiscountedPrice < quoted.result.GrossPrice, 'the quote has the discounts')
  for (const field of ['NetPrice', 'GrossPrice', 'NetDiscountedPrice', 'GrossDiscountedPrice', 'Discount', 'VAT'] as const) {
    t.equal(quoted.result[field], placed.result[field], `${field}: quote == placed order`)
  }
  t.same(quoted.result.Items.map((i: any) => i.Price.GrossDiscountedPrice), placed.result.Items.map((i: any) => i.Price.GrossDiscountedPrice), 'every line the same')

  const wrong = { ...over, Approval: { Username: supervisorName, Password: 'wrong password!!' } }
  const failures = async () => (await ta.db.db.selectFrom('login_limits').select(['key', 'failures']).execute()).filter((r) => r.key.includes(`user:${m.code}:${supervisorName}`)).reduce((n, r) => n + r.failures, 0)
  const failed = await failures()
  const quoteRefused = await ta.rpc('quote', [agent, order, wrong])
  const placeRefused = await ta.rpc('placeAssistedOrder', [agent, order, wrong])
  t.match(quoteRefused.error, { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval' }] } })
  const withoutRequestId = (error: any) => ({ ...error, data: { ...error?.data, requestId: undefined } })
  t.same(withoutRequestId(quoteRefused.error), withoutRequestId(placeRefused.error), 'the same refusal as placeAssistedOrder (but its requestId)')
  t.equal(await failures(), failed + 2, 'each counted as a failed login of the supervisor (quote is no password oracle)')
  t.notOk(ta.logs.some((line) => line.includes(STAFF_PASSWORD) || line.includes('wrong password!!')), 'no password in any log line')
})
