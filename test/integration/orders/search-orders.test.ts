import { CompiledQuery, sql, type KyselyPlugin } from 'kysely'
import t, { type Test } from 'tap'
import * as addOrderSearchIndexes from '../../../migrations/202612031000_add_order_search_indexes.js'
import type { Privilege } from '../../../src/auth/merchant-users.js'
import { searchStoredOrders, searchOrdersStatement, type OrderFilter } from '../../../src/orders/order-search-store.js'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, gmdate, type TestApp } from '../../helpers/app.js'
import { staffMerchant, type Staff } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'

// searchOrders (issue 18, item 1): 2Checkout's orderSearchOptions and Pagination, ordergate's
// customer and product filters, newest first, each item as getOrder answers it; on PostgreSQL
// and on the embedded backend.

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]
const HOUR = 3_600_000
const DAY = 24 * HOUR
const ON_BEHALF: Privilege = 'PLACE_ORDERS_ON_BEHALF'

type WireOrder = Record<string, any>
type Placed = { name: string, order: WireOrder, at: Date }

const day = (date: Date) => date.toISOString().slice(0, 10)
const billing = (email: string) => ({ ...testCardOrder().BillingDetails, Email: email, Company: 'Search Co' })
const poPayment = { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-S', AutoApprove: true } }

/** Places an order, moves its OrderDate `ago` ms before now, and answers it as getOrder does. */
async function place (t: Test, ta: TestApp, session: string, name: string, ago: number, order: Record<string, unknown>): Promise<Placed> {
  const reply = await ta.rpc('placeOrder', [session, order])
  t.notOk(reply.error, `${name} placed (${JSON.stringify(reply.error)})`)
  const at = new Date(ta.clock.now().getTime() - ago)
  await ta.db.db.updateTable('orders').set({ order_date: at }).where('ref_no', '=', BigInt(reply.result.RefNo)).execute()
  return { name, order: (await ta.rpc('getOrder', [session, reply.result.RefNo])).result, at }
}

/** Merchant A's five orders (A5 is 10 days old: outside the default 7 days) and merchant B's one. */
async function orders (t: Test, ta: TestApp, a: Staff, b: Staff) {
  const customer = await ta.rpc('createCustomer', [a.staffSession, { CustomerReference: 990001, FirstName: 'Alice', LastName: 'Ay', Email: 'alice@example.com' }])
  t.notOk(customer.error, JSON.stringify(customer.error))
  const A1 = await place(t, ta, a.apiSession, 'A1', 1 * HOUR, testCardOrder({ ExternalReference: 'S-1', CustomerReference: 990001, BillingDetails: billing('alice@example.com') }))
  const A2 = await place(t, ta, a.apiSession, 'A2', 2 * HOUR, withCard(testCardOrder({ ExternalReference: 'S-2', BillingDetails: billing('bob@example.com'), Items: [{ Code: 'ADDON-1', Quantity: 1 }] }), { CardNumber: SANDBOX_CARDS.DECLINE }))
  const po = await place(t, ta, a.apiSession, 'A3', 3 * HOUR, testCardOrder({
    ExternalReference: 'S-3',
    CustomerReference: 990001,
    BillingDetails: billing('Alice@Example.COM'),
    PaymentDetails: poPayment,
    Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }]
  }))
  t.match((await ta.rpc('markOrderPaid', [a.apiSession, po.order.RefNo])).result, { Status: 'COMPLETE' }, 'A3 is paid: COMPLETE')
  const A3 = { ...po, order: (await ta.rpc('getOrder', [a.apiSession, po.order.RefNo])).result }
  const A4 = await place(t, ta, a.apiSession, 'A4', 3 * DAY, testCardOrder({ ExternalReference: 'S-4', BillingDetails: billing('carol@example.com') }))
  const A5 = await place(t, ta, a.apiSession, 'A5', 10 * DAY, testCardOrder({ ExternalReference: 'S-5', BillingDetails: billing('alice@example.com') }))
  const B1 = await place(t, ta, b.apiSession, 'B1', HOUR / 2, testCardOrder({ ExternalReference: 'S-1', CustomerReference: 990001, BillingDetails: billing('alice@example.com') }))
  return { A1, A2, A3, A4, A5, B1, customerId: customer.result.CustomerId as number }
}

for (const [backend, open] of backends) {
  t.test(`on ${backend}, searchOrders filters a merchant's orders by 2Checkout's options and ordergate's, newest first, each item as getOrder answers it`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const a = await staffMerchant(ta)
    const b = await staffMerchant(ta)
    const o = await orders(t, ta, a, b)
    const { A1, A2, A3, A4, A5 } = o
    t.equal(A1.order.Status, 'AUTHRECEIVED')
    t.equal(A2.order.Status, 'PENDING')
    t.equal(A3.order.ApproveStatus, 'OK')
    const search = async (options: unknown, session = a.apiSession) => await ta.rpc('searchOrders', [session, options])

    const cases: Array<[string, Record<string, unknown> | null | undefined, Placed[]]> = [
      ['no options: the last 7 days', undefined, [A1, A2, A3, A4]],
      ['null options: the same', null, [A1, A2, A3, A4]],
      ['StartDate: from that day on', { StartDate: day(A5.at) }, [A1, A2, A3, A4, A5]],
      ['StartDate and EndDate: EndDate is the whole day', { StartDate: day(A5.at), EndDate: day(A4.at) }, [A4, A5]],
      ['EndDate alone: the 7 days up to that day', { EndDate: day(A4.at) }, [A4]],
      ['EndDate alone, 10 days ago: the 7 days up to it', { EndDate: day(A5.at) }, [A5]],
      ['Newer as YYYY-MM-DD HH:mm:ss: at or after', { Newer: gmdate(A3.at) }, [A1, A2, A3]],
      ['Newer as Unix seconds', { Newer: Math.floor(A2.at.getTime() / 1000) }, [A1, A2]],
      ['Newer as YYYY-MM-DD', { Newer: day(A5.at) }, [A1, A2, A3, A4, A5]],
      ['StartDate overrides Newer', { StartDate: day(A5.at), Newer: gmdate(A1.at) }, [A1, A2, A3, A4, A5]],
      ['Status', { Status: 'AUTHRECEIVED' }, [A1, A4]],
      ['Status COMPLETE', { Status: 'COMPLETE' }, [A3]],
      ['Status with StartDate', { Status: 'AUTHRECEIVED', StartDate: day(A5.at) }, [A1, A4, A5]],
      ['ApproveStatus OK', { ApproveStatus: 'OK', StartDate: day(A5.at) }, [A1, A2, A3, A4, A5].filter((p) => p.order.ApproveStatus === 'OK')],
      ['ApproveStatus WAITING', { ApproveStatus: 'WAITING', StartDate: day(A5.at) }, [A1, A2, A3, A4, A5].filter((p) => p.order.ApproveStatus === 'WAITING')],
      ['ApproveStatus FRAUD: none stored so', { ApproveStatus: 'FRAUD' }, []],
      ['ExternalRefNo: this merchant\'s only', { ExternalRefNo: 'S-1' }, [A1]],
      ['ExternalRefNo unknown', { ExternalRefNo: 'S-9' }, []],
      ['CustomerEmail, in any case', { CustomerEmail: 'ALICE@example.com' }, [A1, A3]],
      ['CustomerEmail with StartDate', { CustomerEmail: 'alice@example.com', StartDate: day(A5.at) }, [A1, A3, A5]],
      ['CustomerReference', { CustomerReference: 990001 }, [A1, A3]],
      ['CustomerId', { CustomerId: o.customerId }, [A1, A3]],
      ['ProductCode: an order with a line of it', { ProductCode: 'ADDON-1' }, [A2, A3]],
      ['Status and CustomerEmail together', { Status: 'COMPLETE', CustomerEmail: 'alice@example.com' }, [A3]],
      ['ProductCode and Status together', { ProductCode: 'my_subscription_1', Status: 'AUTHRECEIVED' }, [A1, A4]],
      ['PartnerOrders changes nothing', { PartnerOrders: true }, [A1, A2, A3, A4]]
    ]
    for (const [label, options, expected] of cases) {
      const reply = await search(options)
      t.same(reply, {
        jsonrpc: '2.0',
        id: 1,
        result: { Items: expected.map((p) => p.order), Pagination: { Page: 1, Limit: 10, Count: expected.length } }
      }, `${label}: ${expected.map((p) => p.name).join(', ') || 'none'}`)
    }

    // Pages of 2 over the five orders: Count is the total on every page; past the last, no items.
    const all = { StartDate: day(A5.at) }
    const pages: Array<[number, Placed[]]> = [[1, [A1, A2]], [2, [A3, A4]], [3, [A5]], [4, []]]
    for (const [page, expected] of pages) {
      t.same((await search({ ...all, Pagination: { Page: page, Limit: 2 } })).result, {
        Items: expected.map((p) => p.order),
        Pagination: { Page: page, Limit: 2, Count: 5 }
      }, `page ${page} of 2: ${expected.map((p) => p.name).join(', ') || 'none'}, Count 5`)
    }
    t.same((await search({ ...all, Pagination: { Limit: 3 } })).result.Pagination, { Page: 1, Limit: 3, Count: 5 }, 'Page defaults to 1')
    t.same((await search({ ...all, Pagination: {} })).result.Pagination, { Page: 1, Limit: 10, Count: 5 }, 'an empty Pagination: page 1 of 10')
    t.same((await search({ ...all, Pagination: { Limit: 200 } })).result.Items.length, 5, 'Limit 200 (2Checkout\'s maximum) is allowed')

    // Orders of one instant come newest id first, the same on every call.
    await ta.db.db.updateTable('orders').set({ order_date: A2.at }).where('ref_no', 'in', [BigInt(A1.order.RefNo), BigInt(A2.order.RefNo)]).execute()
    const tied = (await search({ Newer: gmdate(A2.at) })).result.Items.map((i: WireOrder) => i.RefNo)
    t.same(tied, [A2.order.RefNo, A1.order.RefNo].sort().reverse(), 'a tie on OrderDate: the later RefNo (the later order) first')
  })

  t.test(`on ${backend}, searchOrders refuses bad options with INVALID_PARAMS naming each field`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const a = await staffMerchant(ta)
    const refusals: Array<[string, unknown, Array<[string, string]>]> = [
      ['an unknown option', { Foo: 1 }, [['orderSearchOptions.Foo', 'FIELD_UNKNOWN']]],
      ['an unknown Pagination field', { Pagination: { Page: 1, Offset: 5 } }, [['orderSearchOptions.Pagination.Offset', 'FIELD_UNKNOWN']]],
      ['Limit over 2Checkout\'s 200', { Pagination: { Limit: 201 } }, [['orderSearchOptions.Pagination.Limit', 'FIELD_OUT_OF_RANGE']]],
      ['Limit 0', { Pagination: { Limit: 0 } }, [['orderSearchOptions.Pagination.Limit', 'FIELD_OUT_OF_RANGE']]],
      ['Page 0', { Pagination: { Page: 0 } }, [['orderSearchOptions.Pagination.Page', 'FIELD_OUT_OF_RANGE']]],
      ['a fractional Page', { Pagination: { Page: 1.5 } }, [['orderSearchOptions.Pagination.Page', 'FIELD_TYPE_INVALID']]],
      ['a Limit as text', { Pagination: { Limit: '10' } }, [['orderSearchOptions.Pagination.Limit', 'FIELD_TYPE_INVALID']]],
      ['a day that does not exist', { StartDate: '2026-02-30' }, [['orderSearchOptions.StartDate', 'FIELD_INVALID']]],
      ['StartDate with a time', { StartDate: '2026-11-23 10:00:00' }, [['orderSearchOptions.StartDate', 'FIELD_INVALID']]],
      ['EndDate in another format', { EndDate: '23/11/2026' }, [['orderSearchOptions.EndDate', 'FIELD_INVALID']]],
      ['EndDate before StartDate', { StartDate: '2026-11-20', EndDate: '2026-11-19' }, [['orderSearchOptions.EndDate', 'FIELD_INVALID']]],
      ['Newer as words', { Newer: 'yesterday' }, [['orderSearchOptions.Newer', 'FIELD_INVALID']]],
      ['Newer at 25 o\'clock', { Newer: '2026-11-23 25:00:00' }, [['orderSearchOptions.Newer', 'FIELD_INVALID']]],
      ['Newer as fractional seconds', { Newer: 1.5 }, [['orderSearchOptions.Newer', 'FIELD_INVALID']]],
      ['a Status 2Checkout does not have', { Status: 'DONE' }, [['orderSearchOptions.Status', 'FIELD_INVALID']]],
      ['a Status in lower case', { Status: 'complete' }, [['orderSearchOptions.Status', 'FIELD_INVALID']]],
      ['an ApproveStatus 2Checkout does not have', { ApproveStatus: 'APPROVED' }, [['orderSearchOptions.ApproveStatus', 'FIELD_INVALID']]],
      ['a CustomerEmail that is not one', { CustomerEmail: 'not-an-email' }, [['orderSearchOptions.CustomerEmail', 'FIELD_INVALID']]],
      ['a negative CustomerReference', { CustomerReference: -1 }, [['orderSearchOptions.CustomerReference', 'FIELD_OUT_OF_RANGE']]],
      ['an empty ExternalRefNo', { ExternalRefNo: '' }, [['orderSearchOptions.ExternalRefNo', 'FIELD_REQUIRED']]],
      ['options that are not an object', 'everything', [['orderSearchOptions', 'FIELD_TYPE_INVALID']]],
      ['several at once, each named', { Foo: 1, Status: 'DONE', Pagination: { Limit: 500 } }, [
        ['orderSearchOptions.Status', 'FIELD_INVALID'], ['orderSearchOptions.Pagination.Limit', 'FIELD_OUT_OF_RANGE'], ['orderSearchOptions.Foo', 'FIELD_UNKNOWN']
      ]]
    ]
    for (const [label, options, fields] of refusals) {
      const reply = await ta.rpc('searchOrders', [a.apiSession, options])
      t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: -32602, message: /^Invalid params: orderSearchOptions/, data: { error_code: 'INVALID_PARAMS' } } }, `${label}: INVALID_PARAMS`)
      const got = (reply.error?.data?.fields ?? []).map((f: { path: string, error_code: string }) => [f.path, f.error_code])
      t.same([...got].sort(), [...fields].sort(), `${label}: names ${fields.map((f) => f[0]).join(', ')}`)
      t.notOk(reply.result, `${label}: no result`)
    }
    t.match(await ta.rpc('searchOrders', [a.apiSession, {}, 'extra']), { error: { code: -32602, data: { fields: [{ path: 'params', error_code: 'PARAMS_TOO_MANY' }] } } }, 'a third positional param is refused')
    t.match(await ta.rpc('searchOrders', { sessionID: a.apiSession, orderSearchOptions: { Status: 'COMPLETE' } }), { result: { Items: [], Pagination: { Page: 1, Limit: 10, Count: 0 } } }, 'params by name work too')
  })

  t.test(`on ${backend}, staff with PLACE_ORDERS_ON_BEHALF search as the merchant does; others are refused; no merchant sees another's orders`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const a = await staffMerchant(ta)
    const b = await staffMerchant(ta)
    const o = await orders(t, ta, a, b)
    const options = { StartDate: day(o.A5.at) }
    const asMerchant = await ta.rpc('searchOrders', [a.apiSession, options])
    t.equal(asMerchant.result.Pagination.Count, 5, 'the merchant finds its five orders')

    const agent = await a.userSession([ON_BEHALF])
    t.same(await ta.rpc('searchOrders', [agent, options]), asMerchant, 'a user with only PLACE_ORDERS_ON_BEHALF gets the same answer')
    t.same(await ta.rpc('searchOrders', [a.staffSession, options]), asMerchant, 'a supervisor too')
    for (const [label, session] of [['a user without privileges', a.noPrivilegeSession], ['a user with only CANCEL_ORDERS', await a.userSession(['CANCEL_ORDERS'])]] as const) {
      const reply = await ta.rpc('searchOrders', [session, options])
      t.match(reply, { id: 1, error: { code: 10004, message: /PLACE_ORDERS_ON_BEHALF/, data: { error_code: 'NOT_ALLOWED', privilege: ON_BEHALF, privileges: [ON_BEHALF] } } }, `${label}: NOT_ALLOWED naming PLACE_ORDERS_ON_BEHALF`)
      t.notOk(reply.result, `${label}: no orders`)
    }
    t.match(await ta.rpc('searchOrders', ['0'.repeat(64), options]), { error: { code: 10001, data: { error_code: 'INVALID_SESSION' } } }, 'an unknown session: INVALID_SESSION')

    // B, with the same ExternalRefNo, e-mail and CustomerReference, sees only B1; A's customer id finds nothing.
    const bOnly = { Items: [o.B1.order], Pagination: { Page: 1, Limit: 10, Count: 1 } }
    const empty = { Items: [], Pagination: { Page: 1, Limit: 10, Count: 0 } }
    for (const [label, session] of [['B\'s API session', b.apiSession], ['B\'s supervisor', b.staffSession]] as const) {
      t.same((await ta.rpc('searchOrders', [session, options])).result, bOnly, `${label}: only B's order`)
      t.same((await ta.rpc('searchOrders', [session, { ...options, ExternalRefNo: 'S-1' }])).result, bOnly, `${label}: ExternalRefNo S-1 is B's`)
      t.same((await ta.rpc('searchOrders', [session, { ...options, CustomerEmail: 'alice@example.com' }])).result, bOnly, `${label}: alice's orders at B only`)
      t.same((await ta.rpc('searchOrders', [session, { ...options, CustomerReference: 990001 }])).result, bOnly, `${label}: B's customer 990001 only`)
      t.same((await ta.rpc('searchOrders', [session, { ...options, CustomerId: o.customerId }])).result, empty, `${label}: A's customer id finds nothing`)
      t.same((await ta.rpc('searchOrders', [session, { ...options, ProductCode: 'ADDON-1' }])).result, empty, `${label}: A's product lines are not B's`)
    }
    t.notOk(JSON.stringify((await ta.rpc('searchOrders', [b.apiSession, options])).result).includes(o.A1.order.RefNo), 'none of A\'s RefNos in B\'s answer')
  })

  t.test(`on ${backend}, a page is read in ONE statement whatever its size, and each filter's plan uses its index`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const a = await staffMerchant(ta)
    const b = await staffMerchant(ta)
    const o = await orders(t, ta, a, b)
    let statements = 0
    // transformResult runs once per statement sent (transformQuery also runs for each embedded builder)
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => { statements++; return args.result }
    }
    const counted = ta.db.db.withPlugin(counter)
    const from = new Date(o.A5.at.getTime() - DAY)
    for (const limit of [1, 5, 200]) {
      statements = 0
      const page = await searchStoredOrders(counted, a.merchantId, { from }, { offset: 0, limit })
      t.equal(page.orders.length, Math.min(limit, 5), `a page of ${limit}: ${Math.min(limit, 5)} orders`)
      t.equal(page.count, 5, 'and the count of all')
      t.equal(statements, 1, `a page of ${limit}: one statement`)
    }
    statements = 0
    t.same(await searchStoredOrders(counted, a.merchantId, { from }, { offset: 10, limit: 10 }), { orders: [], count: 5 }, 'a page past the last: no orders, the count still')
    t.equal(statements, 1, 'one statement too')

    // EXPLAIN with sequential scans off (a few rows make the planner prefer them): the index each
    // filter is built for can serve it (a mistyped expression, or a column order that cannot
    // give newest-first, would not).
    const plans: Array<[string, Omit<OrderFilter, 'from'>, string]> = [
      ['the date range', {}, 'orders_merchant_date_idx'],
      ['Status', { status: 'COMPLETE' }, 'orders_merchant_status_date_idx'],
      ['ExternalRefNo', { externalReference: 'S-1' }, 'orders_merchant_external_reference_idx'],
      ['CustomerEmail', { email: 'alice@example.com' }, 'orders_merchant_email_idx'],
      ['CustomerId', { customerId: BigInt(o.customerId) }, 'orders_customer_date_idx'],
      ['CustomerReference', { customerReference: 990001n }, 'orders_customer_date_idx'],
      ['ProductCode', { productCode: 'ADDON-1' }, 'order_items_product_code_idx']
    ]
    for (const [label, filter, index] of plans) {
      const statement = searchOrdersStatement(ta.db.db, a.merchantId, { from, ...filter }, { offset: 0, limit: 10 }).compile(ta.db.db)
      const plan = await ta.db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'))
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]))
        return rows.map((r) => r['QUERY PLAN']).join('\n')
      })
      t.match(plan, index, `${label}: the plan uses ${index}`)
    }
  })
}

for (const [backend, open] of backends) {
  t.test(`on ${backend}, the search indexes' migration goes down and up again`, async (t) => {
    const db = await open()
    t.teardown(() => db.close())
    const SEARCH_INDEXES = ['order_items_product_code_idx', 'orders_customer_date_idx', 'orders_merchant_date_idx', 'orders_merchant_email_idx', 'orders_merchant_external_reference_idx', 'orders_merchant_status_date_idx']
    const indexes = async () => (await sql<{ indexname: string }>`select indexname from pg_indexes where tablename in ('orders', 'order_items')`.execute(db.db)).rows
      .map((r) => r.indexname).filter((name) => SEARCH_INDEXES.includes(name) || name === 'orders_customer_idx').sort()
    t.same(await indexes(), SEARCH_INDEXES, 'migrated: the search indexes, not orders_customer_idx')
    await addOrderSearchIndexes.down(db.db)
    t.same(await indexes(), ['orders_customer_idx'], 'down: orders_customer_idx is back, the search indexes are gone')
    await addOrderSearchIndexes.up(db.db)
    t.same(await indexes(), SEARCH_INDEXES, 'up again: as migrated')
  })
}
