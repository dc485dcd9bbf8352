import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/database.js'
import { createEmptyServerDatabase, postgresAvailable } from '../helpers/db.js'
import { freePort } from '../helpers/free-port.js'
import { readReceipt, startIpnListener } from '../helpers/ipn-listener.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, rpcOver, startServer, type RunningServer } from '../helpers/process.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Notification = { Url: string, State: string, Attempts: number, Tries: Array<{ HttpStatus: number | null, ReceiptValid: boolean, Error: string | null }> }

const backends = [
  { name: 'PostgreSQL', skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' },
  { name: 'the embedded database', skip: false }
] as const

for (const backend of backends) {
  t.test(`on ${backend.name}: one listener is down and one hangs while orders are placed, the server is SIGKILLed with tries in flight, the listeners come up, the server restarts: every notification arrives once and is recorded delivered, 0 lost`, { skip: backend.skip }, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-ipn-'))
    t.teardown(() => rm(dataDir, { recursive: true, force: true }))
    const databaseUrl = backend.name === 'PostgreSQL' ? await createEmptyServerDatabase(t, 'ordergate_ipn_crash') : ''
    if (databaseUrl === undefined) throw new Error('no PostgreSQL')
    const secret = `demo-${randomBytes(12).toString('hex')}`
    const env = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      DEMO_SEED: 'true',
      DEMO_MERCHANT_SECRET: secret,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      IPN_POLL_MS: '50',
      IPN_TIMEOUT_MS: '2000',
      // the dead process's leases expire 7 s after its claims (the default would be 34 s)
      IPN_LEASE_MS: '7000',
      IPN_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'info'
    }
    const servers: RunningServer[] = []
    t.teardown(() => { for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL') })
    /** The database, opened by the test only while no server runs (the embedded one has one user). */
    const withDb = async <T>(fn: (db: Awaited<ReturnType<typeof createDb>>['db']) => Promise<T>): Promise<T> => {
      const database = await createDb(databaseUrl === '' ? { kind: 'pglite', dataDir } : { kind: 'pg', url: databaseUrl, poolMax: 2 })
      try {
        return await fn(database.db)
      } finally {
        await database.close()
      }
    }

    const first = await startServer(env)
    servers.push(first)
    const port = await freePort()
    // The second listener accepts connections and never answers: the dead process's tries to it
    // are in flight, under their lease, when it is killed.
    const hanging = await startIpnListener(() => 'hang')
    let session = (await loginOver(first.url, 'DEMO', secret)).result as string
    const downUrl = `http://127.0.0.1:${port}/ipn?token=t0k3n`
    const settings = await rpcOver(first.url, 'setIpnSettings', [session, { Urls: [downUrl, `${hanging.url}/ipn`], HashAlgorithm: 'sha256' }])
    t.notOk(settings.error, JSON.stringify(settings.error))
    const history = async (url: string, refNo: string): Promise<Notification[]> => (await rpcOver(url, 'getOrderHistory', [session, refNo])).result.Notifications

    const refNos: string[] = []
    const place = async (i: number) => {
      const reply = await rpcOver(first.url, 'placeOrder', [session, testCardOrder({ ExternalReference: `CRASH-${i}` })])
      if (reply.result?.RefNo === undefined) throw new Error(JSON.stringify(reply.error))
      refNos.push(String(reply.result.RefNo))
    }
    for (let i = 0; i < 10; i++) await place(i)
    const tried = async () => (await Promise.all(refNos.map(async (r) => await history(first.url, r)))).flat().filter((n) => n.Url === downUrl)
    for (let i = 0; i < 200 && (await tried()).some((n) => n.Attempts === 0); i++) await sleep(50)
    const firstTries = await tried()
    t.same(firstTries.map((n) => [n.State, n.Attempts]), refNos.map(() => ['PENDING', 1]), 'each of the first 10 tried at once while the first listener is down')
    t.ok(firstTries.every((n) => /ECONNREFUSED/.test(n.Tries[0]?.Error ?? '')), 'refused connections, recorded')
    t.ok(hanging.received.length > 0 && hanging.maxOpen() <= 2, `tries hang at the second listener (${hanging.maxOpen()} at once at most: IPN_PER_URL_CONCURRENCY)`)
    // 5 more, and the process is killed as their answers arrive: their tries may be in flight,
    // claimed under a lease, or not started.
    await Promise.all([10, 11, 12, 13, 14].map(place))
    first.child.kill('SIGKILL')
    await new Promise((resolve) => first.child.once('exit', resolve))

    const hangingPort = hanging.port
    await hanging.close()
    const answer = (ipn: { fields: Array<[string, string]> }) => ({ body: readReceipt(ipn.fields, secret, 'sha256') })
    const listeners = [await startIpnListener(answer, port), await startIpnListener(answer, hangingPort)]
    for (const listener of listeners) t.teardown(listener.close)
    await withDb(async (db) => {
      const { rows } = await sql<{ state: string, n: number, untried: number, leased: number }>`
        select state, count(*)::int as n, count(*) filter (where attempts = 0)::int as untried, count(*) filter (where lease_owner is not null)::int as leased
        from ipn_notifications group by state`.execute(db)
      t.same(rows.map((r) => [r.state, r.n]), [['PENDING', 30]], '30 notifications in the outbox (15 orders, 2 URLs), none delivered')
      t.ok((rows[0]?.leased ?? 0) >= 1, 'tries in flight at the kill, under the dead process\'s lease')
      t.comment(`at the kill: ${rows[0]?.untried} not tried yet, ${rows[0]?.leased} under a lease of the dead process`)
      // The retries are due 2.5 minutes after the first tries (2Checkout's schedule, real clock):
      // the test makes them due now instead of waiting. Leases stay as the dead process left them.
      await sql`update ipn_notifications set next_attempt_at = now() where state = 'PENDING'`.execute(db)
    })

    const second = await startServer(env)
    servers.push(second)
    session = (await loginOver(second.url, 'DEMO', secret)).result as string
    const started = Date.now()
    const states = async () => (await Promise.all(refNos.map(async (r) => await history(second.url, r)))).flat()
    for (let i = 0; i < 300 && (await states()).some((n) => n.State !== 'DELIVERED'); i++) await sleep(200)
    const after = await states()
    const delivered = after.filter((n) => n.State === 'DELIVERED').length
    t.comment(`${delivered} of 30 delivered ${Date.now() - started} ms after the restart; ${30 - delivered} lost`)
    t.equal(delivered, 30, 'every notification recorded delivered: 0 lost')
    for (const listener of listeners) t.same(listener.received.map((r) => r.refNo).sort(), [...refNos].sort(), `listener ${listener.port} got each order's notification exactly once`)
    t.same(after.map((n) => n.Tries.filter((x) => x.ReceiptValid).length), after.map(() => 1), 'one confirmed try per notification')
    t.equal(await second.stop(), 0, 'the restarted server stops cleanly')
    t.notOk(first.output().includes('t0k3n') || second.output().includes('t0k3n'), 'the URL\'s token is never logged')
  })
}
