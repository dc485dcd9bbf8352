import t from 'tap'
import { createMerchantUser } from '../../../src/auth/merchant-users.js'
import { PRIVILEGE_NAMES } from '../../../src/auth/privileges.js'
import { createTestApp } from '../../helpers/app.js'
import { FIXTURE_HASH_PARAMS, STAFF_PASSWORD, staffMerchant } from '../../helpers/assisted.js'

t.test('getSessionUser answers the signed-in user, their merchant and privileges', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  await ta.db.db.updateTable('merchants').set({ name: 'Acme Books' }).where('id', '=', m.merchantId).execute()
  const user = await createMerchantUser(ta.db.db, m.merchantId, { username: 'jane', displayName: 'Jane Agent', password: STAFF_PASSWORD, privileges: ['CANCEL_ORDERS', 'PLACE_ORDERS_ON_BEHALF'] }, FIXTURE_HASH_PARAMS)
  const session = (await ta.rpc('loginUser', [m.code, 'jane', STAFF_PASSWORD])).result as string
  const expiresAt = new Date(ta.clock.now().getTime() + 600_000).toISOString()
  ta.clock.advance(90_500)

  t.same(await ta.rpc('getSessionUser', [session]), {
    jsonrpc: '2.0',
    id: 1,
    result: { UserId: Number(user.id), Username: 'jane', DisplayName: 'Jane Agent', MerchantCode: m.code, MerchantName: 'Acme Books', Privileges: ['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS'], Role: null, SessionExpiresAt: expiresAt, SessionExpiresIn: 509 }
  }, 'privileges in the list\'s order, Role null; the session ends 10 minutes after loginUser, 509 s left')
  t.same((await ta.rpc('getSessionUser', { sessionID: session })).result?.Username, 'jane', 'named params too')

  const supervisor = await ta.rpc('getSessionUser', [m.staffSession])
  t.same(supervisor.result?.Privileges, ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS', 'RECORD_PAYMENTS', 'REFUND_ORDERS', 'RESEND_NOTIFICATIONS', 'CUSTOM_LINE_ITEMS', 'APPROVE_DISCOUNTS', 'MANAGE_DISCOUNTS'], 'a supervisor: every privilege')
  t.same(supervisor.result?.Privileges, PRIVILEGE_NAMES, 'a supervisor: every privilege, in the list\'s order')
  t.equal(supervisor.result?.Role, 'SUPERVISOR', 'created with the role SUPERVISOR: its Role')
  const agent = await m.userSession(['AGENT' as never])
  t.match((await ta.rpc('getSessionUser', [agent])).result, { Role: 'AGENT', Privileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] }, 'an agent')
  t.match((await ta.rpc('getSessionUser', [m.noPrivilegeSession])).result, { UserId: supervisor.result.UserId + 1, Username: 'agent2', DisplayName: null, MerchantCode: m.code, MerchantName: 'Acme Books', Privileges: [], Role: null }, 'a user without privileges may still ask who they are')
})

t.test('getSessionUser refuses the merchant API session, an unknown session and a deactivated user', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  t.match(await ta.rpc('getSessionUser', [m.apiSession]), { error: { code: 10004, message: /loginUser/, data: { error_code: 'NOT_ALLOWED', privileges: [] } } }, 'the API session has no user')
  t.match(await ta.rpc('getSessionUser', ['0'.repeat(64)]), { error: { data: { error_code: 'INVALID_SESSION' } } }, 'an unknown session')
  t.notOk((await ta.rpc('setMerchantUserActive', [m.apiSession, 'agent2', false])).error)
  const reply = await ta.rpc('getSessionUser', [m.noPrivilegeSession])
  t.notOk(reply.result, 'a deactivated user\'s session answers nothing')
  t.match(reply.error, { message: 'Invalid session: the sessionID is unknown or malformed', data: { error_code: 'INVALID_SESSION' } }, 'deactivation ended the session')
})

t.test('getSessionUser after the session expired: SESSION_EXPIRED', async (t) => {
  const ta = await createTestApp(t, { SESSION_TTL_SECONDS: '60' })
  const m = await staffMerchant(ta)
  t.match(await ta.rpc('getSessionUser', [m.staffSession]), { result: { Username: 'agent1', SessionExpiresIn: 60 } })
  ta.clock.advance(59_999)
  t.match(await ta.rpc('getSessionUser', [m.staffSession]), { result: { Username: 'agent1', SessionExpiresIn: 0 } }, 'under a second left: 0, still valid')
  ta.clock.advance(1)
  t.match(await ta.rpc('getSessionUser', [m.staffSession]), { error: { data: { error_code: 'SESSION_EXPIRED' } } })
})
