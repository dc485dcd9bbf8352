import t from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { staffMerchant, stock, catalogWithStock, DELIVERY } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 17: every status change, staff's too, leaves its history row (who: the staff user, why:
// the reason or note they gave) and its IPN notification, in the transaction of the change.

type HistoryRow = { from: string | null, to: string, event: string, actor: string, userId: number | null, reason: string | null }

async function history (ta: TestApp, refNo: string): Promise<HistoryRow[]> {
  const rows = await ta.db.db.selectFrom('order_events as e').innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.from_status', 'e.to_status', 'e.event', 'e.actor', 'e.user_id', 'e.reason'])
    .where('o.ref_no', '=', BigInt(refNo)).orderBy('e.id').execute()
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, event: r.event, actor: r.actor, userId: r.user_id === null ? null : Number(r.user_id), reason: r.reason }))
}

/** The order's IPN outbox as `url to_status event` lines, oldest first. */
async function outbox (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n')
    .innerJoin('orders as o', 'o.id', 'n.order_id').innerJoin('order_events as e', 'e.id', 'n.event_id')
    .select(['n.url', 'e.to_status', 'e.event']).where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => `${r.url} ${r.to_status} ${r.event}`)
}

async function userId (ta: TestApp, merchantId: bigint, username: string): Promise<number> {
  const row = await ta.db.db.selectFrom('merchant_users').select('id').where('merchant_id', '=', merchantId).where('username', '=', username).executeTakeFirstOrThrow()
  return Number(row.id)
}

const IPN = 'https://merchant.example/ipn'

t.test('cancelOrder and reviewCustomer leave history rows (user, reason) and enqueue their IPN', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta, catalogWithStock(10, 0))
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.merchantId, urls: [IPN], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
  const agent = await userId(ta, m.merchantId, 'agent1')
  const user = `user:${agent}`

  t.test('cancelOrder: AUTHRECEIVED → CANCELED_BY_STAFF by the user with the reason; one notification', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }], DeliveryDetails: DELIVERY })])).result
    const reserved = (await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved
    const canceled = await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'customer changed their mind'])
    t.notOk(canceled.error, JSON.stringify(canceled.error))
    t.equal(canceled.result.Status, 'CANCELED')
    t.same(await history(ta, placed.RefNo), [
      { from: null, to: 'AUTHRECEIVED', event: 'PLACED', actor: `merchant:${m.code}`, userId: null, reason: null },
      { from: 'AUTHRECEIVED', to: 'CANCELED', event: 'CANCELED_BY_STAFF', actor: user, userId: agent, reason: 'customer changed their mind' }
    ])
    t.same(await outbox(ta, placed.RefNo), [`${IPN} AUTHRECEIVED PLACED`, `${IPN} CANCELED CANCELED_BY_STAFF`])
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, reserved - 2, 'its stock is back')
    const refused = await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'again'])
    t.match(refused.error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo', message: new RegExp(placed.RefNo) }] } })
    t.equal((await history(ta, placed.RefNo)).length, 2, 'a refused cancel records nothing')
  })

  t.test('reviewCustomer OKAY: PENDING → the held status (AUTHRECEIVED; COMPLETE with its OrderNo), FRAUD_REVIEW_OKAY with the note', async (t) => {
    const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Eve', LastName: 'Held', Email: 'eve@example.com', FraudReview: true }])).result
    const card = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customer.CustomerId }])).result
    const original = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    const free = await ta.rpc('placeAssistedOrder', [m.staffSession, { ...testCardOrder(), PaymentDetails: { Type: 'FREE', Currency: 'usd' } }, { CustomerId: customer.CustomerId, PaymentNotRequired: { OriginalRefNo: original.RefNo, Reason: 'lost in transit' } }])
    t.notOk(free.error, JSON.stringify(free.error))
    t.match([card, free.result], [{ Status: 'PENDING', OrderNo: 0 }, { Status: 'PENDING', OrderNo: 0 }], 'both held')

    const okay = await ta.rpc('reviewCustomer', [m.staffSession, customer.CustomerId, 'OKAY', 'called the customer'])
    t.notOk(okay.error, JSON.stringify(okay.error))
    t.same(okay.result.Orders, [{ RefNo: card.RefNo, Status: 'AUTHRECEIVED' }, { RefNo: free.result.RefNo, Status: 'COMPLETE' }])
    const okayRow = (to: string) => ({ from: 'PENDING', to, event: 'FRAUD_REVIEW_OKAY', actor: user, userId: agent, reason: 'called the customer' })
    t.same((await history(ta, card.RefNo)).slice(-1), [okayRow('AUTHRECEIVED')])
    t.same((await history(ta, free.result.RefNo)).slice(-1), [okayRow('COMPLETE')])
    t.same((await outbox(ta, card.RefNo)).slice(-1), [`${IPN} AUTHRECEIVED FRAUD_REVIEW_OKAY`])
    t.same((await outbox(ta, free.result.RefNo)).slice(-1), [`${IPN} COMPLETE FRAUD_REVIEW_OKAY`])
    const completed = (await ta.rpc('getOrder', [m.apiSession, free.result.RefNo])).result
    t.match(completed, { Status: 'COMPLETE', FinishDate: '2026-11-23 10:00:00' })
    t.ok(completed.OrderNo > 0, 'the completed order got its OrderNo')
  })

  t.test('reviewCustomer REJECTED: PENDING → CANCELED, FRAUD_REVIEW_REJECTED; without a note no reason', async (t) => {
    const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Mal', LastName: 'Lory', Email: 'mal@example.com', FraudReview: true }])).result
    const held = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: DELIVERY }), { CustomerId: customer.CustomerId }])).result
    t.equal(held.Status, 'PENDING')
    const reserved = (await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved
    const rejected = await ta.rpc('reviewCustomer', [m.staffSession, customer.CustomerId, 'REJECTED'])
    t.same(rejected.result.Orders, [{ RefNo: held.RefNo, Status: 'CANCELED' }])
    t.same((await history(ta, held.RefNo)).slice(-1), [{ from: 'PENDING', to: 'CANCELED', event: 'FRAUD_REVIEW_REJECTED', actor: user, userId: agent, reason: null }])
    t.same((await outbox(ta, held.RefNo)).slice(-1), [`${IPN} CANCELED FRAUD_REVIEW_REJECTED`])
    t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, reserved - 1, 'its stock is back')
    const payment = await ta.db.db.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id').select('payments.status').where('orders.ref_no', '=', BigInt(held.RefNo)).executeTakeFirstOrThrow()
    t.equal(payment.status, 'CANCELED')
  })

  t.test('cancelOrder of an order in review closes the review: CANCELED_BY_STAFF with the reason', async (t) => {
    const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Rev', LastName: 'Iew', Email: 'rev@example.com', FraudReview: true }])).result
    const held = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customer.CustomerId }])).result
    const canceled = await ta.rpc('cancelOrder', [m.staffSession, held.RefNo, 'duplicate'])
    t.match(canceled.result, { Status: 'CANCELED', FraudReview: { Status: 'REJECTED' } })
    t.same((await history(ta, held.RefNo)).slice(-1), [{ from: 'PENDING', to: 'CANCELED', event: 'CANCELED_BY_STAFF', actor: user, userId: agent, reason: 'duplicate' }])
    const review = await ta.db.db.selectFrom('fraud_reviews').innerJoin('orders', 'orders.id', 'fraud_reviews.order_id').select(['outcome', 'note']).where('orders.ref_no', '=', BigInt(held.RefNo)).executeTakeFirstOrThrow()
    t.same(review, { outcome: 'REJECTED', note: 'order canceled: duplicate' })
  })
})

t.test('a staff user\'s approvePurchaseOrder and markOrderPaid are recorded as that user; the API session\'s as the merchant', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const clerk = await m.userSession(['RECORD_PAYMENTS'])
  const clerkId = await userId(ta, m.merchantId, 'agent3')
  const po = testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-1', AutoApprove: false } } })
  const placed = (await ta.rpc('placeOrder', [m.apiSession, po])).result
  t.notOk((await ta.rpc('approvePurchaseOrder', [m.apiSession, placed.RefNo])).error)
  t.notOk((await ta.rpc('markOrderPaid', [clerk, placed.RefNo])).error)
  t.same((await history(ta, placed.RefNo)).slice(1), [
    { from: 'UNFINISHED', to: 'PURCHASE_PENDING', event: 'PO_APPROVED', actor: `merchant:${m.code}`, userId: null, reason: null },
    { from: 'PURCHASE_PENDING', to: 'COMPLETE', event: 'PAYMENT_RECEIVED', actor: `user:${clerkId}`, userId: clerkId, reason: null }
  ])
})
