import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { gmdate } from '../helpers/app.js'
import { startDemoServer } from '../helpers/demo-server.js'
import { openRaw, parseRawResponse, type RawConnection } from '../helpers/raw-http.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const server = await startDemoServer({
  env: {
    HTTP_REQUEST_TIMEOUT_MS: '2000',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500',
    HTTP_MAX_CONNECTIONS: '20'
  }
})
t.teardown(() => server.close())

function loginCall (id: number) {
  const date = gmdate(new Date())
  return { jsonrpc: '2.0', id, method: 'login', params: [server.code, date, loginHash(server.secret, server.code, date)] }
}

/** Writes `text` one byte a second until the server closes the connection or `limitMs` passes. */
async function trickle (connection: RawConnection, text: string, limitMs: number): Promise<number | undefined> {
  const started = Date.now()
  for (const byte of text) {
    if (connection.isClosed() || Date.now() - started > limitMs) break
    connection.socket.write(byte)
    await sleep(1_000)
  }
  const closedAt = await connection.closed(Math.max(0, limitMs - (Date.now() - started)))
  return closedAt === undefined ? undefined : closedAt - started
}

t.test('a client that sends its headers and trickles the body one byte a second is answered 408 and cut after HTTP_REQUEST_TIMEOUT_MS', async (t) => {
  const connection = await openRaw(server.url)
  const started = Date.now()
  connection.socket.write('POST /rpc HTTP/1.1\r\nHost: ordergate\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n')
  const after = await trickle(connection, '{"jsonrpc":"2.0","id":1,"method":"login","params":[]}'.padEnd(200), 8_000)
  t.comment(after === undefined ? 'still open after 8 s' : `cut after ${Date.now() - started} ms`)
  t.ok(after !== undefined && after >= 1_500 && after < 4_500, 'cut about 2 s after the request began')
  t.match(connection.received(), /^HTTP\/1\.1 408 /, 'with 408 Request Timeout')
})

t.test('a client that trickles its headers one byte a second is cut after HTTP_HEADERS_TIMEOUT_MS', async (t) => {
  const connection = await openRaw(server.url)
  const after = await trickle(connection, 'POST /rpc HTTP/1.1\r\nHost: ordergate\r\nContent-Type: application/json\r\n', 8_000)
  t.comment(after === undefined ? 'still open after 8 s' : `cut after ${after} ms`)
  t.ok(after !== undefined && after < 3_500, 'cut about 1 s after the first byte')
})

t.test('a keep-alive connection left idle after its answer is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const connection = await openRaw(server.url)
  connection.socket.write('GET /health HTTP/1.1\r\nHost: ordergate\r\n\r\n')
  await connection.waitFor('{"status":"ok"}')
  const answered = Date.now()
  const closedAt = await connection.closed(6_000)
  t.comment(closedAt === undefined ? 'still open after 6 s' : `closed ${closedAt - answered} ms after the answer`)
  t.ok(closedAt !== undefined && closedAt - answered >= 1_000 && closedAt - answered < 3_000, 'closed about 1.5 s after the answer')
})

t.test('connections beyond HTTP_MAX_CONNECTIONS are closed at once, a call on an open connection still works, and the silent ones are cut by the headers timeout', async (t) => {
  // A raw keep-alive connection (node:http's agent closes a free socket early when the server
  // announces `Keep-Alive: timeout=1`).
  const client = await openRaw(server.url)
  t.teardown(() => client.socket.destroy())
  const call = async (id: number) => {
    const body = JSON.stringify(loginCall(id))
    const before = client.received().length
    client.socket.write(`POST /rpc HTTP/1.1\r\nHost: ordergate\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
    await client.waitFor('"}', 5_000, before)
    return parseRawResponse(client.received().slice(before))
  }
  t.match(await call(1), { status: 200, body: { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ } })

  // That connection is one of the 20: 19 more are accepted, 6 are closed; all within its 1.5 s keep-alive.
  const opened = Date.now()
  const silent = await Promise.all(Array.from({ length: 25 }, async () => await openRaw(server.url)))
  t.teardown(() => { for (const c of silent) c.socket.destroy() })
  await sleep(300)
  const closed = silent.filter((c) => c.isClosed()).length
  t.comment(`${closed} of 25 closed within 300 ms`)
  t.equal(closed, 6, 'the connections beyond the cap are closed')
  t.match(await call(2), { status: 200, body: { jsonrpc: '2.0', id: 2, result: /^[0-9a-f]{64}$/ } }, 'a call on an open connection is answered')

  const closedAt = await Promise.all(silent.map(async (c) => await c.closed(5_000)))
  const latest = Math.max(...closedAt.map((at) => at ?? Infinity)) - opened
  t.comment(Number.isFinite(latest) ? `every silent connection closed by ${latest} ms` : `${closedAt.filter((at) => at === undefined).length} silent connections still open after 5 s`)
  t.ok(latest < 3_500, 'silent connections are cut about 1 s after they opened')
  const health = await fetch(`${server.url}/health`)
  t.equal(health.status, 200, 'new connections are accepted again')
})
