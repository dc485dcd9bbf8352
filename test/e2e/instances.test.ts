import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { createDb } from '../../src/db/database.js'
import { readReceipt, startIpnListener } from '../helpers/ipn-listener.js'
import { gmdate } from '../helpers/app.js'
import { startBalancer } from '../helpers/balancer.js'
import { createEmptyServerDatabase, postgresAvailable } from '../helpers/db.js'
import { describeLoad, runLoadAccounting } from '../helpers/load-accounting.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, rpcOver, runOrdergate, startServer, type RunningServer } from '../helpers/process.js'

// Issue 20: three ordergate processes on one PostgreSQL database behind a balancer agree on
// everything that must hold across instances. INSTANCES_LOAD_CALLS sets the load (default 600,
// a few seconds on an idle 2-core machine; the 20,000 is run by hand with INSTANCES_LOAD_CALLS=20000).
const CALLS = Number(process.env.INSTANCES_LOAD_CALLS ?? 600)
const CONNECTIONS = 50
const MAX_FAILURES = 3
// The IPN wait ends when every notification arrived, or when none arrived for this long.
const STALL_MS = 20_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One JSON-RPC call to a server, as if from `address` (the servers trust loopback proxies). */
async function rpcFrom (url: string, address: string, method: string, params: unknown): Promise<any> {
  const response = await fetch(`${url}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })
  })
  return await response.json()
}

t.test(`three ordergate processes on one PostgreSQL database behind a balancer: ${CALLS} orders accounted, one order per IdempotencyKey, shared login limits, catalog changes seen everywhere, each IPN confirmed once, a rotated key's sessions refused everywhere`, { skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' }, async (t) => {
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_instances') as string
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-instances-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const secret = `demo-${randomBytes(12).toString('hex')}`
  const env = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    DEMO_MERCHANT_SECRET: secret,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    // the session opened at the start serves the whole run (a 20,000-order one takes minutes)
    SESSION_TTL_SECONDS: '86400',
    TRUST_PROXY: 'loopback',
    IPN_WORKER: 'true',
    IPN_POLL_MS: '100',
    IPN_ALLOW_PRIVATE_NETWORKS: 'true',
    DB_POOL_MAX: '10',
    // info: each instance logs "IPN delivered" per notification it delivered
    LOG_LEVEL: 'info'
  }
  const servers: RunningServer[] = []
  t.teardown(async () => { await Promise.all(servers.map(async (server) => await server.stop())) })
  // The first migrates and seeds the DEMO merchant; the other two start on the ready database.
  servers.push(await startServer({ ...env, DEMO_SEED: 'true' }))
  servers.push(...await Promise.all([startServer({ ...env, DEMO_SEED: 'false' }), startServer({ ...env, DEMO_SEED: 'false' })]))
  const [a, b, c] = servers as [RunningServer, RunningServer, RunningServer]
  const balancer = await startBalancer(servers.map((server) => server.url))
  t.teardown(() => balancer.close())
  t.comment(`balancer: ${balancer.kind}`)
  const database = await createDb({ kind: 'pg', url: databaseUrl, poolMax: 4 })
  t.teardown(() => database.close())
  const db = database.db
  const merchant = await db.selectFrom('merchants').select('id').where('code', '=', 'DEMO').executeTakeFirstOrThrow()

  // Sessions live in the database: one opened through the balancer works on every instance.
  const session = (await loginOver(balancer.url, 'DEMO', secret)).result as string
  t.match(session, /^[0-9a-f]{64}$/)

  // IPN on in all three processes, to a listener that answers a valid read receipt.
  const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, secret, 'sha256') }))
  t.teardown(() => listener.close())
  const settings = await rpcOver(a.url, 'setIpnSettings', [session, { Urls: [`${listener.url}/ipn`], HashAlgorithm: 'sha256' }])
  t.notOk(settings.error, JSON.stringify(settings.error))

  await t.test('the same IdempotencyKey sent to all three at once gives one order', async (t) => {
    const order = testCardOrder({ ExternalReference: 'IDEM-1' })
    const replies = await Promise.all([a, b, c, a, b, c].map(async (server) => await rpcOver(server.url, 'placeOrder', [session, order, 'instances-key-1'])))
    const refNos = new Set(replies.map((reply) => reply.result?.RefNo as number | undefined))
    t.equal(refNos.size, 1, `every answer names one RefNo: ${[...refNos].join(', ')}`)
    t.notOk(refNos.has(undefined), replies.map((reply) => JSON.stringify(reply.error)).filter((e) => e !== undefined).join('; '))
    const stored = await db.selectFrom('orders').select('ref_no').where('external_reference', '=', 'IDEM-1').execute()
    t.equal(stored.length, 1, 'one order stored')
  })

  await t.test('a catalog change made through another ordergate process is seen by the next order on each of the three, whose caches held the old catalog', async (t) => {
    const totals = async (round: string) => await Promise.all([a, b, c].map(async (server, i) => {
      const reply = await rpcOver(server.url, 'placeOrder', [session, testCardOrder({ ExternalReference: `CATALOG-${round}-${i}` })])
      if (reply.result === undefined) throw new Error(JSON.stringify(reply.error))
      return reply.result.GrossDiscountedPrice as number
    }))
    const before = await totals('before')
    t.same(await totals('warm'), before, 'each instance has the cart cached')
    const changed = structuredClone(DEMO_CATALOG)
    const product = changed.products.find((p) => p.code === 'my_subscription_1')
    if (product === undefined) throw new Error('no my_subscription_1 in the demo catalog')
    product.prices = { ...product.prices, USD: '123.00' }
    const file = join(dataDir, 'catalog.json')
    await writeFile(file, JSON.stringify(changed))
    const loaded = await runOrdergate(['catalog', 'load', '--merchant', 'DEMO', file], { ...env, DEMO_SEED: 'false' })
    t.equal(loaded.code, 0, loaded.stderr)
    const after = await totals('after')
    t.comment(`order total before ${before.join(', ')}; after the change ${after.join(', ')}`)
    t.ok(after.every((total) => total === after[0] && total !== before[0]), 'every instance prices the next order with the new catalog')
  })

  await t.test(`load through the balancer: ${CALLS} placeOrder calls at ${CONNECTIONS} connections, then the books`, async (t) => {
    const countsBefore = await balancer.counts()
    const orders = [
      testCardOrder(),
      testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2, PriceOptions: ['PREMIUM'] }, { Code: 'ADDON-1' }] }),
      testCardOrder({ Promotions: ['WELCOME10'] })
    ]
    const books = await runLoadAccounting({ origin: balancer.url, sessionId: session, db, merchantId: merchant.id, calls: CALLS, connections: CONNECTIONS, orders, retries: 3 })
    const spread = (await balancer.counts()).map((n, i) => n - (countsBefore[i] ?? 0))
    t.comment(`${describeLoad(books)}; ${balancer.kind === 'haproxy' ? 'requests' : 'connections'} per instance ${spread.join(' / ')}`)
    t.ok(spread.every((n) => n > 0), 'every instance took part')
    t.equal(books.failedClearly + books.unclear, 0, 'every call was acknowledged')
    t.equal(books.acknowledged, CALLS)
    t.equal(books.stored, books.acknowledged, 'stored == acknowledged')
    t.equal(books.lost, 0, 'lost 0')
    t.equal(books.distinctRefNos, books.stored, 'duplicates 0: every RefNo distinct')
    t.equal(books.storedTotalMinor, books.acknowledgedTotalMinor, 'the totals stored equal the totals acknowledged')
    t.equal(books.storedLines, books.expectedLines, 'every line stored')
  })

  await t.test('with IPN_WORKER on in all three, every notification is delivered and none is confirmed twice', async (t) => {
    const total = async () => Number((await db.selectFrom('ipn_notifications').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n)
    const expected = await total()
    // Waits while deliveries progress (a 20,000-order run delivers its backlog after the load, at
    // the listener's pace); gives up only when none arrived for STALL_MS.
    const started = Date.now()
    let progressAt = Date.now()
    let seenCount = listener.received.length
    while (listener.received.length < expected && Date.now() - progressAt < STALL_MS) {
      await sleep(100)
      if (listener.received.length > seenCount) {
        seenCount = listener.received.length
        progressAt = Date.now()
      }
    }
    t.comment(`${listener.received.length} of ${expected} notifications received ${Date.now() - started} ms after the load`)
    await sleep(300) // a second delivery of one would arrive now
    const seen = new Map<string, number>()
    for (const ipn of listener.received) {
      const key = `${ipn.refNo}|${ipn.fields.find(([name]) => name === 'ORDERSTATUS')?.[1] ?? ''}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    const twice = [...seen.values()].filter((n) => n > 1).length
    const attempts = await db.selectFrom('ipn_attempts').select(['notification_id']).where('receipt_valid', '=', true).execute()
    const confirmations = new Map<string, number>()
    for (const row of attempts) confirmations.set(String(row.notification_id), (confirmations.get(String(row.notification_id)) ?? 0) + 1)
    const delivered = await db.selectFrom('ipn_notifications').select(['state']).execute()
    const byInstance = servers.map((server) => server.output().split('\n').filter((line) => line.includes('"msg":"IPN delivered"')).length)
    t.comment(`notifications ${expected}, received ${listener.received.length}, received twice ${twice}, confirmed twice ${[...confirmations.values()].filter((n) => n > 1).length}, delivered ${delivered.filter((row) => row.state === 'DELIVERED').length}; delivered by instance ${byInstance.join(' / ')}`)
    t.ok(byInstance.filter((n) => n > 0).length >= 2, 'the workers of the instances raced for the outbox (at least two delivered)')
    t.equal(byInstance.reduce((sum, n) => sum + n, 0), expected, 'each delivery logged once, by one instance')
    t.equal(listener.received.length, expected, 'each notification received')
    t.equal(twice, 0, 'no change notified twice')
    t.equal(confirmations.size, expected, 'each notification confirmed')
    t.ok([...confirmations.values()].every((n) => n === 1), 'none confirmed twice')
    t.ok(delivered.every((row) => row.state === 'DELIVERED'), 'all recorded delivered')
  })

  await t.test(`failed logins spread over the three are refused at LOGIN_MAX_FAILURES=${MAX_FAILURES}, not at 3 × ${MAX_FAILURES}`, async (t) => {
    const attacker = '203.0.113.20'
    const wrongLogin = () => { const date = gmdate(new Date()); return ['DEMO', date, loginHash('wrong-secret-key-000', 'DEMO', date)] }
    const rightLogin = () => { const date = gmdate(new Date()); return ['DEMO', date, loginHash(secret, 'DEMO', date)] }
    const codes: string[] = []
    for (let i = 0; i < 3 * MAX_FAILURES; i++) codes.push((await rpcFrom(servers[i % 3]?.url as string, attacker, 'login', wrongLogin())).error?.data?.error_code as string)
    t.comment(`answers: ${codes.join(' ')}`)
    t.same(codes, [...Array(MAX_FAILURES).fill('AUTHENTICATION_FAILED'), ...Array(2 * MAX_FAILURES).fill('TOO_MANY_REQUESTS')], `${MAX_FAILURES} checked, the rest refused on every instance`)
    for (const [i, server] of servers.entries()) {
      t.equal((await rpcFrom(server.url, attacker, 'login', rightLogin())).error?.data?.error_code, 'TOO_MANY_REQUESTS', `instance ${i + 1} refuses the attacking address even the right hash`)
    }
    t.match((await rpcFrom(b.url, '198.51.100.21', 'login', rightLogin())).result, /^[0-9a-f]{64}$/, 'another address logs in meanwhile')
  })

  await t.test('rotateSecretKey on one instance answers once the others refuse the ended sessions too, though their session caches held them', async (t) => {
    const rotating = (await loginOver(a.url, 'DEMO', secret)).result as string
    // b and c read the session now: it is in their caches (SESSION_CACHE_MS, 2 s).
    for (const server of [b, c]) t.notOk((await rpcOver(server.url, 'getIpnSettings', [session])).error, 'the session works before the rotation')
    const startedAt = Date.now()
    const rotated = await rpcOver(a.url, 'rotateSecretKey', [rotating])
    const tookMs = Date.now() - startedAt
    t.match(rotated, { result: /^.{16,}$/ }, JSON.stringify(rotated.error))
    t.comment(`rotateSecretKey answered after ${tookMs} ms`)
    for (const [i, server] of [a, b, c].entries()) {
      t.match(await rpcOver(server.url, 'getIpnSettings', [session]), { error: { data: { error_code: 'INVALID_SESSION' } } }, `instance ${i + 1} refuses the ended session at once`)
    }
    t.match((await loginOver(c.url, 'DEMO', rotated.result as string)).result, /^[0-9a-f]{64}$/, 'the new key logs in on another instance')
  })
})
