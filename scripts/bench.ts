// `npm run bench`: drives a fixed load against a real ordergate process on the local PostgreSQL
// and prints (and appends to bench/results.md) requests/s, latency percentiles, errors and the
// server's RSS, beside the raw ceiling: the SQL one placeOrder issues, replayed through `pg` at
// the same concurrency, the stack floor (scripts/bench-floor.ts) and the straightforward server
// (scripts/bench-peer.ts), all in the same run. Every placeOrder answer of ordergate, the floor and
// the straightforward server is checked (a successful order: a new RefNo, the status and total
// expected) and the orders are counted in the database; a server whose answers are not orders
// counts errors and gets no throughput for them. Not part of `npm test`; performance is measured
// here, never in tests. The servers run from a private copy of this worktree's dist, taken at the
// start, so a build elsewhere during the run cannot change what is measured.
//
//   npm run bench -- [--label TEXT] [--duration SECONDS] [--scale] [--ipn] [--no-write] [--warm-up SECONDS]
//   --scale also reads a filtered searchOrders page (CustomerEmail, 10 of 25 orders) of a merchant
//   holding 1,000 orders, then 1,000,000, and prints the ratio of their costs.
//   --ipn: 20,000 placeOrders with no IPN settings, then 20,000 with IPN to a listener in this
//   process (valid read receipts), alternated; counts stored / delivered / duplicated confirmations.
//   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
//   the bench creates and drops its own database `ordergate_bench_<pid>` (a name of its own per
//   run: two benches on one PostgreSQL, from two worktrees, would otherwise drop each other's).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { Agent, createServer, request as httpRequest, type Server as HttpServer } from 'node:http'
import { access, appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { loginHash } from '../src/auth/login.js'
import { createMerchant } from '../src/auth/merchants.js'
import { createSecretBox } from '../src/auth/secret-box.js'
import { createCatalogCache } from '../src/catalog/catalog-cache.js'
import { replaceCatalog } from '../src/catalog/catalog-store.js'
import { normaliseCatalog, type CatalogFile } from '../src/catalog/catalog-file.js'
import { DEMO_CATALOG } from '../src/catalog/demo-catalog.js'
import { systemClock } from '../src/clock.js'
import { createDb } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { formatIpnDate, readReceiptFor, type IpnField } from '../src/notifications/ipn-message.js'
import { searchOrdersStatement } from '../src/orders/order-search-store.js'
import { validateOrder } from '../src/wire/order-schema.js'
import { placeOrder } from '../src/orders/place-order.js'
import { createSandboxGateway } from '../src/payments/sandbox-processor.js'
import { benchOrder } from './bench-order.js'
import { numberListOption, numberOption } from './bench-options.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values: args } = parseArgs({
  options: {
    label: { type: 'string', default: 'run' },
    duration: { type: 'string', default: '10' },
    scale: { type: 'boolean', default: false },
    ipn: { type: 'boolean', default: false },
    /** orders per IPN row */
    'ipn-orders': { type: 'string', default: '20000' },
    'no-write': { type: 'boolean', default: false },
    /**
     * seconds of checked placeOrders each server gets before the first measured row, half at 1
     * connection and half at 20 (each order from a new shopper): V8 tiers a function up to
     * optimised code only after enough calls, so at 1 connection the first tens of seconds of a
     * fresh server still compile (31–39 % of its CPU in a perf profile of the first 30 s);
     * measured at steady state, as a long-running server is
     */
    'warm-up': { type: 'string', default: '30' },
    connections: { type: 'string', default: '1,10,50' },
    /** connections in the server's pool (DB_POOL_MAX), the raw ceiling's and the floor's */
    pool: { type: 'string', default: '20' },
    /** run only the scenarios whose name starts with one of these (comma-separated) */
    only: { type: 'string' },
    /** write a CPU profile of the server to this directory */
    'cpu-prof': { type: 'string' }
  }
})
/** An option's value, or its error on stderr and exit code 2 before anything is measured. */
function option<T> (read: () => T): T {
  try { return read() } catch (err) {
    console.error(`bench: ${(err as Error).message}`)
    process.exit(2)
  }
}
const DURATION = option(() => numberOption('duration', args.duration, { min: 0.001 }))
const WARM_UP = option(() => numberOption('warm-up', args['warm-up'], { min: 0 }))
const CONNECTIONS = option(() => numberListOption('connections', args.connections, { min: 1, integer: true }))
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB_NAME = `ordergate_bench_${process.pid}`
const ENCRYPTION_KEY = 'ab'.repeat(32)
const POOL_MAX = option(() => numberOption('pool', args.pool, { min: 1, integer: true }))
const IPN_ORDERS = option(() => numberOption('ipn-orders', args['ipn-orders'], { min: 1, integer: true }))

function dbUrl (name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

async function admin (sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try { await client.query(sqlText) } finally { await client.end() }
}

const gmdate = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ')

/** A catalog with `extra` more products (for the 10,000-product scale run). */
function catalogWith (extra: number, linesOfOrder: number): CatalogFile {
  const base = structuredClone(DEMO_CATALOG) as { products: unknown[] } & CatalogFile
  for (let i = 0; i < extra; i++) base.products.push({ code: `P-${i}`, name: `Product ${i}`, kind: 'DIGITAL', prices: { USD: '1.00' } })
  for (let i = 0; i < linesOfOrder; i++) {
    if (i >= 2) base.products.push({ code: `LINE-${i}`, name: `Line ${i}`, kind: 'DIGITAL', prices: { USD: '2.50' } })
  }
  return base
}

type Server = { url: string, child: ChildProcess, rssSamples: number[], stop: () => Promise<void> }

/** Where the servers run from: a copy of this worktree's dist taken at the start (see snapshotDist). */
let RUN_ROOT = ROOT
const SERVER_FILES = ['dist/src/server.js', 'dist/scripts/bench-floor.js', 'dist/scripts/bench-peer.js']

/**
 * A private copy of this worktree's dist (with package.json, for "type": "module", and a link to
 * node_modules): ordergate, the floor and the straightforward server all run from it, so another
 * build of any worktree during the run cannot rewrite the code under measurement. Fails at once if
 * a server's file is missing (run `npm run build`).
 */
async function snapshotDist (): Promise<string> {
  for (const file of SERVER_FILES) {
    await access(join(ROOT, file)).catch(() => { throw new Error(`${join(ROOT, file)} is missing: npm run build first`) })
  }
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-bench-dist-'))
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true })
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'))
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

async function startServer (url: string): Promise<Server> {
  const profile = args['cpu-prof'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : []
  return await startProcess([...profile, join(RUN_ROOT, 'dist', 'src', 'server.js')],
    { DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_POOL_MAX: String(POOL_MAX), SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY, DEMO_SEED: 'false', IPN_ALLOW_PRIVATE_NETWORKS: 'true' })
}

/** The server processes this run started and that still run: a failed run stops them on its way out. */
const started = new Set<ChildProcess>()

async function startProcess (argv: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, argv, { cwd: RUN_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  started.add(child)
  child.once('exit', () => started.delete(child))
  let out = ''
  const serverUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1] !== undefined) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)))
  })
  const rssSamples: number[] = []
  const timer = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => {
      const kb = /VmRSS:\s+(\d+)/.exec(s)?.[1]
      if (kb !== undefined) rssSamples.push(Number(kb) / 1024)
    }, () => {})
  }, 250)
  return {
    url: serverUrl,
    child,
    rssSamples,
    stop: async () => {
      clearInterval(timer)
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

type Row = { scenario: string, connections: number, rps: number, p50: number, p97_5: number, p99: number, errors: number, rssMb: number, cpu?: CpuCost }

// CPU cost per request, read from /proc (Linux): the figures that stay comparable when the
// machine's speed swings (other tenants, fsync latency), unlike requests/s alone.
type CpuCost = { serverUs: number, pgUs: number, generatorUs: number, busyPct: number }
type CpuSnapshot = { server: number, pg: number, generator: number, busy: number, total: number }
const TICK_US = 10_000 // USER_HZ = 100 on Linux

/**
 * A process's CPU ticks: its own (utime + stime) and, with `reaped`, its ended children's that it
 * has waited for (cutime + cstime). PostgreSQL's postmaster reaps every backend, so a backend that
 * ends during a row (a pool closing, an autovacuum worker) still counts.
 */
async function processTicks (pid: number | string, reaped = false): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number)
    const own = (fields[11] ?? 0) + (fields[12] ?? 0)
    return reaped ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own
  } catch { return 0 } // the process ended (and was reaped: its parent counts it)
}

async function cpuSnapshot (serverPid: number | undefined): Promise<CpuSnapshot> {
  let pg = 0
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')
    if (comm.trim() === 'postgres') pg += await processTicks(pid, true)
  }
  const [, ...times] = ((await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '').trim().split(/\s+/).map(Number)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = times
  const busy = user + nice + system + irq + softirq + steal
  const usage = process.cpuUsage()
  return { server: serverPid === undefined ? 0 : await processTicks(serverPid), pg, generator: (usage.user + usage.system) / TICK_US, busy, total: busy + idle + iowait }
}

function cpuCost (before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuCost {
  const per = (ticks: number) => Math.round(ticks * TICK_US / Math.max(1, requests))
  return {
    serverUs: per(after.server - before.server),
    pgUs: per(after.pg - before.pg),
    generatorUs: per(after.generator - before.generator),
    busyPct: Math.round(100 * (after.busy - before.busy) / Math.max(1, after.total - before.total))
  }
}

// Every row starts from a fresh checkpoint: otherwise a checkpoint forced by the previous row's
// WAL (full-page writes, fsync) lands in a later row and the rows measure each other.
const checkpoint = async (): Promise<void> => { await admin('checkpoint') }

async function drive (server: Server, scenario: string, connections: number, body: () => string, check?: (text: string) => boolean, amount?: number): Promise<Row> {
  await checkpoint()
  const before = server.rssSamples.length
  let bad = 0
  const cpuBefore = await cpuSnapshot(server.child.pid)
  const result = await autocannon({
    url: `${server.url}/rpc`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    ...(amount !== undefined ? { amount } : { duration: DURATION }),
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }), onResponse: (status, text) => { if (status !== 200 || (check !== undefined && !check(text))) bad++ } }]
  })
  const cpu = cpuCost(cpuBefore, await cpuSnapshot(server.child.pid), result.requests.total)
  const rss = server.rssSamples.slice(before)
  return {
    cpu,
    scenario,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + bad + result.timeouts,
    rssMb: Math.round(Math.max(0, ...rss))
  }
}

/** A placeOrder row: `good` answers were successful orders (each checked), `stored` orders appeared in the database. */
type OrderRow = Row & { good: number, stored: number, firstError?: string }

/**
 * Why an answer is not a successful order of the bench's cart, or undefined when it is one: a
 * JSON-RPC result with a RefNo of digits, Status AUTHRECEIVED and the gross total expected.
 */
type OrderCheck = (text: string) => string | undefined
const orderCheck = (grossPrice: number): OrderCheck => (text) => {
  let reply: { result?: any, error?: unknown }
  try { reply = JSON.parse(text) } catch { return `not JSON: ${text.slice(0, 120)}` }
  if (reply.error !== undefined) return `error: ${JSON.stringify(reply.error).slice(0, 200)}`
  const order = reply.result
  if (typeof order !== 'object' || order === null) return 'no result'
  if (!/^\d+$/.test(String(order.RefNo))) return `no RefNo: ${JSON.stringify(order.RefNo)}`
  if (order.Status !== 'AUTHRECEIVED') return `Status ${JSON.stringify(order.Status)}`
  if (order.GrossPrice !== grossPrice) return `GrossPrice ${JSON.stringify(order.GrossPrice)}, expected ${grossPrice}`
  return undefined
}

const countOrders = async (url: string): Promise<number> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { return Number((await client.query('select count(*) as n from orders')).rows[0].n) } finally { await client.end() }
}

/**
 * placeOrder driven at `connections` keep-alive connections for DURATION seconds (the load
 * generator's own loop, as the raw ceiling's: latencies to the microsecond, where autocannon's
 * are whole milliseconds, too coarse for the c=1 comparison). Every answer is checked; errors are
 * non-200 answers, answers that are not orders, a RefNo answered twice, transport failures, and
 * orders answered but missing from the database. Orders/s and CPU per order count good orders only.
 */
async function driveOrders (server: Server, dbUrl: string, scenario: string, connections: number, body: () => string, check: OrderCheck, seconds = DURATION): Promise<OrderRow> {
  await checkpoint()
  const target = new URL(`${server.url}/rpc`)
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const post = (text: string) => new Promise<{ status: number, text: string }>((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(text)
  })
  const before = server.rssSamples.length
  const storedBefore = await countOrders(dbUrl)
  const latencies: number[] = []
  const refNos = new Set<string>()
  let good = 0
  let errors = 0
  let firstError: string | undefined
  const fail = (why: string) => { errors++; firstError ??= why }
  const deadline = Date.now() + seconds * 1000
  const worker = async () => {
    while (Date.now() < deadline) {
      const start = performance.now()
      try {
        const { status, text } = await post(body())
        latencies.push(performance.now() - start)
        const why = status !== 200 ? `HTTP ${status}: ${text.slice(0, 120)}` : check(text)
        if (why !== undefined) { fail(why); continue }
        const refNo = String(JSON.parse(text).result.RefNo)
        if (refNos.has(refNo)) { fail(`RefNo ${refNo} answered twice`); continue }
        refNos.add(refNo)
        good++
      } catch (err) {
        latencies.push(performance.now() - start)
        fail(String(err))
      }
    }
  }
  const started = performance.now()
  const cpuBefore = await cpuSnapshot(server.child.pid)
  await Promise.all(Array.from({ length: connections }, worker))
  const elapsed = (performance.now() - started) / 1000
  const cpu = cpuCost(cpuBefore, await cpuSnapshot(server.child.pid), good)
  agent.destroy()
  const stored = await countOrders(dbUrl) - storedBefore
  if (stored < good) fail(`${good - stored} answered orders are not in the database`)
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => Math.round(100 * (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0)) / 100
  const rss = server.rssSamples.slice(before)
  return { scenario, connections, rps: Math.round(good / elapsed), p50: pct(0.5), p97_5: pct(0.975), p99: pct(0.99), errors, rssMb: Math.round(Math.max(0, ...rss)), cpu, good, stored, ...(firstError !== undefined ? { firstError } : {}) }
}

const CAPTURE_EMAIL = 'raw-ceiling@example.com'

// Captured parameters as JSON for the floor process: int8 as text and timestamps as ISO text,
// which is what pg sends for them anyway.
const toJsonValue = (value: unknown): unknown =>
  typeof value === 'bigint' ? String(value) : value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.map(toJsonValue) : value

/** The stack floor (scripts/bench-floor.ts) serving the captured SQL with an Order of the real size. */
async function startFloor (url: string, queries: CompiledQuery[], result: Record<string, unknown>): Promise<Server> {
  const spec = {
    databaseUrl: url,
    poolMax: POOL_MAX,
    statements: queries.map((q, i) => ({ name: `floor_${i}`, text: q.sql, values: q.parameters.map(toJsonValue) })),
    captureEmail: CAPTURE_EMAIL,
    transactional: queries.some((q) => /^\s*begin/i.test(q.sql)),
    result
  }
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-bench-'))
  const specPath = join(dir, 'floor.json')
  await writeFile(specPath, JSON.stringify(spec))
  return await startProcess([join(RUN_ROOT, 'dist', 'scripts', 'bench-floor.js')], { BENCH_FLOOR_SPEC: specPath })
}

/** The straightforward server (scripts/bench-peer.ts) on the bench's database: ordergate's schema, sessions and catalog. */
async function startPeer (url: string): Promise<Server> {
  return await startProcess([join(RUN_ROOT, 'dist', 'scripts', 'bench-peer.js')], { PEER_DATABASE_URL: url, PEER_POOL_MAX: String(POOL_MAX), SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY })
}

/**
 * Records the SQL one placeOrder issues (in order, with parameters), through Kysely's log hook,
 * for an order of a new shopper (as the bench's orders are). The session look-up is not among
 * them: ordergate reuses a session read in the last 2 s, so at bench rates it is almost never sent.
 */
async function captureOrderSql (url: string, merchant: { id: bigint, code: string, name: string, poAutoApprove: boolean }, order: Record<string, any>): Promise<CompiledQuery[]> {
  const queries: CompiledQuery[] = []
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => { if (event.level === 'query') queries.push(event.query) } })
  const noop = { fatal () {}, error () {}, warn () {}, info () {}, debug () {}, trace () {}, child () { return noop } }
  // As the server: with the cart-catalog cache, warmed by a first order.
  const deps = { db, clock: systemClock, gateway: createSandboxGateway(), publicUrl: 'http://127.0.0.1', catalogCache: createCatalogCache({ maxEntries: 100 }), idempotencyKey: Buffer.alloc(32) }
  for (const email of ['raw-warm-up@example.com', CAPTURE_EMAIL]) {
    const validation = validateOrder({ ...order, BillingDetails: { ...order.BillingDetails, Email: email } }, new Date())
    if (!validation.ok) throw new Error(JSON.stringify(validation.fields))
    queries.length = 0
    await placeOrder(deps, { merchant, order: validation.order }, noop)
  }
  await db.destroy()
  return [...queries]
}

/**
 * The raw ceiling: the captured statements replayed through pg at `connections` concurrency,
 * as named prepared statements (as ordergate sends them), each replay for a new shopper (the
 * captured e-mail address is replaced), inside BEGIN/COMMIT on one connection if placeOrder used one.
 */
async function rawCeiling (url: string, queries: CompiledQuery[], connections: number): Promise<Row> {
  await checkpoint()
  const pool = new pg.Pool({ connectionString: url, max: Math.min(connections, POOL_MAX) })
  const named = queries.map((q, i) => ({ name: `raw_${i}`, text: q.sql, values: q.parameters as unknown[] }))
  const transactional = named.some((q) => /^\s*begin/i.test(q.text))
  // the captured e-mail address is replaced wherever it is (a parameter, an array parameter's element, JSON text)
  const replaceEmail = (value: unknown, email: string): unknown =>
    typeof value === 'string' ? value.replaceAll(CAPTURE_EMAIL, email) : Array.isArray(value) ? value.map((v) => replaceEmail(v, email)) : value
  const latencies: number[] = []
  let errors = 0
  let shopper = 0
  const deadline = Date.now() + DURATION * 1000
  const worker = async () => {
    while (Date.now() < deadline) {
      const start = performance.now()
      const email = `raw${connections}-${++shopper}@example.com` // new shoppers in every row
      const statements = named.map((q) => ({ ...q, values: q.values.map((v) => replaceEmail(v, email)) }))
      try {
        let last: pg.QueryResult | undefined
        if (transactional) {
          const client = await pool.connect()
          try { for (const q of statements) last = await client.query(q) } finally { client.release() }
        } else {
          for (const q of statements) last = await pool.query(q)
        }
        // an order statement that stored nothing is an error, not a fast order
        if ((last?.rows[0] as { ref_no?: unknown } | undefined)?.ref_no == null) throw new Error('the captured statements stored no order')
      } catch (err) { if (errors++ === 0) console.error(err) }
      latencies.push(performance.now() - start)
    }
  }
  const started = Date.now()
  const cpuBefore = await cpuSnapshot(undefined)
  await Promise.all(Array.from({ length: connections }, worker))
  const seconds = (Date.now() - started) / 1000
  const cpu = cpuCost(cpuBefore, await cpuSnapshot(undefined), latencies.length)
  await pool.end()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0)
  return { scenario: `raw SQL of placeOrder (pg, ${queries.length} statements)`, connections, rps: Math.round((latencies.length - errors) / seconds), p50: pct(0.5), p97_5: pct(0.975), p99: pct(0.99), errors, rssMb: 0, cpu }
}

async function generateOrders (url: string, merchantId: bigint, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const { rows } = await client.query('select id from customers where merchant_id = $1 limit 1', [merchantId])
  const customerId = rows[0]?.id
  const batch = 100_000
  for (let done = 0; done < count; done += batch) {
    await client.query(`
      with o as (
        insert into orders (merchant_id, customer_id, status, approve_status, vendor_approve_status, payment_type, currency, language, country,
          net_price_minor, gross_price_minor, net_discounted_price_minor, gross_discounted_price_minor, discount_minor, vat_minor,
          billing_details, payment_details, order_date)
        select $1, $2, 'AUTHRECEIVED', 'WAITING', 'OK', 'TEST', 'USD', 'en', 'US', 10900, 10900, 10900, 10900, 0, 0,
          '{"FirstName":"Gen","LastName":"Erated","CountryCode":"US","Email":"gen@example.com"}'::jsonb, '{"Type":"TEST"}'::jsonb, now()
        from generate_series(1, $3) returning id)
      , i as (insert into order_items (order_id, line_no, product_code, product_name, quantity, unit_net_price_minor, net_price_minor,
          discount_minor, vat_minor, gross_price_minor, vat_percent_bp) select id, 1, 'my_subscription_1', 'gen', 1, 9900, 9900, 0, 0, 9900, 0 from o returning order_id)
      insert into payments (order_id, type, status, amount_minor, currency) select order_id, 'TEST', 'APPROVED', 10900, 'USD' from i`,
    [merchantId, customerId, Math.min(batch, count - done)])
    process.stdout.write(`  generated ${Math.min(done + batch, count)} orders\r`)
  }
  // As a database that has held a million orders for a while: vacuumed and analyzed. Otherwise
  // autovacuum's first pass over three million-row tables runs during the rows that follow and
  // is counted as their cost.
  await client.query('vacuum analyze')
  await client.end()
  process.stdout.write('\n')
}

// searchOrders' merchant: its order i belongs to shopper i % 40 among its first 1,000 orders and
// to one of 39,960 more shoppers after, so every shopper has 25 orders at 1,000 stored orders and
// at 1,000,000 alike: a filtered page is 10 of 25 at both, and what differs is the orders stored.
const SEARCH_SMALL = 1000
const SEARCH_SHOPPERS_SMALL = 40
const SEARCH_SHOPPERS_LARGE = 39_960
const searchShopper = (i: number) => `shopper${i}@search.example`

async function generateSearchOrders (url: string, merchantId: bigint, from: number, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const batch = 100_000
  for (let done = 0; done < count; done += batch) {
    const start = from + done
    const end = start + Math.min(batch, count - done) - 1
    await client.query(`
      with g as (
        select i, case when i < $4 then i % $5 else $5 + (i - $4) % $6 end as shopper from generate_series($2::int, $3::int) as i
      ), o as (
        insert into orders (merchant_id, external_reference, status, approve_status, vendor_approve_status, payment_type, currency, language, country,
          net_price_minor, gross_price_minor, net_discounted_price_minor, gross_discounted_price_minor, discount_minor, vat_minor,
          billing_details, payment_details, order_date)
        select $1, 'SX-' || i, case when i % 50 = 0 then 'COMPLETE' else 'AUTHRECEIVED' end, 'OK', 'OK', 'TEST', 'USD', 'en', 'US',
          9900, 9900, 9900, 9900, 0, 0,
          jsonb_build_object('FirstName', 'Gen', 'LastName', 'Erated', 'CountryCode', 'US', 'Email', 'shopper' || shopper || '@search.example'),
          '{"Type":"TEST"}'::jsonb, now() - (i % 500000) * interval '1 second'
        from g returning id, external_reference)
      insert into order_items (order_id, line_no, product_code, product_name, quantity, unit_net_price_minor, net_price_minor,
        discount_minor, vat_minor, gross_price_minor, vat_percent_bp)
      select id, 1, 'P-' || (substr(external_reference, 4)::int % 100), 'gen', 1, 9900, 9900, 0, 0, 9900, 0 from o`,
    [merchantId, start, end, SEARCH_SMALL, SEARCH_SHOPPERS_SMALL, SEARCH_SHOPPERS_LARGE])
    process.stdout.write(`  generated ${from + done + Math.min(batch, count - done)} orders of the search merchant\r`)
  }
  await client.query('vacuum analyze orders')
  await client.query('vacuum analyze order_items')
  await client.end()
  process.stdout.write('\n')
}

/** searchOrders' plan and timing for one shopper, as PostgreSQL runs it (EXPLAIN ANALYZE). */
async function explainSearch (db: Kysely<Database>, merchantId: bigint, email: string): Promise<string> {
  const statement = searchOrdersStatement(db, merchantId, { from: new Date(Date.now() - 7 * 86_400_000), email }, { offset: 0, limit: 10 }).compile(db)
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...statement, sql: `explain (analyze, costs off, timing on, summary on) ${statement.sql}` })
  return rows.map((r) => r['QUERY PLAN']).join('\n')
}

/** Up to 1,000 RefNos of the merchant's orders, in random order. */
async function sampleRefNos (setup: { db: Kysely<Database> }, merchantId: bigint): Promise<string[]> {
  const rows = await setup.db.selectFrom('orders').select('ref_no').where('merchant_id', '=', merchantId).orderBy(sql`random()`).limit(1000).execute()
  if (rows.length === 0) throw new Error('no orders to read')
  return rows.map((r) => String(r.ref_no))
}

const ORDERGATE_SCENARIO = 'placeOrder (TEST card, 2 lines)'
const FLOOR_SCENARIO = 'floor: bare Fastify + pg, the same SQL, no ordergate logic'
const PEER_SCENARIO = 'straightforward: Fastify + json-rpc-2.0 + Zod + Kysely, one transaction of plain inserts'

/** The worktree's commit, and whether the tree differs from it. */
function gitDescribe (): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head} with uncommitted changes` : head
  } catch { return 'unknown' }
}

const loadAverage = async (): Promise<string> => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' / ')

/**
 * ordergate, the floor and the straightforward server side by side per connection count, their
 * ratios, and the acceptance of issue 20 each marked PASS or FAIL. A ratio over a row with errors
 * is not a measurement: it FAILs, whatever its value.
 */
function comparison (rows: Row[], scenarios: string[]): string {
  const get = (scenario: string, c: number) => rows.find((r) => r.scenario === scenario && r.connections === c) as OrderRow | undefined
  const name = (scenario: string) => scenario === ORDERGATE_SCENARIO ? 'ordergate' : scenario === FLOOR_SCENARIO ? 'floor' : 'straightforward'
  const lines = [
    'placeOrder, ordergate against the floor and the straightforward server (every answer checked; orders/s and CPU count successful orders only):',
    '',
    '| conns | server | orders/s | p50 ms | p99 ms | server CPU µs/order | PostgreSQL CPU µs/order | errors | orders stored |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const c of CONNECTIONS) {
    for (const scenario of scenarios) {
      const r = get(scenario, c)
      if (r === undefined) { lines.push(`| ${c} | ${name(scenario)} | no row | | | | | | |`); continue }
      lines.push(`| ${c} | ${name(scenario)} | ${r.rps} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu?.serverUs ?? ''} | ${r.cpu?.pgUs ?? ''} | ${r.errors} | ${r.stored} |`)
    }
  }
  const og = (c: number) => get(ORDERGATE_SCENARIO, c)
  const fl = (c: number) => get(FLOOR_SCENARIO, c)
  const pe = (c: number) => get(PEER_SCENARIO, c)
  const ratio = (a: number | undefined, b: number | undefined) => a === undefined || b === undefined || b === 0 ? undefined : a / b
  const show = (x: number | undefined) => x === undefined ? '—' : `${x.toFixed(2)}×`
  lines.push('', '| conns | ordergate / straightforward, orders/s | ordergate / floor, orders/s | ordergate / straightforward, p50 | ordergate / floor, p50 |', '|---:|---:|---:|---:|---:|')
  for (const c of CONNECTIONS) {
    lines.push(`| ${c} | ${show(ratio(og(c)?.rps, pe(c)?.rps))} | ${show(ratio(og(c)?.rps, fl(c)?.rps))} | ${show(ratio(og(c)?.p50, pe(c)?.p50))} | ${show(ratio(og(c)?.p50, fl(c)?.p50))} |`)
  }
  const verdict = (label: string, value: number | undefined, pass: (v: number) => boolean, used: Array<OrderRow | undefined>, detail: string) => {
    const errors = used.reduce((n, r) => n + (r?.errors ?? 0), 0)
    const state = value === undefined || used.some((r) => r === undefined)
      ? 'FAIL (not measured in this run)'
      : errors > 0 ? `FAIL (${errors} errors in the rows: not a valid measurement)` : pass(value) ? 'PASS' : 'FAIL'
    return `- ${label}: **${value === undefined ? '—' : value.toFixed(2)}** (${detail}) — **${state}**`
  }
  const cpu1 = og(1)?.cpu?.serverUs
  const cpu50 = og(50)?.cpu?.serverUs
  lines.push('', 'Acceptance (issue 20):', '',
    verdict('orders/s at 50 connections, ordergate / straightforward ≥ 2.0', ratio(og(50)?.rps, pe(50)?.rps), (v) => v >= 2.0, [og(50), pe(50)], `${og(50)?.rps ?? '—'} / ${pe(50)?.rps ?? '—'}`),
    verdict('orders/s at 50 connections, ordergate / floor ≥ 1.0', ratio(og(50)?.rps, fl(50)?.rps), (v) => v >= 1.0, [og(50), fl(50)], `${og(50)?.rps ?? '—'} / ${fl(50)?.rps ?? '—'}`),
    verdict('p50 at 1 connection, ordergate / floor ≤ 1.5', ratio(og(1)?.p50, fl(1)?.p50), (v) => v <= 1.5, [og(1), fl(1)], `${og(1)?.p50.toFixed(2) ?? '—'} / ${fl(1)?.p50.toFixed(2) ?? '—'} ms`),
    verdict('ordergate server CPU per order at 1 connection / at 50 ≤ 1.5', ratio(cpu1, cpu50), (v) => v <= 1.5, [og(1), og(50)], `${cpu1 ?? '—'} / ${cpu50 ?? '—'} µs`))
  const failures = CONNECTIONS.flatMap((c) => scenarios.map((sc) => get(sc, c)).filter((r): r is OrderRow => r?.firstError !== undefined).map((r) => `- ${name(r.scenario)} at ${c}: first error: ${r.firstError}`))
  if (failures.length > 0) lines.push('', ...failures)
  return lines.join('\n')
}

function table (rows: Row[]): string {
  const lines = [
    '| scenario | conns | req/s | p50 ms | p97.5 ms | p99 ms | errors | server RSS MB | server CPU µs/req | PostgreSQL CPU µs/req | generator CPU µs/req | machine busy % |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const r of rows) {
    const cpu = r.cpu === undefined ? ['', '', '', ''] : [r.cpu.serverUs || '', r.cpu.pgUs, r.cpu.generatorUs, r.cpu.busyPct]
    lines.push(`| ${r.scenario} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${r.errors} | ${r.rssMb || ''} | ${cpu.join(' | ')} |`)
  }
  return lines.join('\n')
}

type IpnListener = { url: string, received: number, confirmed: Map<string, number>, close: () => Promise<void> }

/** A merchant's IPN listener in this process: answers every IPN with a valid read receipt (md5). */
async function startIpnListener (secret: string): Promise<IpnListener> {
  const confirmed = new Map<string, number>()
  const listener: IpnListener = { url: '', received: 0, confirmed, close: async () => {} }
  const server: HttpServer = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      listener.received++
      const fields = [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))] as IpnField[]
      const get = (name: string) => fields.find(([n]) => n === name)?.[1] ?? ''
      const key = `${get('REFNO')} ${get('ORDERSTATUS')}`
      confirmed.set(key, (confirmed.get(key) ?? 0) + 1)
      res.end(readReceiptFor(fields, secret, 'md5', formatIpnDate(new Date())))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  listener.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/ipn`
  listener.close = async () => { await new Promise((resolve) => server.close(resolve)) }
  return listener
}

type IpnCounts = { changes: number, stored: number, delivered: number, pending: number, duplicated: number, drainSeconds: number }

/** After an IPN-on row: waits for the outbox to drain, then counts what the row's orders produced. */
async function countIpn (db: Kysely<Database>, afterEventId: bigint, listener: IpnListener): Promise<IpnCounts> {
  const started = Date.now()
  const pending = async () => Number((await db.selectFrom('ipn_notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('state', '=', 'PENDING').executeTakeFirstOrThrow()).n)
  let left = await pending()
  while (left > 0 && Date.now() - started < 600_000) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    left = await pending()
  }
  const one = async (query: ReturnType<typeof sql<{ n: string }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0)
  return {
    changes: await one(sql<{ n: string }>`select count(*) as n from order_events where id > ${afterEventId} and from_status is distinct from to_status`),
    stored: await one(sql<{ n: string }>`select count(*) as n from ipn_notifications where event_id > ${afterEventId}`),
    delivered: await one(sql<{ n: string }>`select count(*) as n from ipn_notifications where event_id > ${afterEventId} and state = 'DELIVERED'`),
    pending: left,
    // a notification confirmed by more than one valid read receipt, as ordergate recorded it
    duplicated: await one(sql<{ n: string }>`select count(*) as n from (select notification_id from ipn_attempts a join ipn_notifications n on n.id = a.notification_id
      where n.event_id > ${afterEventId} and a.receipt_valid group by notification_id having count(*) > 1) d`),
    drainSeconds: Math.round((Date.now() - started) / 100) / 10
  }
}

async function main (): Promise<void> {
  RUN_ROOT = await snapshotDist()
  const commit = gitDescribe()
  const loadAtStart = await loadAverage()
  await admin(`drop database if exists ${DB_NAME} with (force)`)
  await admin(`create database ${DB_NAME}`)
  const url = dbUrl(DB_NAME)
  const setup = await createDb({ kind: 'pg', url, poolMax: 4 })
  await migrateToLatest(setup.db)
  const secretBox = createSecretBox(Buffer.from(ENCRYPTION_KEY, 'hex'))
  const { merchant, secret } = await createMerchant({ db: setup.db, secretBox }, { code: 'BENCH', poAutoApprove: true })
  await replaceCatalog(setup.db, merchant.id, normaliseCatalog(catalogWith(args.scale ? 10_000 : 0, 100)))

  const server = await startServer(url)
  const rpc = async (method: string, params: unknown) => {
    const r = await fetch(`${server.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
    return await r.json() as { result?: any, error?: unknown }
  }
  const login = async () => {
    const date = gmdate(new Date())
    const r = await rpc('login', [merchant.code, date, loginHash(secret, merchant.code, date)])
    if (typeof r.result !== 'string') throw new Error(`login failed: ${JSON.stringify(r.error)}`)
    return r.result as string
  }
  const rows: Row[] = []
  const only = args.only?.split(',')
  const wanted = (name: string) => only === undefined || only.some((o) => name.startsWith(o))
  // Each order from a different shopper (e-mail), as a real store sees them.
  let shopper = 0
  const orderBody = (session: string, lines = 2) => {
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'placeOrder', params: [session, benchOrder(lines)] })
    return () => text.replace('bench@example.com', `bench${++shopper}@example.com`)
  }
  const ok = (text: string) => text.includes('"result"')

  // Warm up: JIT, pool connections, PostgreSQL caches.
  let session = await login()
  const warm = await rpc('placeOrder', [session, benchOrder()])
  if (warm.result === undefined) throw new Error(`placeOrder failed: ${JSON.stringify(warm.error)}`)
  await autocannon({ url: `${server.url}/rpc`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: 20, duration: 3, body: orderBody(session)() })
  // getOrder and isValidOrderReference read among many different orders (the warm-up's), not
  // one: a single hot key would flatter the coalesced reads and the caches.
  const refNos = await sampleRefNos(setup, merchant.id)
  let nextRef = 0
  const anyRefNo = () => refNos[nextRef++ % refNos.length]
  const readBody = (method: string) => () => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [session, anyRefNo()] })

  const captured = await captureOrderSql(url, merchant, benchOrder())
  const floor = wanted('floor') ? await startFloor(url, captured, warm.result as Record<string, unknown>) : undefined
  const peer = wanted('straightforward') ? await startPeer(url) : undefined
  // Every server's answer to the same body must be the same successful order (its total from ordergate's warm-up answer).
  const isOrder = orderCheck(Number(warm.result.GrossPrice))
  const compared: Array<{ server: Server, name: string, scenario: string }> = [
    ...(wanted('placeOrder') ? [{ server, name: 'ordergate', scenario: ORDERGATE_SCENARIO }] : []),
    ...(floor !== undefined ? [{ server: floor, name: 'floor', scenario: FLOOR_SCENARIO }] : []),
    ...(peer !== undefined ? [{ server: peer, name: 'straightforward', scenario: PEER_SCENARIO }] : [])
  ]
  for (const { server: s, name } of compared) {
    const answer = await fetch(`${s.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: orderBody(session)() }).then(async (r) => await r.text())
    const why = isOrder(answer)
    if (why !== undefined) throw new Error(`${name} does not answer the bench's placeOrder with an order: ${why}`)
    // every server warms up alike (JIT at both concurrencies, pool, PostgreSQL caches), unmeasured
    for (const warmConnections of [1, 20]) await driveOrders(s, url, `${name} warm-up`, warmConnections, orderBody(session), isOrder, WARM_UP / 2)
  }

  for (const connections of CONNECTIONS) {
    session = await login()
    if (wanted('placeOrder')) rows.push(await driveOrders(server, url, ORDERGATE_SCENARIO, connections, orderBody(session), isOrder))
    if (wanted('raw')) rows.push(await rawCeiling(url, captured, connections))
    if (floor !== undefined) rows.push(await driveOrders(floor, url, FLOOR_SCENARIO, connections, orderBody(session), isOrder))
    if (peer !== undefined) rows.push(await driveOrders(peer, url, PEER_SCENARIO, connections, orderBody(session), isOrder))
    if (wanted('getOrder')) rows.push(await drive(server, `getOrder (${refNos.length} orders)`, connections, readBody('getOrder'), ok))
    if (wanted('isValid')) rows.push(await drive(server, `isValidOrderReference (${refNos.length} orders)`, connections, readBody('isValidOrderReference'), (t) => t.includes('"result":true')))
    if (wanted('login')) {
      rows.push(await drive(server, 'login', connections, () => {
        const date = gmdate(new Date())
        return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'login', params: [merchant.code, date, loginHash(secret, merchant.code, date)] })
      }, ok))
    }
  }

  const scaleRows: Row[] = []
  const scaleNotes: string[] = []
  if (args.scale) {
    session = await login()
    for (const lines of [1, 10, 100]) scaleRows.push({ ...await drive(server, `placeOrder, ${lines} lines, 10,000 products`, 10, orderBody(session, lines), ok) })
    scaleRows.push(await drive(server, 'placeOrder, 2 lines, small database', 10, orderBody(session), ok))
    scaleRows.push(await drive(server, 'getOrder, small database', 10, readBody('getOrder'), ok))
    // searchOrders of a merchant of its own, at 1,000 of its orders stored
    const searcher = await createMerchant({ db: setup.db, secretBox }, { code: 'BENCHSEARCH', poAutoApprove: true })
    const searchLogin = async () => {
      const date = gmdate(new Date())
      const r = await rpc('login', [searcher.merchant.code, date, loginHash(searcher.secret, searcher.merchant.code, date)])
      if (typeof r.result !== 'string') throw new Error(`login failed: ${JSON.stringify(r.error)}`)
      return r.result as string
    }
    let searchSession = ''
    let shoppers = SEARCH_SHOPPERS_SMALL
    let nextShopper = 0
    // a different shopper each call, as many as there are: no single hot key
    const searchBody = () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'searchOrders', params: [searchSession, { CustomerEmail: searchShopper(nextShopper++ % shoppers), Pagination: { Page: 1, Limit: 10 } }] })
    const fullPage = (text: string) => text.includes('"Count":25')
    await generateSearchOrders(url, searcher.merchant.id, 0, SEARCH_SMALL)
    searchSession = await searchLogin()
    const searchSmall = await drive(server, `searchOrders (CustomerEmail, 10 of 25), ${SEARCH_SMALL.toLocaleString('en')} orders stored`, 10, searchBody, fullPage)
    scaleRows.push(searchSmall)
    const planSmall = await explainSearch(setup.db, searcher.merchant.id, searchShopper(7))
    await generateOrders(url, merchant.id, 1_000_000)
    session = await login()
    scaleRows.push(await drive(server, 'placeOrder, 2 lines, 1,000,000 orders stored', 10, orderBody(session), ok))
    refNos.splice(0, refNos.length, ...await sampleRefNos(setup, merchant.id))
    scaleRows.push(await drive(server, 'getOrder, 1,000,000 orders stored', 10, readBody('getOrder'), ok))
    // searchOrders again, once its merchant holds 1,000,000 orders (after the rows above, which it would weigh on)
    await generateSearchOrders(url, searcher.merchant.id, SEARCH_SMALL, 1_000_000 - SEARCH_SMALL)
    shoppers = SEARCH_SHOPPERS_SMALL + SEARCH_SHOPPERS_LARGE
    searchSession = await searchLogin()
    const searchLarge = await drive(server, 'searchOrders (CustomerEmail, 10 of 25), 1,000,000 orders stored', 10, searchBody, fullPage)
    scaleRows.push(searchLarge)
    const planLarge = await explainSearch(setup.db, searcher.merchant.id, searchShopper(SEARCH_SHOPPERS_SMALL + 12_345))
    const cpuOf = (row: Row) => (row.cpu?.serverUs ?? 0) + (row.cpu?.pgUs ?? 0)
    const times = (large: number, small: number) => (large / Math.max(1, small)).toFixed(2)
    scaleNotes.push(`searchOrders at 1,000,000 orders / at 1,000: **${times(cpuOf(searchLarge), cpuOf(searchSmall))}×** CPU per request (server + PostgreSQL: ${cpuOf(searchLarge)} / ${cpuOf(searchSmall)} µs), ` +
      `p50 ${times(searchLarge.p50, searchSmall.p50)}× (${searchLarge.p50} / ${searchSmall.p50} ms), req/s ${times(searchLarge.rps, searchSmall.rps)}× (${searchLarge.rps} / ${searchSmall.rps}); acceptance: at most 1.5×; errors ${searchSmall.errors + searchLarge.errors}`)
    scaleNotes.push(`searchOrders' statement at 1,000 orders (EXPLAIN ANALYZE):\n\n\`\`\`\n${planSmall}\n\`\`\``)
    scaleNotes.push(`and at 1,000,000:\n\n\`\`\`\n${planLarge}\n\`\`\``)
  }
  const ipnRows: Row[] = []
  const ipnNotes: string[] = []
  if (args.ipn) {
    const listener = await startIpnListener(secret)
    const n = IPN_ORDERS
    const lastEvent = async () => BigInt((await sql<{ id: string | null }>`select max(id) as id from order_events`.execute(setup.db)).rows[0]?.id ?? 0)
    // Alternated, so drift of the machine (and the growing tables) weighs on both alike.
    for (const round of [1, 2]) {
      await setup.db.deleteFrom('ipn_settings').where('merchant_id', '=', merchant.id).execute()
      session = await login()
      ipnRows.push(await drive(server, `placeOrder, IPN off, ${n} orders (round ${round})`, 10, orderBody(session), ok, n))
      await setup.db.insertInto('ipn_settings').values({ merchant_id: merchant.id, urls: [listener.url], updated_at: new Date(), updated_by: 'bench' }).execute()
      const after = await lastEvent()
      session = await login()
      const before = listener.received
      ipnRows.push(await drive(server, `placeOrder, IPN on, ${n} orders (round ${round})`, 10, orderBody(session), ok, n))
      const counts = await countIpn(setup.db, after, listener)
      ipnNotes.push(`round ${round}: status changes ${counts.changes}, notifications stored ${counts.stored}, delivered ${counts.delivered}, still pending ${counts.pending}, ` +
        `duplicated confirmations ${counts.duplicated}, listener requests ${listener.received - before}, outbox drained ${counts.drainSeconds} s after the last order`)
    }
    const duplicatesAtListener = [...listener.confirmed.values()].filter((count) => count > 1).length
    const mean = (on: boolean) => { const r = ipnRows.filter((row) => row.scenario.includes(on ? 'IPN on' : 'IPN off')); return r.reduce((a, row) => a + row.rps, 0) / r.length }
    ipnNotes.push(`(REFNO, ORDERSTATUS) pairs the listener confirmed more than once: ${duplicatesAtListener}`)
    ipnNotes.push(`placeOrder throughput with IPN / without: **${(mean(true) / mean(false)).toFixed(2)}** (mean of ${ipnRows.length / 2} rounds each)`)
    await listener.close()
  }
  await server.stop()
  await floor?.stop()
  await peer?.stop()
  await setup.close()
  await rm(RUN_ROOT, { recursive: true, force: true })
  const loadAtEnd = await loadAverage()
  await admin(`drop database if exists ${DB_NAME} with (force)`)

  const at50 = (name: string) => rows.find((r) => r.scenario.startsWith(name) && r.connections === 50)
  const raw50 = at50('raw SQL')?.rps
  const rawRatio = raw50 === undefined || raw50 === 0 ? 'not measured in this run' : `**${((at50('placeOrder')?.rps ?? 0) / raw50).toFixed(2)}**`
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL at ${new URL(ADMIN_URL).host}; load generator (autocannon) on the same machine`
  const report = [
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${args.label}`,
    '',
    `Machine: ${machine}. ${DURATION} s per row after a warm-up of ${WARM_UP} s per server (half at 1 connection, half at 20); server pool ${POOL_MAX}; LOG_LEVEL=warn. Code: ${commit}. ` +
      `Load average (1/5/15 min) at the start: ${loadAtStart}, at the end: ${loadAtEnd}.`,
    '',
    table(rows),
    ...(compared.length > 0 ? ['', comparison(rows, compared.map((c) => c.scenario))] : []),
    '',
    `ordergate / raw ratio for placeOrder at 50 connections: ${rawRatio}. Peak server RSS: ${Math.round(Math.max(0, ...server.rssSamples))} MB.`,
    ...(scaleRows.length > 0 ? ['', 'Scale (10 connections):', '', table(scaleRows), ...scaleNotes.flatMap((note) => ['', note])] : []),
    ...(ipnRows.length > 0 ? ['', 'IPN (10 connections; the listener runs in the load generator\'s process, on the same cores):', '', table(ipnRows), '', ...ipnNotes.map((note) => `- ${note}`)] : []),
    ''
  ].join('\n')
  console.log('\n' + report)
  // A server that produced no measured rows, or rows without a single good order, is a failed run, not a result.
  const missing = compared.flatMap(({ name, scenario }) => CONNECTIONS.flatMap((c) => {
    const row = rows.find((r) => r.scenario === scenario && r.connections === c) as OrderRow | undefined
    return row === undefined ? [`${name} at ${c}: no row`] : row.good === 0 ? [`${name} at ${c}: no successful order (${row.errors} errors, first: ${row.firstError ?? '?'})`] : []
  }))
  if (missing.length > 0) throw new Error(`the run is incomplete, bench/results.md is not written:\n  ${missing.join('\n  ')}`)
  if (!args['no-write']) {
    await mkdir(join(ROOT, 'bench'), { recursive: true })
    await appendFile(join(ROOT, 'bench', 'results.md'), report + '\n')
    console.log('appended to bench/results.md')
  }
}

main().catch(async (err) => {
  console.error(err)
  for (const child of started) child.kill('SIGTERM')
  await admin(`drop database if exists ${DB_NAME} with (force)`).catch(() => {})
  if (RUN_ROOT !== ROOT) await rm(RUN_ROOT, { recursive: true, force: true }).catch(() => {})
  process.exit(1)
})
