import t, { type Test } from 'tap'
import { buildApp } from '../../../src/app.js'
import { queuedNoNotification } from '../../../src/rpc/plugin.js'
import type { Logger } from 'pino'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { readReceipt, startIpnListener, type ListenerAnswer } from '../../helpers/ipn-listener.js'
import { seedDemoMerchant, testCardOrder } from '../../helpers/orders.js'

/** A second app over the test app's deps, with the IPN worker on (as the server builds it). */
async function appWithWorker (t: Test, ta: TestApp) {
  const app = await buildApp({ deps: ta.deps, logger: ta.app.log as unknown as Logger, ipnWorker: true, sweepIntervalMs: 0 })
  let closed = false
  t.teardown(async () => { if (!closed) await app.close() })
  const rpc = async (method: string, params: unknown) => {
    const response = await app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
    return JSON.parse(response.body) as { result?: any, error?: unknown }
  }
  return { app, rpc, close: async () => { closed = true; await app.close() } }
}

async function setup (t: Test, env: Record<string, string>, answer: (ipn: any) => ListenerAnswer) {
  const ta = await createTestApp(t, { IPN_ALLOW_PRIVATE_NETWORKS: 'true', ...env })
  const m = await seedDemoMerchant(ta)
  const listener = await startIpnListener((ipn) => answer({ ...ipn, secret: m.secret }))
  t.teardown(listener.close)
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.id, urls: [`${listener.url}/ipn`], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
  return { ta, m, listener }
}

const state = async (ta: TestApp) => await ta.db.db.selectFrom('ipn_notifications').select(['state', 'attempts', 'lease_owner']).execute()

t.test('the app\'s worker sends a change\'s notification as soon as the call that made it is answered, not at the next poll', async (t) => {
  const { ta, m, listener } = await setup(t, { IPN_POLL_MS: '60000' }, (ipn) => ({ body: readReceipt(ipn.fields, ipn.secret) }))
  const { rpc, close } = await appWithWorker(t, ta)
  await rpc('getOrder', [m.sessionId, '1']) // the app is ready: its worker has looked once and found nothing
  const placed = await rpc('placeOrder', [m.sessionId, testCardOrder()])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const until = Date.now() + 3_000
  while (listener.received.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(listener.received.length, 1, 'sent within 3 s although the next poll is a minute away')
  while ((await state(ta))[0]?.state !== 'DELIVERED' && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
  await close()
  t.match(await state(ta), [{ state: 'DELIVERED', attempts: 1 }])
})

t.test('closing the app abandons a try still in flight after half the shutdown grace: it is recorded, its lease ended, and it is retried later', async (t) => {
  const { ta, m, listener } = await setup(t, { IPN_POLL_MS: '20', IPN_TIMEOUT_MS: '10000', SHUTDOWN_GRACE_MS: '1000' }, () => 'hang')
  const { rpc, close } = await appWithWorker(t, ta)
  t.notOk((await rpc('placeOrder', [m.sessionId, testCardOrder()])).error)
  const until = Date.now() + 3_000
  while (listener.open() === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(listener.open(), 1, 'the try hangs')
  const closing = Date.now()
  await close()
  const took = Date.now() - closing
  t.ok(took >= 400 && took < 3_000, `close waited for half the 1000 ms grace, not the 10000 ms timeout (${took} ms)`)
  t.match(await state(ta), [{ state: 'PENDING', attempts: 1, lease_owner: null }], 'recorded as a failed try, lease ended')
  const [attempt] = await ta.db.db.selectFrom('ipn_attempts').select(['error', 'http_status', 'receipt_valid']).execute()
  t.same(attempt, { error: 'abandoned: ordergate is shutting down', http_status: null, receipt_valid: false })
})

t.test('an answer wakes the worker only when its request may have queued a notification: placeOrder counts what its statement queued', async (t) => {
  const ta = await createTestApp(t, { IPN_ALLOW_PRIVATE_NETWORKS: 'true', IPN_POLL_MS: '60000' })
  const m = await seedDemoMerchant(ta)
  const app = await buildApp({ deps: ta.deps, logger: ta.app.log as unknown as Logger, ipnWorker: true, sweepIntervalMs: 0 })
  t.teardown(async () => { await app.close() })
  const quiet: Array<[string, boolean]> = []
  app.addHook('onResponse', async (request) => { quiet.push([request.url, queuedNoNotification(request)]) })
  const post = async (url: string, payload: string) => await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
  const call = async (method: string, params: unknown) => JSON.parse((await post('/rpc', JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).body) as { result?: any, error?: unknown }

  t.notOk((await call('placeOrder', [m.sessionId, testCardOrder()])).error, 'placed with no IPN settings')
  await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.id, urls: ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
  const placed = await call('placeOrder', [m.sessionId, testCardOrder()])
  t.notOk(placed.error, 'placed with two IPN URLs')
  const queued = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id').select('n.url').where('o.ref_no', '=', BigInt(placed.result.RefNo)).execute()
  t.equal(queued.length, 2, 'the second order queued one notification per URL')
  await ta.db.db.updateTable('ipn_settings').set({ statuses: ['COMPLETE'] }).where('merchant_id', '=', m.id).execute()
  t.notOk((await call('placeOrder', [m.sessionId, testCardOrder()])).error, 'placed while the settings filter its status out')
  await post('/rpc', '{"jsonrpc":') // a parse error: no method ran
  t.notOk((await call('getOrder', [m.sessionId, String(placed.result.RefNo)])).error, 'another method: it reports nothing')
  t.same(quiet, [
    ['/rpc', true],
    ['/rpc', false],
    ['/rpc', true],
    ['/rpc', true],
    ['/rpc', false]
  ], 'only the order that queued notifications, and a method that does not count them, wake the worker')
})
