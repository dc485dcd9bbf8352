import t from 'tap'
import { buildIpnFields } from '../../../src/notifications/ipn-message.js'
import { loadIpnSource } from '../../../src/notifications/ipn-source-store.js'
import { sweepApprovedOrders, sweepOrders } from '../../../src/orders/order-sweeps.js'
import { startSweeper } from '../../../src/orders/sweeper.js'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, TEST_START, type TestApp } from '../../helpers/app.js'
import { DELIVERY } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../../helpers/orders.js'
import { history } from '../../helpers/payments.js'

// Issue 18, item 3: approved orders move on to COMPLETE the way 2Checkout moves them. No physical
// product: delivered electronically, by the sweep SANDBOX_COMPLETE_AFTER_MS (5 s) after approval.
// A physical product: when the merchant confirms the delivery (confirmDelivery). The sandbox's
// reversal card is REVERSED by the sweep instead. All on the fake clock: nothing sleeps.

const IPN = 'https://merchant.example/ipn'
const AFTER = 5_000

type Merchant = Awaited<ReturnType<typeof seedDemoMerchant>>

async function setUp (t: Parameters<typeof createTestApp>[0], env: Record<string, string> = {}, db?: TestDb): Promise<{ ta: TestApp, m: Merchant }> {
  const ta = await createTestApp(t, env, db)
  const m = await seedDemoMerchant(ta)
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.id, urls: [IPN], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
  return { ta, m }
}

async function place (ta: TestApp, m: Merchant, order: Record<string, unknown>): Promise<Record<string, any>> {
  const reply = await ta.rpc('placeOrder', [m.sessionId, order])
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
  return reply.result
}

const physicalOrder = (card: Record<string, unknown> = {}) => withCard(testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: DELIVERY }), card)
const reversalOrder = () => withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REVERSE })

async function stored (ta: TestApp, refNo: string) {
  return await ta.db.db.selectFrom('orders').innerJoin('payments', 'payments.order_id', 'orders.id')
    .select(['orders.id', 'orders.status', 'orders.order_no', 'orders.finish_date', 'orders.approve_status', 'payments.status as payment_status'])
    .where('orders.ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()
}

async function lastEvent (ta: TestApp, refNo: string) {
  return await ta.db.db.selectFrom('order_events as e').innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.id', 'e.from_status', 'e.to_status', 'e.event', 'e.actor', 'e.at'])
    .where('o.ref_no', '=', BigInt(refNo)).orderBy('e.id', 'desc').limit(1).executeTakeFirstOrThrow()
}

async function notified (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('order_events as e', 'e.id', 'n.event_id').innerJoin('orders as o', 'o.id', 'n.order_id')
    .select(['e.to_status', 'e.event']).where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => `${r.to_status} ${r.event}`)
}

/** The IPN's ORDERSTATUS and ORDERNO for the order's last change, as the delivery worker builds it. */
async function lastIpn (ta: TestApp, refNo: string): Promise<Record<string, string | undefined>> {
  const { id } = await stored(ta, refNo)
  const event = await lastEvent(ta, refNo)
  const source = await loadIpnSource(ta.db.db, id, event.id)
  if (source === undefined) throw new Error('no IPN source')
  const fields = new Map(buildIpnFields(source, ta.clock.now()))
  return { ORDERSTATUS: fields.get('ORDERSTATUS'), ORDERNO: fields.get('ORDERNO') }
}

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, open] of backends) {
  t.test(`on ${backend}, a digital TEST card order completes SANDBOX_COMPLETE_AFTER_MS after approval (history, IPN); a physical one waits; the reversal card is REVERSED`, async (t) => {
    const { ta, m } = await setUp(t, {}, await open())
    t.equal(ta.deps.config.SANDBOX_COMPLETE_AFTER_MS, AFTER, 'the default is 5 s')
    const digital = await place(ta, m, testCardOrder())
    const physical = await place(ta, m, physicalOrder())
    const reversal = await place(ta, m, reversalOrder())
    t.same([digital, physical, reversal].map((o) => [o.Status, o.OrderNo]), [['AUTHRECEIVED', 0], ['AUTHRECEIVED', 0], ['AUTHRECEIVED', 0]], 'all three approved')

    ta.clock.advance(AFTER - 1)
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] }, 'a millisecond early nothing moves')
    ta.clock.advance(1)
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [digital.RefNo], reversed: [reversal.RefNo], expiredDrafts: [], expiredPaymentLinks: [] }, 'at 5 s the digital order completes and the reversal card is reversed')
    t.same(await sweepApprovedOrders(ta.deps, AFTER), { completed: [], reversed: [] }, 'a second sweep finds nothing')

    const at = new Date(TEST_START.getTime() + AFTER)
    const done = await stored(ta, digital.RefNo)
    t.match(done, { status: 'COMPLETE', approve_status: 'OK', payment_status: 'APPROVED', finish_date: at }, 'COMPLETE with its FinishDate')
    t.ok(done.order_no > 0n, 'and an OrderNo')
    t.match(await lastEvent(ta, digital.RefNo), { from_status: 'AUTHRECEIVED', to_status: 'COMPLETE', event: 'ELECTRONIC_DELIVERY', actor: 'system:sweep', at }, 'the history row')
    t.same(await notified(ta, digital.RefNo), ['AUTHRECEIVED PLACED', 'COMPLETE ELECTRONIC_DELIVERY'], 'its IPN enqueued')
    t.same(await lastIpn(ta, digital.RefNo), { ORDERSTATUS: 'COMPLETE', ORDERNO: String(done.order_no) }, 'the IPN says COMPLETE with the OrderNo')
    const got = await ta.rpc('getOrder', [m.sessionId, digital.RefNo])
    t.match(got.result, { Status: 'COMPLETE', ApproveStatus: 'OK', OrderNo: Number(done.order_no) }, 'getOrder sees it COMPLETE')

    t.match(await stored(ta, reversal.RefNo), { status: 'REVERSED', payment_status: 'REVERSED', order_no: 0n, finish_date: null }, 'the reversal card\'s order and payment REVERSED, not finished')
    t.match(await lastEvent(ta, reversal.RefNo), { from_status: 'AUTHRECEIVED', to_status: 'REVERSED', event: 'AUTHORIZATION_REVERSED', actor: 'system:sweep', at }, 'its history row')
    t.same(await notified(ta, reversal.RefNo), ['AUTHRECEIVED PLACED', 'REVERSED AUTHORIZATION_REVERSED'], 'its IPN enqueued')
    t.same((await lastIpn(ta, reversal.RefNo)).ORDERSTATUS, 'REVERSED', 'the IPN says ORDERSTATUS REVERSED')

    ta.clock.advance(30 * 86_400_000)
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] }, 'a month later the physical order still waits')
    t.same(await history(ta, physical.RefNo), ['-→AUTHRECEIVED PLACED'], 'untouched: AUTHRECEIVED until its delivery is confirmed')

    // a month on, the merchant logs in again (sessions last 10 minutes)
    const confirmed = await ta.rpc('confirmDelivery', [await ta.login(m), physical.RefNo])
    t.match(confirmed.result, { RefNo: physical.RefNo, Status: 'COMPLETE', ApproveStatus: 'OK' }, 'confirmDelivery answers the Order, COMPLETE')
    t.ok(confirmed.result.OrderNo > 0, 'with its OrderNo')
    t.match(await lastEvent(ta, physical.RefNo), { from_status: 'AUTHRECEIVED', to_status: 'COMPLETE', event: 'DELIVERY_CONFIRMED', actor: `merchant:${m.code}` }, 'the history names the merchant')
    t.same(await notified(ta, physical.RefNo), ['AUTHRECEIVED PLACED', 'COMPLETE DELIVERY_CONFIRMED'], 'and the IPN is enqueued')
  })
}

t.test('a physical order paid with the reversal card is reversed too, never waiting for a delivery', async (t) => {
  const { ta, m } = await setUp(t)
  const order = await place(ta, m, physicalOrder({ CardNumber: SANDBOX_CARDS.REVERSE }))
  ta.clock.advance(AFTER)
  t.same(await sweepApprovedOrders(ta.deps, AFTER), { completed: [], reversed: [order.RefNo] })
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, order.RefNo])).error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo' }] } }, 'a REVERSED order cannot be delivered')
})

t.test('SANDBOX_COMPLETE_AFTER_MS: off keeps approved orders AUTHRECEIVED; 0 completes them at the next sweep', async (t) => {
  t.test('off', async (t) => {
    const { ta, m } = await setUp(t, { SANDBOX_COMPLETE_AFTER_MS: 'off' })
    const order = await place(ta, m, testCardOrder())
    ta.clock.advance(86_400_000)
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] })
    t.equal((await stored(ta, order.RefNo)).status, 'AUTHRECEIVED')
  })
  t.test('0', async (t) => {
    const { ta, m } = await setUp(t, { SANDBOX_COMPLETE_AFTER_MS: '0' })
    const order = await place(ta, m, testCardOrder())
    t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [order.RefNo], reversed: [], expiredDrafts: [], expiredPaymentLinks: [] })
  })
})

t.test('the server\'s approved-orders timer completes a digital order once its delay has passed', async (t) => {
  const { ta, m } = await setUp(t)
  const order = await place(ta, m, testCardOrder())
  const stop = startSweeper(ta.deps, ta.app.log, 60_000, 10)
  t.teardown(stop)
  ta.clock.advance(AFTER)
  const deadline = Date.now() + 5000
  while ((await stored(ta, order.RefNo)).status === 'AUTHRECEIVED' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await stored(ta, order.RefNo)).status, 'COMPLETE')
  t.same(await history(ta, order.RefNo), ['-→AUTHRECEIVED PLACED', 'AUTHRECEIVED→COMPLETE ELECTRONIC_DELIVERY'])
})

t.test('confirmDelivery refuses, naming the field, and changes nothing', async (t) => {
  const { ta, m } = await setUp(t)
  const digital = await place(ta, m, testCardOrder())
  const physical = await place(ta, m, physicalOrder())
  const po = await place(ta, m, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: DELIVERY, BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-1', AutoApprove: true } } }))

  t.match((await ta.rpc('confirmDelivery', [m.sessionId])).error, { code: -32602, data: { fields: [{ path: 'RefNo' }] } }, 'no RefNo: -32602 naming RefNo')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, { no: 1 }])).error, { code: -32602, data: { fields: [{ path: 'RefNo' }] } }, 'a RefNo that is not a string or number')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, 'not-a-ref'])).error, { data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'RefNo' }] } }, 'an unreadable RefNo: ORDER_NOT_FOUND')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, '999999999'])).error, { data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'RefNo' }] } }, 'an unknown RefNo')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, digital.RefNo])).error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo', message: /no physical product/ }] } }, 'a digital order completes by itself')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, po.RefNo])).error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo', message: /is PURCHASE_PENDING/ }] } }, 'an unpaid purchase order')
  t.match((await ta.rpc('confirmDelivery', ['no-such-session', physical.RefNo])).error, { data: { error_code: 'INVALID_SESSION' } }, 'no session')
  t.same(await history(ta, digital.RefNo), ['-→AUTHRECEIVED PLACED'], 'the digital order unchanged')
  t.same(await history(ta, physical.RefNo), ['-→AUTHRECEIVED PLACED'], 'the physical order unchanged')

  t.equal((await ta.rpc('confirmDelivery', [m.sessionId, physical.RefNo])).result?.Status, 'COMPLETE')
  t.match((await ta.rpc('confirmDelivery', [m.sessionId, physical.RefNo])).error, { data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo', message: /is COMPLETE/ }] } }, 'confirming twice is refused')
  t.same(await history(ta, physical.RefNo), ['-→AUTHRECEIVED PLACED', 'AUTHRECEIVED→COMPLETE DELIVERY_CONFIRMED'], 'one history row')
})
