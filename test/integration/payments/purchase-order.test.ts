import { readFileSync } from 'node:fs'
import t from 'tap'
import { sweepOverdueOrders } from '../../../src/orders/order-sweeps.js'
import { createTestApp } from '../../helpers/app.js'
import { demoMerchant, history } from '../../helpers/payments.js'

const SEED_004 = JSON.parse(readFileSync(new URL('../../fixtures/seed-004-po-order.json', import.meta.url), 'utf8')) as Record<string, any>
const DAY = 86_400_000

const manualPo = (poNumber: string) => ({ ...SEED_004, PaymentDetails: { ...SEED_004.PaymentDetails, PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: poNumber, AutoApprove: false } } } })

async function countOrders (db: { selectFrom: any }): Promise<number> {
  return Number((await db.selectFrom('orders').select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

t.test('purchase orders (seed 004)', async (t) => {
  const ta = await createTestApp(t, {}, undefined, [])
  const po = await demoMerchant(ta, { poAutoApprove: true })
  const plain = await demoMerchant(ta, { poAutoApprove: false })

  t.test('seed 004\'s Order, positional, on a merchant with PO auto-approve → PURCHASE_PENDING with PODetails', async (t) => {
    const reply = await ta.rpc('placeOrder', [po.sessionId, SEED_004])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, {
      Status: 'PURCHASE_PENDING',
      OrderNo: 0,
      Errors: null,
      BillingDetails: { Company: 'ABC Company' },
      PaymentDetails: { Type: 'PURCHASEORDER', PaymentMethod: { InternalPONumber: '84864848', AutoApprove: true } },
      PODetails: { Status: 'APPROVED', InternalPONumber: '84864848', AutoApprove: true, PaymentTermDays: 30, DueDate: '2026-12-23 10:00:00' }
    })
    t.same(await history(ta, reply.result.RefNo), ['-→PURCHASE_PENDING PLACED'])
  })

  t.test('the same Order without PO auto-approve is 10004 NOT_ALLOWED naming AutoApprove, and writes nothing', async (t) => {
    const before = await countOrders(ta.db.db)
    const reply = await ta.rpc('placeOrder', { sessionID: plain.sessionId, Order: SEED_004 })
    t.match(reply.error, { code: 10004, data: { error_code: 'NOT_ALLOWED', fields: [{ path: 'PaymentDetails.PaymentMethod.AutoApprove' }] } })
    t.equal(await countOrders(ta.db.db), before)
  })

  t.test('without BillingDetails.Company it is -32602', async (t) => {
    const reply = await ta.rpc('placeOrder', [po.sessionId, { ...SEED_004, BillingDetails: { ...SEED_004.BillingDetails, Company: null } }])
    t.match(reply.error, { code: -32602, data: { fields: [{ path: 'BillingDetails.Company' }] } })
  })

  t.test('manual path: UNFINISHED (AWAITING_UPLOAD) → approve → PURCHASE_PENDING → paid → COMPLETE with OrderNo and FinishDate', async (t) => {
    const placed = await ta.rpc('placeOrder', [plain.sessionId, manualPo('PO-7')])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.match(placed.result, { Status: 'UNFINISHED', VendorApproveStatus: 'WAITING', PODetails: { Status: 'AWAITING_UPLOAD', InternalPONumber: 'PO-7', AutoApprove: false } })
    const refNo = placed.result.RefNo as string

    t.match((await ta.rpc('markOrderPaid', [plain.sessionId, refNo])).error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID' } }, 'not paid before it is approved')
    t.match((await ta.rpc('approvePurchaseOrder', [po.sessionId, refNo])).error, { data: { error_code: 'ORDER_NOT_FOUND' } }, 'another merchant cannot approve it')

    const approved = await ta.rpc('approvePurchaseOrder', [plain.sessionId, refNo])
    t.notOk(approved.error, JSON.stringify(approved.error))
    t.match(approved.result, { Status: 'PURCHASE_PENDING', VendorApproveStatus: 'OK', OrderNo: 0, PODetails: { Status: 'APPROVED', InternalPONumber: 'PO-7' } })
    t.match((await ta.rpc('approvePurchaseOrder', [plain.sessionId, refNo])).error, { data: { error_code: 'ORDER_STATUS_INVALID' } }, 'approving twice is refused')

    ta.clock.advance(5 * 60_000)
    const paid = await ta.rpc('markOrderPaid', { sessionID: plain.sessionId, RefNo: refNo })
    ta.clock.advance(-5 * 60_000)
    t.notOk(paid.error, JSON.stringify(paid.error))
    t.match(paid.result, { Status: 'COMPLETE', ApproveStatus: 'OK', FinishDate: '2026-11-23 10:05:00', PODetails: { Status: 'PAID' } })
    t.ok(paid.result.OrderNo > 0, 'OrderNo from order_no_seq')
    t.same((await ta.rpc('getOrder', [plain.sessionId, refNo])).result, paid.result)
    t.same(await history(ta, refNo), ['-→UNFINISHED PLACED', 'UNFINISHED→PURCHASE_PENDING PO_APPROVED', 'PURCHASE_PENDING→COMPLETE PAYMENT_RECEIVED'])
    const actors = await ta.db.db.selectFrom('order_events').select('actor').where('event', '=', 'PO_APPROVED').execute()
    t.same(actors, [{ actor: `merchant:${plain.code}` }])
  })

  t.test('cancelPurchaseOrder: UNFINISHED → CANCELED; then approve and cancel are refused', async (t) => {
    const placed = await ta.rpc('placeOrder', [plain.sessionId, manualPo('PO-8')])
    const canceled = await ta.rpc('cancelPurchaseOrder', [plain.sessionId, placed.result.RefNo])
    t.match(canceled.result, { Status: 'CANCELED', PODetails: { Status: 'CANCELED' } })
    t.match((await ta.rpc('approvePurchaseOrder', [plain.sessionId, placed.result.RefNo])).error, { data: { error_code: 'ORDER_STATUS_INVALID' } })
    t.match((await ta.rpc('cancelPurchaseOrder', [plain.sessionId, placed.result.RefNo])).error, { data: { error_code: 'ORDER_STATUS_INVALID' } })
    t.match((await ta.rpc('cancelPurchaseOrder', [plain.sessionId, '999999999'])).error, { data: { error_code: 'ORDER_NOT_FOUND' } })
    t.same(await history(ta, placed.result.RefNo), ['-→UNFINISHED PLACED', 'UNFINISHED→CANCELED PO_CANCELED'])
  })

  t.test('the sweep cancels unpaid POs after their terms (fake clock), and only them', async (t) => {
    // a merchant with 10-day terms, besides the default 30
    await ta.db.db.updateTable('merchants').set({ po_payment_terms_days: 10 }).where('id', '=', po.id).execute()
    const short = await ta.rpc('placeOrder', [po.sessionId, SEED_004])
    t.match(short.result, { PODetails: { PaymentTermDays: 10, DueDate: '2026-12-03 10:00:00' } })
    const unfinished = await ta.rpc('placeOrder', [plain.sessionId, manualPo('PO-9')])
    const pending = await ta.rpc('placeOrder', [plain.sessionId, manualPo('PO-10')])
    await ta.rpc('approvePurchaseOrder', [plain.sessionId, pending.result.RefNo])
    const paid = await ta.rpc('placeOrder', [plain.sessionId, manualPo('PO-11')])
    await ta.rpc('approvePurchaseOrder', [plain.sessionId, paid.result.RefNo])
    await ta.rpc('markOrderPaid', [plain.sessionId, paid.result.RefNo])
    const wire = await ta.rpc('placeOrder', [plain.sessionId, { ...manualPo('x'), PaymentDetails: { Type: 'WIRE', Currency: 'USD', PaymentMethod: null } }])

    ta.clock.advance(10 * DAY - 1000)
    t.same(await sweepOverdueOrders(ta.deps), { canceled: [] }, 'nothing is due a second before the 10-day terms end')
    ta.clock.advance(1000)
    t.same(await sweepOverdueOrders(ta.deps), { canceled: [short.result.RefNo] }, 'the 10-day PO is canceled at its due date')
    ta.clock.advance(20 * DAY)
    const swept = await sweepOverdueOrders(ta.deps)
    t.ok(swept.canceled.includes(unfinished.result.RefNo), 'unpaid UNFINISHED canceled after 30 days')
    t.ok(swept.canceled.includes(pending.result.RefNo), 'unpaid PURCHASE_PENDING canceled after 30 days')
    t.notOk(swept.canceled.includes(paid.result.RefNo), 'a paid PO is kept')
    t.notOk(swept.canceled.includes(wire.result.RefNo), 'not a PO')
    t.same(await sweepOverdueOrders(ta.deps), { canceled: [] }, 'a second sweep finds nothing')

    const session = await ta.login(plain)
    const after = (await ta.rpc('getOrder', [session, pending.result.RefNo])).result
    t.match(after, { Status: 'CANCELED', PODetails: { Status: 'EXPIRED' } })
    t.same(await history(ta, pending.result.RefNo), ['-→UNFINISHED PLACED', 'UNFINISHED→PURCHASE_PENDING PO_APPROVED', 'PURCHASE_PENDING→CANCELED PAYMENT_TERMS_EXPIRED'])
    t.equal((await ta.rpc('getOrder', [session, paid.result.RefNo])).result.Status, 'COMPLETE')
    t.equal((await ta.rpc('getOrder', [session, wire.result.RefNo])).result.Status, 'PENDING')
    t.match((await ta.rpc('markOrderPaid', [session, pending.result.RefNo])).error, { data: { error_code: 'ORDER_STATUS_INVALID' } }, 'a swept PO cannot be paid')
    ta.clock.set(new Date('2026-11-23T10:00:00.000Z'))
  })
})

t.test('the server sweeps on a timer and stops it on close', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta, { poAutoApprove: true })
  const placed = await ta.rpc('placeOrder', [m.sessionId, SEED_004])
  ta.clock.advance(31 * DAY)
  const { buildApp } = await import('../../../src/app.js')
  const { createLogger } = await import('../../../src/logger.js')
  const server = await buildApp({ deps: ta.deps, logger: createLogger({ level: 'silent' }), sweepIntervalMs: 20 })
  const deadline = Date.now() + 5000
  let status = 'PURCHASE_PENDING'
  while (status !== 'CANCELED' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    status = (await ta.db.db.selectFrom('orders').select('status').where('ref_no', '=', BigInt(placed.result.RefNo)).executeTakeFirstOrThrow()).status
  }
  await server.close()
  t.equal(status, 'CANCELED')
})
