import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { migrateToLatest } from '../../src/db/migrate.js'
import { PGliteDialect } from '../../src/db/pglite-dialect.js'
import type { Database } from '../../src/db/schema.js'
import { createTestApp } from '../helpers/app.js'
import { staffMerchant } from '../helpers/assisted.js'
import { createTestDb, type TestDb } from '../helpers/db.js'
import { testCardOrder } from '../helpers/orders.js'

/**
 * The test database, every statement sent to it recorded (Kysely's log hook sees BEGIN and
 * COMMIT too): on the PostgreSQL server when one answers, else on the embedded backend.
 */
async function recordedDb (): Promise<{ db: TestDb, statements: string[] }> {
  const statements: string[] = []
  const log = (event: LogEvent) => { if (event.level === 'query' || event.level === 'error') statements.push(event.query.sql) }
  const server = await createTestDb()
  if (server.url === undefined) {
    await server.close()
    const pglite = await PGlite.create('memory://', { parsers: { 20: (value: string) => BigInt(value) } })
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log })
    await migrateToLatest(db)
    return { statements, db: { db, kind: 'pglite', name: 'embedded', url: undefined, ping: async () => true, close: async () => { await db.destroy() } } }
  }
  const pool = new pg.Pool({ connectionString: server.url, max: 10, types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => oid === 20 ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser } })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
  return { statements, db: { db, kind: 'pg', name: server.name, url: server.url, ping: async () => true, close: async () => { await db.destroy(); await server.close() } } }
}

const first = (text: string) => text.trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase()

t.test('what placeOrder sends to the database', async (t) => {
  const { db, statements } = await recordedDb()
  const ta = await createTestApp(t, {}, db)
  const m = await staffMerchant(ta)
  const shopper = (email: string) => testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Email: email } })
  // The catalog cache and the session are warm after a first order, as on a busy server.
  t.equal((await ta.rpc('placeOrder', [m.apiSession, shopper('warm@example.com')])).result?.Status, 'AUTHRECEIVED')
  t.equal((await ta.rpc('placeAssistedOrder', [m.staffSession, shopper('warm-staff@example.com')])).result?.Status, 'AUTHRECEIVED')

  t.test('a plain card order of a new shopper: one read, then ONE statement, no transaction', async (t) => {
    statements.length = 0
    const reply = await ta.rpc('placeOrder', [m.apiSession, shopper('new@example.com')])
    t.equal(reply.result?.Status, 'AUTHRECEIVED', JSON.stringify(reply.error))
    // A session read in the last 2 s is reused (not sent); one read otherwise is the session's, not the order's.
    const order = statements.filter((s) => !/from "?sessions"?/i.test(s)).map(first)
    t.same(order, ['select k.n, m.catalog_version,', 'with k as'], 'the order context (catalog version, customer), then INSERT_ORDERS')
    t.notOk(statements.some((s) => /^\s*(begin|commit)/i.test(s)), 'no BEGIN, no COMMIT')
  })

  t.test('an assisted order with a staff discount and a key: who placed it, its adjustment and the key\'s tie are in the order\'s own statement', async (t) => {
    statements.length = 0
    const assisted = { Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal' } }], IdempotencyKey: 'one-statement' }
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, shopper('assisted@example.com'), assisted])
    t.equal(reply.result?.GrossDiscountedPrice, 89.1, JSON.stringify(reply.error))
    t.notOk(statements.some((s) => /^\s*(begin|commit)/i.test(s)), 'no transaction')
    t.equal(statements.filter((s) => /insert into orders/i.test(s)).length, 1)
    t.notOk(statements.some((s) => /^\s*update "?orders"?|^\s*insert into "?order_adjustments"?/i.test(s)), 'no statement of its own for placed_by_user_id or order_adjustments')
    t.equal(statements.filter((s) => /^\s*update "?idempotency_keys"?/i.test(s)).length, 1, 'one update of the key\'s row besides: its answer, once the order is stored')
    const order = await ta.db.db.selectFrom('orders').select(['id', 'placed_by_user_id']).where('ref_no', '=', BigInt(reply.result.RefNo)).executeTakeFirstOrThrow()
    t.equal(Number(order.placed_by_user_id), reply.result.ExtraInformation.PlacedBy.UserId)
    const adjustments = await ta.db.db.selectFrom('order_adjustments').select(['kind', 'value', 'user_id']).where('order_id', '=', order.id).execute()
    t.same(adjustments, [{ kind: 'LINE_DISCOUNT', value: '10', user_id: order.placed_by_user_id }])
    const key = await sql<{ state: string, ref_no: string }>`select state, response->'result'->>'RefNo' as ref_no from idempotency_keys where key = 'one-statement'`.execute(ta.db.db)
    t.same(key.rows, [{ state: 'DONE', ref_no: reply.result.RefNo }])
  })
})

t.test('the placement history names the session that placed the order: merchant:<code>, or user:<id> with its user id', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const history = async (refNo: string) => await ta.db.db.selectFrom('order_events').innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select(['order_events.event', 'order_events.actor', 'order_events.user_id']).where('orders.ref_no', '=', BigInt(refNo)).orderBy('order_events.id').execute()
  const staff = await ta.db.db.selectFrom('merchant_users').select('id').where('merchant_id', '=', m.merchantId).where('username', '=', 'agent1').executeTakeFirstOrThrow()

  const api = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
  t.same(await history(api.RefNo), [{ event: 'PLACED', actor: `merchant:${m.code}`, user_id: null }], 'the merchant\'s API session')

  const plain = (await ta.rpc('placeOrder', [m.staffSession, testCardOrder()])).result
  t.same(await history(plain.RefNo), [{ event: 'PLACED', actor: `user:${staff.id}`, user_id: staff.id }], 'a user\'s plain placeOrder')

  const declined = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder({ PaymentDetails: { ...testCardOrder().PaymentDetails, PaymentMethod: { ...testCardOrder().PaymentDetails.PaymentMethod, CardNumber: '4000000000000002' } } })])).result
  t.equal(declined.Status, 'PENDING')
  t.same(await history(declined.RefNo), [
    { event: 'PLACED', actor: `user:${staff.id}`, user_id: staff.id },
    { event: 'PAYMENT_DECLINED', actor: `user:${staff.id}`, user_id: staff.id }
  ], 'placeAssistedOrder, its decline too')
})
