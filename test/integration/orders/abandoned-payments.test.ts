import t from 'tap'
import { sweepAbandonedPayments, sweepOrders } from '../../../src/orders/order-sweeps.js'
import { startSweeper } from '../../../src/orders/sweeper.js'
import { SANDBOX_CARDS, SANDBOX_FRAUD_HOLDER } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, TEST_START, type TestApp } from '../../helpers/app.js'
import { DELIVERY, stock } from '../../helpers/assisted.js'
import { createEmbeddedTestDb } from '../../helpers/db.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../../helpers/orders.js'
import { CANCEL_URL, history, orderPaidWith, RETURN_URL, submitPage } from '../../helpers/payments.js'

// Issue 17, item 5: a 3-D Secure or redirect order whose page the shopper never completed is
// canceled ABANDONED_PAYMENT_MS (default 24 h) after it was placed, through the lifecycle owner.

const DAY = 86_400_000
const IPN = 'https://merchant.example/ipn'

type Merchant = Awaited<ReturnType<typeof seedDemoMerchant>>

const threeDsOrder = (holder = 'John Doe') => withCard(testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 3 }], DeliveryDetails: DELIVERY }), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, HolderName: holder, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
const paypalOrder = () => orderPaidWith('PAYPAL', { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL })

async function place (ta: TestApp, m: Merchant, order: Record<string, unknown>): Promise<Record<string, any>> {
  const reply = await ta.rpc('placeOrder', [m.sessionId, order])
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
  return reply.result
}

async function row (ta: TestApp, refNo: string) {
  return await ta.db.db.selectFrom('orders').innerJoin('payments', 'payments.order_id', 'orders.id')
    .select(['orders.status', 'payments.status as payment_status']).where('orders.ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()
}

async function lastEvent (ta: TestApp, refNo: string) {
  return await ta.db.db.selectFrom('order_events as e').innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.from_status', 'e.to_status', 'e.event', 'e.actor', 'e.user_id', 'e.reason', 'e.detail', 'e.at'])
    .where('o.ref_no', '=', BigInt(refNo)).orderBy('e.id', 'desc').limit(1).executeTakeFirstOrThrow()
}

async function notified (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('order_events as e', 'e.id', 'n.event_id').innerJoin('orders as o', 'o.id', 'n.order_id')
    .select(['n.url', 'e.to_status', 'e.event']).where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => `${r.url} ${r.to_status} ${r.event}`)
}

t.test('the sweep cancels 3DS and redirect orders left PENDING past ABANDONED_PAYMENT_MS, and only them', async (t) => {
  const ta = await createTestApp(t)
  t.equal(ta.deps.config.ABANDONED_PAYMENT_MS, DAY, 'the default is 24 h')
  const m = await seedDemoMerchant(ta)
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.id, urls: [IPN], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
  const reservedBefore = (await stock(ta, m.id, 'BOOK-PRINT')).reserved

  const abandoned3ds = await place(ta, m, threeDsOrder())
  const abandonedRedirect = await place(ta, m, paypalOrder())
  const completed = await place(ta, m, threeDsOrder())
  const inReview = await place(ta, m, threeDsOrder(SANDBOX_FRAUD_HOLDER))
  const wire = await place(ta, m, orderPaidWith('WIRE', null))
  const token = (o: Record<string, any>) => o.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
  t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token(completed), action: 'complete' })).statusCode, 303)
  t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: token(inReview), action: 'complete' })).statusCode, 303)
  t.same(await history(ta, inReview.RefNo), ['-→PENDING PLACED', 'PENDING→PENDING THREE_DS_PASSED', 'PENDING→PENDING FRAUD_REVIEW_OPENED'], '3DS passed into a fraud review: still PENDING, its page used')
  t.same([abandoned3ds, abandonedRedirect, wire].map((o) => o.Status), ['PENDING', 'PENDING', 'PENDING'])
  t.equal((await stock(ta, m.id, 'BOOK-PRINT')).reserved, reservedBefore + 9, 'three 3DS orders of 3 books each hold their stock')

  ta.clock.advance(DAY - 60_000)
  t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] }, 'at 23 h 59 min nothing is abandoned')
  ta.clock.advance(60_000)
  t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [abandoned3ds.RefNo, abandonedRedirect.RefNo], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] }, 'at 24 h the two orders whose page was never completed')
  t.same(await sweepAbandonedPayments(ta.deps, DAY), { abandoned: [] }, 'a second sweep finds nothing')

  const at = new Date(TEST_START.getTime() + DAY)
  for (const [order, page, kind] of [[abandoned3ds, '3DS', '3-D Secure'], [abandonedRedirect, 'REDIRECT', 'payment provider']] as const) {
    t.same(await row(ta, order.RefNo), { status: 'CANCELED', payment_status: 'CANCELED' }, `${page}: order and payment CANCELED`)
    const reason = `the ${kind} page was not completed within 1440 minutes`
    t.same(await lastEvent(ta, order.RefNo), { from_status: 'PENDING', to_status: 'CANCELED', event: 'PAYMENT_ABANDONED', actor: 'system:sweep', user_id: null, reason, detail: { page }, at }, `${page}: the history row`)
    t.same(await notified(ta, order.RefNo), [`${IPN} PENDING PLACED`, `${IPN} CANCELED PAYMENT_ABANDONED`], `${page}: the IPN enqueued`)
  }
  t.equal((await stock(ta, m.id, 'BOOK-PRINT')).reserved, reservedBefore + 6, 'the abandoned order\'s books are back')

  t.same(await row(ta, completed.RefNo), { status: 'AUTHRECEIVED', payment_status: 'APPROVED' }, 'a completed 3DS order is untouched')
  t.same(await row(ta, inReview.RefNo), { status: 'PENDING', payment_status: 'APPROVED' }, 'a 3DS order in fraud review is untouched')
  t.same(await row(ta, wire.RefNo), { status: 'PENDING', payment_status: 'PENDING' }, 'an offline (WIRE) order waits for markOrderPaid')
  ta.clock.advance(30 * DAY)
  t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] }, 'nor are they touched a month later')
  t.same(await history(ta, wire.RefNo), ['-→PENDING PLACED'])
  t.same(await history(ta, completed.RefNo), ['-→PENDING PLACED', 'PENDING→AUTHRECEIVED THREE_DS_PASSED'])
})

t.test('ABANDONED_PAYMENT_MS sets the delay; concurrent sweeps cancel each order once', async (t) => {
  const ta = await createTestApp(t, { ABANDONED_PAYMENT_MS: String(2 * 3_600_000) })
  const m = await seedDemoMerchant(ta)
  const orders = [await place(ta, m, threeDsOrder()), await place(ta, m, paypalOrder()), await place(ta, m, threeDsOrder())]
  ta.clock.advance(2 * 3_600_000 - 1)
  t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] })
  ta.clock.advance(1)
  const runs = await Promise.all([sweepOrders(ta.deps), sweepOrders(ta.deps), sweepOrders(ta.deps)])
  t.same(runs.flatMap((r) => r.abandoned).sort(), orders.map((o) => o.RefNo).sort(), 'every order canceled by exactly one of the sweeps')
  for (const order of orders) {
    t.same((await history(ta, order.RefNo)).filter((line) => line.endsWith('PAYMENT_ABANDONED')), ['PENDING→CANCELED PAYMENT_ABANDONED'], `${order.RefNo}: one history row`)
  }
})

t.test('the server\'s sweeper timer cancels an abandoned payment', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const order = await place(ta, m, paypalOrder())
  ta.clock.advance(DAY + 1)
  const stop = startSweeper(ta.deps, ta.app.log, 10)
  t.teardown(stop)
  const deadline = Date.now() + 5000
  while ((await row(ta, order.RefNo)).status === 'PENDING' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(await row(ta, order.RefNo), { status: 'CANCELED', payment_status: 'CANCELED' })
  t.same(await history(ta, order.RefNo), ['-→PENDING PLACED', 'PENDING→CANCELED PAYMENT_ABANDONED'])
})

t.test('on the embedded backend the same sweep cancels an abandoned 3DS order and keeps a fresh one', async (t) => {
  const ta = await createTestApp(t, {}, await createEmbeddedTestDb())
  const m = await seedDemoMerchant(ta)
  const old = await place(ta, m, threeDsOrder())
  ta.clock.advance(DAY)
  const fresh = await place(ta, { ...m, sessionId: await ta.login(m) }, paypalOrder())
  t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [old.RefNo], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] })
  t.same(await row(ta, old.RefNo), { status: 'CANCELED', payment_status: 'CANCELED' })
  t.same(await row(ta, fresh.RefNo), { status: 'PENDING', payment_status: 'PENDING' })
})
