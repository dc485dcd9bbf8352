import t from 'tap'
import { up as grantSupervisorsRecordPayments } from '../../migrations/202612012110_grant_supervisors_record_payments.js'
import { up as grantSupervisorsCustomLineItems } from '../../migrations/202612041030_grant_supervisors_custom_line_items.js'
import { down as revokeRefundsAndResend, up as grantSupervisorsRefundsAndResend } from '../../migrations/202612046000_grant_supervisors_refunds_and_resend.js'
import { createMerchantUser } from '../../src/auth/merchant-users.js'
import { createTestApp } from '../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../helpers/db.js'

// Issue 16 finding 2 made approvePurchaseOrder / markOrderPaid need RECORD_PAYMENTS. Users made
// SUPERVISOR before it existed hold the five earlier privileges; the migration gives them the new
// one and nobody else. The same SQL on both backends.
const BACKENDS: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]
const EARLIER_ALL = ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS', 'REPLACEMENT_ORDERS', 'APPROVE_FRAUD', 'CANCEL_ORDERS']

for (const [backend, createDb] of BACKENDS) {
  t.test(`on ${backend}: users with every earlier privilege (the old SUPERVISOR) gain RECORD_PAYMENTS, other users do not`, async (t) => {
    const ta = await createTestApp(t, {}, await createDb())
    const merchant = await ta.merchant()
    const { id } = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
    const make = async (username: string, privileges: string[]) => {
      const user = await createMerchantUser(ta.db.db, id, { username, password: 'a-long-password', privileges: ['AGENT'] })
      // As the older version stored them (no RECORD_PAYMENTS existed).
      await ta.db.db.updateTable('merchant_users').set({ privileges }).where('id', '=', user.id).execute()
      return user.id
    }
    const oldSupervisor = await make('old-supervisor', EARLIER_ALL)
    const agent = await make('agent', ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'])
    const almost = await make('almost', EARLIER_ALL.slice(1))

    await grantSupervisorsRecordPayments(ta.db.db)
    await grantSupervisorsRecordPayments(ta.db.db) // twice: granted once, never duplicated

    const rows = await ta.db.db.selectFrom('merchant_users').select(['id', 'privileges']).where('merchant_id', '=', id).execute()
    const of = (userId: bigint) => rows.find((row) => row.id === userId)?.privileges
    t.same(of(oldSupervisor), [...EARLIER_ALL, 'RECORD_PAYMENTS'], 'the old supervisor gains RECORD_PAYMENTS, once')
    t.same(of(agent), ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'], 'an agent gains nothing')
    t.same(of(almost), EARLIER_ALL.slice(1), 'a user missing one earlier privilege gains nothing')
  })
}

// Issue 19 item 6 opened issueRefund and resendIpn to staff with REFUND_ORDERS and
// RESEND_NOTIFICATIONS: the users holding the six earlier privileges (SUPERVISORs made before)
// get both, nobody else; down takes them away again.
const EARLIER_SIX = [...EARLIER_ALL, 'RECORD_PAYMENTS']
for (const [backend, createDb] of BACKENDS) {
  t.test(`on ${backend}: users with every earlier privilege gain REFUND_ORDERS and RESEND_NOTIFICATIONS, other users do not`, async (t) => {
    const ta = await createTestApp(t, {}, await createDb())
    const merchant = await ta.merchant()
    const { id } = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
    const make = async (username: string, privileges: string[]) => {
      const user = await createMerchantUser(ta.db.db, id, { username, password: 'a-long-password', privileges: ['AGENT'] })
      await ta.db.db.updateTable('merchant_users').set({ privileges }).where('id', '=', user.id).execute()
      return user.id
    }
    const oldSupervisor = await make('old-supervisor', EARLIER_SIX)
    const refunder = await make('refunder', ['PLACE_ORDERS_ON_BEHALF', 'REFUND_ORDERS'])
    const noPayments = await make('no-payments', EARLIER_ALL)

    await grantSupervisorsRefundsAndResend(ta.db.db)
    await grantSupervisorsRefundsAndResend(ta.db.db) // twice: granted once, never duplicated

    const read = async () => await ta.db.db.selectFrom('merchant_users').select(['id', 'privileges']).where('merchant_id', '=', id).execute()
    const of = (rows: Array<{ id: bigint, privileges: string[] }>, userId: bigint) => rows.find((row) => row.id === userId)?.privileges
    const rows = await read()
    t.same(of(rows, oldSupervisor), [...EARLIER_SIX, 'REFUND_ORDERS', 'RESEND_NOTIFICATIONS'], 'the old supervisor gains both, once')
    t.same(of(rows, refunder), ['PLACE_ORDERS_ON_BEHALF', 'REFUND_ORDERS'], 'a user without every earlier privilege gains nothing')
    t.same(of(rows, noPayments), EARLIER_ALL, 'a user missing RECORD_PAYMENTS gains nothing')

    await revokeRefundsAndResend(ta.db.db)
    const after = await read()
    t.same(of(after, oldSupervisor), EARLIER_SIX, 'down takes both away')
    t.same(of(after, refunder), ['PLACE_ORDERS_ON_BEHALF'], 'from everyone')
  })
}

// Issue 19: Assisted.CustomItems needs CUSTOM_LINE_ITEMS; users holding the six privileges before
// it (the SUPERVISOR of then) get it, nobody else.
const EARLIER_CUSTOM = [...EARLIER_ALL, 'RECORD_PAYMENTS']
for (const [backend, createDb] of BACKENDS) {
  t.test(`on ${backend}: users with every privilege before CUSTOM_LINE_ITEMS gain it, other users do not`, async (t) => {
    const ta = await createTestApp(t, {}, await createDb())
    const merchant = await ta.merchant()
    const { id } = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
    const make = async (username: string, privileges: string[]) => {
      const user = await createMerchantUser(ta.db.db, id, { username, password: 'a-long-password', privileges: ['AGENT'] })
      await ta.db.db.updateTable('merchant_users').set({ privileges }).where('id', '=', user.id).execute()
      return user.id
    }
    const oldSupervisor = await make('old-supervisor', EARLIER_CUSTOM)
    const agent = await make('agent', ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'])
    const almost = await make('almost', EARLIER_ALL)

    await grantSupervisorsCustomLineItems(ta.db.db)
    await grantSupervisorsCustomLineItems(ta.db.db)

    const rows = await ta.db.db.selectFrom('merchant_users').select(['id', 'privileges']).where('merchant_id', '=', id).execute()
    const of = (userId: bigint) => rows.find((row) => row.id === userId)?.privileges
    t.same(of(oldSupervisor), [...EARLIER_CUSTOM, 'CUSTOM_LINE_ITEMS'], 'the old supervisor gains CUSTOM_LINE_ITEMS, once')
    t.same(of(agent), ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'], 'an agent gains nothing')
    t.same(of(almost), EARLIER_ALL, 'a user missing RECORD_PAYMENTS gains nothing')
  })
}
