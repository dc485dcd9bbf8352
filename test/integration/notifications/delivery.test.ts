import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { createDb } from '../../../src/db/database.js'
import type { Log } from '../../../src/logger.js'
import { claimDueNotifications, recordAttempt } from '../../../src/notifications/delivery-store.js'
import { leaseMs, startIpnWorker, type IpnWorker } from '../../../src/notifications/delivery-worker.js'
import { buildIpnFields, type IpnAlgorithm, type IpnField } from '../../../src/notifications/ipn-message.js'
import { loadIpnSource } from '../../../src/notifications/ipn-source-store.js'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, postgresAvailable, type TestDb } from '../../helpers/db.js'
import { readReceipt, startIpnListener, type ListenerAnswer } from '../../helpers/ipn-listener.js'
import { seedDemoMerchant, testCardOrder } from '../../helpers/orders.js'

const SEED_004 = JSON.parse(readFileSync(new URL('../../fixtures/seed-004-po-order.json', import.meta.url), 'utf8')) as Record<string, any>
const manualPo = { ...SEED_004, PaymentDetails: { ...SEED_004.PaymentDetails, PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: 'PO-1', AutoApprove: false } } } }

const MINUTE = 60_000
// The listener runs on 127.0.0.1: the tests allow private networks, except the guard's own test.
const ENV = { IPN_ALLOW_PRIVATE_NETWORKS: 'true', IPN_POLL_MS: '20', IPN_TIMEOUT_MS: '2000' }
const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

type Merchant = Awaited<ReturnType<typeof seedDemoMerchant>>

async function setIpn (ta: TestApp, merchantId: bigint, urls: string[], algorithm: IpnAlgorithm = 'md5'): Promise<void> {
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: merchantId, urls, algorithm, statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
}

function startWorker (t: Test, ta: TestApp, deps: TestApp['deps'] = ta.deps): IpnWorker {
  const worker = startIpnWorker(deps, ta.app.log as unknown as Log)
  t.teardown(() => worker.stop(0))
  return worker
}

type Row = { id: bigint, refNo: string, orderId: bigint, eventId: bigint, url: string, state: string, attempts: number, nextAttemptAt: Date, deliveredAt: Date | null }

/** The outbox, oldest first. */
async function outbox (ta: TestApp): Promise<Row[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id')
    .select(['n.id', 'o.ref_no', 'n.order_id', 'n.event_id', 'n.url', 'n.state', 'n.attempts', 'n.next_attempt_at', 'n.delivered_at'])
    .orderBy('n.id').execute()
  return rows.map((r) => ({ id: r.id, refNo: String(r.ref_no), orderId: r.order_id, eventId: r.event_id, url: r.url, state: r.state, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, deliveredAt: r.delivered_at }))
}

async function attemptsOf (ta: TestApp, notificationId: bigint) {
  return await ta.db.db.selectFrom('ipn_attempts').select(['at', 'ipn_date', 'http_status', 'receipt_valid', 'error'])
    .where('notification_id', '=', notificationId).orderBy('id').execute()
}

/** The ORDERSTATUS the IPN of one outbox row carries (built as the worker builds it). */
async function orderStatusOf (ta: TestApp, row: Row): Promise<string> {
  const source = await loadIpnSource(ta.db.db, row.orderId, row.eventId)
  if (source === undefined) throw new Error('no source')
  return buildIpnFields(source, ta.clock.now()).find(([name]) => name === 'ORDERSTATUS')?.[1] ?? ''
}

const fieldOf = (fields: readonly IpnField[], name: string) => fields.find(([n]) => n === name)?.[1]

async function placeCard (t: Test, ta: TestApp, m: Merchant, i: number): Promise<string> {
  const reply = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ ExternalReference: `D-${i}` })])
  t.notOk(reply.error, JSON.stringify(reply.error))
  return reply.result.RefNo as string
}

async function waitFor (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

for (const [backend, open] of backends) {
  t.test(`on ${backend}, a listener that answers the read receipt gets every notification once, in the order of each order's changes, and each is DELIVERED after one try`, async (t) => {
    const ta = await createTestApp(t, ENV, await open())
    const m = await seedDemoMerchant(ta, { poAutoApprove: false })
    const listener = await startIpnListener((ipn) => ({ body: `<html>${readReceipt(ipn.fields, m.secret, 'sha256')}</html>` }))
    t.teardown(listener.close)
    await setIpn(ta, m.id, [`${listener.url}/ipn?token=merchant-token-123`, `${listener.url}/second`], 'sha256')

    const cards = [await placeCard(t, ta, m, 1), await placeCard(t, ta, m, 2), await placeCard(t, ta, m, 3)]
    const po = await ta.rpc('placeOrder', [m.sessionId, manualPo])
    t.notOk(po.error, JSON.stringify(po.error))
    ta.clock.advance(MINUTE)
    t.notOk((await ta.rpc('approvePurchaseOrder', [m.sessionId, po.result.RefNo])).error)

    const worker = startWorker(t, ta)
    await worker.drain()
    await worker.stop()

    const rows = await outbox(ta)
    t.equal(rows.length, 10, '4 orders, 5 changes, 2 URLs')
    t.same(rows.map((r) => [r.state, r.attempts]), rows.map(() => ['DELIVERED', 1]), 'every notification DELIVERED after one try')
    t.same(rows.map((r) => r.deliveredAt?.toISOString()), rows.map(() => ta.clock.now().toISOString()), 'delivered_at by the clock')
    for (const row of rows) {
      t.match(await attemptsOf(ta, row.id), [{ http_status: 200, receipt_valid: true, error: null, at: ta.clock.now() }], `one attempt row for notification ${row.id}`)
    }
    t.equal(listener.received.length, 10, 'the listener got 10 IPNs: none twice')
    for (const path of ['/ipn?token=merchant-token-123', '/second']) {
      const got = listener.received.filter((r) => r.path === path)
      t.same(got.map((r) => r.refNo).sort(), [...cards, po.result.RefNo, po.result.RefNo].sort(), `${path}: one IPN per change`)
      const expected = await Promise.all(rows.filter((r) => r.refNo === po.result.RefNo && r.url.endsWith(path)).map(async (r) => await orderStatusOf(ta, r)))
      t.same(got.filter((r) => r.refNo === po.result.RefNo).map((r) => fieldOf(r.fields, 'ORDERSTATUS')), expected, `${path}: the PO's two changes in their order`)
    }
    t.match(listener.received[0]?.headers, { 'content-type': 'application/x-www-form-urlencoded' }, 'a form POST')
    t.ok(listener.received.every((r) => fieldOf(r.fields, 'HASH') !== undefined && fieldOf(r.fields, 'SIGNATURE_SHA2_256') !== undefined), 'signed')

    const lines = ta.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'IPN delivered')
    t.equal(lines.length, 10, 'one log line per outcome')
    t.match(lines[0], { level: 30, notificationId: String, refNo: String, attempt: 1, httpStatus: 200, delivered: true, listener: listener.url })
    const all = ta.logs.join('\n')
    t.notOk(all.includes('merchant-token-123'), 'the URL\'s query is never logged, only its origin')
    t.notOk(all.includes(m.secret), 'the secret key is never logged')
    t.notOk(listener.received.some((r) => all.includes(fieldOf(r.fields, 'HASH') ?? '-')), 'nor any HASH')
  })

  t.test(`on ${backend}, a listener that fails its first 3 IPNs (HTTP 500, no receipt, a wrong receipt) gets them again on the schedule, and the order's next change waits its turn`, async (t) => {
    const ta = await createTestApp(t, ENV, await open())
    const m = await seedDemoMerchant(ta, { poAutoApprove: false })
    const plan: ListenerAnswer[] = [{ status: 500, body: 'oops' }, { body: 'OK' }]
    const listener = await startIpnListener((ipn) => plan.shift() ?? (ipn.n === 3 ? { body: readReceipt(ipn.fields, 'not-the-secret-key') } : { body: readReceipt(ipn.fields, m.secret) }))
    t.teardown(listener.close)
    await setIpn(ta, m.id, [`${listener.url}/ipn`])
    const t0 = ta.clock.now()
    const at = (ms: number) => new Date(t0.getTime() + ms)

    const po = await ta.rpc('placeOrder', [m.sessionId, manualPo])
    t.notOk(po.error, JSON.stringify(po.error))
    const worker = startWorker(t, ta)
    await worker.drain()
    t.equal(listener.received.length, 1, 'the first try at once')
    let [first] = await outbox(ta)
    t.match(first, { state: 'PENDING', attempts: 1, nextAttemptAt: at(2.5 * MINUTE) }, 'the second try 2.5 minutes after the first')

    ta.clock.advance(MINUTE)
    t.notOk((await ta.rpc('approvePurchaseOrder', [m.sessionId, po.result.RefNo])).error)
    await worker.drain()
    t.equal(listener.received.length, 1, 'the second change, due now, waits behind the first change\'s retry')

    ta.clock.set(at(2.5 * MINUTE - 1))
    await worker.drain()
    t.equal(listener.received.length, 1, 'nothing before its time')
    ta.clock.set(at(2.5 * MINUTE))
    await worker.drain()
    t.equal(listener.received.length, 2, 'the second try when due')
    ta.clock.set(at(5 * MINUTE))
    await worker.drain()
    t.equal(listener.received.length, 3, 'the third 5 minutes after the first')
    ;[first] = await outbox(ta)
    t.match(first, { state: 'PENDING', attempts: 3, nextAttemptAt: at(20 * MINUTE) }, 'then 15 minutes later')
    ta.clock.set(at(20 * MINUTE))
    await worker.drain()
    await worker.stop()

    const rows = await outbox(ta)
    t.same(rows.map((r) => [r.state, r.attempts]), [['DELIVERED', 4], ['DELIVERED', 1]], 'both delivered, the first after 4 tries')
    const tries = await attemptsOf(ta, rows[0]?.id ?? 0n)
    t.match(tries, [
      { at: at(0), http_status: 500, receipt_valid: false, error: 'HTTP 500' },
      { at: at(2.5 * MINUTE), http_status: 200, receipt_valid: false, error: /^read receipt not valid/ },
      { at: at(5 * MINUTE), http_status: 200, receipt_valid: false, error: /^read receipt not valid/ },
      { at: at(20 * MINUTE), http_status: 200, receipt_valid: true, error: null }
    ], 'every try recorded')
    t.match(await attemptsOf(ta, rows[1]?.id ?? 0n), [{ at: at(20 * MINUTE), http_status: 200, receipt_valid: true }], 'the second change right after')
    t.same(listener.received.slice(0, 4).map((r) => fieldOf(r.fields, 'IPN_DATE')), tries.map((a) => a.ipn_date), 'each try signed with a fresh IPN_DATE, as recorded')
    t.equal(new Set(tries.map((a) => a.ipn_date)).size, 4)
    const statuses = await Promise.all(rows.map(async (r) => await orderStatusOf(ta, r)))
    t.same(listener.received.map((r) => fieldOf(r.fields, 'ORDERSTATUS')), [statuses[0], statuses[0], statuses[0], statuses[0], statuses[1]], 'the listener saw the changes in their order')
    const lines = ta.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('IPN '))
    t.match(lines.map((l) => [l.attempt, l.httpStatus, l.delivered]), [[1, 500, false], [2, 200, false], [3, 200, false], [4, 200, true], [1, 200, true]], 'one log line per try')
  })

  t.test(`on ${backend}, a listener that hangs holds only its own slots: the other listener's notifications all arrive while its tries time out`, async (t) => {
    const ta = await createTestApp(t, { ...ENV, IPN_TIMEOUT_MS: '3000', IPN_CONCURRENCY: '4', IPN_PER_URL_CONCURRENCY: '2' }, await open())
    const m = await seedDemoMerchant(ta)
    const hanging = await startIpnListener(() => 'hang')
    const good = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret) }))
    t.teardown(hanging.close)
    t.teardown(good.close)
    await setIpn(ta, m.id, [`${hanging.url}/ipn`, `${good.url}/ipn`])
    for (let i = 0; i < 6; i++) await placeCard(t, ta, m, i)

    const started = Date.now()
    const worker = startWorker(t, ta)
    const goodDelivered = async () => (await outbox(ta)).filter((r) => r.url.startsWith(good.url) && r.state === 'DELIVERED').length
    await waitFor('the good listener\'s 6 notifications', async () => await goodDelivered() === 6, 2_800)
    const elapsed = Date.now() - started
    t.ok(elapsed < 3_000, `all 6 delivered in ${elapsed} ms, before the hanging tries' 3000 ms timeout`)
    t.equal(good.received.length, 6)
    t.equal(hanging.maxOpen(), 2, 'the hanging listener never had more than IPN_PER_URL_CONCURRENCY tries')
    const hangingIds = (await outbox(ta)).filter((r) => r.url.startsWith(hanging.url)).map((r) => r.id)
    await waitFor('the hanging tries to time out', async () => (await attemptsOf(ta, hangingIds[0] ?? 0n)).length > 0, 5_000)
    t.match(await attemptsOf(ta, hangingIds[0] ?? 0n), [{ http_status: null, receipt_valid: false, error: 'no complete answer within 3000 ms' }], 'a hanging try times out and is recorded')
    await worker.stop(0)
  })

  t.test(`on ${backend}, a redirect is not followed: the try is recorded as failed and the redirect's target gets nothing`, async (t) => {
    const ta = await createTestApp(t, ENV, await open())
    const m = await seedDemoMerchant(ta)
    const target = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret) }))
    const redirecting = await startIpnListener(() => ({ status: 302, headers: { location: `${target.url}/ipn` } }))
    t.teardown(target.close)
    t.teardown(redirecting.close)
    await setIpn(ta, m.id, [`${redirecting.url}/ipn`])
    await placeCard(t, ta, m, 1)
    const worker = startWorker(t, ta)
    await worker.drain()
    await worker.stop()
    const [row] = await outbox(ta)
    t.match(row, { state: 'PENDING', attempts: 1 })
    t.match(await attemptsOf(ta, row?.id ?? 0n), [{ http_status: 302, receipt_valid: false, error: 'HTTP 302: redirects are not followed' }])
    t.equal(redirecting.received.length, 1)
    t.equal(target.received.length, 0, 'the redirect\'s target got no request')
  })

  t.test(`on ${backend}, without IPN_ALLOW_PRIVATE_NETWORKS the address guard refuses 127.0.0.1 and a name resolving to loopback: no request is made, the try is recorded`, async (t) => {
    const ta = await createTestApp(t, { IPN_POLL_MS: '20' }, await open())
    const m = await seedDemoMerchant(ta)
    const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret) }))
    t.teardown(listener.close)
    await setIpn(ta, m.id, [`${listener.url}/ipn`, `http://localhost:${listener.port}/ipn`, `http://[::ffff:127.0.0.1]:${listener.port}/ipn`])
    await placeCard(t, ta, m, 1)
    const worker = startWorker(t, ta)
    await worker.drain()
    await worker.stop()
    const rows = await outbox(ta)
    t.same(rows.map((r) => [r.state, r.attempts]), [['PENDING', 1], ['PENDING', 1], ['PENDING', 1]], 'tried, not delivered, retried later')
    t.match(await attemptsOf(ta, rows[0]?.id ?? 0n), [{ http_status: null, receipt_valid: false, error: 'refused loopback address 127.0.0.1 (IPN_ALLOW_PRIVATE_NETWORKS is not set)' }])
    t.match(await attemptsOf(ta, rows[1]?.id ?? 0n), [{ http_status: null, receipt_valid: false, error: /^refused loopback address (127\.0\.0\.1|::1) / }], 'after resolving the name')
    t.match(await attemptsOf(ta, rows[2]?.id ?? 0n), [{ http_status: null, receipt_valid: false, error: /^refused (IPv4-mapped )?loopback address/ }], 'an IPv4-mapped literal')
    t.equal(listener.received.length, 0, 'no request reached the listener')
  })
}

t.test('a listener that always fails is tried 53 times over 2 days (fake clock), then the notification is FAILED', async (t) => {
  const ta = await createTestApp(t, ENV)
  const m = await seedDemoMerchant(ta)
  const listener = await startIpnListener(() => ({ status: 503 }))
  t.teardown(listener.close)
  await setIpn(ta, m.id, [`${listener.url}/ipn`])
  const t0 = ta.clock.now()
  await placeCard(t, ta, m, 1)
  const worker = startWorker(t, ta)
  for (let i = 0; i < 60; i++) {
    const [row] = await outbox(ta)
    if (row === undefined || row.state !== 'PENDING') break
    ta.clock.set(row.nextAttemptAt)
    await worker.drain()
  }
  await worker.stop()
  const [row] = await outbox(ta)
  t.match(row, { state: 'FAILED', attempts: 53 })
  t.equal(listener.received.length, 53, '53 IPNs reached the listener')
  const tries = await attemptsOf(ta, row?.id ?? 0n)
  t.equal(tries.length, 53)
  t.equal((tries.at(-1)?.at.getTime() ?? 0) - t0.getTime(), (47 * 60 + 5) * MINUTE, 'the last 47 h 05 min after the first')
  t.ok(ta.logs.some((l) => l.includes('IPN notification failed for good')), 'logged')
})

t.test('a notification leased by a process that died is sent once its lease expires, and the dead process\'s late record confirms nothing', async (t) => {
  const ta = await createTestApp(t, ENV)
  const m = await seedDemoMerchant(ta)
  const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret) }))
  t.teardown(listener.close)
  await setIpn(ta, m.id, [`${listener.url}/ipn`])
  await placeCard(t, ta, m, 1)
  const lease = leaseMs(ta.deps.config.IPN_TIMEOUT_MS)
  const claim = async (owner: string) => {
    const now = ta.clock.now()
    return await claimDueNotifications(ta.db.db, { now, leaseUntil: new Date(now.getTime() + lease), owner, limit: 10, perListener: 2, inFlightByListener: new Map(), inFlightIds: [] })
  }
  const lateRecord = async (id: bigint) => await recordAttempt(ta.db.db, id, 'dead-process', { at: ta.clock.now(), ipnDate: '20261123100000', httpStatus: 500, receiptValid: false, error: 'HTTP 500', durationMs: 5 }, { state: 'PENDING', nextAttemptAt: ta.clock.now() })
  const [claimed] = await claim('dead-process')
  t.ok(claimed, 'claimed by a process that then dies mid-try')
  const id = claimed?.id ?? 0n

  const worker = startWorker(t, ta)
  await worker.drain()
  t.equal(listener.received.length, 0, 'not sent while the lease holds')
  t.same(await claim('other-process'), [], 'nor claimable by another process')
  ta.clock.advance(lease + 1)
  t.equal((await claim('other-process')).length, 1, 'once the lease expired, another process claims it')
  t.equal(await lateRecord(id), false, 'the dead process\'s late record then applies no outcome')
  t.match(await ta.db.db.selectFrom('ipn_notifications').select(['state', 'attempts', 'lease_owner']).where('id', '=', id).executeTakeFirst(), { state: 'PENDING', attempts: 0, lease_owner: 'other-process' }, 'the new lease stands')

  ta.clock.advance(lease + 1) // the other process died too
  await worker.drain()
  await worker.stop()
  t.equal(listener.received.length, 1, 'sent once the leases expired')
  t.match(await outbox(ta), [{ state: 'DELIVERED', attempts: 1 }])
  t.equal(await lateRecord(id), false, 'a late record after delivery applies nothing')
  t.match(await outbox(ta), [{ state: 'DELIVERED', attempts: 1 }], 'still delivered once')
})

t.test('two workers with their own connections drain one outbox on PostgreSQL: every notification sent exactly once, none lost', { skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' }, async (t) => {
  const ta = await createTestApp(t, { ...ENV, IPN_CONCURRENCY: '6', IPN_PER_URL_CONCURRENCY: '6' })
  if (ta.db.url === undefined) throw new Error('not on PostgreSQL')
  const m = await seedDemoMerchant(ta)
  const inFlightPerRef = new Map<string, number>()
  let overlaps = 0
  const listener = await startIpnListener(async (ipn) => {
    const busy = (inFlightPerRef.get(ipn.refNo) ?? 0) + 1
    inFlightPerRef.set(ipn.refNo, busy)
    if (busy > 1) overlaps++
    await new Promise((resolve) => setTimeout(resolve, 15))
    inFlightPerRef.set(ipn.refNo, (inFlightPerRef.get(ipn.refNo) ?? 1) - 1)
    return { body: readReceipt(ipn.fields, m.secret) }
  })
  t.teardown(listener.close)
  await setIpn(ta, m.id, [`${listener.url}/ipn`])
  const refNos = []
  for (let i = 0; i < 60; i++) refNos.push(await placeCard(t, ta, m, i))

  const second = await createDb({ kind: 'pg', url: ta.db.url, poolMax: 4 })
  t.teardown(() => second.close())
  const one = startWorker(t, ta)
  const two = startWorker(t, ta, { ...ta.deps, db: second.db })
  await Promise.all([one.drain(), two.drain()])
  await Promise.all([one.stop(), two.stop()])

  t.equal(overlaps, 0, 'no notification was ever sent twice at the same time')
  t.same(listener.received.map((r) => r.refNo).sort(), [...refNos].sort(), 'each of the 60 arrived exactly once: 0 lost, 0 twice')
  t.same((await outbox(ta)).map((r) => [r.state, r.attempts]), refNos.map(() => ['DELIVERED', 1]))
  const lines = ta.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'IPN delivered')
  t.equal(lines.length, 60)
  const byOne = lines.filter((l) => l.worker === one.id).length
  const byTwo = lines.filter((l) => l.worker === two.id).length
  t.comment(`worker one sent ${byOne}, worker two ${byTwo}`)
  t.ok(byOne > 0 && byTwo > 0 && byOne + byTwo === 60, 'both workers took part')
})

t.test('a worker that yields to load (IPN_YIELD_LOAD=0: always busier than the limit) still sends every notification, starting one try per 100 ms', async (t) => {
  const ta = await createTestApp(t, { ...ENV, IPN_YIELD_LOAD: '0' })
  const m = await seedDemoMerchant(ta)
  const arrivals: number[] = []
  const listener = await startIpnListener((ipn) => {
    arrivals.push(performance.now())
    return { body: readReceipt(ipn.fields, m.secret, 'md5') }
  })
  t.teardown(listener.close)
  await setIpn(ta, m.id, [`${listener.url}/ipn`])
  for (let i = 1; i <= 6; i++) await placeCard(t, ta, m, i)
  const worker = startWorker(t, ta)
  await waitFor('six deliveries', async () => (await outbox(ta)).every((row) => row.state === 'DELIVERED'), 15_000)
  await worker.drain()
  t.same((await outbox(ta)).map((row) => [row.state, row.attempts]), Array.from({ length: 6 }, () => ['DELIVERED', 1]), 'all six delivered, once each')
  const gaps = arrivals.slice(1).map((at, i) => Math.round(at - (arrivals[i] ?? 0)))
  // Without yielding, IPN_PER_URL_CONCURRENCY (2) tries start together and the next within ms.
  // Polls start 100 ms apart; the tries' arrivals also carry each claim's and load's jitter.
  const span = Math.round((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0))
  t.ok(span >= 400, `six tries spread over ${span} ms, at least 5 polls of 100 ms less slack (gaps ${gaps.join(', ')} ms)`)
})

for (const [backend, open] of backends) {
  t.test(`on ${backend}, drain() called while a poll that looked before the clock moved is still running, and the worker yields to load (IPN_YIELD_LOAD=0), still leaves no due notification PENDING`, async (t) => {
    const ta = await createTestApp(t, { ...ENV, IPN_YIELD_LOAD: '0' }, await open())
    const m = await seedDemoMerchant(ta)
    const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret, 'md5') }))
    t.teardown(listener.close)
    await setIpn(ta, m.id, [`${listener.url}/ipn`])
    for (let i = 1; i <= 4; i++) await placeCard(t, ta, m, i)
    // Due only a minute from now: the first look finds nothing.
    await ta.db.db.updateTable('ipn_notifications').set({ next_attempt_at: new Date(ta.clock.now().getTime() + MINUTE) }).execute()
    const worker = startWorker(t, ta)
    // The first drain starts a poll, whose claim has read the clock before it moves; the second
    // joins that poll after the clock has moved, so it needs one more look (the first's own look
    // is not enough while yielding: it claims at most one notification).
    const first = worker.drain()
    ta.clock.advance(MINUTE)
    const second = worker.drain()
    await Promise.all([first, second])
    const rows = await outbox(ta)
    t.equal(rows.length, 4, 'one notification per order')
    t.same(rows.filter((r) => r.state === 'PENDING' && r.nextAttemptAt <= ta.clock.now()).length, 0, 'no due notification left PENDING after drain()')
    t.same(rows.map((r) => [r.state, r.attempts]), rows.map(() => ['DELIVERED', 1]), 'each DELIVERED after one try')
    t.equal(listener.received.length, 4, 'the listener got 4 IPNs')
  })
}

t.test('on PostgreSQL, drain() does not resolve while a due notification was only skipped because another transaction held its row locked (as a second worker\'s claim does), and sends it once the lock is gone', { skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' }, async (t) => {
  const ta = await createTestApp(t, ENV)
  if (ta.db.url === undefined) throw new Error('not on PostgreSQL')
  const m = await seedDemoMerchant(ta)
  const listener = await startIpnListener((ipn) => ({ body: readReceipt(ipn.fields, m.secret, 'md5') }))
  t.teardown(listener.close)
  await setIpn(ta, m.id, [`${listener.url}/ipn`])
  for (let i = 1; i <= 3; i++) await placeCard(t, ta, m, i)
  const [first] = await outbox(ta)
  if (first === undefined) throw new Error('no notification')

  const other = await createDb({ kind: 'pg', url: ta.db.url, poolMax: 1 })
  t.teardown(() => other.close())
  let release = () => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  let locked = () => {}
  const isLocked = new Promise<void>((resolve) => { locked = resolve })
  const holding = other.db.transaction().execute(async (trx) => {
    await trx.selectFrom('ipn_notifications').select('id').where('id', '=', first.id).forUpdate().execute()
    locked()
    await released
  })
  await isLocked

  const worker = startWorker(t, ta)
  let drained = false
  const draining = worker.drain().then(() => { drained = true })
  await waitFor('the two unlocked notifications delivered', async () => (await outbox(ta)).filter((r) => r.state === 'DELIVERED').length === 2)
  // Without the check, drain() resolves as soon as the second try is recorded.
  await Promise.race([draining, new Promise((resolve) => setTimeout(resolve, 100))])
  t.notOk(drained, 'drain() still waits: a due notification is left that this worker may claim')
  release()
  await holding
  await draining
  t.same((await outbox(ta)).map((r) => [r.state, r.attempts]), [['DELIVERED', 1], ['DELIVERED', 1], ['DELIVERED', 1]], 'all three DELIVERED once, the locked one after the lock')
  t.equal(listener.received.length, 3, 'the listener got 3 IPNs')
})
