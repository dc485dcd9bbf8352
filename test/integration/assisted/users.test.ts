import t from 'tap'
import { hashPassword, verifyPassword } from '../../../src/auth/passwords.js'
import { createTestApp } from '../../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

t.test('scrypt password hashes carry their salt and parameters and verify in constant time', async (t) => {
  const hash = await hashPassword('s3cret password', { N: 1024, r: 8, p: 1 })
  t.match(hash, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
  t.not(hash, await hashPassword('s3cret password', { N: 1024, r: 8, p: 1 }), 'a fresh salt each time')
  t.equal(await verifyPassword('s3cret password', hash), true)
  t.equal(await verifyPassword('s3cret passworD', hash), false)
  t.equal(await verifyPassword('anything', 'not-a-hash'), false)
})

t.test('merchant users and privileges', async (t) => {
  const ta = await createTestApp(t, { LOGIN_MAX_FAILURES: '3' })
  const m = await staffMerchant(ta)

  t.test('loginUser answers a sessionID; the password is never stored', async (t) => {
    const reply = await ta.rpc('loginUser', { merchantCode: m.code, username: 'AGENT1', password: STAFF_PASSWORD })
    t.match(reply.result, /^[0-9a-f]{64}$/, 'usernames match case-insensitively')
    const users = await ta.db.db.selectFrom('merchant_users').select('password_hash').execute()
    t.ok(users.every((u) => u.password_hash.startsWith('scrypt$') && !u.password_hash.includes(STAFF_PASSWORD)))
    const session = await ta.db.db.selectFrom('sessions').select('user_id').where('user_id', 'is not', null).executeTakeFirst()
    t.ok(session?.user_id, 'the session row names the user')
  })

  t.test('the merchant API session is refused on-behalf actions with NOT_ALLOWED naming the privilege', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [m.apiSession, testCardOrder()])
    t.equal(reply.error?.code, 10004)
    t.equal(reply.error?.data.error_code, 'NOT_ALLOWED')
    t.equal(reply.error?.data.privilege, 'PLACE_ORDERS_ON_BEHALF')
    t.match(reply.error?.message, /Place orders on behalf of customer/)
    t.equal((await ta.db.db.selectFrom('orders').select('id').execute()).length, 0, 'nothing written')
  })

  t.test('a user without the privilege is refused every on-behalf method, naming the privilege', async (t) => {
    const calls: Array<[string, unknown[], string]> = [
      ['placeAssistedOrder', [m.noPrivilegeSession, testCardOrder()], 'PLACE_ORDERS_ON_BEHALF'],
      ['searchCustomers', [m.noPrivilegeSession, {}], 'PLACE_ORDERS_ON_BEHALF'],
      ['searchCatalog', [m.noPrivilegeSession, {}], 'PLACE_ORDERS_ON_BEHALF'],
      ['createCustomer', [m.noPrivilegeSession, { FirstName: 'A', LastName: 'B', Email: 'a@b.example' }], 'PLACE_ORDERS_ON_BEHALF'],
      ['cancelOrder', [m.noPrivilegeSession, '100000001', 'test'], 'CANCEL_ORDERS'],
      ['reviewCustomer', [m.noPrivilegeSession, 1, 'OKAY'], 'APPROVE_FRAUD']
    ]
    for (const [method, params, privilege] of calls) {
      const reply = await ta.rpc(method, params)
      t.equal(reply.error?.data.error_code, 'NOT_ALLOWED', method)
      t.equal(reply.error?.data.privilege, privilege, method)
    }
  })

  t.test('an agent without REPLACEMENT_ORDERS cannot place a payment-not-required order', async (t) => {
    const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
    const reply = await ta.rpc('placeAssistedOrder', [agent, { ...testCardOrder(), PaymentDetails: { Type: 'FREE' } }, { PaymentNotRequired: { OriginalRefNo: '100000001', Reason: 'damaged' } }])
    t.equal(reply.error?.data.error_code, 'NOT_ALLOWED')
    t.equal(reply.error?.data.privilege, 'REPLACEMENT_ORDERS')
  })

  t.test('the merchant API login keeps working for placeOrder', async (t) => {
    const reply = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
    t.equal(reply.result?.Status, 'AUTHRECEIVED')
    t.equal(reply.result?.ExtraInformation, null, 'no PlacedBy on a merchant API order')
  })
  t.test('a wrong password, an unknown user and an unknown merchant get one answer; failures for other names do not block the right password', async (t) => {
    const wrong = await ta.rpc('loginUser', [m.code, 'agent2', 'wrong password!'])
    const unknownUser = await ta.rpc('loginUser', [m.code, 'nobody', STAFF_PASSWORD])
    const unknownMerchant = await ta.rpc('loginUser', ['NOSUCHMERCHANT', 'agent2', STAFF_PASSWORD])
    for (const reply of [wrong, unknownUser, unknownMerchant]) {
      t.equal(reply.error?.code, 10000)
      t.equal(reply.error?.data.error_code, 'AUTHENTICATION_FAILED')
    }
    t.equal(wrong.error?.message, unknownUser.error?.message)
    const right = await ta.rpc('loginUser', [m.code, 'agent2', STAFF_PASSWORD])
    t.match(right.result, /^[0-9a-f]{64}$/, 'failures are counted per (user, address): three for other names do not lock agent2 out')
  })
})
