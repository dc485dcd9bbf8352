import t from 'tap'
import { createTestApp, gmdate, type TestApp } from '../../helpers/app.js'
import { staffMerchant, type Staff } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

const manualPo = () => testCardOrder({
  BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' },
  PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-9', AutoApprove: false } }
})

/** The order's outbox, oldest first: [id, url, event, state, resend_of, due]. */
async function outbox (ta: TestApp, refNo: string) {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id').innerJoin('order_events as e', 'e.id', 'n.event_id')
    .select(['n.id', 'n.url', 'e.event', 'n.state', 'n.attempts', 'n.resend_of', 'n.next_attempt_at', 'n.created_at'])
    .where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => ({ id: Number(r.id), url: r.url, event: r.event, state: r.state, attempts: r.attempts, resendOf: r.resend_of === null ? null : Number(r.resend_of), due: r.next_attempt_at.toISOString(), created: r.created_at.toISOString() }))
}

async function setIpn (ta: TestApp, m: Staff, urls: string[]): Promise<void> {
  const reply = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: urls }])
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
}

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, open] of backends) {
  t.test(`on ${backend}, resendIpn queues the latest notified change again, one new row per URL it went to, due now, naming the row it sends again`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const m = await staffMerchant(ta)
    await setIpn(ta, m, ['https://a.example/ipn', 'https://b.example/ipn'])
    const po = await ta.rpc('placeOrder', [m.apiSession, manualPo()])
    t.equal(po.result?.Status, 'UNFINISHED', JSON.stringify(po.error))
    const refNo = po.result.RefNo as string
    ta.clock.advance(60_000)
    t.equal((await ta.rpc('approvePurchaseOrder', [m.apiSession, refNo])).result?.Status, 'PURCHASE_PENDING')
    const before = await outbox(ta, refNo)
    t.same(before.map((n) => `${n.url} ${n.event}`), ['https://a.example/ipn PLACED', 'https://b.example/ipn PLACED', 'https://a.example/ipn PO_APPROVED', 'https://b.example/ipn PO_APPROVED'])
    const [, , approvedA, approvedB] = before as [unknown, unknown, { id: number }, { id: number }]
    await ta.db.db.updateTable('ipn_notifications').set({ state: 'DELIVERED', attempts: 1, delivered_at: ta.clock.now() }).where('id', '=', BigInt(approvedA.id)).execute()
    await ta.db.db.updateTable('ipn_notifications').set({ state: 'FAILED', attempts: 8 }).where('id', '=', BigInt(approvedB.id)).execute()

    // Settings changed since: the resend goes where that change went, not where the next would.
    await setIpn(ta, m, ['https://c.example/ipn'])
    ta.clock.advance(3_600_000)
    const session = await ta.login(m)
    const now = ta.clock.now().toISOString()
    const reply = await ta.rpc('resendIpn', [session, refNo])
    const after = await outbox(ta, refNo)
    t.equal(after.length, 6, 'two new rows')
    const [newA, newB] = after.slice(4) as unknown as [{ id: number }, { id: number }]
    t.same(reply, { jsonrpc: '2.0', id: 1, result: { RefNo: refNo, Queued: [{ NotificationId: newA.id, Url: 'https://a.example/ipn' }, { NotificationId: newB.id, Url: 'https://b.example/ipn' }] } })
    t.same(after.slice(0, 4), before.slice(0, 2).concat(after.slice(2, 4)), 'the earlier rows are untouched')
    t.match(after.slice(2, 4), [{ state: 'DELIVERED', attempts: 1 }, { state: 'FAILED', attempts: 8 }])
    t.same(after.slice(4), [
      { id: newA.id, url: 'https://a.example/ipn', event: 'PO_APPROVED', state: 'PENDING', attempts: 0, resendOf: approvedA.id, due: now, created: now },
      { id: newB.id, url: 'https://b.example/ipn', event: 'PO_APPROVED', state: 'PENDING', attempts: 0, resendOf: approvedB.id, due: now, created: now }
    ], 'PENDING, due now by the clock, resend_of the latest row for each URL')

    const again = await ta.rpc('resendIpn', [session, Number(refNo)])
    const third = (await outbox(ta, refNo)).slice(6)
    t.same(third.map((n) => [n.url, n.resendOf]), [['https://a.example/ipn', newA.id], ['https://b.example/ipn', newB.id]], 'a second resend sends the first resend again')
    t.same(again.result?.Queued.map((q: { NotificationId: number }) => q.NotificationId), third.map((n) => n.id))

    const history = (await ta.rpc('getOrderHistory', [session, refNo])).result
    t.same(history.Notifications.slice(4).map((n: { NotificationId: number, ResendOf: number, State: string, CreatedAt: string }) => [n.NotificationId, n.ResendOf, n.State, n.CreatedAt]),
      [[newA.id, approvedA.id, 'PENDING', gmdate(ta.clock.now())], [newB.id, approvedB.id, 'PENDING', gmdate(ta.clock.now())], [third[0]?.id, newA.id, 'PENDING', gmdate(ta.clock.now())], [third[1]?.id, newB.id, 'PENDING', gmdate(ta.clock.now())]],
      'getOrderHistory shows them with ResendOf')
  })
}

t.test('resendIpn refuses an order that never had a notification, an unknown or another merchant\'s order, and staff sessions; it writes nothing then', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  const silent = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result.RefNo as string
  await setIpn(ta, m, ['https://a.example/ipn'])
  const notified = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result.RefNo as string
  const count = async () => Number((await ta.db.db.selectFrom('ipn_notifications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const before = await count()
  t.equal(before, 1)

  t.match(await ta.rpc('resendIpn', [m.apiSession, silent]), {
    id: 1,
    error: { code: 55201, message: /^The order has no IPN notification to send again: RefNo: order \d+ has no IPN notification/, data: { error_code: 'IPN_NOTIFICATION_NOT_FOUND', fields: [{ path: 'RefNo', error_code: 'IPN_NOTIFICATION_NOT_FOUND' }] } }
  }, 'placed before IPN was set: nothing to send again')
  const notFound = (refNo: string) => ({ id: 1, error: { code: 55201, message: `Order not found: RefNo: no order ${refNo} for this merchant`, data: { error_code: 'ORDER_NOT_FOUND' } } })
  t.match(await ta.rpc('resendIpn', [other.apiSession, notified]), notFound(notified), 'another merchant\'s order: not found')
  t.match(await ta.rpc('resendIpn', [m.apiSession, '999999999']), notFound('999999999'), 'an unknown RefNo: the same')
  t.match(await ta.rpc('resendIpn', [m.apiSession, 'x1']), notFound('x1'))
  for (const session of [await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS', 'RECORD_PAYMENTS', 'REFUND_ORDERS']), m.noPrivilegeSession]) {
    t.match(await ta.rpc('resendIpn', [session, notified]), { error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'RESEND_NOTIFICATIONS', privileges: ['RESEND_NOTIFICATIONS'] } } }, 'a user\'s session without RESEND_NOTIFICATIONS: NOT_ALLOWED')
  }
  t.equal(await count(), before, 'no notification queued')
  t.match(await ta.rpc('resendIpn', [await m.userSession(['RESEND_NOTIFICATIONS']), notified]), { result: { RefNo: notified, Queued: [{ Url: 'https://a.example/ipn' }] } }, 'a user with RESEND_NOTIFICATIONS may')
  t.equal(await count(), before + 1, 'one notification queued')
  t.match(await ta.rpc('resendIpn', [m.apiSession, notified]), { result: { RefNo: notified, Queued: [{ Url: 'https://a.example/ipn' }] } }, 'the merchant itself may')
})
