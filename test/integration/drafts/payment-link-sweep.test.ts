import t, { type Test } from 'tap'
import { CompiledQuery, sql } from 'kysely'
import * as addPendingPaymentLinkExpiryIndex from '../../../migrations/202612060010_add_pending_payment_link_expiry_index.js'
import { createFakeClock } from '../../../src/clock.js'
import { sweepOrders } from '../../../src/orders/order-sweeps.js'
import { expireOverduePaymentLinksStatement } from '../../../src/orders/payment-link-store.js'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

// Payment links past their expiry are written EXPIRED by the sweep (issue 19 item 2), on
// PostgreSQL and on the embedded backend; a payment and the sweep at the same moment end in one
// outcome: PAID with its order, or EXPIRED with none.

const CARD = { HolderName: 'John Doe', CardNumber: '4111111111111111', ExpirationMonth: '12', ExpirationYear: '2030', CCID: '123' }
const MINUTE = 60_000

function draftOrder (): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }] })
  return order
}

const tokenOf = (url: string): string => new URL(url).searchParams.get('token') ?? ''
const pathOf = (url: string): string => new URL(url).pathname

async function payJson (ta: TestApp, url: string) {
  const response = await ta.app.inject({ method: 'POST', url: pathOf(url), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: tokenOf(url), ...CARD }) })
  return { statusCode: response.statusCode, json: JSON.parse(response.body) }
}

async function newLink (ta: TestApp, agent: string, minutes: number): Promise<{ draftId: number, link: any }> {
  const draft = await ta.rpc('createDraft', [agent, draftOrder(), {}])
  if (draft.error !== undefined) throw new Error(JSON.stringify(draft.error))
  const link = await ta.rpc('createPaymentLink', [agent, draft.result.DraftId, draft.result.Version, minutes])
  if (link.error !== undefined) throw new Error(JSON.stringify(link.error))
  return { draftId: draft.result.DraftId, link: link.result }
}

const linkRow = async (ta: TestApp, id: number) => await ta.db.db.selectFrom('payment_links').select(['status', 'closed_at', 'order_id']).where('id', '=', BigInt(id)).executeTakeFirstOrThrow()
const ordersOfDraft = async (ta: TestApp, draftId: number) => Number((await ta.db.db.selectFrom('drafts').select('order_id').where('id', '=', BigInt(draftId)).executeTakeFirstOrThrow()).order_id !== null)

for (const [backend, makeDb] of [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]] as Array<[string, () => Promise<TestDb>]>) {
  t.test(`on ${backend}`, async (t: Test) => {
    t.test('the sweep writes a link past its expiry EXPIRED, once; getPaymentLink and the page answer EXPIRED; its draft stays OPEN; a PAID or unexpired link is untouched', async (t) => {
      const ta = await createTestApp(t, {}, await makeDb())
      const m = await staffMerchant(ta)
      const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
      const short = await newLink(ta, agent, 5)
      const long = await newLink(ta, agent, 60)
      const paid = await newLink(ta, agent, 5)
      t.equal((await payJson(ta, paid.link.Url)).statusCode, 200, 'one link is paid before its expiry')

      ta.clock.advance(5 * MINUTE - 1)
      t.same((await sweepOrders(ta.deps)).expiredPaymentLinks, [], 'a millisecond early nothing expires')
      t.equal((await linkRow(ta, short.link.LinkId)).status, 'PENDING')
      ta.clock.advance(1)
      t.same(await sweepOrders(ta.deps), { canceled: [], abandoned: [], completed: [], reversed: [], expiredDrafts: [], expiredPaymentLinks: [String(short.link.LinkId)] }, 'at 5 minutes the short link expires')
      t.same(await linkRow(ta, short.link.LinkId), { status: 'EXPIRED', closed_at: new Date('2026-11-23T10:05:00.000Z'), order_id: null }, 'written EXPIRED, closed at its expiry')
      t.same((await sweepOrders(ta.deps)).expiredPaymentLinks, [], 'once')
      t.equal((await linkRow(ta, paid.link.LinkId)).status, 'PAID', 'the paid link stays PAID')
      t.equal((await linkRow(ta, long.link.LinkId)).status, 'PENDING', 'the unexpired link stays PENDING')

      const { Url: _url, ...shown } = short.link
      t.same((await ta.rpc('getPaymentLink', [agent, short.link.LinkId])).result, { ...shown, Status: 'EXPIRED' }, 'getPaymentLink: EXPIRED, the rest as made')
      const page = await ta.app.inject({ method: 'GET', url: `${pathOf(short.link.Url)}?token=${tokenOf(short.link.Url)}` })
      t.equal(page.statusCode, 410)
      t.match(page.body, /This payment link has expired/)
      const refused = await payJson(ta, short.link.Url)
      t.same({ code: refused.statusCode, reason: refused.json.error?.reason, status: refused.json.error?.Status }, { code: 410, reason: 'PAYMENT_LINK_NOT_PENDING', status: 'EXPIRED' }, 'paying it is refused')
      t.equal(await ordersOfDraft(ta, short.draftId), 0, 'no order')
      t.match((await ta.rpc('getDraft', [agent, short.draftId])).result, { Status: 'OPEN' }, 'the draft stays OPEN (it expires by its own expiry)')
      const again = await ta.rpc('createPaymentLink', [agent, short.draftId, 1])
      t.match(again.result, { Status: 'PENDING' }, 'and staff can make it a new link')
      t.equal((await payJson(ta, again.result.Url)).statusCode, 200, 'which pays')
      t.equal((await linkRow(ta, short.link.LinkId)).status, 'EXPIRED', 'the expired link stays EXPIRED')
    })

    t.test('the sweep\'s statement reads overdue PENDING links through payment_links_pending_expiry_idx; its migration goes down and up', async (t) => {
      const db = await makeDb()
      t.teardown(() => db.close())
      // EXPLAIN with sequential scans off (an empty table makes the planner prefer them): the
      // index must serve the time condition itself, not only PENDING (which the one-PENDING-link-
      // per-draft index could also give, by reading every PENDING link).
      const statement = expireOverduePaymentLinksStatement(db.db, new Date('2026-11-23T10:00:00Z'), 100).compile()
      const plan = await db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'))
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]))
        return rows.map((r) => r['QUERY PLAN']).join('\n')
      })
      t.match(plan, /Index (Only )?Scan using payment_links_pending_expiry_idx on payment_links[^\n]*\n\s+Index Cond: \(expires_at <= /, 'the index gives the overdue links')

      const indexes = async () => (await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'payment_links' and indexname like 'payment_links_pending_%'`.execute(db.db)).rows.map((r) => r.indexname).sort()
      t.same(await indexes(), ['payment_links_pending_draft_idx', 'payment_links_pending_expiry_idx'], 'migrated: both partial indexes')
      await addPendingPaymentLinkExpiryIndex.down(db.db)
      t.same(await indexes(), ['payment_links_pending_draft_idx'], 'down: the expiry index is gone, the one-PENDING-per-draft index stays')
      await addPendingPaymentLinkExpiryIndex.up(db.db)
      t.same(await indexes(), ['payment_links_pending_draft_idx', 'payment_links_pending_expiry_idx'], 'up again: as migrated')
    })

    t.test('paying and sweeping at the expiry end in one outcome each round: PAID with one order, or EXPIRED with none', async (t) => {
      const ta = await createTestApp(t, {}, await makeDb())
      const m = await staffMerchant(ta)
      const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
      // The customer's instance reads the clock a millisecond before the expiry, the sweeping instance at it.
      const sweepClock = createFakeClock(ta.clock.now())
      const sweepDeps = { ...ta.deps, clock: sweepClock }
      const tally = { paid: 0, expired: 0 }
      const rounds = 20
      const start = ta.clock.now()
      for (let round = 0; round < rounds; round++) {
        // every round from the same moment: the agent's session stays fresh, each earlier link is PAID or EXPIRED
        ta.clock.set(start)
        const { draftId, link } = await newLink(ta, agent, 1)
        const expiry = ta.clock.now().getTime() + MINUTE
        ta.clock.set(new Date(expiry - 1))
        sweepClock.set(new Date(expiry))
        // the sweeps start 0 to 12 ms after the payment, so some rounds the payment holds the link first, some the sweep
        const later = async () => { await new Promise((resolve) => setTimeout(resolve, (round % 5) * 3)); return await sweepOrders(sweepDeps) }
        // rounds 0 and 1 force each outcome (sweep first, then payment first), so both branches below are checked whatever the timing; the others race
        const [pay, swept, swept2] = round === 0
          ? await (async () => { const a = await sweepOrders(sweepDeps); const b = await sweepOrders(sweepDeps); return [await payJson(ta, link.Url), a, b] as const })()
          : round === 1
            ? await (async () => { const paid = await payJson(ta, link.Url); return [paid, await sweepOrders(sweepDeps), await sweepOrders(sweepDeps)] as const })()
            : await Promise.all([payJson(ta, link.Url), later(), later()])
        const row = await linkRow(ta, link.LinkId)
        const sweptIt = [...swept.expiredPaymentLinks, ...swept2.expiredPaymentLinks].filter((id) => id === String(link.LinkId))
        if (pay.statusCode === 200) {
          tally.paid++
          t.same({ status: row.status, order: row.order_id !== null, swept: sweptIt.length, orders: await ordersOfDraft(ta, draftId) }, { status: 'PAID', order: true, swept: 0, orders: 1 }, `round ${round}: paid, not expired`)
          t.equal(pay.json.Status, 'PAID')
        } else {
          tally.expired++
          t.same({ status: row.status, order: row.order_id !== null, swept: sweptIt.length, orders: await ordersOfDraft(ta, draftId) }, { status: 'EXPIRED', order: false, swept: 1, orders: 0 }, `round ${round}: expired once, no order`)
          t.same({ code: pay.statusCode, status: pay.json.error?.Status }, { code: 410, status: 'EXPIRED' }, `round ${round}: the customer is told it expired`)
        }
      }
      t.equal(tally.paid + tally.expired, rounds)
      t.ok(tally.paid > 0 && tally.expired > 0, 'both outcomes were seen (the paid and the expired checks above both ran)')
      t.comment(`paid ${tally.paid}, expired ${tally.expired}`)
      const total = Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
      t.equal(total, tally.paid, 'an order for each paid link, none for an expired one')
    })
  })
}
