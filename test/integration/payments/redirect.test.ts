import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { CANCEL_URL, demoMerchant, history, openPage, orderPaidWith, RETURN_URL, submitPage } from '../../helpers/payments.js'

const TYPES: Array<{ type: string, method: Record<string, unknown> }> = [
  { type: 'PAYPAL', method: { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } },
  { type: 'PAYPAL_EXPRESS', method: { PayPalExpress: { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL, FundingSource: 'Standard' } } },
  { type: 'DIRECT_EBANKING', method: { ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } },
  { type: 'WE_CHAT_PAY', method: { WE_CHAT_PAY: { ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } } },
  { type: 'IDEAL', method: { IDEAL: { BankCode: 'RABONL2U+RAB', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } } },
  { type: 'ALIPAY', method: { ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } },
  { type: 'UNIONPAY', method: { ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } },
  { type: 'TRUSTLY', method: { TRUSTLY: { ReturnURL: RETURN_URL } } }
]

t.test('redirect methods: PENDING with RedirectURL; the sandbox provider page completes or cancels', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const get = async (refNo: string) => (await ta.rpc('getOrder', [m.sessionId, refNo])).result

  for (const { type, method } of TYPES) {
    t.test(`${type}: complete → AUTHRECEIVED at ReturnURL; cancel → CANCELED at CancelURL; no second use`, async (t) => {
      const placed = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method)])
      t.notOk(placed.error, JSON.stringify(placed.error))
      t.match(placed.result, { Status: 'PENDING', Errors: null, PaymentDetails: { Type: type, PaymentMethod: { ReturnURL: RETURN_URL, RedirectURL: /^http:\/\/127\.0\.0\.1:8080\/sandbox\/redirect\?token=[\w-]{43}$/ } } })
      const redirectUrl = placed.result.PaymentDetails.PaymentMethod.RedirectURL as string
      const token = new URL(redirectUrl).searchParams.get('token') ?? ''
      const page = await openPage(ta, redirectUrl)
      t.equal(page.statusCode, 200)
      t.match(page.body, /99 USD/)
      t.match(page.body, new RegExp(type))
      const done = await submitPage(ta, '/sandbox/redirect', { token, action: 'complete' })
      t.equal(done.statusCode, 303)
      t.equal(done.location, `${RETURN_URL}&REFNO=${placed.result.RefNo}`)
      const after = await get(placed.result.RefNo)
      t.equal(after.Status, 'AUTHRECEIVED')
      t.equal((await submitPage(ta, '/sandbox/redirect', { token, action: 'cancel' })).statusCode, 409)
      t.same(await get(placed.result.RefNo), after, 'a second submit changes nothing')
      t.same(await history(ta, placed.result.RefNo), ['-→PENDING PLACED', 'PENDING→AUTHRECEIVED REDIRECT_COMPLETED'])
      const reusable = type === 'PAYPAL' || type === 'PAYPAL_EXPRESS'
      t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, placed.result.RefNo])).result, reusable, `${type} ${reusable ? 'can' : 'cannot'} pay a PREVIOUS_ORDER`)

      const second = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(type, method)])
      const secondToken = new URL(second.result.PaymentDetails.PaymentMethod.RedirectURL as string).searchParams.get('token') ?? ''
      const canceled = await submitPage(ta, '/sandbox/redirect', { token: secondToken, action: 'cancel' })
      t.equal(canceled.statusCode, 303)
      // TRUSTLY has no CancelURL: the shopper goes back to ReturnURL
      t.equal(canceled.location, `${type === 'TRUSTLY' ? RETURN_URL + '&' : CANCEL_URL + '?'}REFNO=${second.result.RefNo}`)
      t.equal((await get(second.result.RefNo)).Status, 'CANCELED')
      t.same(await history(ta, second.result.RefNo), ['-→PENDING PLACED', 'PENDING→CANCELED REDIRECT_CANCELED'])
    })
  }

  t.test('a redirect method without ReturnURL is -32602 naming it; an invalid iDEAL BankCode too', async (t) => {
    const noUrl = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('ALIPAY', { CancelURL: CANCEL_URL })])
    t.match(noUrl.error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.ReturnURL' }] } })
    const badBank = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('IDEAL', { BankCode: 'RABO', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL })])
    t.match(badBank.error, { code: -32602, data: { fields: [{ path: /BankCode/ }] } })
  })
})
