import { sql } from 'kysely'
import t from 'tap'
import { PAYMENT_PAGE_TTL_MS } from '../../../src/payments/payment-page-token.js'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp } from '../../helpers/app.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { assertNoSecrets, CANCEL_URL, demoMerchant, history, openPage, RETURN_URL, submitPage } from '../../helpers/payments.js'

t.test('3-D Secure through the sandbox page, the test acting as the browser', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const place = async (customerReference: number) => {
    const order = withCard(testCardOrder({ CustomerReference: customerReference }), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
    order.PaymentDetails.Type = 'CC'
    const reply = await ta.rpc('placeOrder', [m.sessionId, order])
    t.notOk(reply.error, JSON.stringify(reply.error))
    return reply.result
  }
  const status = async (refNo: string) => (await ta.rpc('getOrder', [m.sessionId, refNo])).result

  t.test('authenticate: PENDING with Authorize3DS → page → 303 to Vendor3DSReturnURL?REFNO → AUTHRECEIVED; a second submit changes nothing', async (t) => {
    const order = await place(601)
    t.match(order, { Status: 'PENDING', Errors: null, PaymentDetails: { PaymentMethod: { Authorize3DS: { Href: 'http://127.0.0.1:8080/sandbox/3ds', Method: 'GET', Params: { avng8apitoken: /^[\w-]{43}$/ } } } } })
    const { Href, Params } = order.PaymentDetails.PaymentMethod.Authorize3DS
    t.equal(await ta.rpc('isValidOrderReference', [m.sessionId, order.RefNo]).then((r) => r.result), false, 'not usable before 3DS')

    const page = await openPage(ta, `${Href}?avng8apitoken=${encodeURIComponent(Params.avng8apitoken)}`)
    t.equal(page.statusCode, 200)
    t.match(page.body, /Authenticate/)
    t.match(page.body, /Cancel/)
    t.match(page.body, new RegExp(`order ${order.RefNo}`))
    t.match(page.body, /<form method="post" action="\/sandbox\/3ds">/)
    t.notOk(page.body.includes(SANDBOX_CARDS.REQUIRE_3DS), 'the page does not show the card number')

    const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: Params.avng8apitoken, action: 'complete' })
    t.equal(done.statusCode, 303)
    t.equal(done.location, `https://merchant.example/paid?cart=7&REFNO=${order.RefNo}`)
    const after = await status(order.RefNo)
    t.match(after, { Status: 'AUTHRECEIVED', Errors: null })
    t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, order.RefNo])).result, true, 'usable for PREVIOUS_ORDER once authorized')
    const stored = await ta.db.db.selectFrom('stored_cards').selectAll().where('merchant_id', '=', m.id).execute()
    t.match(stored, [{ first6: '400000', last4: '3220', processor_token: /^sbx_card_3ds_/ }], 'the authenticated card is stored')

    const again = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: Params.avng8apitoken, action: 'cancel' })
    t.equal(again.statusCode, 409)
    t.match(again.body, /already used/)
    t.same(await status(order.RefNo), after, 'the second submit changed nothing')
    t.equal((await openPage(ta, `${Href}?avng8apitoken=${Params.avng8apitoken}`)).statusCode, 409, 'the page is not shown again')
    t.same(await history(ta, order.RefNo), ['-→PENDING PLACED', 'PENDING→AUTHRECEIVED THREE_DS_PASSED'])
  })

  t.test('cancel: 303 to Vendor3DSCancelURL?REFNO → CANCELED; a second submit changes nothing', async (t) => {
    const order = await place(602)
    const token = order.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
    const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token, action: 'cancel' })
    t.equal(done.statusCode, 303)
    t.equal(done.location, `${CANCEL_URL}?REFNO=${order.RefNo}`)
    const after = await status(order.RefNo)
    t.equal(after.Status, 'CANCELED')
    const again = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token, action: 'complete' })
    t.equal(again.statusCode, 409)
    t.same(await status(order.RefNo), after)
    t.same(await history(ta, order.RefNo), ['-→PENDING PLACED', 'PENDING→CANCELED THREE_DS_CANCELED'])
    const payment = await ta.db.db.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id').select('payments.status').where('orders.ref_no', '=', BigInt(order.RefNo)).executeTakeFirstOrThrow()
    t.equal(payment.status, 'CANCELED')
  })

  t.test('an expired page (30 minutes, fake clock) is 410 and changes nothing', async (t) => {
    const order = await place(603)
    const token = order.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
    ta.clock.advance(PAYMENT_PAGE_TTL_MS)
    t.teardown(() => { ta.clock.advance(-PAYMENT_PAGE_TTL_MS) })
    t.equal((await openPage(ta, `http://x/sandbox/3ds?avng8apitoken=${token}`)).statusCode, 410)
    const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token, action: 'complete' })
    t.equal(done.statusCode, 410)
    t.match(done.body, /expired/)
    const session = await ta.login(m) // the first session expired with the clock
    t.equal((await ta.rpc('getOrder', [session, order.RefNo])).result.Status, 'PENDING')
    t.same(await history(ta, order.RefNo), ['-→PENDING PLACED'])
  })

  t.test('an unknown token is 404 HTML; a missing action is 400; a 3DS token does not open the redirect page', async (t) => {
    const unknown = await openPage(ta, 'http://x/sandbox/3ds?avng8apitoken=nope')
    t.equal(unknown.statusCode, 404)
    t.match(unknown.body, /does not exist/)
    t.equal((await openPage(ta, 'http://x/sandbox/3ds')).statusCode, 404)
    t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: 'nope', action: 'complete' })).statusCode, 404)
    const order = await place(604)
    const token = order.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
    t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token })).statusCode, 400)
    t.equal((await submitPage(ta, '/sandbox/redirect', { token, action: 'complete' })).statusCode, 404)
    t.equal((await status(order.RefNo)).Status, 'PENDING')
  })

  t.test('concurrent submits of one page: one wins, the order moves once', async (t) => {
    const order = await place(605)
    const token = order.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
    const results = await Promise.all([
      submitPage(ta, '/sandbox/3ds', { avng8apitoken: token, action: 'complete' }),
      submitPage(ta, '/sandbox/3ds', { avng8apitoken: token, action: 'cancel' })
    ])
    t.same(results.map((r) => r.statusCode).sort(), [303, 409])
    const events = await history(ta, order.RefNo)
    t.equal(events.length, 2, 'one transition recorded')
  })

  t.test('no full card number in the database or the logs', async (t) => {
    await assertNoSecrets(t, ta, [SANDBOX_CARDS.REQUIRE_3DS, '"CCID"'])
  })
})

// Issue 16, finding 14: a page that completes a payment in one click must not be framed by
// another site (clickjacking), cached, or sniffed; nor may any of its error pages or redirects.
t.test('every answer of the sandbox pages (page, refusals, redirects, transport and internal errors) forbids framing, caching and sniffing', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const place = async (paymentType: 'CC' | 'PAYPAL') => {
    const order = paymentType === 'CC'
      ? withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
      : testCardOrder({ PaymentDetails: { Type: 'PAYPAL', Currency: 'USD', CustomerIP: '10.0.0.1', PaymentMethod: { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } } })
    if (paymentType === 'CC') order.PaymentDetails.Type = 'CC'
    const reply = await ta.rpc('placeOrder', [m.sessionId, order])
    t.notOk(reply.error, JSON.stringify(reply.error))
    return paymentType === 'CC' ? reply.result.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string : new URL(reply.result.PaymentDetails.PaymentMethod.RedirectURL).searchParams.get('token') ?? ''
  }
  const form = (url: string, fields: Record<string, string>) => ta.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() })
  const threeDs = await place('CC')
  const redirect = await place('PAYPAL')
  const failing = await place('CC')
  const answers: Record<string, Awaited<ReturnType<typeof form>>> = {
    '3DS page': await ta.app.inject({ url: `/sandbox/3ds?avng8apitoken=${threeDs}` }),
    'redirect page': await ta.app.inject({ url: `/sandbox/redirect?token=${redirect}` }),
    'unknown token': await ta.app.inject({ url: '/sandbox/3ds?avng8apitoken=nope' }),
    'unknown action': await form('/sandbox/3ds', { avng8apitoken: threeDs, action: 'steal' }),
    'body too large': await form('/sandbox/3ds', { avng8apitoken: threeDs, action: 'complete', padding: 'x'.repeat(5000) }),
    'wrong media type': await ta.app.inject({ method: 'POST', url: '/sandbox/3ds', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }),
    '3DS complete': await form('/sandbox/3ds', { avng8apitoken: threeDs, action: 'complete' }),
    'already used': await form('/sandbox/3ds', { avng8apitoken: threeDs, action: 'cancel' }),
    'redirect cancel': await form('/sandbox/redirect', { token: redirect, action: 'cancel' })
  }
  // A database failure while the page is submitted: the internal error page.
  await sql`alter table order_events rename to order_events_gone`.execute(ta.db.db)
  answers['internal error'] = await form('/sandbox/3ds', { avng8apitoken: failing, action: 'complete' })
  await sql`alter table order_events_gone rename to order_events`.execute(ta.db.db)

  t.same(Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.statusCode])), {
    '3DS page': 200, 'redirect page': 200, 'unknown token': 404, 'unknown action': 400, 'body too large': 413, 'wrong media type': 415, '3DS complete': 303, 'already used': 409, 'redirect cancel': 303, 'internal error': 500
  })
  for (const [name, answer] of Object.entries(answers)) {
    t.match(answer.headers, {
      'content-security-policy': /(^|; )frame-ancestors 'none'(;|$)/,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer'
    }, `${name}: no framing, caching or sniffing`)
    if (answer.statusCode !== 303) t.match(answer.headers['content-type'], /^text\/html/, `${name}: an HTML page`)
  }
  t.notOk(answers['internal error']?.body.includes('order_events'), 'the internal error page does not show the cause')
  t.match(ta.logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'payment page failed'), { level: 50, err: { code: '42P01' } }, 'the cause is in the log')
  t.equal((await ta.rpc('getOrder', [m.sessionId, (await ta.db.db.selectFrom('orders').select('ref_no').orderBy('id', 'desc').executeTakeFirstOrThrow()).ref_no.toString()])).result.Status, 'PENDING', 'the failed submit changed nothing')
})
