import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { createEmptyServerDatabase, postgresAvailable } from '../helpers/db.js'
import { readReceipt, startIpnListener } from '../helpers/ipn-listener.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, rpcOver, startServer, type RunningServer } from '../helpers/process.js'

// The outbox and the lease are checked from outside while the server runs: PostgreSQL only.
const skip = (await postgresAvailable()) ? false : 'needs a PostgreSQL server (the test reads the outbox while the server runs)'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A port nothing listens on (yet): the merchant's listener is down. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

t.test('the listener is down while orders are placed, the server is SIGKILLed, the listener comes up, the server restarts: every notification arrives once and is recorded delivered, 0 lost', { skip }, async (t) => {
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_ipn_crash')
  if (databaseUrl === undefined) throw new Error('no PostgreSQL')
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-ipn-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const secret = `demo-${randomBytes(12).toString('hex')}`
  const env = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    DEMO_MERCHANT_SECRET: secret,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    IPN_POLL_MS: '50',
    IPN_TIMEOUT_MS: '1000',
    IPN_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'info'
  }
  const db = new pg.Client({ connectionString: databaseUrl })
  const servers: RunningServer[] = []
  t.teardown(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
    await db.end()
  })
  const count = async (where: string): Promise<number> => Number((await db.query(`select count(*)::int as n from ipn_notifications where ${where}`)).rows[0].n)

  const first = await startServer(env)
  servers.push(first)
  await db.connect()
  const port = await freePort()
  await db.query(`insert into ipn_settings (merchant_id, urls, algorithm, updated_at, updated_by)
    select id, array[$1], 'sha256', now(), 'test' from merchants where code = 'DEMO'`, [`http://127.0.0.1:${port}/ipn?token=t0k3n`])
  const session = (await loginOver(first.url, 'DEMO', secret)).result as string
  t.type(session, 'string')

  const refNos: string[] = []
  const place = async (i: number) => {
    const reply = await rpcOver(first.url, 'placeOrder', [session, testCardOrder({ ExternalReference: `CRASH-${i}` })])
    if (reply.result?.RefNo === undefined) throw new Error(JSON.stringify(reply.error))
    refNos.push(String(reply.result.RefNo))
  }
  for (let i = 0; i < 10; i++) await place(i)
  for (let i = 0; i < 200 && await count('attempts = 0') > 0; i++) await sleep(50)
  const refused = await db.query('select error from ipn_attempts')
  t.equal(refused.rows.length, 10, 'each of the first 10 tried at once while the listener is down')
  t.ok(refused.rows.every((r) => /ECONNREFUSED/.test(r.error)), 'refused connections, recorded')
  // 5 more, and the process is killed as their answers arrive: their tries may be in flight,
  // claimed under a lease, or not started.
  await Promise.all([10, 11, 12, 13, 14].map(place))
  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))
  t.equal(await count('true'), 15, '15 notifications in the outbox')
  t.equal(await count('state = \'DELIVERED\''), 0, 'none delivered')
  const leased = await count('lease_owner is not null')
  t.comment(`at the kill: ${await count('attempts = 0')} not tried yet, ${leased} under a lease of the dead process`)

  const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, secret, 'sha256') }), port)
  t.teardown(listener.close)
  // The retries are due 2.5 minutes after the first tries (2Checkout's schedule, real clock): the
  // test makes them due now instead of waiting. Leases are left as the dead process left them.
  await db.query('update ipn_notifications set next_attempt_at = now() where state = \'PENDING\'')

  const second = await startServer(env)
  servers.push(second)
  const started = Date.now()
  for (let i = 0; i < 1200 && await count('state = \'DELIVERED\'') < 15; i++) await sleep(50)
  const delivered = await count('state = \'DELIVERED\'')
  t.comment(`${delivered} of 15 delivered ${Date.now() - started} ms after the restart; ${15 - delivered} lost`)
  t.equal(delivered, 15, 'every notification recorded delivered: 0 lost')
  t.same(listener.received.map((r) => r.refNo).sort(), [...refNos].sort(), 'the listener got each order\'s notification exactly once')
  const confirmed = await db.query('select notification_id, count(*) filter (where receipt_valid)::int as ok from ipn_attempts group by 1')
  t.same(confirmed.rows.map((r) => r.ok), confirmed.rows.map(() => 1), 'one confirmed try per notification')
  t.equal(await second.stop(), 0, 'the restarted server stops cleanly')
  t.notOk(second.output().includes('t0k3n'), 'the URL\'s token is never logged')
})
