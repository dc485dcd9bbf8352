import { readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import { AppError } from '../../../src/errors.js'
import { CANCEL_REASONS, changeOrderStatus, lockOrder, ORDER_TRANSITIONS, type CancelEvent, type TransitionEvent } from '../../../src/orders/order-lifecycle.js'
import { formatWireDate } from '../../../src/wire/wire-date.js'
import { systemActor } from '../../../src/orders/order-actor.js'
import { ORDER_STATUSES, type OrderStatus } from '../../../src/orders/order.js'
import { NOTIFIES_UNCHANGED } from '../../../src/notifications/outbox-store.js'
import { createTestApp } from '../../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { seedDemoMerchant, testCardOrder } from '../../helpers/orders.js'

// Issue 18: "The README's state-machine table matches the code: a test walks every allowed
// transition and tries every forbidden one." (a) README's "Order lifecycle" table (from, event,
// to, who) is parsed and must equal ORDER_TRANSITIONS, row for row, so neither can change alone
// (an event added to the code later fails here until its row is written). (b) For every event of
// ORDER_TRANSITIONS and every status, an order in that status is moved through changeOrderStatus
// to each target: it succeeds iff the table allows it (the status written, one history row, its
// IPN when the status changed) and is refused ORDER_STATUS_INVALID otherwise, with nothing
// written. Each try runs in a transaction rolled back afterwards, so one order serves them all.

type Table = Map<string, { from: string[], to: string[] }>

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
const HEADER = '| from | event | to | who may trigger it |'

function statuses (cell: string, where: string): string[] {
  return cell.split(', ').map((part) => {
    const match = /^`([A-Z_]+)`$/.exec(part)
    if (match?.[1] === undefined) throw new Error(`${where}: "${cell}" is not a list of \`STATUS\`es`)
    return match[1]
  })
}

/** The state table of README's "### Order lifecycle" section. */
function readmeTable (): Table {
  const start = README.indexOf('### Order lifecycle')
  const end = README.indexOf('\n### ', start + 1)
  const section = README.slice(start, end)
  const lines = section.split('\n')
  const at = lines.indexOf(HEADER)
  if (start < 0 || at < 0) throw new Error(`README has no "${HEADER}" table under "### Order lifecycle"`)
  const table: Table = new Map()
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break
    const cells = line.slice(1, -1).split(' | ').map((c) => c.trim())
    if (cells.length !== 4) throw new Error(`README row with ${cells.length} cells: ${line}`)
    const [from = '', event = '', to = '', who = ''] = cells
    const name = /^`([A-Z_0-9]+)`$/.exec(event)?.[1]
    if (name === undefined) throw new Error(`README row's event is not one \`EVENT\`: ${line}`)
    if (table.has(name)) throw new Error(`README lists ${name} twice`)
    if (who === '') throw new Error(`README row ${name} names no one who may trigger it`)
    table.set(name, { from: statuses(from, `${name} from`), to: statuses(to, `${name} to`) })
  }
  return table
}

const sorted = (list: readonly string[]) => [...list].sort()

t.test('the README\'s state table is ORDER_TRANSITIONS: the same events, each from and to the same statuses', async (t) => {
  const table = readmeTable()
  const code = Object.entries(ORDER_TRANSITIONS)
  t.same(sorted([...table.keys()]), sorted(code.map(([event]) => event)), 'one README row per event, no other')
  for (const [event, allowed] of code) {
    const row = table.get(event)
    t.same(row === undefined ? undefined : { from: sorted(row.from), to: sorted(row.to) }, { from: sorted(allowed.from), to: sorted(allowed.to) }, `${event}: from and to`)
  }
  const unknown = [...table.values()].flatMap((row) => [...row.from, ...row.to]).filter((status) => !(ORDER_STATUSES as readonly string[]).includes(status))
  t.same(unknown, [], 'every status named is an order status')
})

const ROLLBACK = new Error('roll back this try')
// The full walk runs on PostgreSQL. The embedded backend runs the same code on PGlite, about five
// times slower a statement: there every allowed move and, per event, one refused move from each
// status it does not apply to (to its first target).
const backends: Array<[string, () => Promise<TestDb>, 'full' | 'short']> = [['PostgreSQL', createTestDb, 'full'], ['the embedded backend', createEmbeddedTestDb, 'short']]

for (const [backend, open, walk] of backends) {
  const title = walk === 'full'
    ? 'every event from every status to every status: allowed moves write the status, one history row and its IPN; every other is ORDER_STATUS_INVALID and writes nothing'
    : 'every allowed move writes the status, one history row and its IPN; each event from a status it does not apply to is ORDER_STATUS_INVALID and writes nothing'
  t.test(`on ${backend}, ${title}`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const m = await seedDemoMerchant(ta)
    await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.id, urls: ['https://merchant.example/ipn'], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
    const placed = await ta.rpc('placeOrder', [m.sessionId, testCardOrder()])
    t.equal(placed.result?.Status, 'AUTHRECEIVED', 'an order to move')
    const { id } = await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', m.id).where('ref_no', '=', BigInt(placed.result?.RefNo as string)).executeTakeFirstOrThrow()

    let allowedTried = 0
    let refusedTried = 0
    const mismatches: string[] = []
    for (const [event, allowed] of Object.entries(ORDER_TRANSITIONS) as Array<[TransitionEvent, { from: readonly OrderStatus[], to: readonly OrderStatus[] }]>) {
      for (const from of ORDER_STATUSES) {
        // From a status it applies to, every target (the forbidden ones too); from any other, its own targets.
        const targets = allowed.from.includes(from) ? (walk === 'full' ? ORDER_STATUSES : allowed.to) : (walk === 'full' ? allowed.to : allowed.to.slice(0, 1))
        for (const to of targets) {
          const expected = allowed.from.includes(from) && allowed.to.includes(to)
          const outcome = await ta.db.db.transaction().execute(async (trx) => {
            // The test puts the order in `from` by hand; the code under test is changeOrderStatus.
            await trx.updateTable('orders').set({ status: from }).where('id', '=', id).execute()
            const count = async (table: 'order_events' | 'ipn_notifications') => Number((await trx.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('order_id', '=', id).executeTakeFirstOrThrow()).n)
            const snapshot = async () => ({
              order: await trx.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
              payment: await trx.selectFrom('payments').selectAll().where('order_id', '=', id).executeTakeFirstOrThrow(),
              events: await count('order_events'),
              notifications: await count('ipn_notifications')
            })
            const before = await snapshot()
            const order = await lockOrder(trx, id)
            if (order === undefined) throw new Error('the order is gone')
            let result: string
            try {
              await changeOrderStatus(trx, order, { event, to, actor: systemActor('state-machine-test'), at: ta.clock.now() })
              const after = await snapshot()
              const last = await trx.selectFrom('order_events').select(['from_status', 'to_status', 'event']).where('order_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
              // every way to CANCELED leaves its Cancellation on the order (issue 19): by no staff user here, the system's default reason
              const cancellation = (after.order.extra as Record<string, unknown>).Cancellation
              const cancellationOk = to !== 'CANCELED' || isDeepStrictEqual(cancellation, { By: null, Source: 'SYSTEM', At: formatWireDate(ta.clock.now()), Reason: CANCEL_REASONS[event as CancelEvent] })
              const ok = after.order.status === to && after.events === before.events + 1 && cancellationOk &&
                last.from_status === from && last.to_status === to && last.event === event &&
                after.notifications === before.notifications + (from === to && event !== NOTIFIES_UNCHANGED ? 0 : 1)
              result = ok ? 'moved' : `moved wrongly: ${JSON.stringify({ status: after.order.status, last, notifications: after.notifications - before.notifications, ...(cancellationOk ? {} : { cancellation }) })}`
            } catch (err) {
              if (!(err instanceof AppError) || err.reason !== 'ORDER_STATUS_INVALID' || err.fields?.[0]?.path !== 'RefNo') throw err
              const after = await snapshot()
              result = isDeepStrictEqual(after, before) ? 'refused' : 'refused but wrote'
            }
            throw Object.assign(ROLLBACK, { result })
          }).catch((err: unknown) => {
            if (err !== ROLLBACK) throw err
            return (err as Error & { result: string }).result
          })
          if (expected) allowedTried++
          else refusedTried++
          if (outcome !== (expected ? 'moved' : 'refused')) mismatches.push(`${event} ${from}→${to}: ${outcome}`)
        }
      }
    }
    const allowedCount = Object.values(ORDER_TRANSITIONS).reduce((n, a) => n + a.from.length * a.to.length, 0)
    t.equal(allowedTried, allowedCount, `every allowed move tried (${allowedCount})`)
    t.ok(refusedTried >= Object.values(ORDER_TRANSITIONS).reduce((n, a) => n + ORDER_STATUSES.length - a.from.length, 0), `and ${refusedTried} forbidden ones`)
    t.same(mismatches, [], 'each allowed move made, each forbidden one refused with nothing written')
  })
}
