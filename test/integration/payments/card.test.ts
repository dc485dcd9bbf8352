import t from 'tap'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp } from '../../helpers/app.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { assertNoSecrets, demoMerchant, history } from '../../helpers/payments.js'

t.test('CC and TEST cards', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const cc = (card: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) => {
    const order = testCardOrder(overrides)
    order.PaymentDetails.Type = 'CC'
    return withCard(order, card)
  }

  t.test('CC with 5555555555554444 (mastercard) is approved: AUTHRECEIVED, masked, card stored for the customer, history PLACED', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, cc({ CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, CardType: 'mastercard', HolderName: 'Jane Roe' }, { CustomerReference: 501 })])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', Errors: null, PaymentDetails: { Type: 'CC', PaymentMethod: { CardType: 'mastercard', FirstDigits: '555555', LastDigits: '4444' } } })
    t.notOk('Authorize3DS' in reply.result.PaymentDetails.PaymentMethod, 'no 3DS step')
    const stored = await ta.db.db.selectFrom('stored_cards').selectAll().where('merchant_id', '=', m.id).execute()
    t.match(stored, [{ brand: 'mastercard', first6: '555555', last4: '4444', expiry: '2030-12', holder_name: 'Jane Roe', processor_token: /^sbx_card_ok_/ }])
    t.same(await history(ta, reply.result.RefNo), ['-→AUTHRECEIVED PLACED'])
  })

  t.test('CC with amex 378282246310005 and a 4-digit CCID is approved', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, cc({ CardNumber: SANDBOX_CARDS.APPROVE_AMEX, CardType: 'amex', CCID: '1234' })])
    t.match(reply.result, { Status: 'AUTHRECEIVED', PaymentDetails: { PaymentMethod: { CardType: 'amex', LastDigits: '0005' } } })
  })

  t.test('a declined CC is stored PENDING with Errors.PAYMENT_ERROR, no stored card, history PLACED + PAYMENT_DECLINED', async (t) => {
    const before = await ta.db.db.selectFrom('stored_cards').selectAll().execute()
    const reply = await ta.rpc('placeOrder', [m.sessionId, cc({ CardNumber: SANDBOX_CARDS.DECLINE }, { CustomerReference: 502 })])
    t.match(reply.result, { Status: 'PENDING', ApproveStatus: 'WAITING', Errors: { PAYMENT_ERROR: /declined/ } })
    t.same((await ta.db.db.selectFrom('stored_cards').selectAll().execute()).length, before.length, 'a declined card is not stored')
    t.same(await history(ta, reply.result.RefNo), ['-→PENDING PLACED', 'PENDING→PENDING PAYMENT_DECLINED'])
  })

  t.test('TEST with holder FRAUD REVIEW is held: PENDING, FraudReview OPEN, not stored, history FRAUD_REVIEW_OPENED', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder({ CustomerReference: 503 }), { HolderName: 'FRAUD REVIEW' })])
    t.match(reply.result, { Status: 'PENDING', ApproveStatus: 'WAITING', FraudReview: { Status: 'OPEN', Reason: /FRAUD REVIEW/ }, Errors: null })
    const customer = await ta.db.db.selectFrom('customers').select('id').where('customer_reference', '=', 503n).executeTakeFirstOrThrow()
    t.same(await ta.db.db.selectFrom('stored_cards').selectAll().where('customer_id', '=', customer.id).execute(), [])
    t.same(await history(ta, reply.result.RefNo), ['-→PENDING PLACED', 'PENDING→PENDING FRAUD_REVIEW_OPENED'])
  })

  t.test('TEST with an invalid card number is -32602 and writes nothing', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder(), { CardNumber: '4111111111111112' })])
    t.match(reply.error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.CardNumber' }] } })
  })

  t.test('no full card number or CVV in the database or the logs', async (t) => {
    await assertNoSecrets(t, ta, [SANDBOX_CARDS.APPROVE_MASTERCARD, SANDBOX_CARDS.APPROVE_AMEX, SANDBOX_CARDS.DECLINE, SANDBOX_CARDS.APPROVE_VISA, '4111111111111112', '"CCID"', '"1234"', '"123"'])
  })
})
