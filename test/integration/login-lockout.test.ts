import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { createMerchantUser } from '../../src/auth/merchant-users.js'
import { createTestApp, gmdate, type RpcReply, type TestApp } from '../helpers/app.js'

const PASSWORD = 'correct horse battery staple'

/** One JSON-RPC call as if it came from `address` (Fastify's request.ip, no proxy). */
async function rpcFrom (ta: TestApp, address: string, method: string, params: unknown): Promise<RpcReply> {
  const response = await ta.app.inject({
    method: 'POST',
    url: '/rpc',
    remoteAddress: address,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 })
  })
  return JSON.parse(response.body) as RpcReply
}

function linesSince (ta: TestApp, from: number, msg: string): Array<Record<string, unknown>> {
  return ta.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === msg)
}

async function merchantWithUser (ta: TestApp, username: string): Promise<{ code: string, secret: string }> {
  const merchant = await ta.merchant()
  const row = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
  await createMerchantUser(ta.db.db, row.id, { username, password: PASSWORD, privileges: ['AGENT'] })
  return merchant
}

t.test('failed logins for a merchant code from other addresses never block its correct md5 and sha256 hash from a new address', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const wrong = loginHash('wrong-secret-key-000', merchant.code, date)
  const answers = new Set<unknown>()
  for (const attacker of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
    for (let i = 0; i < 10; i++) answers.add((await rpcFrom(ta, attacker, 'login', [merchant.code, date, wrong])).error?.data.error_code)
  }
  t.ok([...answers].every((code) => code === 'AUTHENTICATION_FAILED' || code === 'TOO_MANY_REQUESTS'), 'every wrong hash refused')
  for (const [address, algorithm] of [['198.51.100.1', 'md5'], ['198.51.100.2', 'sha256']] as const) {
    const reply = await rpcFrom(ta, address, 'login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date, algorithm), algorithm])
    t.match(reply, { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ }, `the ${algorithm} hash from a new address opens a session`)
    t.notOk(reply.error)
  }
})

t.test('the attacking address itself is refused after LOGIN_MAX_FAILURES failures, even with the right hash, until the window ends', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '60' })
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const wrong = loginHash('wrong-secret-key-000', merchant.code, date)
  for (let i = 0; i < 3; i++) t.equal((await rpcFrom(ta, '203.0.113.7', 'login', [merchant.code, date, wrong])).error?.data.error_code, 'AUTHENTICATION_FAILED')
  const right = loginHash(merchant.secret, merchant.code, date)
  const limited = await rpcFrom(ta, '203.0.113.7', 'login', [merchant.code, date, right])
  t.match(limited, { jsonrpc: '2.0', id: 1, error: { code: 10005, data: { error_code: 'TOO_MANY_REQUESTS' } } })
  t.notOk(limited.result)
  t.match((await rpcFrom(ta, '198.51.100.9', 'login', [merchant.code, date, right])).result, /^[0-9a-f]{64}$/, 'another address logs in meanwhile')
  ta.clock.advance(60_000)
  const now = gmdate(ta.clock.now())
  t.match((await rpcFrom(ta, '203.0.113.7', 'login', [merchant.code, now, loginHash(merchant.secret, merchant.code, now)])).result, /^[0-9a-f]{64}$/, 'allowed again after the window')
})

t.test('one address spraying many merchant codes is refused after LOGIN_ADDRESS_MAX_FAILURES failures in all', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_ADDRESS_MAX_FAILURES: '5', LOGIN_FAILURE_WINDOW_SECONDS: '60' })
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const answers = []
  for (let i = 0; i < 8; i++) answers.push((await rpcFrom(ta, '203.0.113.8', 'login', [`NOSUCH${i}`, date, 'a'.repeat(32)])).error?.data.error_code)
  t.same(answers, [...Array(5).fill('AUTHENTICATION_FAILED'), ...Array(3).fill('TOO_MANY_REQUESTS')])
  t.equal((await rpcFrom(ta, '203.0.113.8', 'login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date)])).error?.data.error_code, 'TOO_MANY_REQUESTS', 'the spraying address is refused for every code')
  t.match((await rpcFrom(ta, '198.51.100.8', 'login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date)])).result, /^[0-9a-f]{64}$/)
})

t.test('guesses at one merchant code from many addresses are capped: one per new address plus LOGIN_MAX_FAILURES per window; the real login still works', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '4', LOGIN_FAILURE_WINDOW_SECONDS: '60' })
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const wrong = loginHash('wrong-secret-key-000', merchant.code, date)
  const before = ta.logs.length
  const codes: Record<string, number> = {}
  for (let round = 0; round < 3; round++) {
    for (let a = 1; a <= 20; a++) {
      const code = (await rpcFrom(ta, `203.0.113.${a}`, 'login', [merchant.code, date, wrong])).error?.data.error_code as string
      codes[code] = (codes[code] ?? 0) + 1
    }
  }
  const verified = linesSince(ta, before, 'login failed').length
  t.ok(verified <= 20 + 4, `at most one guess per address plus the credential's 4: ${verified} of 60 checked`)
  t.same(codes, { AUTHENTICATION_FAILED: verified, TOO_MANY_REQUESTS: 60 - verified })
  t.match((await rpcFrom(ta, '198.51.100.20', 'login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date)])).result, /^[0-9a-f]{64}$/, 'the real merchant from a new address')
})

t.test('60 concurrent wrong logins from one address check at most LOGIN_MAX_FAILURES hashes', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const wrong = loginHash('wrong-secret-key-000', merchant.code, date)
  const before = ta.logs.length
  const replies = await Promise.all(Array.from({ length: 60 }, async () => await rpcFrom(ta, '203.0.113.60', 'login', [merchant.code, date, wrong])))
  const codes = replies.map((reply) => reply.error?.data.error_code as string)
  const failed = codes.filter((code) => code === 'AUTHENTICATION_FAILED').length
  t.equal(failed, 10, 'ten checked and failed')
  t.equal(codes.filter((code) => code === 'TOO_MANY_REQUESTS').length, 50, 'the rest refused before checking')
  t.equal(linesSince(ta, before, 'login failed').length, 10, 'ten "login failed" lines')
})

t.test('failed loginUser calls from other addresses block neither the merchant login, another user, nor the user they aimed at', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '3' })
  const merchant = await merchantWithUser(ta, 'agent1')
  const row = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
  await createMerchantUser(ta.db.db, row.id, { username: 'agent2', password: PASSWORD, privileges: ['AGENT'] })
  for (const attacker of ['203.0.113.1', '203.0.113.2']) {
    const answers = []
    for (let i = 0; i < 3; i++) answers.push((await rpcFrom(ta, attacker, 'loginUser', [merchant.code, `random${attacker}-${i}`, 'wrong password!'])).error?.data.error_code)
    t.same(answers, Array(3).fill('AUTHENTICATION_FAILED'), 'random usernames')
    const guesses = new Set<unknown>()
    for (let i = 0; i < 3; i++) guesses.add((await rpcFrom(ta, attacker, 'loginUser', [merchant.code, 'agent1', 'wrong password!'])).error?.data.error_code)
    t.ok([...guesses].every((code) => code === 'AUTHENTICATION_FAILED' || code === 'TOO_MANY_REQUESTS'), 'every guess at agent1 refused')
  }
  const date = gmdate(ta.clock.now())
  const api = await rpcFrom(ta, '198.51.100.1', 'login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date)])
  t.match(api, { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ }, "the merchant's API login")
  for (const username of ['agent2', 'agent1']) {
    const reply = await rpcFrom(ta, '198.51.100.2', 'loginUser', [merchant.code, username, PASSWORD])
    t.match(reply, { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ }, `${username} from a new address`)
  }
  const attackerRight = await rpcFrom(ta, '203.0.113.1', 'loginUser', [merchant.code, 'agent1', PASSWORD])
  t.equal(attackerRight.error?.data.error_code, 'TOO_MANY_REQUESTS', 'the attacking address is refused for agent1, even with the right password')
})

t.test('60 concurrent wrong loginUser calls from one address run at most LOGIN_MAX_FAILURES password checks; a genuine login from elsewhere is not queued behind them', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await merchantWithUser(ta, 'agent1')
  const timeLogin = async (address: string): Promise<number> => {
    const started = performance.now()
    const reply = await rpcFrom(ta, address, 'loginUser', [merchant.code, 'agent1', PASSWORD])
    t.match(reply.result, /^[0-9a-f]{64}$/, `genuine login from ${address}`)
    return performance.now() - started
  }
  await timeLogin('198.51.100.1')
  // Unknown users are checked against a dummy hash computed once per process: not part of the burst.
  t.equal((await rpcFrom(ta, '198.51.100.3', 'loginUser', [merchant.code, 'nobody', 'wrong password!'])).error?.data.error_code, 'AUTHENTICATION_FAILED')
  const loneBefore = await timeLogin('198.51.100.1')

  const before = ta.logs.length
  const burst = Promise.all(Array.from({ length: 60 }, async (_, i) => await rpcFrom(ta, '203.0.113.60', 'loginUser', [merchant.code, `nobody${i}`, 'wrong password!'])))
  await new Promise((resolve) => setImmediate(resolve))
  const during = await timeLogin('198.51.100.2')
  const replies = await burst
  // Alone before and after: other test files share the CPU, so one sample is noisy.
  const lone = (loneBefore + await timeLogin('198.51.100.1')) / 2
  const codes = replies.map((reply) => reply.error?.data.error_code as string)
  const failed = linesSince(ta, before, 'user login failed').length
  t.ok(failed <= 10, `at most LOGIN_MAX_FAILURES checks: ${failed}`)
  t.equal(codes.filter((code) => code === 'AUTHENTICATION_FAILED').length, failed)
  t.equal(codes.filter((code) => code === 'TOO_MANY_REQUESTS').length, 60 - failed, 'the rest refused at once')
  // Unbounded, the burst's 60 scrypts queue on libuv's 4 threads: at least 15 rounds (about 70x measured).
  t.ok(during < 6 * lone, `the genuine login took ${Math.round(during)} ms during the burst, ${Math.round(lone)} ms alone (bound: 6x)`)
})

t.test('an attacker who keeps the merchant code\'s budget empty from many addresses (2 wrong logins a minute) never refuses the merchant\'s correct logins from an address it has logged in from: concurrent ones, and after a failure of its own', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '10', LOGIN_FAILURE_WINDOW_SECONDS: '300' })
  const merchant = await ta.merchant()
  const right = () => { const date = gmdate(ta.clock.now()); return [merchant.code, date, loginHash(merchant.secret, merchant.code, date)] }
  const wrong = () => { const date = gmdate(ta.clock.now()); return [merchant.code, date, loginHash('wrong-secret-key-000', merchant.code, date)] }
  const home = '198.51.100.50'
  t.match((await rpcFrom(ta, home, 'login', right())).result, /^[0-9a-f]{64}$/, 'the merchant logs in from its server')
  for (let i = 0; i < 10; i++) await rpcFrom(ta, '203.0.113.60', 'login', wrong())
  let attacker = 0
  for (let minute = 0; minute < 20; minute++) {
    // Two wrong logins a minute, each from a fresh address: each address stays under its own limit.
    for (let i = 0; i < 2; i++) await rpcFrom(ta, `203.0.114.${++attacker}`, 'login', wrong())
    ta.clock.advance(30_000)
    await rpcFrom(ta, `203.0.114.${++attacker}`, 'login', wrong())
    ta.clock.advance(30_000)
  }
  const concurrent = await Promise.all([rpcFrom(ta, home, 'login', right()), rpcFrom(ta, home, 'login', right()), rpcFrom(ta, home, 'login', right())])
  t.same(concurrent.map((reply) => typeof reply.result === 'string' ? 'session' : reply.error?.data.error_code), ['session', 'session', 'session'], 'three concurrent correct logins from the merchant\'s server all open sessions')
  t.equal((await rpcFrom(ta, home, 'login', wrong())).error?.data.error_code, 'AUTHENTICATION_FAILED', 'one failure of its own (a stale secret)')
  t.match((await rpcFrom(ta, home, 'login', right())).result, /^[0-9a-f]{64}$/, 'and its next correct login still opens a session')
  t.equal((await rpcFrom(ta, `203.0.114.${attacker}`, 'login', wrong())).error?.data.error_code, 'TOO_MANY_REQUESTS', 'while a repeat guess from elsewhere is refused')
})
