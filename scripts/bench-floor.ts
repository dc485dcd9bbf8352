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

/**
 * The captured statement values with the shopper's e-mail address in place of the captured one,
 * wherever it is: a parameter of its own, an element of an array parameter (placeOrder writes its
 * orders as unnest($n::text[]) arrays) or inside JSON text (billing_details). Only the values that
 * hold it are rebuilt.
 */
const replaceEmail = (value: unknown, email: string): unknown =>
  typeof value === 'string' ? value.replaceAll(spec.captureEmail, email) : Array.isArray(value) ? value.map((v) => replaceEmail(v, email)) : value
const holdsEmail = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes(spec.captureEmail) : Array.isArray(value) && value.some(holdsEmail)
const withEmail = spec.statements.map((s) => s.values.map(holdsEmail))
if (!withEmail.some((flags) => flags.includes(true))) throw new Error(`no captured statement holds ${spec.captureEmail}: every floor order would be the same shopper's`)

const app = Fastify({ logger: false })
app.post('/rpc', async (request) => {
  const body = request.body as { id?: unknown, params: [string, { BillingDetails: { Email: string } }] }
  const email = body.params[1].BillingDetails.Email
  const statements = spec.statements.map((s, i) => ({ ...s, values: s.values.map((v, j) => (withEmail[i]?.[j] === true ? replaceEmail(v, email) : v)) }))
  let last: pg.QueryResult | undefined
  if (spec.transactional) {
    const client = await pool.connect()
    try { for (const s of statements) last = await client.query(s) } finally { client.release() }
  } else {
    for (const s of statements) last = await pool.query(s)
  }
  const refNo = (last?.rows[0] as { ref_no?: unknown } | undefined)?.ref_no
  // the order statement stored nothing (a conflict, a shopper it did not create): no order to answer
  if (refNo === undefined || refNo === null) throw new Error('the captured statements stored no order')
  return { jsonrpc: '2.0', id: body.id ?? null, result: { ...spec.result, RefNo: String(refNo) } }
})
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`floor listening on ${address}`)
process.on('SIGTERM', () => { app.close().then(async () => { await pool.end() }).finally(() => process.exit(0)) })
