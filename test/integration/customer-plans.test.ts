import { sql, type CompiledQuery, type Kysely } from 'kysely'
import t from 'tap'
import { readOrderContext } from '../../src/customers/customer-store.js'
import type { Database } from '../../src/db/schema.js'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant } from '../helpers/orders.js'

/** The statements readOrderContext sends, as PostgreSQL receives them. */
async function capture (db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const sent: CompiledQuery[] = []
  const recording = new Proxy(db, {
    get (target, property) {
      if (property === 'executeQuery') return async (query: CompiledQuery) => { sent.push(query); return await target.executeQuery(query) }
      return Reflect.get(target, property)
    }
  })
  await run(recording)
  return sent
}

// placeOrder looks every order's shopper up by e-mail. On a table PostgreSQL has not analyzed yet
// (a new installation or a busy first hour: autovacuum analyzes later), the planner once served
// that look-up through the (merchant_id, customer_reference) key, `customer_reference IS NULL`,
// and filtered every reference-less customer of the merchant: 106 ms per order at 21,861
// customers. The generic plan must use the e-mail index whatever the statistics.
t.test('the order\'s customer look-up by e-mail uses the e-mail index on a table never analyzed', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const db = ta.db.db
  // 20,000: with the old key the planner chose it at this size (not yet at 5,000).
  await sql`alter table customers set (autovacuum_enabled = false)`.execute(db)
  await sql`insert into customers (merchant_id, first_name, last_name, email)
    select ${m.id}, 'Gen', 'Erated', 'gen' || g || '@example.com' from generate_series(1, 20000) g`.execute(db)
  const { rows: [stats] } = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'customers'`.execute(db)
  t.equal(Number(stats?.reltuples), -1, 'customers has never been analyzed')

  const [lookUp] = await capture(db, async (recording) => {
    const context = await readOrderContext(recording, m.id, { customerReference: null, email: 'GEN4321@example.com' })
    t.ok(context.customer !== undefined, 'the customer is found, e-mail in any case')
  })
  if (lookUp === undefined) throw new Error('readOrderContext sent no statement')

  const plan = await db.connection().execute(async (conn) => {
    await sql`set plan_cache_mode = force_generic_plan`.execute(conn)
    await sql.raw(`prepare order_context as ${lookUp.sql}`).execute(conn)
    const literals = lookUp.parameters.map((p) => (p === null ? 'null' : typeof p === 'string' ? `'${p.replace(/'/g, "''")}'` : String(p)))
    const { rows } = await sql.raw<{ 'QUERY PLAN': unknown }>(`explain (format json) execute order_context(${literals.join(', ')})`).execute(conn)
    await sql`deallocate order_context`.execute(conn)
    await sql`reset plan_cache_mode`.execute(conn)
    return JSON.stringify(rows[0]?.['QUERY PLAN'])
  })
  t.match(plan, /"Index Name":"customers_merchant_email_key"/, 'the e-mail branch uses the e-mail index')
  t.notMatch(plan, /customer_reference IS NULL/, 'no index scan over every customer without a reference')
})
