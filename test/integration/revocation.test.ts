import { randomBytes } from 'node:crypto'
import t from 'tap'
import { hashSessionId, loginHash } from '../../src/auth/login.js'
import { findMerchantByCode } from '../../src/auth/merchant-store.js'
import { createMerchantUser } from '../../src/auth/merchant-users.js'
import { capSessions } from '../../src/auth/session-limits.js'
import { insertSession } from '../../src/auth/session-store.js'
import { ERRORS } from '../../src/errors.js'
import { startSweeper } from '../../src/orders/sweeper.js'
import { createTestApp, gmdate, type RpcReply, type TestApp } from '../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant } from '../helpers/assisted.js'

// A session ended by a revocation is deleted: its next call is answered as an unknown session.
const ENDED = { jsonrpc: '2.0', id: 1, error: { code: 10001, message: 'Invalid session: the sessionID is unknown or malformed', data: { error_code: 'INVALID_SESSION' } } }

/** An API session (login) works when a merchant-level read answers normally. */
async function apiCall (ta: TestApp, session: string): Promise<RpcReply> {
  return await ta.rpc('isValidOrderReference', [session, '100000001'])
}

/** A staff session (a SUPERVISOR user) works when a staff read answers normally. */
async function staffCall (ta: TestApp, session: string): Promise<RpcReply> {
  return await ta.rpc('searchCatalog', [session, { Text: 'my_subscription_1' }])
}

async function loginWith (ta: TestApp, code: string, secret: string): Promise<RpcReply> {
  const date = gmdate(ta.clock.now())
  return await ta.rpc('login', [code, date, loginHash(secret, code, date)])
}

t.test('rotateSecretKey', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)

  t.test('with the API session: a new secret once; the old hash fails, the new one works; every API session ends at once, staff sessions and other merchants stay', async (t) => {
    const second = await ta.login(m)
    // Both API sessions are read (and so cached for SESSION_CACHE_MS) just before the rotation.
    t.same(await apiCall(ta, m.apiSession), { jsonrpc: '2.0', id: 1, result: false })
    t.same(await apiCall(ta, second), { jsonrpc: '2.0', id: 1, result: false })
    t.notOk((await staffCall(ta, m.staffSession)).error)

    const rotated = await ta.rpc('rotateSecretKey', [m.apiSession])
    t.match(rotated, { jsonrpc: '2.0', id: 1, result: /^[\w-]{43}$/ })
    t.notOk(rotated.error)
    const secret = rotated.result as string
    t.not(secret, m.secret)

    t.match(await apiCall(ta, m.apiSession), ENDED, 'the calling session ended too (it was opened with the old secret)')
    t.match(await apiCall(ta, second), ENDED, 'the other API session ended within the cache window')
    t.match(await loginWith(ta, m.code, m.secret), { error: { code: 10000, data: { error_code: 'AUTHENTICATION_FAILED' } } }, 'the old hash fails')
    const fresh = await loginWith(ta, m.code, secret)
    t.match(fresh, { result: /^[0-9a-f]{64}$/ }, 'the new hash works')
    t.same(await apiCall(ta, fresh.result), { jsonrpc: '2.0', id: 1, result: false })
    t.notOk((await staffCall(ta, m.staffSession)).error, 'a staff session was not opened with the secret: it stays')
    t.same(await apiCall(ta, other.apiSession), { jsonrpc: '2.0', id: 1, result: false }, 'another merchant\'s session stays')
    t.match(await loginWith(ta, other.code, other.secret), { result: /^[0-9a-f]{64}$/ }, 'another merchant\'s secret is unchanged')

    const row = await ta.db.db.selectFrom('merchants').select('secret_ciphertext').where('code', '=', m.code).executeTakeFirstOrThrow()
    t.match(row.secret_ciphertext, /^v1:/, 'the new secret is stored sealed')
    t.notOk(row.secret_ciphertext.includes(secret))
    t.equal(ta.deps.secretBox.open(row.secret_ciphertext), secret)
    const apiSessions = await ta.db.db.selectFrom('sessions').select('id_hash').where('merchant_id', '=', m.merchantId).where('user_id', 'is', null).execute()
    t.equal(apiSessions.length, 1, 'only the session opened with the new secret is left')
    t.notOk(ta.logs.some((line) => line.includes(secret) || line.includes(m.secret)), 'neither secret is logged')
    t.ok(ta.logs.some((line) => line.includes('secret key rotated') && line.includes(m.code)), 'the rotation is logged')
  })

  t.test('with a staff session is NOT_ALLOWED and changes nothing', async (t) => {
    const before = await ta.db.db.selectFrom('merchants').select('secret_ciphertext').where('code', '=', other.code).executeTakeFirstOrThrow()
    const reply = await ta.rpc('rotateSecretKey', [other.staffSession])
    t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: 10004, message: /merchant's API session \(login\)/, data: { error_code: 'NOT_ALLOWED' } } })
    t.notOk(reply.result)
    const after = await ta.db.db.selectFrom('merchants').select('secret_ciphertext').where('code', '=', other.code).executeTakeFirstOrThrow()
    t.equal(after.secret_ciphertext, before.secret_ciphertext)
    t.same(await apiCall(ta, other.apiSession), { jsonrpc: '2.0', id: 1, result: false })
  })

  t.test('with an ended session is INVALID_SESSION', async (t) => {
    t.match(await ta.rpc('rotateSecretKey', [m.apiSession]), ENDED)
  })
})

t.test('setMerchantUserActive', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  await createMerchantUser(ta.db.db, m.merchantId, { username: 'Clerk', password: STAFF_PASSWORD, privileges: ['SUPERVISOR'] })
  const loginClerk = async (): Promise<RpcReply> => await ta.rpc('loginUser', [m.code, 'clerk', STAFF_PASSWORD])

  t.test('false ends every session of the user at once and loginUser fails; other sessions stay', async (t) => {
    const first = (await loginClerk()).result as string
    const second = (await loginClerk()).result as string
    t.notOk((await staffCall(ta, first)).error, 'read (and cached) just before')

    const reply = await ta.rpc('setMerchantUserActive', [m.apiSession, 'CLERK', false])
    t.same(reply, { jsonrpc: '2.0', id: 1, result: { Username: 'Clerk', Active: false, SessionsEnded: 2 } })
    t.match(await staffCall(ta, first), ENDED, 'within the cache window')
    t.match(await staffCall(ta, second), ENDED)
    t.match(await loginClerk(), { error: { code: 10000, data: { error_code: 'AUTHENTICATION_FAILED' } } })
    t.notOk((await staffCall(ta, m.staffSession)).error, 'another user of the merchant stays')
    t.same(await apiCall(ta, m.apiSession), { jsonrpc: '2.0', id: 1, result: false }, 'the API session stays')

    const user = await ta.db.db.selectFrom('merchant_users').select(['id', 'active']).where('merchant_id', '=', m.merchantId).where('username', '=', 'Clerk').executeTakeFirstOrThrow()
    t.equal(user.active, false)
    t.same(await ta.db.db.selectFrom('sessions').select('id_hash').where('user_id', '=', user.id).execute(), [], 'no session row is left')
    t.ok(ta.logs.some((line) => line.includes('merchant user deactivated')), 'the deactivation is logged')
  })

  t.test('true lets loginUser work again (the ended sessions stay ended)', async (t) => {
    const reply = await ta.rpc('setMerchantUserActive', { sessionID: m.apiSession, Username: 'clerk', Active: true })
    t.same(reply, { jsonrpc: '2.0', id: 1, result: { Username: 'Clerk', Active: true, SessionsEnded: 0 } })
    const again = await loginClerk()
    t.match(again, { result: /^[0-9a-f]{64}$/ })
    t.notOk((await staffCall(ta, again.result)).error)
  })

  t.test('another merchant\'s user or an unknown one is USER_NOT_FOUND and changes nothing', async (t) => {
    for (const username of ['clerk', 'nobody']) {
      const reply = await ta.rpc('setMerchantUserActive', [other.apiSession, username, false])
      t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: 55201, data: { error_code: 'USER_NOT_FOUND' } } }, username)
      t.notOk(reply.result)
    }
    t.match(await loginClerk(), { result: /^[0-9a-f]{64}$/ }, 'merchant A\'s clerk still logs in')
  })

  t.test('with a staff session is NOT_ALLOWED, even for a SUPERVISOR', async (t) => {
    const reply = await ta.rpc('setMerchantUserActive', [m.staffSession, 'clerk', false])
    t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: 10004, data: { error_code: 'NOT_ALLOWED' } } })
    t.match(await loginClerk(), { result: /^[0-9a-f]{64}$/ })
  })

  t.test('a non-boolean Active is -32602 naming it', async (t) => {
    const reply = await ta.rpc('setMerchantUserActive', [m.apiSession, 'clerk', 'no'])
    t.match(reply, { error: { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'Active' }] } } })
  })
})

t.test('sessions are capped: the login beyond MAX_SESSIONS_PER_MERCHANT / MAX_SESSIONS_PER_USER ends the oldest at once', async (t) => {
  const ta = await createTestApp(t, { MAX_SESSIONS_PER_MERCHANT: '3', MAX_SESSIONS_PER_USER: '2' })
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  const api = [m.apiSession]
  for (let i = 0; i < 2; i++) {
    ta.clock.advance(1000)
    api.push(await ta.login(m))
  }
  for (const session of api) t.same(await apiCall(ta, session), { jsonrpc: '2.0', id: 1, result: false }, 'three API sessions: all work')
  ta.clock.advance(1000)
  const fourth = await ta.login(m)
  t.match(await apiCall(ta, api[0] as string), ENDED, 'the oldest ended, within the cache window')
  for (const session of [...api.slice(1), fourth]) t.same(await apiCall(ta, session), { jsonrpc: '2.0', id: 1, result: false })
  t.notOk((await staffCall(ta, m.staffSession)).error, 'staff sessions do not count against the API cap')
  t.same(await apiCall(ta, other.apiSession), { jsonrpc: '2.0', id: 1, result: false }, 'nor do other merchants\' sessions')
  const apiRows = await ta.db.db.selectFrom('sessions').select('id_hash').where('merchant_id', '=', m.merchantId).where('user_id', 'is', null).execute()
  t.equal(apiRows.length, 3)

  const users = []
  for (let i = 0; i < 3; i++) {
    ta.clock.advance(1000)
    const reply = await ta.rpc('loginUser', [m.code, 'agent1', STAFF_PASSWORD])
    users.push(reply.result as string)
  }
  t.match(await staffCall(ta, m.staffSession), ENDED, 'agent1\'s first session (staffMerchant\'s) ended')
  t.match(await staffCall(ta, users[0] as string), ENDED, 'and the next oldest: two are left')
  for (const session of users.slice(1)) t.notOk((await staffCall(ta, session)).error)
  t.same(await apiCall(ta, fourth), { jsonrpc: '2.0', id: 1, result: false }, 'user logins do not end API sessions')
})

t.test('the server\'s sweep deletes sessions an hour after they expired', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const old = await ta.login(m)
  ta.clock.advance(600_000 + 3_600_000 + 1000)
  const live = await ta.login(m)
  const stop = startSweeper(ta.deps, ta.app.log, 10)
  t.teardown(stop)
  const count = async (): Promise<number> => (await ta.db.db.selectFrom('sessions').select('id_hash').where('merchant_id', '=', m.merchantId).execute()).length
  const deadline = Date.now() + 5000
  while (await count() > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(await count(), 1, 'only the live session is left')
  t.match(await apiCall(ta, old), ENDED)
  t.same(await apiCall(ta, live), { jsonrpc: '2.0', id: 1, result: false })
})

t.test('a login that checked the old secret (or an active user) but stores its session after the revocation is refused, its session deleted', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const owner = { merchantId: m.merchantId, userId: null }
  // What `login` read before the rotation committed: the old sealed secret.
  const { secretCiphertext } = (await findMerchantByCode(ta.db.db, m.code))!
  const rotated = await ta.rpc('rotateSecretKey', [m.apiSession])
  t.notOk(rotated.error)
  const late = randomBytes(32).toString('hex')
  const now = ta.clock.now()
  await insertSession(ta.db.db, { idHash: hashSessionId(late), merchantId: m.merchantId, createdAt: now, expiresAt: new Date(now.getTime() + 600_000) })
  await t.rejects(capSessions(ta.deps, owner, { idHash: hashSessionId(late), secretCiphertext }), { name: 'AppError', message: ERRORS.AUTHENTICATION_FAILED.message })
  t.match(await apiCall(ta, late), ENDED)

  const user = await createMerchantUser(ta.db.db, m.merchantId, { username: 'racer', password: STAFF_PASSWORD, privileges: ['SUPERVISOR'] })
  const fresh = await ta.login({ code: m.code, secret: rotated.result })
  // `loginUser` found the user active, then the deactivation committed before its insert.
  t.notOk((await ta.rpc('setMerchantUserActive', [fresh, 'racer', false])).error)
  const lateUser = randomBytes(32).toString('hex')
  await ta.db.db.insertInto('sessions').values({ id_hash: hashSessionId(lateUser), merchant_id: m.merchantId, user_id: user.id, created_at: now, expires_at: new Date(now.getTime() + 600_000) }).execute()
  await t.rejects(capSessions(ta.deps, { merchantId: m.merchantId, userId: user.id }, { idHash: hashSessionId(lateUser) }), { name: 'AppError', message: ERRORS.AUTHENTICATION_FAILED.message })
  t.match(await staffCall(ta, lateUser), ENDED)
  t.same(await apiCall(ta, fresh), { jsonrpc: '2.0', id: 1, result: false }, 'a login with the current secret is not touched')
})
