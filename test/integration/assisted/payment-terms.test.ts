import t from 'tap'
import { createTestApp, gmdate } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'
import { orderPaidWith } from '../../helpers/payments.js'

// Issue 19 item 4: payment terms for B2B (NET n days or a FIXED_DATE) on orders paid later, the
// due date on the order, overdue orders listed; the merchant's PO terms by RPC.
// The clock is the test clock (ta.clock): nothing sleeps. Overdue cases use WIRE and CHECK orders,
// which no sweep touches (the server's sweeper cancels only purchase orders past their terms).

const DAY = 86_400_000
const company = { BillingDetails: { ...testCardOrder().BillingDetails, Company: 'Acme Wholesale' } }
const po = (autoApprove = true) => testCardOrder({ ...company, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-77', AutoApprove: autoApprove } } })

t.test('payment terms on assisted orders and the Overdue search', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  const start = ta.clock.now()
  const orderRow = async (refNo: string) => await ta.db.db.selectFrom('orders').select(['payment_due_at', 'status']).where('ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()

  let net15 = ''
  t.test('NET 15 on a WIRE order: PaymentTerms with the DueDate on the Order, orders.payment_due_at set', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('WIRE', null), { PaymentTerms: { Type: 'NET', Days: 15 } }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'PENDING', PaymentDetails: { Type: 'WIRE' } })
    t.same(reply.result.PaymentTerms, { Type: 'NET', Days: 15, DueDate: gmdate(new Date(start.getTime() + 15 * DAY)) })
    net15 = reply.result.RefNo
    t.same(await orderRow(net15), { payment_due_at: new Date(start.getTime() + 15 * DAY), status: 'PENDING' })
    t.same((await ta.rpc('getOrder', [m.apiSession, net15])).result.PaymentTerms, reply.result.PaymentTerms, 'getOrder answers the same')
  })

  let fixed = ''
  t.test('FIXED_DATE on a CHECK order: due by the end of that day (UTC)', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('CHECK', {}), { PaymentTerms: { Type: 'FIXED_DATE', DueDate: '2026-12-01' } }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.same(reply.result.PaymentTerms, { Type: 'FIXED_DATE', DueDate: '2026-12-01 23:59:59' })
    fixed = reply.result.RefNo
    t.same((await orderRow(fixed)).payment_due_at, new Date('2026-12-01T23:59:59.000Z'))
  })

  t.test('a purchase order: the merchant\'s terms (NET 30) unless the agent gives its own, PODetails agreeing', async (t) => {
    const plain = await ta.rpc('placeAssistedOrder', [m.staffSession, po(), {}])
    t.notOk(plain.error, JSON.stringify(plain.error))
    const due30 = gmdate(new Date(start.getTime() + 30 * DAY))
    t.same(plain.result.PaymentTerms, { Type: 'NET', Days: 30, DueDate: due30 })
    t.match(plain.result.PODetails, { PaymentTermDays: 30, DueDate: due30 })
    const own = await ta.rpc('placeAssistedOrder', [m.staffSession, po(), { PaymentTerms: { Type: 'FIXED_DATE', DueDate: '2026-12-10' } }])
    t.notOk(own.error, JSON.stringify(own.error))
    t.same(own.result.PaymentTerms, { Type: 'FIXED_DATE', DueDate: '2026-12-10 23:59:59' })
    t.match(own.result.PODetails, { PaymentTermDays: 18, DueDate: '2026-12-10 23:59:59' }, '17 days 14 hours: 18 days, rounded up')
    const merchantPo = await ta.rpc('placeOrder', [m.apiSession, po()])
    t.same(merchantPo.result.PaymentTerms, { Type: 'NET', Days: 30, DueDate: due30 }, 'the merchant\'s own placeOrder: its PO terms too')
  })

  t.test('a card order has no PaymentTerms; terms on it are PAYMENT_TERMS_INVALID naming Assisted.PaymentTerms, nothing written', async (t) => {
    const card = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), {}])
    t.equal(card.result.PaymentTerms, undefined)
    t.equal((await orderRow(card.result.RefNo)).payment_due_at, null)
    const before = await ta.db.db.selectFrom('orders').select('id').execute()
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { PaymentTerms: { Type: 'NET', Days: 10 } }])
    t.same(reply.error, {
      code: 55201,
      message: 'The payment terms are not valid: Assisted.PaymentTerms: payment terms are for orders paid later (PaymentDetails.Type PURCHASEORDER, WIRE, CHECK), not TEST',
      data: { error_code: 'PAYMENT_TERMS_INVALID', reason: 'PAYMENT_TERMS_INVALID', requestId: reply.error?.data.requestId, fields: [{ path: 'Assisted.PaymentTerms', error_code: 'PAYMENT_TERMS_INVALID', message: 'payment terms are for orders paid later (PaymentDetails.Type PURCHASEORDER, WIRE, CHECK), not TEST' }] }
    })
    t.same(await ta.db.db.selectFrom('orders').select('id').execute(), before, 'no order')
  })

  t.test('bad terms name their field; quote refuses them as placing would', async (t) => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ Type: 'NET' }, 'Assisted.PaymentTerms.Days', /NET terms need Days/],
      [{ Type: 'NET', Days: 0 }, 'Assisted.PaymentTerms.Days', /from 1 to 365, got 0/],
      [{ Type: 'NET', Days: 366 }, 'Assisted.PaymentTerms.Days', /from 1 to 365, got 366/],
      [{ Type: 'NET', Days: 10, DueDate: '2026-12-01' }, 'Assisted.PaymentTerms.DueDate', /take Days, not DueDate/],
      [{ Type: 'FIXED_DATE' }, 'Assisted.PaymentTerms.DueDate', /need DueDate as YYYY-MM-DD/],
      [{ Type: 'FIXED_DATE', DueDate: '2026-02-30' }, 'Assisted.PaymentTerms.DueDate', /not a calendar date/],
      [{ Type: 'FIXED_DATE', DueDate: '2026-11-23' }, 'Assisted.PaymentTerms.DueDate', /after today \(2026-11-23 UTC\)/],
      [{ Type: 'FIXED_DATE', DueDate: '2028-01-01' }, 'Assisted.PaymentTerms.DueDate', /at most 366 days ahead/]
    ]
    for (const [terms, path, message] of cases) {
      const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('WIRE', null), { PaymentTerms: terms }])
      t.match(reply.error, { code: 55201, data: { error_code: 'PAYMENT_TERMS_INVALID', fields: [{ path, error_code: 'PAYMENT_TERMS_INVALID', message }] } }, JSON.stringify(terms))
      const quoted = await ta.rpc('quote', [m.staffSession, orderPaidWith('WIRE', null), { PaymentTerms: terms }])
      t.match(quoted.error, { data: { error_code: 'PAYMENT_TERMS_INVALID', fields: [{ path }] } })
    }
    t.match((await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('WIRE', null), { PaymentTerms: { Type: 'NET30' } }])).error, { code: -32602, data: { fields: [{ path: 'Assisted.PaymentTerms.Type' }] } })
  })

  t.test('Overdue: past the due date and still awaiting payment, of any date; paid orders and other merchants\' are not', async (t) => {
    // Sessions expire as the test clock moves: a new one after each step.
    const login = async (merchant = m) => await ta.login({ code: merchant.code, secret: merchant.secret })
    const overdue = async (session: string) => ((await ta.rpc('searchOrders', [session, { Overdue: true }])).result.Items as Array<{ RefNo: string }>).map((o) => o.RefNo).sort()
    t.same(await overdue(m.apiSession), [], 'nothing is due yet')
    ta.clock.advance(9 * DAY) // 2026-12-02 10:00: the FIXED_DATE (Dec 1) order is overdue
    t.same(await overdue(await login()), [fixed])
    ta.clock.advance(7 * DAY) // 2026-12-09: NET 15 is overdue too, placed 16 days ago (beyond the default 7 days)
    const session = await login()
    t.same(await overdue(session), [fixed, net15].sort())
    const page = (await ta.rpc('searchOrders', [session, { Overdue: true }])).result
    t.same(page.Pagination, { Page: 1, Limit: 10, Count: 2 })
    t.same(page.Items.find((o: { RefNo: string }) => o.RefNo === net15).PaymentTerms, { Type: 'NET', Days: 15, DueDate: gmdate(new Date(start.getTime() + 15 * DAY)) })
    t.match((await ta.rpc('markOrderPaid', [session, fixed])).result, { Status: 'COMPLETE' })
    t.same(await overdue(session), [net15], 'a paid order is no longer overdue')
    t.same(await overdue(await login(other)), [], 'another merchant sees none of them')
    t.same(((await ta.rpc('searchOrders', [session, { Overdue: true, StartDate: '2026-12-01' }])).result.Items as unknown[]).length, 0, 'with a date range: overdue orders placed in it')
    t.match((await ta.rpc('searchOrders', [session, { Overdue: false }])).error, { code: -32602, data: { fields: [{ path: 'orderSearchOptions.Overdue' }] } })
    ta.clock.advance(-16 * DAY)
  })
})

t.test('the merchant\'s PO terms: getPaymentTerms, setPaymentTerms (the merchant API session only); new purchase orders use them', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  t.same(await ta.rpc('getPaymentTerms', [m.apiSession]), { jsonrpc: '2.0', id: 1, result: { Type: 'NET', Days: 30 } }, 'never set: NET 30')
  t.same(await ta.rpc('setPaymentTerms', [m.apiSession, { Type: 'NET', Days: 45 }]), { jsonrpc: '2.0', id: 1, result: { Type: 'NET', Days: 45 } })
  t.same((await ta.rpc('getPaymentTerms', { sessionID: m.apiSession })).result, { Type: 'NET', Days: 45 })
  t.same((await ta.rpc('getPaymentTerms', [other.apiSession])).result, { Type: 'NET', Days: 30 }, 'another merchant\'s terms are its own')
  const placed = await ta.rpc('placeOrder', [m.apiSession, po()])
  t.same(placed.result.PaymentTerms, { Type: 'NET', Days: 45, DueDate: gmdate(new Date(ta.clock.now().getTime() + 45 * DAY)) })
  t.match(placed.result.PODetails, { PaymentTermDays: 45 })

  const bad = await ta.rpc('setPaymentTerms', [m.apiSession, { Type: 'NET', Days: 400 }])
  t.match(bad.error, { code: 55201, data: { error_code: 'PAYMENT_TERMS_INVALID', fields: [{ path: 'PaymentTerms.Days', message: 'Days must be a whole number from 1 to 365, got 400' }] } })
  t.match((await ta.rpc('setPaymentTerms', [m.apiSession, { Type: 'NET', Days: 2.5 }])).error, { data: { error_code: 'PAYMENT_TERMS_INVALID', fields: [{ path: 'PaymentTerms.Days' }] } })
  t.match((await ta.rpc('setPaymentTerms', [m.apiSession, { Type: 'FIXED_DATE', DueDate: '2026-12-01' }])).error, { code: -32602, data: { fields: [{ path: 'PaymentTerms.Type' }] } }, 'a merchant\'s terms are NET days')
  t.match((await ta.rpc('setPaymentTerms', [m.staffSession, { Type: 'NET', Days: 1 }])).error, { code: 10004, data: { error_code: 'NOT_ALLOWED' } }, 'not from a user\'s session, even a supervisor\'s')
  t.match((await ta.rpc('getPaymentTerms', [m.staffSession])).error, { code: 10004 })
  t.same((await ta.rpc('getPaymentTerms', [m.apiSession])).result, { Type: 'NET', Days: 45 }, 'the refused calls changed nothing')
})
