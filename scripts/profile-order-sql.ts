// Times each statement one placeOrder issues (EXPLAIN ANALYZE), for performance work.
// Usage: npm run build && node dist/scripts/profile-order-sql.js   (uses a throwaway database)
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { createMerchant } from '../src/auth/merchants.js'
import { createSecretBox } from '../src/auth/secret-box.js'
import { normaliseCatalog } from '../src/catalog/catalog-file.js'
import { replaceCatalog } from '../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../src/catalog/demo-catalog.js'
import { systemClock } from '../src/clock.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { placeOrder } from '../src/orders/place-order.js'
import { createSandboxGateway } from '../src/payments/sandbox-processor.js'
import { validateOrder } from '../src/wire/order-schema.js'
import { benchOrder } from './bench-order.js'

const ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const NAME = 'ordergate_profile'
const admin = new pg.Client({ connectionString: ADMIN })
await admin.connect()
await admin.query(`drop database if exists ${NAME} with (force)`)
await admin.query(`create database ${NAME}`)
const url = new URL(ADMIN)
url.pathname = `/${NAME}`
const queries: Array<{ query: CompiledQuery, ms: number }> = []
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }),
  log: (e) => { if (e.level === 'query') queries.push({ query: e.query, ms: e.queryDurationMillis }) }
})
await migrateToLatest(db)
const { merchant } = await createMerchant({ db, secretBox: createSecretBox(Buffer.alloc(32, 1)) }, { code: 'PROF' })
await replaceCatalog(db, merchant.id, normaliseCatalog(DEMO_CATALOG))
const noop = { fatal () {}, error () {}, warn () {}, info () {}, debug () {}, trace () {}, child () { return noop } }
const deps = { db, clock: systemClock, gateway: createSandboxGateway(), publicUrl: 'http://x', idempotencyKey: Buffer.alloc(32) }
const validation = validateOrder(benchOrder(), new Date())
if (!validation.ok) throw new Error('invalid')
for (let i = 0; i < 50; i++) await placeOrder(deps, { merchant, order: validation.order }, noop)
queries.length = 0
const t0 = performance.now()
await placeOrder(deps, { merchant, order: validation.order }, noop)
console.log(`one placeOrder: ${(performance.now() - t0).toFixed(2)} ms, ${queries.length} statements`)
for (const { query, ms } of queries) {
  let plan = ''
  if (/^\s*(select|with)/i.test(query.sql)) {
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    const e = await client.query('explain (analyze, summary) ' + query.sql, query.parameters as unknown[])
    plan = e.rows.filter((row) => /Planning Time|Execution Time/.test(row['QUERY PLAN'])).map((row) => row['QUERY PLAN']).join(', ')
    await client.end()
  }
  console.log(`${ms.toFixed(2)} ms  ${query.sql.slice(0, 70).replace(/\s+/g, ' ')}  ${plan}`)
}
await db.destroy()
await admin.query(`drop database if exists ${NAME} with (force)`)
await admin.end()
