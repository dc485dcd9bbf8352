import t from 'tap'
import { sweepOverdueOrders } from '../../../src/orders/order-sweeps.js'
import { formatWireDate } from '../../../src/wire/wire-date.js'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 19: "a cancelled order [shows] its Cancellation {By, At, Reason}" — every cancelled order,
// whichever way it was cancelled: by staff (cancelOrder, cancelPurchaseOrder, a rejected fraud
// review), by the merchant's API session, or by ordergate itself (a purchase order past its
// terms). By is the staff user, or null when no staff user cancelled it; Source says who did.
// (The state-machine walk checks the same of every event that cancels, test/integration/orders/state-machine.test.ts.)

const DAY = 86_400_000

t.test('every cancelled order carries Cancellation {By, Source, At, Reason}, on the answer and on getOrder', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent1 = await ta.db.db.selectFrom('merchant_users').select('id').where('merchant_id', '=', m.merchantId).where('username', '=', 'agent1').executeTakeFirstOrThrow()
  const staff = { UserId: Number(agent1.id), Username: 'agent1' }
  const purchaseOrder = (po: string) => testCardOrder({
    BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' },
    PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: po, AutoApprove: false } }
  })
  const getOrder = async (refNo: string) => (await ta.rpc('getOrder', [m.apiSession, refNo])).result

  t.test('cancelPurchaseOrder by a staff user, with the reason they give', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, purchaseOrder('PO-C1')])).result
    const at = formatWireDate(ta.clock.now())
    const canceled = await ta.rpc('cancelPurchaseOrder', [m.staffSession, placed.RefNo, 'the customer withdrew the PO'])
    t.notOk(canceled.error, JSON.stringify(canceled.error))
    t.same(canceled.result.Cancellation, { By: staff, Source: 'STAFF', At: at, Reason: 'the customer withdrew the PO' })
    t.same((await getOrder(placed.RefNo)).Cancellation, canceled.result.Cancellation)
    const history = await ta.db.db.selectFrom('order_events').innerJoin('orders', 'orders.id', 'order_events.order_id')
      .select(['order_events.event', 'order_events.reason']).where('orders.ref_no', '=', BigInt(placed.RefNo)).orderBy('order_events.id', 'desc').limit(1).executeTakeFirstOrThrow()
    t.same(history, { event: 'PO_CANCELED', reason: 'the customer withdrew the PO' }, 'the reason is in the history too')
  })

  t.test('cancelPurchaseOrder by the merchant\'s API session, without a reason', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, purchaseOrder('PO-C2')])).result
    const canceled = await ta.rpc('cancelPurchaseOrder', [m.apiSession, placed.RefNo])
    t.notOk(canceled.error, JSON.stringify(canceled.error))
    t.same(canceled.result.Cancellation, { By: null, Source: 'MERCHANT_API', At: formatWireDate(ta.clock.now()), Reason: 'purchase order canceled' })
    t.same((await getOrder(placed.RefNo)).Cancellation, canceled.result.Cancellation)
  })

  t.test('a rejected fraud review, with and without a note', async (t) => {
    for (const note of ['stolen card reported', undefined]) {
      const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Mal', LastName: 'Lory', Email: `mal${note === undefined ? 2 : 1}@example.com`, FraudReview: true }])).result
      const held = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customer.CustomerId }])).result
      t.equal(held.Status, 'PENDING', 'held for review')
      const rejected = await ta.rpc('reviewCustomer', [m.staffSession, customer.CustomerId, 'REJECTED', ...(note !== undefined ? [note] : [])])
      t.same(rejected.result.Orders, [{ RefNo: held.RefNo, Status: 'CANCELED' }])
      t.same((await getOrder(held.RefNo)).Cancellation, { By: staff, Source: 'STAFF', At: formatWireDate(ta.clock.now()), Reason: note ?? 'fraud review rejected' })
    }
  })

  t.test('cancelOrder says the same as before, with Source STAFF', async (t) => {
    const placed = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder()])).result
    const canceled = await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'customer changed their mind'])
    t.same(canceled.result.Cancellation, { By: staff, Source: 'STAFF', At: formatWireDate(ta.clock.now()), Reason: 'customer changed their mind' })
  })

  t.test('an order not cancelled has none', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    t.equal((await getOrder(placed.RefNo)).Cancellation, undefined)
  })

  t.test('a purchase order past its terms, cancelled by the sweep', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, purchaseOrder('PO-C3')])).result
    ta.clock.advance(31 * DAY) // last: the sessions have expired by then
    t.ok((await sweepOverdueOrders(ta.deps)).canceled.includes(placed.RefNo), 'swept')
    const session = await ta.login(m)
    t.same((await ta.rpc('getOrder', [session, placed.RefNo])).result.Cancellation, { By: null, Source: 'SYSTEM', At: formatWireDate(ta.clock.now()), Reason: 'not paid within the payment terms' })
  })
})
