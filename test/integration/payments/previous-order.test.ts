import t from 'tap'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp } from '../../helpers/app.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { assertNoSecrets, CANCEL_URL, demoMerchant, history, orderPaidWith, RETURN_URL, submitPage } from '../../helpers/payments.js'

t.test('PREVIOUS_ORDER and isValidOrderReference agree on every RefNo', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const other = await demoMerchant(ta)
  const place = async (session: string, order: Record<string, unknown>): Promise<any> => {
    const reply = await ta.rpc('placeOrder', [session, order])
    if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
    return reply.result
  }

  const approved = await place(m.sessionId, testCardOrder())
  const declined = await place(m.sessionId, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.DECLINE }))
  const fraud = await place(m.sessionId, withCard(testCardOrder(), { HolderName: 'FRAUD REVIEW' }))
  const threeDsPending = await place(m.sessionId, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS }))
  const otherMerchants = await place(other.sessionId, testCardOrder())
  const wire = await place(m.sessionId, orderPaidWith('WIRE', null))
  const paypal = await place(m.sessionId, orderPaidWith('PAYPAL', { ReturnURL: RETURN_URL, CancelURL: CANCEL_URL }))
  const paypalToken = new URL(paypal.PaymentDetails.PaymentMethod.RedirectURL as string).searchParams.get('token') ?? ''
  t.equal((await submitPage(ta, '/sandbox/redirect', { token: paypalToken, action: 'complete' })).statusCode, 303)
  const alipay = await place(m.sessionId, orderPaidWith('ALIPAY', { ReturnURL: RETURN_URL }))
  const alipayToken = new URL(alipay.PaymentDetails.PaymentMethod.RedirectURL as string).searchParams.get('token') ?? ''
  t.equal((await submitPage(ta, '/sandbox/redirect', { token: alipayToken, action: 'complete' })).statusCode, 303)
  const canceled = await place(m.sessionId, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS }))
  await submitPage(ta, '/sandbox/3ds', { avng8apitoken: canceled.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken, action: 'cancel' })

  const refNos: Record<string, { refNo: string, usable: boolean }> = {
    'approved card': { refNo: approved.RefNo, usable: true },
    'completed PayPal': { refNo: paypal.RefNo, usable: true },
    declined: { refNo: declined.RefNo, usable: false },
    'fraud review': { refNo: fraud.RefNo, usable: false },
    'pending 3DS': { refNo: threeDsPending.RefNo, usable: false },
    'canceled 3DS': { refNo: canceled.RefNo, usable: false },
    'other merchant\'s approved card': { refNo: otherMerchants.RefNo, usable: false },
    'pending WIRE': { refNo: wire.RefNo, usable: false },
    'completed Alipay (not card or PayPal)': { refNo: alipay.RefNo, usable: false },
    unknown: { refNo: '999999999', usable: false },
    malformed: { refNo: 'ABC', usable: false }
  }

  for (const [name, { refNo, usable }] of Object.entries(refNos)) {
    t.test(`${name}: isValidOrderReference ${usable}, PREVIOUS_ORDER ${usable ? 'charges it' : 'is refused'}`, async (t) => {
      const valid = await ta.rpc('isValidOrderReference', [m.sessionId, refNo])
      t.equal(valid.result, usable)
      const reply = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('PREVIOUS_ORDER', { PreviousOrder: { RefNo: refNo } })])
      if (usable) {
        t.notOk(reply.error, JSON.stringify(reply.error))
        t.match(reply.result, { Status: 'AUTHRECEIVED', Errors: null, PaymentDetails: { Type: 'PREVIOUS_ORDER', PaymentMethod: { RefNo: refNo } } })
        t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, reply.result.RefNo])).result, true, 'a PREVIOUS_ORDER order can itself be reused')
        t.same(await history(ta, reply.result.RefNo), ['-→AUTHRECEIVED PLACED'])
      } else if (name === 'malformed') {
        // the validator names the sub-object the client used
        t.match(reply.error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.PreviousOrder.RefNo' }] } })
      } else {
        t.match(reply.error, { code: 55200, data: { error_code: 'PAYMENT_ERROR', fields: [{ path: 'PaymentDetails.PaymentMethod.RefNo', error_code: 'PAYMENT_ERROR' }] } })
      }
    })
  }

  t.test('the PREVIOUS_ORDER order of a card shows the same masked card', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('PREVIOUS_ORDER', { RefNo: Number(approved.RefNo) })])
    t.match(reply.result.PaymentDetails.PaymentMethod, { RefNo: approved.RefNo, CardType: 'visa', FirstDigits: '411111', LastDigits: '1111', ExpirationMonth: '12', ExpirationYear: '2030' })
  })

  t.test('a refused PREVIOUS_ORDER writes nothing', async (t) => {
    const count = async () => Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n)
    const before = await count()
    await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('PREVIOUS_ORDER', { RefNo: declined.RefNo })])
    t.equal(await count(), before)
  })

  t.test('no full card number in the database or the logs', async (t) => {
    await assertNoSecrets(t, ta, [SANDBOX_CARDS.APPROVE_VISA, SANDBOX_CARDS.DECLINE, SANDBOX_CARDS.REQUIRE_3DS, '"CCID"'])
  })
})
