import { Agent } from 'node:http'
import t, { type Test } from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { gmdate } from '../helpers/app.js'
import { postgresAvailable } from '../helpers/db.js'
import { startDemoServer } from '../helpers/demo-server.js'
import { openRaw, parseRawResponse, postJson } from '../helpers/raw-http.js'

const GRACE_MS = 8_000
const CALLS = 50
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The calls are kept in flight by a proxy that holds the database's traffic: PostgreSQL only.
const skip = (await postgresAvailable()) ? false : 'needs a PostgreSQL server behind a proxy'

/**
 * 50 login calls wait on a held database when SIGTERM arrives; a 51st call is half sent on its
 * own connection; five keep-alive connections sit idle. The database is released 300 ms later.
 */
async function shutdownUnderLoad (t: Test, keepAlive: boolean): Promise<void> {
  const server = await startDemoServer({ throughProxy: true, env: { SHUTDOWN_GRACE_MS: String(GRACE_MS), DB_CONNECT_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' } })
  t.teardown(() => server.close())
  const proxy = server.proxy as NonNullable<typeof server.proxy>
  const exited = new Promise<{ code: number | null, at: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, at: Date.now() })))
  const login = (id: number | string) => {
    const date = gmdate(new Date())
    return { jsonrpc: '2.0', id, method: 'login', params: [server.code, date, loginHash(server.secret, server.code, date)] }
  }

  const idle = await Promise.all(Array.from({ length: 5 }, async () => await openRaw(server.url)))
  for (const connection of idle) connection.socket.write('GET /health HTTP/1.1\r\nHost: ordergate\r\n\r\n')
  for (const connection of idle) await connection.waitFor('{"status":"ok"}')

  proxy.hold()
  const agent = new Agent({ keepAlive, maxSockets: 100 })
  t.teardown(() => agent.destroy())
  const calls = Array.from({ length: CALLS }, async (_, i) => await postJson(server.url, '/rpc', login(i + 1), agent))
  const late = await openRaw(server.url)
  late.socket.write('POST /rpc HTTP/1.1\r\nHost: ordergate\r\n')
  // A slow sender (headers sent, the body one byte every 500 ms; its 30 s request timeout is
  // longer than the grace delay) must not hold the exit.
  const slow = await openRaw(server.url)
  slow.socket.write('POST /rpc HTTP/1.1\r\nHost: ordergate\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n')
  const trickle = setInterval(() => { if (!slow.isClosed()) slow.socket.write(' ') }, 500)
  t.teardown(() => clearInterval(trickle))
  await sleep(1_500) // every call has reached the server and waits on the database

  const signalled = Date.now()
  server.child.kill('SIGTERM')
  await sleep(300)
  const lateBody = JSON.stringify(login('late'))
  late.socket.write(`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(lateBody)}\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n${lateBody}`)
  const newConnection = await openRaw(server.url).then((c) => { c.socket.destroy(); return 'accepted' }, (err: NodeJS.ErrnoException) => err.code)
  const idleClosedAt = await Promise.all(idle.map(async (c) => await c.closed(2_000)))
  const lateClosedAt = await late.closed(3_000)
  proxy.release()
  const outcomes = await Promise.all(calls)
  const exit = await Promise.race([exited, sleep(GRACE_MS + 5_000).then(() => ({ code: 'still running', at: Date.now() }))])
  clearInterval(trickle)

  const answered = outcomes.filter((o, i) => o.kind === 'answer' && typeof (o.body as { result?: unknown }).result === 'string' && (o.body as { id?: unknown }).id === i + 1)
  const failures = outcomes.flatMap((o) => o.kind === 'failed' ? [o.error] : o.kind === 'answer' && !answered.includes(o) ? [`HTTP ${o.status} ${JSON.stringify(o.body).slice(0, 80)}`] : [])
  const counts = new Map<string, number>()
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1)
  const failureCounts = [...counts].map(([f, n]) => `${n} ${f}`).join(', ')
  t.comment(`answered ${answered.length} of ${CALLS}${failures.length > 0 ? `, ${failureCounts}` : ''}; exit ${String(exit.code)} after ${exit.at - signalled} ms`)

  t.equal(answered.length, CALLS, 'every in-flight call gets its complete JSON-RPC answer')
  t.same(failures, [], 'no call is reset or answered with something else')
  t.same(outcomes.filter((o) => o.kind === 'answer' && o.headers.connection !== 'close').length, 0, 'every answer says Connection: close, so no client reuses the connection')
  t.ok(slow.isClosed(), 'the slow sender\'s connection is closed')
  t.same(idleClosedAt.map((at) => at !== undefined && at - signalled < 1_000), idle.map(() => true), 'idle keep-alive connections are closed at once')
  t.equal(newConnection, 'ECONNREFUSED', 'no new connection is accepted')
  t.ok(lateClosedAt !== undefined, 'the connection of the call sent during the drain is closed after its answer')
  t.match(parseRawResponse(late.received()), {
    status: 503,
    headers: { connection: 'close', 'content-type': /^application\/json/ },
    body: { jsonrpc: '2.0', id: 'late', error: { code: -32000, message: String, data: { error_code: 'SERVICE_UNAVAILABLE', retryable: true, requestId: String } } }
  }, 'a call sent during the drain is answered with the retryable JSON-RPC -32000, not run')
  t.equal(exit.code, 0, 'the process exits 0')
  t.ok(exit.at - signalled < GRACE_MS, `within the grace delay (${GRACE_MS} ms)`)
  t.notMatch(server.output(), /killed by timeout|cut/, 'nothing was cut')
}

t.test('SIGTERM with 50 keep-alive calls in flight: all 50 answered in full, idle connections closed, a call sent during the drain gets -32000, exit 0 within the grace delay', { skip }, async (t) => {
  await shutdownUnderLoad(t, true)
})

t.test('SIGTERM with 50 calls in flight without keep-alive: all 50 answered in full, a call sent during the drain gets -32000, exit 0 within the grace delay', { skip }, async (t) => {
  await shutdownUnderLoad(t, false)
})

t.test('SIGTERM with a call that outlasts the grace delay: the call is cut, the log says so, the process exits 1 at the delay', { skip }, async (t) => {
  const server = await startDemoServer({ throughProxy: true, env: { SHUTDOWN_GRACE_MS: '1500', DB_CONNECT_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' } })
  t.teardown(() => server.close())
  const proxy = server.proxy as NonNullable<typeof server.proxy>
  const exited = new Promise<{ code: number | null, at: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, at: Date.now() })))
  proxy.hold()
  t.teardown(() => proxy.release())
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const date = gmdate(new Date())
  const call = postJson(server.url, '/rpc', { jsonrpc: '2.0', id: 1, method: 'login', params: [server.code, date, loginHash(server.secret, server.code, date)] }, agent)
  await sleep(1_000)
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const exit = await exited
  t.comment(`exit ${String(exit.code)} after ${exit.at - signalled} ms`)
  t.equal(exit.code, 1, 'the process exits 1')
  t.ok(exit.at - signalled >= 1_400 && exit.at - signalled < 4_000, 'at the grace delay')
  t.match(await call, { kind: 'failed' }, 'the running call is cut')
  t.match(server.output(), /"runningCalls":1,.*grace delay passed: the calls still running are cut/, 'the log names the cut')
})
