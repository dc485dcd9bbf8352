import t from 'tap'
import { loginHash, LOGIN_ALGORITHMS } from '../../src/auth/login.js'
import { createTestApp, gmdate } from '../helpers/app.js'

t.test('login', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()

  for (const algorithm of LOGIN_ALGORITHMS) {
    t.test(`login with a correct ${algorithm} hash returns a sessionID`, async (t) => {
      const date = gmdate(ta.clock.now())
      const reply = await ta.rpc('login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date, algorithm), algorithm])
      t.match(reply, { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ })
      t.notOk(reply.error)
    })
  }

  t.test('login by name with the default algorithm (md5) returns a sessionID', async (t) => {
    const date = gmdate(ta.clock.now())
    const reply = await ta.rpc('login', { merchantCode: merchant.code, date, hash: loginHash(merchant.secret, merchant.code, date) })
    t.match(reply.result, /^[0-9a-f]{64}$/)
  })

  t.test('login with a wrong hash returns AUTHENTICATION_FAILED (10000)', async (t) => {
    const date = gmdate(ta.clock.now())
    const reply = await ta.rpc('login', [merchant.code, date, loginHash('not-the-secret-key', merchant.code, date)])
    t.equal(reply.error?.code, 10000)
    t.equal(reply.error?.data.error_code, 'AUTHENTICATION_FAILED')
    t.match(reply.error?.data.requestId, /^[0-9a-f-]{36}$/)
    t.notOk(reply.result)
  })

  t.test('login with an unknown merchant gets the same answer as a wrong hash; the log tells them apart', async (t) => {
    const date = gmdate(ta.clock.now())
    const before = ta.logs.length
    const reply = await ta.rpc('login', ['NOSUCHMERCHANT', date, loginHash(merchant.secret, 'NOSUCHMERCHANT', date)])
    t.equal(reply.error?.code, 10000)
    t.equal(reply.error?.data.error_code, 'AUTHENTICATION_FAILED')
    t.ok(ta.logs.slice(before).some((line) => line.includes('unknown merchant code')))
  })

  t.test('login with a malformed date returns -32602 naming the date', async (t) => {
    const reply = await ta.rpc('login', [merchant.code, '2026-11-23T10:00:00Z', loginHash(merchant.secret, merchant.code, '2026-11-23T10:00:00Z')])
    t.equal(reply.error?.code, -32602)
    t.equal(reply.error?.data.error_code, 'INVALID_PARAMS')
    t.match(reply.error?.data.fields, [{ path: 'date', error_code: 'DATE_INVALID' }])
  })

  t.test('login with an impossible calendar date (Feb 30) is malformed', async (t) => {
    const reply = await ta.rpc('login', [merchant.code, '2026-02-30 10:00:00', loginHash(merchant.secret, merchant.code, '2026-02-30 10:00:00')])
    t.equal(reply.error?.code, -32602)
  })

  t.test('login with a stale date (a replayed hash) returns DATE_OUT_OF_RANGE', async (t) => {
    const stale = gmdate(new Date(ta.clock.now().getTime() - 6 * 60_000))
    const reply = await ta.rpc('login', [merchant.code, stale, loginHash(merchant.secret, merchant.code, stale)])
    t.equal(reply.error?.code, 10000)
    t.equal(reply.error?.data.error_code, 'DATE_OUT_OF_RANGE')
  })

  t.test('login with an unknown algorithm returns -32602 naming algorithm', async (t) => {
    const date = gmdate(ta.clock.now())
    const reply = await ta.rpc('login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date), 'sha1'])
    t.equal(reply.error?.code, -32602)
    t.match(reply.error?.data.fields, [{ path: 'algorithm' }])
  })

  t.test('login with missing params returns -32602 listing each missing one', async (t) => {
    const reply = await ta.rpc('login', [merchant.code])
    t.equal(reply.error?.code, -32602)
    t.same(reply.error?.data.fields.map((f: { path: string }) => f.path).sort(), ['date', 'hash'])
  })
})

t.test('sessions expire exactly SESSION_TTL_SECONDS after login (fake clock)', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const sessionId = await ta.login(merchant)
  const probe = async () => await ta.rpc('isValidOrderReference', [sessionId, '100000000'])

  ta.clock.advance(9 * 60_000 + 59_000)
  const at959 = await probe()
  t.notOk(at959.error, 'the session works at 9 min 59 s')
  t.equal(at959.result, false)

  ta.clock.advance(1_000)
  const at1000 = await probe()
  t.equal(at1000.error?.code, 10002, 'refused at 10 min 00 s')
  t.equal(at1000.error?.data.error_code, 'SESSION_EXPIRED')
})

t.test('SESSION_TTL_SECONDS configures the session lifetime', async (t) => {
  const ta = await createTestApp(t, { SESSION_TTL_SECONDS: '60' })
  const sessionId = await ta.login(await ta.merchant())
  ta.clock.advance(59_999)
  t.notOk((await ta.rpc('isValidOrderReference', [sessionId, '1'])).error)
  ta.clock.advance(1)
  t.equal((await ta.rpc('isValidOrderReference', [sessionId, '1'])).error?.data.error_code, 'SESSION_EXPIRED')
})

t.test('unknown and malformed sessionIDs are refused with INVALID_SESSION', async (t) => {
  const ta = await createTestApp(t)
  const unknown = await ta.rpc('isValidOrderReference', ['0'.repeat(64), '1'])
  t.equal(unknown.error?.code, 10001)
  t.equal(unknown.error?.data.error_code, 'INVALID_SESSION')
  const malformed = await ta.rpc('isValidOrderReference', ["' or 1=1 --", '1'])
  t.equal(malformed.error?.code, 10001)
  const missing = await ta.rpc('isValidOrderReference', [])
  t.equal(missing.error?.code, -32602)
  t.match(missing.error?.data.fields, [{ path: 'sessionID', error_code: 'FIELD_REQUIRED' }])
})

t.test('repeated login failures for a merchant code from one address rate-limit that address', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '60' })
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const wrong = loginHash('wrong-secret-key-000', merchant.code, date)
  for (let i = 0; i < 3; i++) t.equal((await ta.rpc('login', [merchant.code, date, wrong])).error?.data.error_code, 'AUTHENTICATION_FAILED')
  const right = loginHash(merchant.secret, merchant.code, date)
  const limited = await ta.rpc('login', [merchant.code, date, right])
  t.equal(limited.error?.code, 10005, 'even the right hash is refused while limited')
  t.equal(limited.error?.data.error_code, 'TOO_MANY_REQUESTS')
  ta.clock.advance(60_000)
  const later = await ta.rpc('login', [merchant.code, gmdate(ta.clock.now()), loginHash(merchant.secret, merchant.code, gmdate(ta.clock.now()))])
  t.match(later.result, /^[0-9a-f]{64}$/, 'allowed again after the window')
})

t.test('the log of a whole login session contains no secret key, hash or sessionID', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const date = gmdate(ta.clock.now())
  const hash = loginHash(merchant.secret, merchant.code, date)
  const reply = await ta.rpc('login', [merchant.code, date, hash])
  const sessionId = reply.result as string
  await ta.rpc('login', [merchant.code, date, loginHash('wrong-secret-key-000', merchant.code, date)])
  await ta.rpc('isValidOrderReference', [sessionId, '1'])
  await ta.rpc('isValidOrderReference', [sessionId.slice(0, 63) + 'x', '1'])
  t.ok(ta.logs.length > 0, 'the app wrote log lines')
  const all = ta.logs.join('\n')
  for (const secret of [merchant.secret, hash, sessionId]) t.notOk(all.includes(secret), 'not in the log')
})

t.test('merchant secrets are stored encrypted, never in clear', async (t) => {
  const ta = await createTestApp(t)
  const merchant = await ta.merchant()
  const row = await ta.db.db.selectFrom('merchants').select(['secret_ciphertext']).where('code', '=', merchant.code).executeTakeFirstOrThrow()
  t.notOk(row.secret_ciphertext.includes(merchant.secret))
  t.match(row.secret_ciphertext, /^v1:/)
  t.equal(ta.deps.secretBox.open(row.secret_ciphertext), merchant.secret)
})
