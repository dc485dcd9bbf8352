import t from 'tap'
import { createTestApp, gmdate, type TestApp } from '../helpers/app.js'
import { staffMerchant, type Staff } from '../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../helpers/db.js'
import { testCardOrder, withCard } from '../helpers/orders.js'

async function userId (ta: TestApp, m: Staff, username: string): Promise<number> {
  const row = await ta.db.db.selectFrom('merchant_users').select('id').where('merchant_id', '=', m.merchantId).where('username', '=', username).executeTakeFirstOrThrow()
  return Number(row.id)
}

async function orderId (ta: TestApp, refNo: string): Promise<bigint> {
  return (await ta.db.db.selectFrom('orders').select('id').where('ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()).id
}

async function setIpn (ta: TestApp, m: Staff, urls: string[]): Promise<void> {
  const reply = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: urls }])
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
}

t.test('the history of a card order placed by the merchant API: its placement, no adjustment or review, its notifications and their tries', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  await setIpn(ta, m, ['https://shop.example/ipn', 'https://backup.example/ipn'])
  const placedAt = gmdate(ta.clock.now())
  const order = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
  t.equal(order.result?.Status, 'AUTHRECEIVED', JSON.stringify(order.error))
  const refNo = order.result.RefNo as string

  const notifications = await ta.db.db.selectFrom('ipn_notifications').select(['id', 'url']).where('order_id', '=', await orderId(ta, refNo)).orderBy('id').execute()
  t.equal(notifications.length, 2)
  const [first, second] = notifications.map((n) => n.id) as [bigint, bigint]
  // The delivery worker (another component) records tries like these.
  const tried = new Date(ta.clock.now().getTime() + 1_000)
  const retried = new Date(ta.clock.now().getTime() + 61_000)
  await ta.db.db.insertInto('ipn_attempts').values([
    { notification_id: first, at: tried, ipn_date: '20261123100001', http_status: 503, receipt_valid: false, error: 'HTTP 503', duration_ms: 120 },
    { notification_id: second, at: tried, ipn_date: '20261123100001', http_status: null, receipt_valid: false, error: 'connect ECONNREFUSED', duration_ms: 3 },
    { notification_id: first, at: retried, ipn_date: '20261123100101', http_status: 200, receipt_valid: true, error: null, duration_ms: 87 }
  ]).execute()
  await ta.db.db.updateTable('ipn_notifications').set({ state: 'DELIVERED', attempts: 2, delivered_at: retried }).where('id', '=', first).execute()
  await ta.db.db.updateTable('ipn_notifications').set({ attempts: 1 }).where('id', '=', second).execute()

  const reply = await ta.rpc('getOrderHistory', [m.apiSession, refNo])
  t.same(reply, {
    jsonrpc: '2.0',
    id: 1,
    result: {
      RefNo: refNo,
      Events: [{ At: placedAt, FromStatus: null, Status: 'AUTHRECEIVED', Event: 'PLACED', Actor: { Type: 'MERCHANT_API' }, Reason: null, Detail: { PaymentType: 'TEST', PaymentStatus: 'APPROVED' } }],
      Refunds: [],
      Adjustments: [],
      FraudReview: null,
      Notifications: [
        {
          NotificationId: Number(first),
          Url: 'https://shop.example/ipn',
          Event: 'PLACED',
          Status: 'AUTHRECEIVED',
          State: 'DELIVERED',
          Attempts: 2,
          CreatedAt: placedAt,
          DeliveredAt: gmdate(retried),
          ResendOf: null,
          Tries: [
            { At: gmdate(tried), IpnDate: '20261123100001', HttpStatus: 503, ReceiptValid: false, Error: 'HTTP 503', DurationMs: 120 },
            { At: gmdate(retried), IpnDate: '20261123100101', HttpStatus: 200, ReceiptValid: true, Error: null, DurationMs: 87 }
          ]
        },
        {
          NotificationId: Number(second),
          Url: 'https://backup.example/ipn',
          Event: 'PLACED',
          Status: 'AUTHRECEIVED',
          State: 'PENDING',
          Attempts: 1,
          CreatedAt: placedAt,
          DeliveredAt: null,
          ResendOf: null,
          Tries: [{ At: gmdate(tried), IpnDate: '20261123100001', HttpStatus: null, ReceiptValid: false, Error: 'connect ECONNREFUSED', DurationMs: 3 }]
        }
      ]
    }
  })
  t.same((await ta.rpc('getOrderHistory', { sessionID: m.staffSession, RefNo: Number(refNo) })).result, reply.result, 'a user with PLACE_ORDERS_ON_BEHALF reads the same, RefNo as a number too')
  t.match(await ta.rpc('getOrderHistory', [m.noPrivilegeSession, refNo]), { error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'PLACE_ORDERS_ON_BEHALF' } } }, 'a user without it may not')
  t.notOk(JSON.stringify(reply).includes('john.doe@example.com'), 'no personal data of the order in its history')
})

t.test('the history of an assisted order with staff discounts lists each adjustment with its user and old and new amounts', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const at = gmdate(ta.clock.now())
  const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), {
    Items: [{ Discount: { Type: 'AMOUNT', Value: '5.00', Reason: 'dented box' } }],
    Discount: { Type: 'PERCENT', Value: 10, Reason: 'goodwill' }
  }])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const o = placed.result
  const agent = { UserId: await userId(ta, m, 'agent1'), Username: 'agent1' }

  const history = (await ta.rpc('getOrderHistory', [m.apiSession, o.RefNo])).result
  t.same(history.Adjustments, [
    { Kind: 'LINE_DISCOUNT', LineNo: 1, DiscountType: 'AMOUNT', Value: '5.00', OldAmount: 99, NewAmount: 94, Reason: 'dented box', ReasonCode: null, User: agent, ApprovedBy: null, At: at },
    { Kind: 'ORDER_DISCOUNT', LineNo: null, DiscountType: 'PERCENT', Value: '10', OldAmount: 94, NewAmount: o.GrossDiscountedPrice, Reason: 'goodwill', ReasonCode: null, User: agent, ApprovedBy: null, At: at }
  ], 'decimals in the order currency, as the order shows them')
  t.equal(o.GrossDiscountedPrice, 84.6, '94.00 less 10 %')
  t.equal(history.Events.length, 1)
  t.match(history.Events[0], { At: at, FromStatus: null, Status: 'AUTHRECEIVED', Event: 'PLACED', Reason: null })
  t.same(history.Events[0].Actor, { Type: 'USER', ...agent }, 'placed by the staff user whose session placed it')
  t.same(history.Notifications, [], 'no IPN settings: no notification')
})

t.test('the history of a fraud-flagged order shows the review opened by the rules, then who closed it', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const at = gmdate(ta.clock.now())
  const held = await ta.rpc('placeOrder', [m.apiSession, withCard(testCardOrder({ CustomerReference: 660001 }), { HolderName: 'FRAUD REVIEW' })])
  t.match(held.result, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } }, JSON.stringify(held.error))
  const refNo = held.result.RefNo as string

  const opened = (await ta.rpc('getOrderHistory', [m.apiSession, refNo])).result
  t.same(opened.Events, [
    { At: at, FromStatus: null, Status: 'PENDING', Event: 'PLACED', Actor: { Type: 'MERCHANT_API' }, Reason: null, Detail: { PaymentType: 'TEST', PaymentStatus: 'APPROVED' } },
    { At: at, FromStatus: 'PENDING', Status: 'PENDING', Event: 'FRAUD_REVIEW_OPENED', Actor: { Type: 'SYSTEM', Name: 'fraud-rules' }, Reason: null, Detail: { Reason: 'Sandbox rule: holder name FRAUD REVIEW' } }
  ])
  t.same(opened.FraudReview, { Status: 'OPEN', Reason: 'Sandbox rule: holder name FRAUD REVIEW', OpenedBy: 'system:fraud-rules', OpenedAt: at })

  ta.clock.advance(300_000)
  const customer = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.merchantId).where('customer_reference', '=', 660001n).executeTakeFirstOrThrow()
  const reviewed = await ta.rpc('reviewCustomer', [m.staffSession, Number(customer.id), 'OKAY', 'called the shopper'])
  t.notOk(reviewed.error, JSON.stringify(reviewed.error))
  const closed = (await ta.rpc('getOrderHistory', [m.apiSession, refNo])).result
  t.same(closed.FraudReview, {
    Status: 'OKAY',
    Reason: 'Sandbox rule: holder name FRAUD REVIEW',
    OpenedBy: 'system:fraud-rules',
    OpenedAt: at,
    ClosedBy: { UserId: await userId(ta, m, 'agent1'), Username: 'agent1' },
    ClosedAt: gmdate(ta.clock.now()),
    Note: 'called the shopper'
  })
  t.same(closed.Events.slice(2), [
    { At: gmdate(ta.clock.now()), FromStatus: 'PENDING', Status: 'AUTHRECEIVED', Event: 'FRAUD_REVIEW_OKAY', Actor: { Type: 'USER', UserId: await userId(ta, m, 'agent1'), Username: 'agent1' }, Reason: 'called the shopper' }
  ], 'the review\'s end is an event of its own, by the user, with the note as reason')
})

t.test('a fraud-flagged order placed by a staff user: PLACED is the user\'s, the opened review the fraud rules\'', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const held = await ta.rpc('placeOrder', [m.staffSession, withCard(testCardOrder(), { HolderName: 'FRAUD REVIEW' })])
  t.match(held.result, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } }, JSON.stringify(held.error))
  const history = (await ta.rpc('getOrderHistory', [m.apiSession, held.result.RefNo])).result
  t.same(history.Events.map((e: any) => [e.Event, e.Actor]), [
    ['PLACED', { Type: 'USER', UserId: await userId(ta, m, 'agent1'), Username: 'agent1' }],
    ['FRAUD_REVIEW_OPENED', { Type: 'SYSTEM', Name: 'fraud-rules' }]
  ])
})

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, open] of backends) {
  t.test(`on ${backend}, every kind of actor is told apart: merchant API, user (by user:<id> or user_id), shopper, system`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const m = await staffMerchant(ta)
    const other = await staffMerchant(ta)
    const order = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
    const id = await orderId(ta, order.result.RefNo)
    const agent1 = await userId(ta, m, 'agent1')
    const agent2 = await userId(ta, m, 'agent2')
    const foreign = await userId(ta, other, 'agent1')
    const at = new Date(ta.clock.now().getTime() + 5_000)
    const event = (actor: string, extra: { user_id?: bigint, reason?: string } = {}) => ({
      order_id: id, at, from_status: 'AUTHRECEIVED', to_status: 'AUTHRECEIVED', event: 'PAYMENT_RECEIVED', actor, detail: '{}', ...extra
    })
    await ta.db.db.insertInto('order_events').values([
      event(`user:${agent1}`, { user_id: BigInt(agent1), reason: 'paid by phone' }),
      event(`user:${agent2}`),
      event(`merchant:${m.code}`, { user_id: BigInt(agent2) }),
      event('shopper'),
      event('system:sweep', { reason: 'payment terms expired' }),
      event(`user:${foreign}`)
    ]).execute()
    const history = (await ta.rpc('getOrderHistory', [m.apiSession, order.result.RefNo])).result
    t.same(history.Events.map((e: { Actor: unknown, Reason: unknown }) => [e.Actor, e.Reason]), [
      [{ Type: 'MERCHANT_API' }, null],
      [{ Type: 'USER', UserId: agent1, Username: 'agent1' }, 'paid by phone'],
      [{ Type: 'USER', UserId: agent2, Username: 'agent2' }, null],
      [{ Type: 'USER', UserId: agent2, Username: 'agent2' }, null],
      [{ Type: 'SHOPPER' }, null],
      [{ Type: 'SYSTEM', Name: 'sweep' }, 'payment terms expired'],
      [{ Type: 'USER', UserId: foreign }, null]
    ], 'an older staff row (merchant:<CODE> with its user_id) is the user\'s; another merchant\'s user is never named')
    t.same(history.Events.slice(1).map((e: { Detail?: unknown }) => e.Detail), [undefined, undefined, undefined, undefined, undefined, undefined], 'an empty detail is left out')
  })
}

t.test('getOrderHistory of an unknown, malformed or another merchant\'s RefNo is ORDER_NOT_FOUND, worded alike', async (t) => {
  const ta = await createTestApp(t)
  const a = await staffMerchant(ta)
  const b = await staffMerchant(ta)
  await setIpn(ta, a, ['https://a-shop.example/ipn'])
  const theirs = (await ta.rpc('placeOrder', [a.apiSession, testCardOrder()])).result.RefNo as string
  const unknown = String(BigInt(theirs) + 1000n)
  const answers = [
    await ta.rpc('getOrderHistory', [b.apiSession, theirs]),
    await ta.rpc('getOrderHistory', [b.staffSession, theirs]),
    await ta.rpc('getOrderHistory', [a.apiSession, unknown]),
    await ta.rpc('getOrderHistory', [a.apiSession, 'not-a-number'])
  ]
  const refNos = [theirs, theirs, unknown, 'not-a-number']
  answers.forEach((reply, i) => {
    const refNo = refNos[i] as string
    t.match(reply, { id: 1, error: { code: 55201, message: `Order not found: RefNo: no order ${refNo} for this merchant`, data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] } } })
    t.notOk(JSON.stringify(reply).includes('a-shop.example'), 'nothing of A\'s order')
  })
  const strip = (reply: { error?: { message: string, data?: { fields?: unknown } } }, refNo: string) => JSON.stringify([reply.error?.message, reply.error?.data?.fields]).replaceAll(refNo, 'N')
  t.equal(strip(answers[0] as never, theirs), strip(answers[2] as never, unknown), 'another merchant\'s order reads exactly like an unknown one')
})
