import t from 'tap'
import { SANDBOX_WALLET_TOKENS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp } from '../../helpers/app.js'
import { CANCEL_URL, demoMerchant, history, orderPaidWith, RETURN_URL, submitPage } from '../../helpers/payments.js'

const TYPES = [
  { type: 'ENCRYPTED_PAYMENT_DATA', field: 'EesToken' },
  { type: 'EES_TOKEN_PAYMENT', field: 'EesToken' },
  { type: 'APPLE_PAY', field: 'PaymentToken' },
  { type: 'GOOGLE_PAY', field: 'PaymentToken' }
] as const

t.test('wallet and client-side tokens are charged as cards, decided by the sandbox token', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const method = (field: string, token: string) => ({ [field]: token, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })

  for (const [index, { type, field }] of TYPES.entries()) {
    t.test(`${type}: approve, decline, 3DS, fraud and an unreadable token`, async (t) => {
      const ref = 900 + index * 10
      const approved = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method(field, SANDBOX_WALLET_TOKENS.APPROVE), { CustomerReference: ref })])
      t.notOk(approved.error, JSON.stringify(approved.error))
      t.match(approved.result, { Status: 'AUTHRECEIVED', Errors: null, PaymentDetails: { Type: type, PaymentMethod: { CardType: 'visa', FirstDigits: '411111', LastDigits: '1111', HolderName: 'John Doe' } } })
      t.notOk(JSON.stringify(approved.result).includes(SANDBOX_WALLET_TOKENS.APPROVE), 'the token is not echoed')
      const customer = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).where('customer_reference', '=', BigInt(ref)).executeTakeFirstOrThrow()
      t.equal((await ta.db.db.selectFrom('stored_cards').selectAll().where('customer_id', '=', customer.id).execute()).length, 1, 'stored as a card')
      t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, approved.result.RefNo])).result, true)

      const declined = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method(field, SANDBOX_WALLET_TOKENS.DECLINE))])
      t.match(declined.result, { Status: 'PENDING', Errors: { PAYMENT_ERROR: /declined/ } })
      t.same(await history(ta, declined.result.RefNo), ['-→PENDING PLACED', 'PENDING→PENDING PAYMENT_DECLINED'])

      const fraud = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method(field, SANDBOX_WALLET_TOKENS.FRAUD))])
      t.match(fraud.result, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } })

      const threeDs = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method(field, SANDBOX_WALLET_TOKENS.REQUIRE_3DS))])
      t.match(threeDs.result, { Status: 'PENDING', PaymentDetails: { PaymentMethod: { Authorize3DS: { Method: 'GET', Params: { avng8apitoken: String } } } } })
      const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: threeDs.result.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken, action: 'complete' })
      t.equal(done.location, `${RETURN_URL}&REFNO=${threeDs.result.RefNo}`)
      t.equal((await ta.rpc('getOrder', [m.sessionId, threeDs.result.RefNo])).result.Status, 'AUTHRECEIVED')

      const unreadable = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method(field, SANDBOX_WALLET_TOKENS.INVALID))])
      t.match(unreadable.error, { code: 55200, data: { error_code: 'PAYMENT_ERROR', fields: [{ path: `PaymentDetails.PaymentMethod.${field}` }] } })

      const missing = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, { Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })])
      t.match(missing.error, { code: -32602, data: { fields: [{ path: `PaymentDetails.PaymentMethod.${field}` }] } })
    })
  }
})
