import { createHash, createHmac } from 'node:crypto'
import t, { type Test } from 'tap'
import type { Log } from '../../../src/logger.js'
import { startIpnWorker } from '../../../src/notifications/delivery-worker.js'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { staffMerchant, type Staff } from '../../helpers/assisted.js'
import { readReceipt, startIpnListener } from '../../helpers/ipn-listener.js'
import { testCardOrder } from '../../helpers/orders.js'

// Payment links (issue 19 item 2) on the test database: createPaymentLink, getPaymentLink,
// cancelPaymentLink and the hosted page /pay/<MerchantCode> that pays the draft.

const CARD = { HolderName: 'John Doe', CardNumber: '4111111111111111', ExpirationMonth: '12', ExpirationYear: '2030', CCID: '123' }

function draftOrder (overrides: Record<string, unknown> = {}): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder(overrides)
  return order
}

type Setup = { ta: TestApp, m: Staff, agent: string, draft: { DraftId: number, Version: number } }

async function setup (t: Test, expiresInMinutes?: number, env: Record<string, string> = {}): Promise<Setup> {
  const ta = await createTestApp(t, env)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  const created = await ta.rpc('createDraft', [agent, draftOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2 }] }), {}, ...(expiresInMinutes !== undefined ? [expiresInMinutes] : [])])
  if (created.error !== undefined) throw new Error(JSON.stringify(created.error))
  return { ta, m, agent, draft: created.result }
}

const tokenOf = (url: string): string => new URL(url).searchParams.get('token') ?? ''
const pathOf = (url: string): string => new URL(url).pathname

async function payJson (ta: TestApp, path: string, token: string, card: Record<string, string> = CARD) {
  const response = await ta.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token, ...card }) })
  return { statusCode: response.statusCode, json: JSON.parse(response.body), headers: response.headers }
}

const orderCount = async (ta: TestApp) => Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

t.test('createPaymentLink answers a PENDING link with its Url once; paying on the page places the order (AUTHRECEIVED), completes the draft, marks the link PAID and queues the IPN', async (t) => {
  const { ta, m, agent, draft } = await setup(t)
  t.notOk((await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['https://shop.example/ipn'] }])).error, 'the merchant has an IPN listener')
  const created = await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])
  t.notOk(created.error, JSON.stringify(created.error))
  const row = await ta.db.db.selectFrom('payment_links').selectAll().executeTakeFirstOrThrow()
  const token = tokenOf(created.result.Url)
  t.same(created.result, {
    LinkId: Number(row.id),
    DraftId: draft.DraftId,
    Status: 'PENDING',
    CreatedAt: '2026-11-23 10:00:00',
    ExpiresAt: '2026-11-24 10:00:00',
    PaidAt: null,
    RefNo: null,
    OrderStatus: null,
    Url: `${ta.deps.publicUrl}/pay/${m.code}?token=${token}`
  })
  t.match(token, /^[A-Za-z0-9_-]{43}$/, 'a 32-byte random token, base64url')
  t.equal(row.token_hash, createHash('sha256').update(token).digest('hex'), 'only the token\'s SHA-256 is stored')
  t.notOk(JSON.stringify(await ta.db.db.selectFrom('payment_links').selectAll().execute(), (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v).includes(token), 'the token is in no column')
  const polled = await ta.rpc('getPaymentLink', [agent, created.result.LinkId])
  const { Url: _url, ...withoutUrl } = created.result
  t.same(polled.result, withoutUrl, 'getPaymentLink: the same link, PENDING, no Url')

  ta.clock.advance(60_000)
  const paid = await payJson(ta, pathOf(created.result.Url), token)
  t.equal(paid.statusCode, 200, JSON.stringify(paid.json))
  t.equal(paid.headers['cache-control'], 'no-store')
  const order = (await ta.rpc('getOrder', [m.apiSession, paid.json.RefNo])).result
  t.same(paid.json, { Status: 'PAID', RefNo: String(order.RefNo), OrderStatus: 'AUTHRECEIVED' })
  t.match(order, { Status: 'AUTHRECEIVED', Items: [{ Code: 'my_subscription_1', Quantity: 2 }] })
  const after = await ta.rpc('getPaymentLink', [agent, created.result.LinkId])
  t.same(after.result, { ...withoutUrl, Status: 'PAID', PaidAt: '2026-11-23 10:01:00', RefNo: String(order.RefNo), OrderStatus: 'AUTHRECEIVED' }, 'the agent sees it PAID with the order')
  t.match((await ta.rpc('getDraft', [agent, draft.DraftId])).result, { Status: 'COMPLETED', RefNo: String(order.RefNo) }, 'the draft is COMPLETED with the order')
  const outbox = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id').select(['o.ref_no', 'n.url', 'n.state']).execute()
  t.same(outbox.map((r) => ({ refNo: String(r.ref_no), url: r.url, state: r.state })), [{ refNo: String(order.RefNo), url: 'https://shop.example/ipn', state: 'PENDING' }], 'the order\'s IPN is queued')

  const again = await payJson(ta, pathOf(created.result.Url), token)
  t.same({ code: again.statusCode, reason: again.json.error?.reason, status: again.json.error?.Status }, { code: 409, reason: 'PAYMENT_LINK_NOT_PENDING', status: 'PAID' }, 'paying a PAID link again is refused')
  t.equal(await orderCount(ta), 1, 'one order')
  t.notOk(ta.logs.some((line) => line.includes(token)), 'the token is in no log line')
  t.notOk(ta.logs.some((line) => line.includes(CARD.CardNumber)), 'the card number is in no log line')
})

t.test('a link paid on the page: the merchant\'s listener receives the order\'s IPN, signed, with its RefNo and ORDERSTATUS, and the notification is DELIVERED', async (t) => {
  // The listener runs on 127.0.0.1: private networks allowed, as the delivery tests allow them.
  const { ta, m, agent, draft } = await setup(t, undefined, { IPN_ALLOW_PRIVATE_NETWORKS: 'true', IPN_POLL_MS: '20', IPN_TIMEOUT_MS: '2000' })
  const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret) }))
  t.teardown(listener.close)
  t.notOk((await ta.rpc('setIpnSettings', [m.apiSession, { Urls: [`${listener.url}/ipn`] }])).error, 'the merchant\'s IPN listener is set')
  const created = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  ta.clock.advance(60_000)
  const paid = await payJson(ta, pathOf(created.Url), tokenOf(created.Url))
  t.equal(paid.statusCode, 200, JSON.stringify(paid.json))
  const order = (await ta.rpc('getOrder', [m.apiSession, paid.json.RefNo])).result
  t.equal(order.Status, 'AUTHRECEIVED')

  const worker = startIpnWorker(ta.deps, ta.app.log as unknown as Log)
  t.teardown(() => worker.stop(0))
  await worker.drain()
  await worker.stop()

  t.equal(listener.received.length, 1, 'one IPN received')
  const [ipn] = listener.received
  const field = (name: string) => ipn?.fields.find(([n]) => n === name)?.[1]
  t.equal(ipn?.path, '/ipn')
  t.equal(ipn?.refNo, String(order.RefNo), 'for the link\'s order')
  t.equal(field('REFNO'), String(order.RefNo))
  t.equal(field('ORDERSTATUS'), 'PAYMENT_AUTHORIZED', 'with the paid order\'s status (AUTHRECEIVED, as the IPN names it)')
  // As a listener checks it: HMAC over every other value, each prefixed by its UTF-8 byte length.
  const source = (ipn?.fields ?? []).filter(([n]) => !['HASH', 'SIGNATURE_SHA2_256', 'SIGNATURE_SHA3_256'].includes(n)).map(([, v]) => `${Buffer.byteLength(v, 'utf8')}${v}`).join('')
  t.equal(field('HASH'), createHmac('md5', m.secret).update(source, 'utf8').digest('hex'), 'HASH is the HMAC-MD5 with the merchant\'s secret')
  t.equal(field('SIGNATURE_SHA2_256'), createHmac('sha256', m.secret).update(source, 'utf8').digest('hex'), 'SIGNATURE_SHA2_256 too')
  const outbox = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id').select(['o.ref_no', 'n.url', 'n.state', 'n.attempts', 'n.delivered_at']).execute()
  t.same(outbox.map((r) => ({ refNo: String(r.ref_no), url: r.url, state: r.state, attempts: r.attempts, deliveredAt: r.delivered_at })),
    [{ refNo: String(order.RefNo), url: `${listener.url}/ipn`, state: 'DELIVERED', attempts: 1, deliveredAt: ta.clock.now() }], 'the notification is DELIVERED after one try')
})

t.test('the page shows the merchant, the lines and the total, no agent data, and is never cached or framed', async (t) => {
  const { ta, m, agent, draft } = await setup(t)
  const created = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const response = await ta.app.inject({ method: 'GET', url: `${pathOf(created.Url)}?token=${tokenOf(created.Url)}` })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'no-store')
  t.equal(response.headers['x-frame-options'], 'DENY')
  t.equal(response.headers['referrer-policy'], 'no-referrer')
  t.match(String(response.headers['content-security-policy']), /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/)
  const merchant = await ta.db.db.selectFrom('merchants').select('name').where('code', '=', m.code).executeTakeFirstOrThrow()
  const user = await ta.db.db.selectFrom('merchant_users').select(['username']).where('id', '=', (await ta.db.db.selectFrom('payment_links').select('created_by_user_id').executeTakeFirstOrThrow()).created_by_user_id).executeTakeFirstOrThrow()
  const quote = (await ta.rpc('getDraft', [agent, draft.DraftId])).result.Price
  t.ok(response.body.includes(merchant.name.replace(/&/g, '&#38;')), 'the merchant\'s name')
  t.ok(response.body.includes(quote.Items[0].Name), 'the line\'s product name')
  t.ok(response.body.includes(`$${quote.AmountDue.toFixed(2)}`), `the total ($${quote.AmountDue.toFixed(2)})`)
  t.notOk(response.body.includes(user.username), 'not the agent\'s username')
  t.notOk(response.body.includes('john.doe@example.com'), 'not the customer\'s e-mail')
  t.match(response.body, /name="CardNumber"/)
  // An unknown path under /pay with the token (Fastify's "Route … not found" line) too.
  t.equal((await ta.app.inject({ method: 'GET', url: `${pathOf(created.Url)}/nowhere/else?token=${tokenOf(created.Url)}` })).statusCode, 404)
  t.ok(ta.logs.some((line) => line.includes(`/pay/${m.code}`)), 'the page\'s requests are logged')
  t.notOk(ta.logs.some((line) => line.includes(tokenOf(created.Url))), 'the token (in the query) is in no log line')
})

t.test('an expired link (test clock) is refused on the page and by POST, writes no order, and getPaymentLink answers EXPIRED', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const created = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version, 5])).result
  t.equal(created.ExpiresAt, '2026-11-23 10:05:00')
  ta.clock.advance(5 * 60_000)
  const page = await ta.app.inject({ method: 'GET', url: `${pathOf(created.Url)}?token=${tokenOf(created.Url)}` })
  t.equal(page.statusCode, 410)
  t.match(page.body, /This payment link has expired/)
  const paid = await payJson(ta, pathOf(created.Url), tokenOf(created.Url))
  t.same({ code: paid.statusCode, reason: paid.json.error?.reason, status: paid.json.error?.Status }, { code: 410, reason: 'PAYMENT_LINK_NOT_PENDING', status: 'EXPIRED' })
  t.equal(await orderCount(ta), 0, 'no order')
  t.equal((await ta.rpc('getPaymentLink', [agent, created.LinkId])).result.Status, 'EXPIRED')
  t.match((await ta.rpc('getDraft', [agent, draft.DraftId])).result, { Status: 'OPEN' }, 'the draft stays OPEN')
})

t.test('a link never outlives its draft: a longer ExpiresInMinutes is refused naming it, the default is cut to the draft\'s expiry', async (t) => {
  const { ta, agent, draft } = await setup(t, 60)
  const refused = await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version, 61])
  t.match(refused.error, { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'ExpiresInMinutes', error_code: 'FIELD_INVALID' }] } })
  t.equal((await ta.db.db.selectFrom('payment_links').selectAll().execute()).length, 0, 'nothing written')
  const created = await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])
  t.equal(created.result.ExpiresAt, '2026-11-23 11:00:00', 'the default (a day) cut to the draft\'s hour')
})

t.test('a cancelled link is refused and cancelling it again names its status; a new link cancels the previous one', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const first = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const second = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  t.equal((await ta.rpc('getPaymentLink', [agent, first.LinkId])).result.Status, 'CANCELLED', 'the first link is replaced')
  const old = await payJson(ta, pathOf(first.Url), tokenOf(first.Url))
  t.same({ code: old.statusCode, status: old.json.error?.Status }, { code: 410, status: 'CANCELLED' })
  const cancelled = await ta.rpc('cancelPaymentLink', [agent, second.LinkId])
  t.equal(cancelled.result?.Status, 'CANCELLED')
  const paid = await payJson(ta, pathOf(second.Url), tokenOf(second.Url))
  t.same({ code: paid.statusCode, status: paid.json.error?.Status }, { code: 410, status: 'CANCELLED' })
  t.match((await ta.rpc('cancelPaymentLink', [agent, second.LinkId])).error, { code: 55201, data: { error_code: 'PAYMENT_LINK_NOT_PENDING', Status: 'CANCELLED' } })
  t.equal(await orderCount(ta), 0, 'no order')
})

t.test('a draft changed after its link was made: the link is CANCELLED (the customer pays only what they were shown)', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const link = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  t.notOk((await ta.rpc('updateDraft', [agent, draft.DraftId, draft.Version, draftOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 5 }] })])).error)
  t.equal((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result.Status, 'CANCELLED')
  const paid = await payJson(ta, pathOf(link.Url), tokenOf(link.Url))
  t.same({ code: paid.statusCode, status: paid.json.error?.Status }, { code: 410, status: 'CANCELLED' })
  t.equal(await orderCount(ta), 0)
})

t.test('another merchant\'s token on this merchant\'s page, an unknown token, and another merchant\'s LinkId are not found; nothing is written', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const other = await staffMerchant(ta)
  const link = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const token = tokenOf(link.Url)
  const page = await ta.app.inject({ method: 'GET', url: `/pay/${other.code}?token=${token}` })
  t.equal(page.statusCode, 404)
  t.match(page.body, /This payment link does not exist/)
  const paid = await payJson(ta, `/pay/${other.code}`, token)
  t.same({ code: paid.statusCode, reason: paid.json.error?.reason }, { code: 404, reason: 'PAYMENT_LINK_NOT_FOUND' })
  const unknown = await payJson(ta, pathOf(link.Url), 'A'.repeat(43))
  t.equal(unknown.statusCode, 404, 'an unknown token')
  t.match((await ta.rpc('getPaymentLink', [other.staffSession, link.LinkId])).error, { code: 55201, data: { error_code: 'PAYMENT_LINK_NOT_FOUND', fields: [{ path: 'LinkId' }] } })
  t.match((await ta.rpc('cancelPaymentLink', [other.staffSession, link.LinkId])).error, { data: { error_code: 'PAYMENT_LINK_NOT_FOUND' } })
  t.match((await ta.rpc('createPaymentLink', [other.staffSession, draft.DraftId, draft.Version])).error, { data: { error_code: 'DRAFT_NOT_FOUND' } })
  t.equal(await orderCount(ta), 0)
  t.equal((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result.Status, 'PENDING', 'the link is untouched')
})

t.test('paying twice at once places one order: both answers name it', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const link = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const replies = await Promise.all([0, 1, 2].map(async () => await payJson(ta, pathOf(link.Url), tokenOf(link.Url))))
  t.equal(await orderCount(ta), 1, 'one order')
  const refNo = String((await ta.db.db.selectFrom('orders').select('ref_no').executeTakeFirstOrThrow()).ref_no)
  for (const r of replies) {
    // The racers either waited on the draft's lock (its order) or came after the commit (PAID).
    t.ok((r.statusCode === 200 && r.json.RefNo === refNo) || (r.statusCode === 409 && r.json.error?.Status === 'PAID'), JSON.stringify(r.json))
  }
  t.ok(replies.some((r) => r.statusCode === 200), 'one paid')
  t.match((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result, { Status: 'PAID', RefNo: refNo })
})

t.test('a declined card and invalid card fields leave the link PENDING and the draft OPEN, naming the field in the customer\'s words', async (t) => {
  const { ta, agent, draft } = await setup(t)
  const link = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const declined = await payJson(ta, pathOf(link.Url), tokenOf(link.Url), { ...CARD, CardNumber: '4000000000000002' })
  t.same({ code: declined.statusCode, reason: declined.json.error?.reason }, { code: 402, reason: 'DRAFT_PAYMENT_DECLINED' })
  const invalid = await payJson(ta, pathOf(link.Url), tokenOf(link.Url), { ...CARD, CardNumber: '4111111111111112', CCID: '' })
  t.same({ code: invalid.statusCode, fields: invalid.json.error?.fields }, {
    code: 400,
    fields: [{ path: 'CardNumber', message: 'Check the card number.' }, { path: 'CCID', message: 'Check the security code on the back of the card.' }]
  })
  const form = await ta.app.inject({ method: 'POST', url: pathOf(link.Url), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: tokenOf(link.Url), ...CARD, CardNumber: '4111111111111112' }).toString() })
  t.equal(form.statusCode, 400)
  t.match(form.body, /id="f-CardNumber-error">Check the card number\./, 'the form again, the error beside the field')
  t.notOk(form.body.includes('4111111111111112'), 'the typed number is not echoed')
  t.equal(await orderCount(ta), 0)
  t.equal((await ta.rpc('getPaymentLink', [agent, link.LinkId])).result.Status, 'PENDING')
  t.match((await ta.rpc('getDraft', [agent, draft.DraftId])).result, { Status: 'OPEN' })
  t.notOk(ta.logs.some((line) => line.includes('4000000000000002') || line.includes('4111111111111112')), 'no card number in the log')
})

t.test('a form post pays and answers the confirmation page; a 3-D Secure card is sent to the sandbox page and back', async (t) => {
  const { ta, m, agent, draft } = await setup(t)
  const link = (await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).result
  const form = await ta.app.inject({ method: 'POST', url: pathOf(link.Url), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: tokenOf(link.Url), ...CARD, CardNumber: '4000000000003220' }).toString() })
  t.equal(form.statusCode, 303, form.body)
  const target = new URL(String(form.headers.location))
  t.equal(target.pathname, '/sandbox/3ds')
  const challenge = await ta.app.inject({ method: 'POST', url: '/sandbox/3ds', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ avng8apitoken: target.searchParams.get('avng8apitoken') ?? '', action: 'complete' }).toString() })
  t.equal(challenge.statusCode, 303)
  const back = new URL(String(challenge.headers.location))
  t.equal(back.pathname, `/pay/${m.code}/done`)
  const done = await ta.app.inject({ method: 'GET', url: `${back.pathname}${back.search}` })
  t.match(done.body, /The card check is finished/)
  const polled = (await ta.rpc('getPaymentLink', [agent, link.LinkId])).result
  t.match(polled, { Status: 'PAID', OrderStatus: 'AUTHRECEIVED' }, 'authenticated: the order is AUTHRECEIVED')
})

t.test('createPaymentLink needs PLACE_ORDERS_ON_BEHALF and an OPEN draft at its version', async (t) => {
  const { ta, m, agent, draft } = await setup(t)
  t.match((await ta.rpc('createPaymentLink', [m.noPrivilegeSession, draft.DraftId, draft.Version])).error, { code: 10004, data: { error_code: 'NOT_ALLOWED' } })
  t.match((await ta.rpc('createPaymentLink', [m.apiSession, draft.DraftId, draft.Version])).error, { data: { error_code: 'NOT_ALLOWED' } })
  t.match((await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version + 1])).error, { data: { error_code: 'DRAFT_VERSION_CONFLICT' } })
  t.notOk((await ta.rpc('abandonDraft', [agent, draft.DraftId])).error)
  t.match((await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])).error, { data: { error_code: 'DRAFT_NOT_OPEN' } })
  t.equal((await ta.db.db.selectFrom('payment_links').selectAll().execute()).length, 0)
})
