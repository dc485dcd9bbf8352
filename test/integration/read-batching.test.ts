import t from 'tap'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'

// Point reads of concurrent calls are coalesced into one statement per turn of the event loop
// (src/db/read-batcher.ts). Whatever calls share a statement, each must get exactly the answer it
// would get alone: its own merchant's order, never another merchant's, and false / not found
// where alone it would be.
t.test('concurrent isValidOrderReference, getOrder and placeOrder calls of two merchants each get their own answer', async (t) => {
  const ta = await createTestApp(t)
  const a = await seedDemoMerchant(ta)
  const b = await seedDemoMerchant(ta)
  const place = async (session: string, order: Record<string, unknown>): Promise<Record<string, any>> => {
    const reply = await ta.rpc('placeOrder', [session, order])
    if (reply.result === undefined) throw new Error(JSON.stringify(reply.error))
    return reply.result
  }
  const aApproved = await place(a.sessionId, testCardOrder({ ExternalReference: 'A-OK' }))
  const aDeclined = await place(a.sessionId, withCard(testCardOrder({ ExternalReference: 'A-DECLINED' }), { CardNumber: SANDBOX_CARDS.DECLINE }))
  const bApproved = await place(b.sessionId, testCardOrder({ ExternalReference: 'B-OK' }))
  t.equal(aApproved.Status, 'AUTHRECEIVED')
  t.equal(aDeclined.Status, 'PENDING')

  type Call = { method: string, params: unknown[], expect: (reply: Record<string, any>) => void }
  const valid = (session: string, refNo: string, answer: boolean, label: string): Call => ({
    method: 'isValidOrderReference',
    params: [session, refNo],
    expect: (reply) => { t.same(reply, { jsonrpc: '2.0', id: reply.id, result: answer }, label) }
  })
  const found = (session: string, order: Record<string, any>, label: string): Call => ({
    method: 'getOrder',
    params: [session, order.RefNo],
    expect: (reply) => { t.same(reply.result, order, label) }
  })
  const notFound = (session: string, refNo: string, label: string): Call => ({
    method: 'getOrder',
    params: [session, refNo],
    expect: (reply) => { t.equal(reply.error?.data?.error_code, 'ORDER_NOT_FOUND', label) }
  })
  const newOrder = (session: string, email: string, label: string): Call => ({
    method: 'placeOrder',
    params: [session, testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Email: email } })],
    expect: (reply) => { t.match(reply.result, { Status: 'AUTHRECEIVED', BillingDetails: { Email: email } }, label) }
  })
  const round = [
    valid(a.sessionId, aApproved.RefNo, true, 'A: its approved order is valid'),
    valid(a.sessionId, aDeclined.RefNo, false, 'A: its declined order is not'),
    valid(a.sessionId, bApproved.RefNo, false, 'A: B\'s order is not valid for A'),
    valid(b.sessionId, bApproved.RefNo, true, 'B: its own order is valid'),
    valid(b.sessionId, aApproved.RefNo, false, 'B: A\'s order is not valid for B'),
    valid(a.sessionId, '999999999', false, 'A: an unknown RefNo is not valid'),
    found(a.sessionId, aApproved, 'A: getOrder answers its approved order as placed'),
    found(a.sessionId, aDeclined, 'A: getOrder answers its declined order as placed'),
    found(b.sessionId, bApproved, 'B: getOrder answers its order as placed'),
    notFound(a.sessionId, bApproved.RefNo, 'A: B\'s order is not found'),
    notFound(b.sessionId, aApproved.RefNo, 'B: A\'s order is not found')
  ]
  // 6 rounds: 66 reads, more than one statement's 32 slots, plus new orders whose customer
  // look-ups are coalesced too.
  const calls = [
    ...Array.from({ length: 6 }, () => round).flat(),
    newOrder(a.sessionId, 'john.doe@example.com', 'A: an order of A\'s existing customer'),
    newOrder(b.sessionId, 'new.shopper@example.com', 'B: an order of a new shopper')
  ]
  const replies = await Promise.all(calls.map(async (call, id) => await ta.rpc(call.method, call.params, id)))
  replies.forEach((reply, id) => {
    t.equal(reply.id, id)
    calls[id]?.expect(reply as Record<string, any>)
  })

  // The customer look-ups found A's existing customer and created B's new one, once each.
  const customers = await ta.db.db.selectFrom('customers').select(['merchant_id', 'email']).orderBy('id').execute()
  t.same(customers.map((c) => [c.merchant_id, c.email]), [[a.id, 'john.doe@example.com'], [b.id, 'john.doe@example.com'], [b.id, 'new.shopper@example.com']])
})
