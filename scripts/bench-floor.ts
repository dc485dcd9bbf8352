// The bench's "stack floor": a bare Fastify + pg process that answers placeOrder by sending the
// SQL ordergate sends for it (captured by the bench) and replying with an Order of the same size,
// with none of ordergate's own work (no session check, Zod validation, pricing, payment, mapping).
// It shows what the fixed stack (Fastify, JSON, pg, PostgreSQL) costs on this machine by
// itself, so that ordergate's figures can be read against it. Started by scripts/bench.ts only.
//
//   BENCH_FLOOR_SPEC=/path/spec.json node dist/scripts/bench-floor.js
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import pg from 'pg'

type Statement = { name: string, text: string, values: unknown[] }
type FloorSpec = { databaseUrl: string, poolMax: number, statements: Statement[], captureEmail: string, transactional: boolean, result: Record<string, unknown> }

const specPath = process.env.BENCH_FLOOR_SPEC
if (specPath === undefined) throw new Error('BENCH_FLOOR_SPEC names the floor spec written by the bench')
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as FloorSpec
const pool = new pg.Pool({ connectionString: spec.databaseUrl, max: spec.poolMax })
pool.on('error', () => {})

const app = Fastify({ logger: false })
app.post('/rpc', async (request) => {
  const body = request.body as { id?: unknown, params: [string, { BillingDetails: { Email: string } }] }
  const email = body.params[1].BillingDetails.Email
  const statements = spec.statements.map((s) => ({ ...s, values: s.values.map((v) => (v === spec.captureEmail ? email : v)) }))
  let last: pg.QueryResult | undefined
  if (spec.transactional) {
    const client = await pool.connect()
    try { for (const s of statements) last = await client.query(s) } finally { client.release() }
  } else {
    for (const s of statements) last = await pool.query(s)
  }
  const refNo = String((last?.rows[0] as { ref_no?: unknown } | undefined)?.ref_no ?? '')
  return { jsonrpc: '2.0', id: body.id ?? null, result: { ...spec.result, RefNo: refNo } }
})
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`floor listening on ${address}`)
process.on('SIGTERM', () => { app.close().then(async () => { await pool.end() }).finally(() => process.exit(0)) })
