import t from 'tap'
import { TRANSIENT_TOKEN_TTL_MS } from '../../../src/customers/stored-cards.js'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp } from '../../helpers/app.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { assertNoSecrets, demoMerchant, history, orderPaidWith } from '../../helpers/payments.js'

t.test('EXISTING_PAYMENT_DATA with a TransientToken from getCustomerTransientToken', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const other = await demoMerchant(ta)
  const first = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder({ CustomerReference: 701 }), { CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, CardType: 'mastercard', HolderName: 'Mary Major' })])
  t.equal(first.result.Status, 'AUTHRECEIVED')
  const pay = (token: string) => orderPaidWith('EXISTING_PAYMENT_DATA', { EXISTING_PAYMENT_DATA: { TransientToken: token } }, { CustomerReference: 701 })

  t.test('the token charges the stored card: AUTHRECEIVED, masked card; the token is single use', async (t) => {
    const issued = await ta.rpc('getCustomerTransientToken', [m.sessionId, 701])
    t.notOk(issued.error, JSON.stringify(issued.error))
    t.match(issued.result, {
      TransientToken: /^[\w-]{32}$/,
      ExpirationDate: '2026-11-23 10:15:00',
      CustomerReference: 701,
      PaymentMethod: { CardType: 'mastercard', FirstDigits: '555555', LastDigits: '4444', ExpirationMonth: '12', ExpirationYear: '2030', HolderName: 'Mary Major' }
    })
    const reply = await ta.rpc('placeOrder', [m.sessionId, pay(issued.result.TransientToken)])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', Errors: null, CustomerReference: 701, PaymentDetails: { Type: 'EXISTING_PAYMENT_DATA', PaymentMethod: { CardType: 'mastercard', FirstDigits: '555555', LastDigits: '4444' } } })
    t.notOk(JSON.stringify(reply.result).includes(issued.result.TransientToken), 'the token is not echoed')
    t.same(await history(ta, reply.result.RefNo), ['-→AUTHRECEIVED PLACED'])
    const reused = await ta.rpc('placeOrder', [m.sessionId, pay(issued.result.TransientToken)])
    t.match(reused.error, { code: 55200, data: { error_code: 'PAYMENT_ERROR', fields: [{ path: 'PaymentDetails.PaymentMethod.TransientToken' }] } })
  })

  t.test('unknown, expired and other-merchant tokens are 55200 PAYMENT_ERROR naming TransientToken', async (t) => {
    const unknown = await ta.rpc('placeOrder', [m.sessionId, pay('no-such-token')])
    t.match(unknown.error, { code: 55200, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.TransientToken' }] } })

    const mine = await ta.rpc('getCustomerTransientToken', { sessionID: m.sessionId, CustomerReference: '701' })
    const stolen = await ta.rpc('placeOrder', [other.sessionId, pay(mine.result.TransientToken)])
    t.match(stolen.error, { code: 55200, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.TransientToken' }] } })
    t.equal((await ta.rpc('placeOrder', [m.sessionId, pay(mine.result.TransientToken)])).result?.Status, 'AUTHRECEIVED', 'the refused attempt did not use up the token')

    const expiring = await ta.rpc('getCustomerTransientToken', [m.sessionId, 701])
    ta.clock.advance(TRANSIENT_TOKEN_TTL_MS)
    const session = await ta.login(m)
    const expired = await ta.rpc('placeOrder', [session, pay(expiring.result.TransientToken)])
    ta.clock.advance(-TRANSIENT_TOKEN_TTL_MS)
    t.match(expired.error, { code: 55200, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.TransientToken' }] } })
  })

  t.test('getCustomerTransientToken: unknown customer, another merchant\'s customer, a customer without a card', async (t) => {
    t.match((await ta.rpc('getCustomerTransientToken', [m.sessionId, 99999])).error, { code: 55201, data: { error_code: 'CUSTOMER_NOT_FOUND', fields: [{ path: 'CustomerReference' }] } })
    t.match((await ta.rpc('getCustomerTransientToken', [other.sessionId, 701])).error, { data: { error_code: 'CUSTOMER_NOT_FOUND' } })
    await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('WIRE', null, { CustomerReference: 702 })])
    t.match((await ta.rpc('getCustomerTransientToken', [m.sessionId, 702])).error, { data: { error_code: 'STORED_PAYMENT_DATA_NOT_FOUND' } })
    t.match((await ta.rpc('getCustomerTransientToken', [m.sessionId, 'x'])).error, { code: -32602 })
    t.match((await ta.rpc('getCustomerTransientToken', ['bad-session', 701])).error, { data: { error_code: 'INVALID_SESSION' } })
  })

  t.test('only the hash of a TransientToken is stored; no card number anywhere', async (t) => {
    const issued = await ta.rpc('getCustomerTransientToken', [m.sessionId, 701])
    await assertNoSecrets(t, ta, [issued.result.TransientToken, SANDBOX_CARDS.APPROVE_MASTERCARD, '"CCID"'])
  })
})
