import { randomBytes } from 'node:crypto'
import { Agent } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { createEmptyServerDatabase, postgresAvailable } from '../helpers/db.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, runOrdergate, startServer } from '../helpers/process.js'
import { postJson } from '../helpers/raw-http.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const CALLS = 40

/** The JSON log lines of a server's output with this message. */
function logLines (output: string, msg: string): Array<Record<string, any>> {
  return output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>).filter((line) => line.msg === msg)
}

t.test('WORKERS=2 without DATABASE_URL is refused: the embedded database belongs to one process', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-workers-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const result = await runOrdergate(['start'], { WORKERS: '2', DATABASE_URL: '', DATA_DIR: dataDir })
  t.equal(result.code, 78, 'EX_CONFIG')
  t.match(result.stderr, /WORKERS: more than one worker process needs DATABASE_URL/)
})

t.test('WORKERS=2 serves one port from two processes; SIGTERM to the primary with calls in flight on both: every call answered or cleanly failed, none half-stored, exit 0', { skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' }, async (t) => {
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_workers') as string
  const target = new URL(databaseUrl)
  // The workers reach PostgreSQL through a proxy the test holds, so calls are in flight at SIGTERM.
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
  t.teardown(() => proxy.close())
  const proxied = new URL(databaseUrl)
  proxied.port = String(proxy.port)
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-workers-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const secret = `demo-${randomBytes(12).toString('hex')}`
  const server = await startServer({
    WORKERS: '2',
    DATABASE_URL: proxied.toString(),
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    DEMO_MERCHANT_SECRET: secret,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SHUTDOWN_GRACE_MS: '8000',
    DB_CONNECT_TIMEOUT_MS: '20000',
    IPN_WORKER: 'false',
    LOG_LEVEL: 'info'
  })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  t.match(server.output(), /ordergate is listening on http:\/\/127\.0\.0\.1:\d+ \(PostgreSQL at DATABASE_URL; 2 worker processes\)/)

  // Fresh connections: node:cluster hands each to the next worker.
  const fresh = new Agent({ keepAlive: false })
  t.teardown(() => fresh.destroy())
  for (let i = 0; i < 10; i++) t.match((await loginOver(server.url, 'DEMO', secret)).result, /^[0-9a-f]{64}$/)
  await sleep(100)
  const loginPids = new Set(logLines(server.output(), 'login succeeded').map((line) => line.pid as number))
  t.equal(loginPids.size, 2, `the logins were answered by two processes: pids ${[...loginPids].join(', ')}`)
  t.notOk(loginPids.has(server.child.pid as number), 'neither is the primary')

  const session = (await loginOver(server.url, 'DEMO', secret)).result as string
  const incoming = () => logLines(server.output(), 'incoming request').length
  const before = incoming()
  proxy.hold()
  const calls = Array.from({ length: CALLS }, async (_, i) => await postJson(server.url, '/rpc',
    { jsonrpc: '2.0', id: i, method: 'placeOrder', params: [session, testCardOrder({ ExternalReference: `WORKERS-${i}` })] }, fresh))
  // In flight: every call has reached a worker (Fastify logs "incoming request") and waits on the held database.
  const deadline = Date.now() + 20_000
  while (incoming() < before + CALLS && Date.now() < deadline) await sleep(50)
  t.equal(incoming() - before, CALLS, 'every call reached a worker before SIGTERM')
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)))
  const signalledAt = Date.now()
  server.child.kill('SIGTERM')
  await sleep(300)
  proxy.release()
  const outcomes = await Promise.all(calls)
  const code = await exited
  const exitMs = Date.now() - signalledAt

  const answered = new Set<string>()
  let failedClearly = 0
  let unclear = 0
  for (const outcome of outcomes) {
    const body = outcome.kind === 'answer' ? outcome.body as { result?: { RefNo: number, ExternalReference: string }, error?: { data?: { error_code?: string } } } : undefined
    if (body?.result !== undefined) answered.add(body.result.ExternalReference)
    else if (body?.error?.data?.error_code !== undefined) failedClearly++
    else unclear++
  }
  const draining = logLines(server.output(), 'shutting down: no new connections; finishing the running calls')
  t.equal(new Set(draining.map((line) => line.pid as number)).size, 2, 'both workers drained')
  t.ok(draining.every((line) => line.runningCalls > 0), `both had calls running at SIGTERM: ${draining.map((line) => line.runningCalls as number).join(' and ')}`)
  t.equal(draining.reduce((sum, line) => sum + (line.runningCalls as number), 0), CALLS, 'all of them running')
  t.equal(code, 0, `the primary exited 0 after ${exitMs} ms`)
  t.equal(unclear, 0, 'no call was cut without an answer')

  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  const { rows } = await client.query<{ external_reference: string, items: string }>(
    "select o.external_reference, (select count(*) from order_items i where i.order_id = o.id) as items from orders o where o.external_reference like 'WORKERS-%'")
  await client.end()
  const stored = new Set(rows.map((row) => row.external_reference))
  t.comment(`WORKERS=2, SIGTERM with ${CALLS} calls in flight (${draining.map((line) => line.runningCalls as number).join(' + ')} running): answered ${answered.size}, failed clearly ${failedClearly}, unclear ${unclear}, stored ${stored.size}; exit ${code} after ${exitMs} ms`)
  t.equal(answered.size + failedClearly, CALLS, 'every call answered or cleanly failed')
  t.same([...stored].sort(), [...answered].sort(), 'stored == answered: none half-stored, none lost')
  t.ok(rows.every((row) => Number(row.items) === 1), 'every stored order has its line')
})
