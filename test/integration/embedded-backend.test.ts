import t from 'tap'
import { createEmbeddedTestDb } from '../helpers/db.js'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// The same store code and migrations on the embedded backend (PGlite) as on PostgreSQL.
t.test('on the embedded backend, login opens a session that authenticates and expires', async (t) => {
  const db = await createEmbeddedTestDb()
  t.equal(db.kind, 'pglite')
  const ta = await createTestApp(t, {}, db)
  const merchant = await ta.merchant({ poAutoApprove: true })
  const sessionId = await ta.login(merchant, 'sha256')
  t.match(sessionId, /^[0-9a-f]{64}$/)
  t.same(await ta.rpc('isValidOrderReference', [sessionId, '100000001']), { jsonrpc: '2.0', id: 1, result: false })
  const row = await ta.db.db.selectFrom('sessions').select(['id_hash']).executeTakeFirstOrThrow()
  t.not(row.id_hash, sessionId, 'only a hash of the sessionID is stored')
  ta.clock.advance(600_000)
  t.equal((await ta.rpc('isValidOrderReference', [sessionId, '1'])).error?.data.error_code, 'SESSION_EXPIRED')
})

t.test('on the embedded backend, concurrent transactions are serialised, not interleaved', async (t) => {
  const db = await createEmbeddedTestDb()
  const ta = await createTestApp(t, {}, db)
  const merchants = await Promise.all(Array.from({ length: 10 }, () => ta.merchant()))
  const sessions = await Promise.all(merchants.map((m) => ta.login(m)))
  t.equal(new Set(sessions).size, 10)
  const { count } = await db.db.selectFrom('sessions').select((eb) => eb.fn.countAll<bigint>().as('count')).executeTakeFirstOrThrow()
  t.equal(Number(count), 10)
})

t.test('on the embedded backend, placeOrder stores the order, its lines (unnested arrays) and its payment in one statement', async (t) => {
  const db = await createEmbeddedTestDb()
  const ta = await createTestApp(t, {}, db)
  const m = await seedDemoMerchant(ta)
  const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', PriceOptions: ['PREMIUM'] }, { Code: 'ADDON-1', Quantity: 2 }, { Code: 'PAY-WHAT-YOU-WANT', Price: { Type: 'CUSTOM', Amount: 3.5 } }] })
  const placed = await ta.rpc('placeOrder', [m.sessionId, order])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.match(placed.result, { Status: 'AUTHRECEIVED', NetPrice: 142.5, Items: [{ Code: 'my_subscription_1', PriceOptions: ['PREMIUM'] }, { Code: 'ADDON-1', Quantity: 2 }, { Code: 'PAY-WHAT-YOU-WANT', Price: { Type: 'CUSTOM' } }] })
  t.same((await ta.rpc('getOrder', [m.sessionId, placed.result.RefNo])).result, placed.result, 'the same order comes back')
})
