import t from 'tap'
import { createTestApp } from '../helpers/app.js'
import { describeLoad, runLoadAccounting } from '../helpers/load-accounting.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// 20,000 placeOrder calls at 50 connections through a real listener, then the books must
// balance: acknowledged == stored, every RefNo distinct, totals stored == totals acknowledged.
const CALLS = Number(process.env.LOAD_CALLS ?? 20_000)
const CONNECTIONS = 50

t.test(`load with accounting: ${CALLS} placeOrder calls at ${CONNECTIONS} connections`, async (t) => {
  const ta = await createTestApp(t, { LOG_LEVEL: 'warn' })
  ta.clock.set(new Date())
  const m = await seedDemoMerchant(ta)
  await ta.app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(ta.app.server.address() as { port: number }).port}`

  const orders = [
    testCardOrder(),
    testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2, PriceOptions: ['PREMIUM'] }, { Code: 'ADDON-1' }] }),
    testCardOrder({ Promotions: ['WELCOME10'] })
  ]
  const books = await runLoadAccounting({ origin, sessionId: m.sessionId, db: ta.db.db, merchantId: m.id, calls: CALLS, connections: CONNECTIONS, orders })
  t.comment(describeLoad(books))
  t.equal(books.failedClearly + books.unclear, 0, 'every call was acknowledged (nothing failed under load)')
  t.equal(books.acknowledged, CALLS)
  t.equal(books.stored, books.acknowledged, 'stored == acknowledged')
  t.equal(books.distinctRefNos, books.stored, 'every RefNo distinct')
  t.equal(books.lost, 0, 'no acknowledged order is missing')
  t.equal(books.storedTotalMinor, books.acknowledgedTotalMinor, 'the totals stored equal the totals acknowledged')
  t.equal(books.storedLines, books.expectedLines, 'every line stored')
})
