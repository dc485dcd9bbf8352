import t from 'tap'
import { createTestApp, gmdate, type RpcReply, type TestApp } from '../helpers/app.js'
import { loginHash } from '../../src/auth/login.js'

/** A login through a proxy at `peer` whose X-Forwarded-For is `forwardedFor`. */
async function loginVia (ta: TestApp, peer: string, forwardedFor: string, params: unknown[]): Promise<RpcReply> {
  const response = await ta.app.inject({
    method: 'POST',
    url: '/rpc',
    remoteAddress: peer,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    payload: JSON.stringify({ jsonrpc: '2.0', method: 'login', params, id: 1 })
  })
  return JSON.parse(response.body) as RpcReply
}

function failedLoginAddresses (ta: TestApp, from: number): unknown[] {
  return ta.logs.slice(from).map((line) => JSON.parse(line) as { msg: string, clientIp?: string })
    .filter((line) => line.msg === 'login failed').map((line) => line.clientIp)
}

for (const trustProxy of ['1', '10.0.0.0/8']) {
  t.test(`TRUST_PROXY=${trustProxy}: a client-written X-Forwarded-For prefix does not change the address the login limits count`, async (t) => {
    const ta = await createTestApp(t, { TRUST_PROXY: trustProxy, LOGIN_MAX_FAILURES: '3', LOGIN_ADDRESS_MAX_FAILURES: '4' })
    const merchant = await ta.merchant()
    const date = gmdate(ta.clock.now())
    const before = ta.logs.length
    const answers = []
    for (let i = 0; i < 6; i++) {
      // The client wrote `198.51.100.${i}`; the proxy at 10.0.0.1 appended the address it saw.
      answers.push((await loginVia(ta, '10.0.0.1', `198.51.100.${i}, 203.0.113.5`, [`NOSUCH${i}`, date, 'a'.repeat(32)])).error?.data.error_code)
    }
    t.same(answers, [...Array(4).fill('AUTHENTICATION_FAILED'), ...Array(2).fill('TOO_MANY_REQUESTS')], 'the spraying client is refused after 4 failures, whatever prefix it writes')
    t.same(failedLoginAddresses(ta, before), Array(4).fill('203.0.113.5'), 'the limiter counted the address the proxy saw')
    const right = loginHash(merchant.secret, merchant.code, date)
    t.equal((await loginVia(ta, '10.0.0.1', '203.0.113.6, 203.0.113.5', [merchant.code, date, right])).error?.data.error_code, 'TOO_MANY_REQUESTS', 'the refused client cannot pose as another')
    t.match((await loginVia(ta, '10.0.0.1', '203.0.113.5, 203.0.113.6', [merchant.code, date, right])).result, /^[0-9a-f]{64}$/, 'another client behind the same proxy logs in')
  })
}

t.test('TRUST_PROXY=10.0.0.0/8: a client outside the trusted range is counted by its own address, whatever X-Forwarded-For it sends', async (t) => {
  const ta = await createTestApp(t, { TRUST_PROXY: '10.0.0.0/8' })
  const date = gmdate(ta.clock.now())
  const before = ta.logs.length
  await loginVia(ta, '198.51.100.77', '203.0.113.5', ['NOSUCH', date, 'a'.repeat(32)])
  t.same(failedLoginAddresses(ta, before), ['198.51.100.77'])
})
