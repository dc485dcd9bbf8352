// Issue 16 (finding 1's audit of every table; Standards: payment-page tokens never appear in the
// database): whoever holds a database dump must not be able to finish a shopper's 3-D Secure or
// redirect payment. The test places 3DS card, wallet-token 3DS and redirect orders (by placeOrder
// and placeAssistedOrder, with IdempotencyKeys), takes every page token from the answers and
// searches every table of the dump for it; the tokens must still work: the page opens and
// completes, a replay answers the same token, getOrder answers what placeOrder answered.
import { createHash } from 'node:crypto'
import t from 'tap'
import { SANDBOX_CARDS, SANDBOX_WALLET_TOKENS } from '../../src/payments/sandbox-processor.js'
import { createTestApp, type RpcReply } from '../helpers/app.js'
import { staffMerchant } from '../helpers/assisted.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { CANCEL_URL, dumpDatabase, openPage, orderPaidWith, RETURN_URL, submitPage } from '../helpers/payments.js'

type Placed = { name: string, reply: RpcReply, page: { path: string, param: string, token: string, href: string } }

const threeDsCard = () => {
  const order = withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
  order.PaymentDetails.Type = 'CC'
  return order
}
const wallet = () => orderPaidWith('APPLE_PAY', { PaymentToken: SANDBOX_WALLET_TOKENS.REQUIRE_3DS, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
const paypal = () => orderPaidWith('PAYPAL', { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL })
const ideal = () => orderPaidWith('IDEAL', { IDEAL: { BankCode: 'RABONL2U+RAB', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL } })

function pageOf (result: any): Placed['page'] {
  const method = result?.PaymentDetails?.PaymentMethod ?? {}
  if (method.Authorize3DS !== undefined) {
    const token = String(method.Authorize3DS.Params.avng8apitoken)
    return { path: '/sandbox/3ds', param: 'avng8apitoken', token, href: `${String(method.Authorize3DS.Href)}?avng8apitoken=${encodeURIComponent(token)}` }
  }
  const href = String(method.RedirectURL)
  return { path: '/sandbox/redirect', param: 'token', token: new URL(href).searchParams.get('token') ?? '', href }
}

t.test('after 3-D Secure card, wallet-token and redirect orders with idempotency keys, no table holds a page token, and the tokens still open, replay and complete', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const calls: Array<{ name: string, method: 'placeOrder' | 'placeAssistedOrder', order: Record<string, any>, key: string }> = [
    { name: '3-D Secure card', method: 'placeOrder', order: threeDsCard(), key: 'page-3ds' },
    { name: 'Apple Pay needing 3-D Secure', method: 'placeOrder', order: wallet(), key: 'page-wallet' },
    { name: 'PayPal', method: 'placeOrder', order: paypal(), key: 'page-paypal' },
    { name: 'iDEAL', method: 'placeOrder', order: ideal(), key: 'page-ideal' },
    { name: 'assisted 3-D Secure card', method: 'placeAssistedOrder', order: threeDsCard(), key: 'page-assisted-3ds' },
    { name: 'assisted PayPal', method: 'placeAssistedOrder', order: paypal(), key: 'page-assisted-paypal' }
  ]
  const send = async (c: typeof calls[number]) => c.method === 'placeOrder'
    ? await ta.rpc('placeOrder', [m.apiSession, c.order, c.key])
    : await ta.rpc('placeAssistedOrder', [m.staffSession, c.order, { IdempotencyKey: c.key }])
  const placed: Placed[] = []
  for (const c of calls) {
    const reply = await send(c)
    t.notOk(reply.error, `${c.name}: placed (${JSON.stringify(reply.error)})`)
    t.equal(reply.result?.Status, 'PENDING', `${c.name}: PENDING, waiting for its page`)
    const page = pageOf(reply.result)
    t.match(page.token, /^[\w-]{43}$/, `${c.name}: a page token of 256 bits`)
    placed.push({ name: c.name, reply, page })
  }
  t.equal(new Set(placed.map((p) => p.page.token)).size, placed.length, 'every page has its own token')

  // What a client reads back before the shopper finishes: the same answer, token included.
  for (const [i, p] of placed.entries()) {
    t.same(await send(calls[i]!), p.reply, `${p.name}: the replay answers the first answer, token included`)
    const got = await ta.rpc('getOrder', [m.apiSession, p.reply.result.RefNo])
    t.same(got.result?.PaymentDetails, p.reply.result.PaymentDetails, `${p.name}: getOrder answers the page data placeOrder answered`)
  }

  // The dump: no token, in any form a page could be looked up by.
  const dump = await dumpDatabase(ta)
  t.ok(dump.length > 1000 && dump.includes('sandbox/redirect'), 'the dump holds the orders')
  for (const p of placed) {
    t.notOk(dump.includes(p.page.token), `${p.name}: the dump does not hold the page token`)
    t.notOk(dump.includes(encodeURIComponent(p.page.token)), `${p.name}: nor its URL-encoded form`)
    t.notOk(dump.includes(createHash('sha256').update(p.page.token).digest('hex')), `${p.name}: nor its unkeyed SHA-256`)
  }

  t.notOk(placed.some((p) => ta.logs.some((line) => line.includes(p.page.token))), 'no log line holds a page token')

  // Someone who read a salt in the dump sends it shaped as a stored token, in a field of their
  // own: it is answered as sent, never opened into the token.
  const payment = await ta.db.db.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id')
    .select('payments.details').where('orders.ref_no', '=', BigInt(placed[0]!.reply.result.RefNo)).executeTakeFirstOrThrow()
  const salt = String((payment.details as any).threeDs.salt)
  const forged = `page-token.3DS.${salt}`
  const probe = await ta.rpc('placeOrder', [m.apiSession, { ...threeDsCard(), ExternalReference: forged }, 'page-probe'])
  t.equal(probe.result?.ExternalReference, forged, 'a sealed-token look-alike in a client field is answered as sent')
  t.notOk(JSON.stringify(probe).includes(placed[0]!.page.token), 'the other payment\'s token is not in the answer')
  t.notOk(JSON.stringify((await ta.rpc('getOrder', [m.apiSession, probe.result?.RefNo])).result).includes(placed[0]!.page.token), 'nor in getOrder')

  // The shopper's pages work as before: open, complete → ReturnURL?REFNO; cancel → CancelURL; single use.
  for (const [i, p] of placed.entries()) {
    const refNo = String(p.reply.result.RefNo)
    const shown = await openPage(ta, p.page.href)
    t.equal(shown.statusCode, 200, `${p.name}: the page opens`)
    t.match(shown.body, new RegExp(`order ${refNo}`))
    const cancel = i % 3 === 2
    const done = await submitPage(ta, p.page.path, { [p.page.param]: p.page.token, action: cancel ? 'cancel' : 'complete' })
    t.equal(done.statusCode, 303, `${p.name}: the page is submitted`)
    t.equal(done.location, cancel ? `${CANCEL_URL}?REFNO=${refNo}` : `${RETURN_URL}&REFNO=${refNo}`, `${p.name}: the shopper is sent back`)
    t.equal((await ta.rpc('getOrder', [m.apiSession, refNo])).result?.Status, cancel ? 'CANCELED' : 'AUTHRECEIVED', `${p.name}: the order moved`)
    t.equal((await submitPage(ta, p.page.path, { [p.page.param]: p.page.token, action: 'complete' })).statusCode, 409, `${p.name}: the token is single use`)
  }

  // A forged token of the right shape is refused without a look-up; one changed character too.
  const first = placed[0]!.page
  const flipped = first.token.slice(0, -1) + (first.token.endsWith('A') ? 'B' : 'A')
  t.equal((await openPage(ta, `http://127.0.0.1:8080/sandbox/3ds?avng8apitoken=${flipped}`)).statusCode, 404, 'a token with one character changed is unknown')
  t.equal((await openPage(ta, `http://127.0.0.1:8080/sandbox/3ds?avng8apitoken=${'A'.repeat(43)}`)).statusCode, 404, 'a made-up token is unknown')

  const after = await dumpDatabase(ta)
  for (const p of placed) t.notOk(after.includes(p.page.token), `${p.name}: no table holds the token after the page is used`)
})
