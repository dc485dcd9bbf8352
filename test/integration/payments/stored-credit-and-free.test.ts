import t from 'tap'
import { grantStoreCredit, storeCreditBalance } from '../../../src/customers/customer-credits.js'
import { createTestApp } from '../../helpers/app.js'
import { testCardOrder } from '../../helpers/orders.js'
import { demoMerchant, history, orderPaidWith } from '../../helpers/payments.js'

t.test('STORED_CREDIT and FREE', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  // the customer exists once they ordered
  await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ CustomerReference: 801 })])
  const customer = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).where('customer_reference', '=', 801n).executeTakeFirstOrThrow()
  const credit = orderPaidWith('STORED_CREDIT', null, { CustomerReference: 801 })
  const count = async () => Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n)

  t.test('a balance that covers the total → COMPLETE with OrderNo, the balance decremented', async (t) => {
    t.equal(await grantStoreCredit(ta.db.db, { customerId: customer.id, currency: 'usd', amountMinor: 15_000n }), 15_000n)
    const reply = await ta.rpc('placeOrder', [m.sessionId, credit])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'COMPLETE', ApproveStatus: 'OK', FinishDate: '2026-11-23 10:00:00', Errors: null, PaymentDetails: { Type: 'STORED_CREDIT', PaymentMethod: { Amount: 99, RemainingCredit: 51 } } })
    t.ok(reply.result.OrderNo > 0)
    t.equal(await storeCreditBalance(ta.db.db, customer.id, 'USD'), 5_100n)
    t.same(await history(ta, reply.result.RefNo), ['-→COMPLETE PLACED'])
  })

  t.test('a balance that does not cover it → 55200 PAYMENT_ERROR, nothing written, balance unchanged', async (t) => {
    const before = await count()
    const reply = await ta.rpc('placeOrder', [m.sessionId, credit])
    t.match(reply.error, { code: 55200, data: { error_code: 'PAYMENT_ERROR', fields: [{ path: 'PaymentDetails.Type' }] } })
    t.equal(await count(), before)
    t.equal(await storeCreditBalance(ta.db.db, customer.id, 'USD'), 5_100n)
    const eur = await ta.rpc('placeOrder', [m.sessionId, { ...credit, Currency: 'eur', PaymentDetails: { ...credit.PaymentDetails, Currency: 'EUR' } }])
    t.match(eur.error, { code: 55200 }, 'credit in USD does not pay EUR')
    const stranger = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('STORED_CREDIT', null, { CustomerReference: 802 })])
    t.match(stranger.error, { code: 55200 }, 'a new customer has no credit')
  })

  t.test('two racing orders cannot spend the same credit', async (t) => {
    await grantStoreCredit(ta.db.db, { customerId: customer.id, currency: 'USD', amountMinor: 9_900n }) // 150.00: one order of 99.00
    const replies = await Promise.all([ta.rpc('placeOrder', [m.sessionId, credit]), ta.rpc('placeOrder', [m.sessionId, credit])])
    t.equal(replies.filter((r) => r.result?.Status === 'COMPLETE').length, 1)
    t.equal(replies.filter((r) => r.error?.code === 55200).length, 1)
    t.equal(await storeCreditBalance(ta.db.db, customer.id, 'USD'), 5_100n)
  })

  t.test('grantStoreCredit refuses a non-positive amount', async (t) => {
    await t.rejects(grantStoreCredit(ta.db.db, { customerId: customer.id, currency: 'USD', amountMinor: 0n }), RangeError)
  })

  t.test('FREE on a zero total → COMPLETE; on a non-zero total → 55201 ORDER_FREE_TOTAL_NOT_ZERO', async (t) => {
    const free = orderPaidWith('FREE', null, { Items: [{ Code: 'PAY-WHAT-YOU-WANT', Price: { Type: 'CUSTOM', Amount: 0 } }] })
    const reply = await ta.rpc('placeOrder', [m.sessionId, free])
    t.match(reply.result, { Status: 'COMPLETE', GrossDiscountedPrice: 0, PaymentDetails: { Type: 'FREE', PaymentMethod: null } })
    t.same(await history(ta, reply.result.RefNo), ['-→COMPLETE PLACED'])
    const refused = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('FREE', null)])
    t.match(refused.error, { code: 55201, data: { error_code: 'ORDER_FREE_TOTAL_NOT_ZERO', fields: [{ path: 'PaymentDetails.Type' }] } })
  })
})
