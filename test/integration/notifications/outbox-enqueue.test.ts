import { readFileSync } from 'node:fs'
import t from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { seedDemoMerchant, testCardOrder } from '../../helpers/orders.js'

const SEED_004 = JSON.parse(readFileSync(new URL('../../fixtures/seed-004-po-order.json', import.meta.url), 'utf8')) as Record<string, any>
const manualPo = { ...SEED_004, PaymentDetails: { ...SEED_004.PaymentDetails, PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: 'PO-1', AutoApprove: false } } } }

async function setIpn (ta: TestApp, merchantId: bigint, urls: string[], statuses: string[] | null = null): Promise<void> {
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: merchantId, urls, statuses, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
}

/** The outbox of one order: [url, status of its change, event], oldest first. */
async function outbox (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n')
    .innerJoin('orders as o', 'o.id', 'n.order_id').innerJoin('order_events as e', 'e.id', 'n.event_id')
    .select(['n.url', 'e.to_status', 'e.event', 'n.state', 'n.next_attempt_at'])
    .where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => `${r.url} ${r.to_status} ${r.event} ${r.state} ${r.next_attempt_at.toISOString()}`)
}

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, open] of backends) {
  t.test(`on ${backend}, every status change enqueues one notification per IPN URL in its own statement or transaction`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const m = await seedDemoMerchant(ta, { poAutoApprove: false })
    const quiet = await seedDemoMerchant(ta)
    await setIpn(ta, m.id, ['https://a.example/ipn', 'https://b.example/ipn'])
    const at = ta.clock.now().toISOString()

    const card = await ta.rpc('placeOrder', [m.sessionId, testCardOrder()])
    t.notOk(card.error, JSON.stringify(card.error))
    t.same(await outbox(ta, card.result.RefNo), [`https://a.example/ipn AUTHRECEIVED PLACED PENDING ${at}`, `https://b.example/ipn AUTHRECEIVED PLACED PENDING ${at}`],
      'a card order placed in one statement: its placement, once per URL')

    const coupon = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ Promotions: ['WELCOME10'] })])
    t.notOk(coupon.error, JSON.stringify(coupon.error))
    t.same((await outbox(ta, coupon.result.RefNo)).map((line) => line.split(' ').slice(0, 3).join(' ')), ['https://a.example/ipn AUTHRECEIVED PLACED', 'https://b.example/ipn AUTHRECEIVED PLACED'],
      'an order placed in a transaction (a coupon counted) likewise')

    const declined = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ PaymentDetails: { ...testCardOrder().PaymentDetails, PaymentMethod: { ...testCardOrder().PaymentDetails.PaymentMethod, CardNumber: '4000000000000002' } } })])
    t.notOk(declined.error, JSON.stringify(declined.error))
    t.same((await outbox(ta, declined.result.RefNo)).map((line) => line.split(' ').slice(1, 3).join(' ')), ['PENDING PLACED', 'PENDING PLACED'],
      'a declined payment: the placement notifies, the decline (no change of status) does not')

    const po = await ta.rpc('placeOrder', [m.sessionId, manualPo])
    t.notOk(po.error, JSON.stringify(po.error))
    ta.clock.advance(60_000)
    const approved = await ta.rpc('approvePurchaseOrder', [m.sessionId, po.result.RefNo])
    t.notOk(approved.error, JSON.stringify(approved.error))
    t.same((await outbox(ta, po.result.RefNo)).map((line) => line.split(' ').slice(0, 3).join(' ')), [
      'https://a.example/ipn UNFINISHED PLACED', 'https://b.example/ipn UNFINISHED PLACED',
      'https://a.example/ipn PURCHASE_PENDING PO_APPROVED', 'https://b.example/ipn PURCHASE_PENDING PO_APPROVED'
    ], 'a later change, in the order of the changes')
    t.match((await outbox(ta, po.result.RefNo))[3], new Date(ta.clock.now()).toISOString(), 'due at the change\'s time')

    const other = await ta.rpc('placeOrder', [quiet.sessionId, testCardOrder()])
    t.same(await outbox(ta, other.result.RefNo), [], 'a merchant without IPN settings gets no notification')
  })
}

t.test('the merchant\'s statuses choose which changes notify', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta, { poAutoApprove: false })
  await setIpn(ta, m.id, ['https://a.example/ipn'], ['PURCHASE_PENDING'])
  const po = await ta.rpc('placeOrder', [m.sessionId, manualPo])
  t.same(await outbox(ta, po.result.RefNo), [], 'UNFINISHED is not among them')
  await ta.rpc('approvePurchaseOrder', [m.sessionId, po.result.RefNo])
  t.same((await outbox(ta, po.result.RefNo)).map((line) => line.split(' ')[1]), ['PURCHASE_PENDING'])
})
