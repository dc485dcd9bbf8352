import t from 'tap'
import { formatMinor } from '../../../src/catalog/money.js'
import { buildIpnFields } from '../../../src/notifications/ipn-message.js'
import { loadIpnSource } from '../../../src/notifications/ipn-source-store.js'
import { SANDBOX_REFUND_DECLINE_MINOR } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, type RpcReply, type TestApp } from '../../helpers/app.js'
import { staffMerchant, type Staff } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

// issueRefund (issue 18): total and partial refunds of a COMPLETE order, never more than was
// paid, each in the order's history and IPN outbox; idempotent on a client key; 20 concurrent
// calls of one order cannot over-refund. On PostgreSQL and on the embedded backend.

const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]
const IPN = 'https://merchant.example/ipn'
const REASON = 'Duplicate purchase'
const usd = (minor: bigint) => formatMinor(minor, 'USD')

type Completed = { refNo: string, orderId: bigint, totalMinor: bigint, addonPaidMinor: bigint }

/** A purchase order of my_subscription_1 ×1 and ADDON-1 ×2, approved and paid: COMPLETE today (markOrderPaid). */
async function completeOrder (ta: TestApp, m: Staff): Promise<Completed> {
  const po = testCardOrder({
    Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }],
    BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' },
    PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-R', AutoApprove: false } }
  })
  const placed = await ta.rpc('placeOrder', [m.apiSession, po])
  if (placed.error !== undefined) throw new Error(JSON.stringify(placed.error))
  const refNo = placed.result.RefNo as string
  for (const action of ['approvePurchaseOrder', 'markOrderPaid']) {
    const reply = await ta.rpc(action, [m.apiSession, refNo])
    if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
  }
  const order = await ta.db.db.selectFrom('orders').select(['id', 'status', 'gross_discounted_price_minor']).where('ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()
  if (order.status !== 'COMPLETE') throw new Error(`order is ${order.status}`)
  const addon = await ta.db.db.selectFrom('order_items').select(['net_price_minor', 'discount_minor', 'vat_minor']).where('order_id', '=', order.id).where('product_code', '=', 'ADDON-1').executeTakeFirstOrThrow()
  return { refNo, orderId: order.id, totalMinor: order.gross_discounted_price_minor, addonPaidMinor: addon.net_price_minor - addon.discount_minor + addon.vat_minor }
}

type EventRow = { from: string | null, to: string, event: string, actor: string, reason: string | null }

async function events (ta: TestApp, orderId: bigint): Promise<EventRow[]> {
  const rows = await ta.db.db.selectFrom('order_events').select(['from_status', 'to_status', 'event', 'actor', 'reason']).where('order_id', '=', orderId).orderBy('id').execute()
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, event: r.event, actor: r.actor, reason: r.reason }))
}

/** The order's IPN outbox as `url to_status event` lines, oldest first. */
async function outbox (ta: TestApp, orderId: bigint): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('order_events as e', 'e.id', 'n.event_id')
    .select(['n.url', 'e.to_status', 'e.event']).where('n.order_id', '=', orderId).orderBy('n.id').execute()
  return rows.map((r) => `${r.url} ${r.to_status} ${r.event}`)
}

async function refunds (ta: TestApp, orderId: bigint) {
  return await ta.db.db.selectFrom('refunds').select(['id', 'event_id', 'amount_minor', 'kind', 'reason', 'comment', 'items', 'actor']).where('order_id', '=', orderId).orderBy('id').execute()
}

async function status (ta: TestApp, m: Staff, refNo: string): Promise<string> {
  return (await ta.rpc('getOrder', [m.apiSession, refNo])).result.Status
}

/** The IPN fields (ORDERSTATUS, IPN_TOTALGENERAL) a refund's notification carries. */
async function ipnOf (ta: TestApp, orderId: bigint, eventId: bigint): Promise<Record<string, string>> {
  const source = await loadIpnSource(ta.db.db, orderId, eventId)
  if (source === undefined) throw new Error('no IPN source')
  const fields = Object.fromEntries(buildIpnFields(source, ta.clock.now()))
  return { ORDERSTATUS: fields.ORDERSTATUS ?? '', IPN_TOTALGENERAL: fields.IPN_TOTALGENERAL ?? '' }
}

for (const [backend, open] of backends) {
  t.test(`issueRefund on ${backend}`, async (t) => {
    const ta = await createTestApp(t, {}, await open())
    const m = await staffMerchant(ta)
    await ta.db.db.insertInto('ipn_settings').values({ merchant_id: m.merchantId, urls: [IPN], statuses: null, updated_at: ta.clock.now(), updated_by: 'test' }).execute()
    const refund = async (refNo: string, amount: number | string, items: unknown = [], key?: string, session = m.apiSession): Promise<RpcReply> =>
      await ta.rpc('issueRefund', [session, refNo, amount, items, 'Sorry for the trouble', REASON, ...(key !== undefined ? [key] : [])])
    const merchant = `merchant:${m.code}`

    t.test('partial (by amount) + partial (by items) + the rest = the total: COMPLETE, COMPLETE, then REFUND; each in the history and the IPN outbox', async (t) => {
      const o = await completeOrder(ta, m)
      const before = await events(ta, o.orderId)
      const outboxBefore = await outbox(ta, o.orderId)
      const half = o.addonPaidMinor / 2n
      const rest = o.totalMinor - 1000n - half

      t.same(await refund(o.refNo, '10.00'), { jsonrpc: '2.0', id: 1, result: true }, 'a partial refund by amount answers true')
      t.equal(await status(ta, m, o.refNo), 'COMPLETE', 'the order stays COMPLETE, refundable for the rest')
      t.same(await refund(o.refNo, Number(usd(half)), [{ ProductCode: 'ADDON-1', Quantity: 1, Amount: Number(usd(half)) }]), { jsonrpc: '2.0', id: 1, result: true }, 'a partial refund by items answers true')
      t.equal(await status(ta, m, o.refNo), 'COMPLETE')
      t.same(await refund(o.refNo, usd(rest)), { jsonrpc: '2.0', id: 1, result: true }, 'the rest answers true')
      t.equal(await status(ta, m, o.refNo), 'REFUND', 'the refund reaching the total moves the order to REFUND')

      const row = (event: string, to: string): EventRow => ({ from: 'COMPLETE', to, event, actor: merchant, reason: REASON })
      t.same((await events(ta, o.orderId)).slice(before.length), [row('PARTIALLY_REFUNDED', 'COMPLETE'), row('PARTIALLY_REFUNDED', 'COMPLETE'), row('REFUNDED', 'REFUND')], 'three history rows: who and why')
      t.same((await outbox(ta, o.orderId)).slice(outboxBefore.length), [`${IPN} COMPLETE PARTIALLY_REFUNDED`, `${IPN} COMPLETE PARTIALLY_REFUNDED`, `${IPN} REFUND REFUNDED`], 'every refund enqueues its IPN, the partial ones too')

      const stored = await refunds(ta, o.orderId)
      t.same(stored.map((r) => [r.amount_minor, r.kind, r.reason, r.comment, r.actor]), [
        [1000n, 'PARTIAL', REASON, 'Sorry for the trouble', merchant],
        [half, 'PARTIAL', REASON, 'Sorry for the trouble', merchant],
        [rest, 'PARTIAL', REASON, 'Sorry for the trouble', merchant]
      ])
      t.same(stored[1]?.items, [{ lineNo: 2, productCode: 'ADDON-1', quantity: 1, amountMinor: String(half) }], 'the item refund keeps its line and quantity')
      const ipns = await Promise.all(stored.map(async (r) => await ipnOf(ta, o.orderId, r.event_id)))
      t.same(ipns, [
        { ORDERSTATUS: 'REFUND', IPN_TOTALGENERAL: '-10.00' },
        { ORDERSTATUS: 'REFUND', IPN_TOTALGENERAL: `-${usd(half)}` },
        { ORDERSTATUS: 'REFUND', IPN_TOTALGENERAL: `-${usd(rest)}` }
      ], 'each refund\'s IPN says REFUND with its amount negative')

      const history = (await ta.rpc('getOrderHistory', [m.apiSession, o.refNo])).result
      t.same(history.Refunds, [
        { RefundId: Number(stored[0]?.id), Amount: 10, Kind: 'PARTIAL', Items: [], Reason: REASON, Comment: 'Sorry for the trouble', Actor: { Type: 'MERCHANT_API' }, At: '2026-11-23 10:00:00' },
        { RefundId: Number(stored[1]?.id), Amount: Number(usd(half)), Kind: 'PARTIAL', Items: [{ ProductCode: 'ADDON-1', Quantity: 1, Amount: Number(usd(half)) }], Reason: REASON, Comment: 'Sorry for the trouble', Actor: { Type: 'MERCHANT_API' }, At: '2026-11-23 10:00:00' },
        { RefundId: Number(stored[2]?.id), Amount: Number(usd(rest)), Kind: 'PARTIAL', Items: [], Reason: REASON, Comment: 'Sorry for the trouble', Actor: { Type: 'MERCHANT_API' }, At: '2026-11-23 10:00:00' }
      ], 'getOrderHistory lists the refunds')
      t.match(history.Events.at(-1), { Event: 'REFUNDED', FromStatus: 'COMPLETE', Status: 'REFUND', Reason: REASON, Detail: { Amount: usd(rest), Currency: 'USD', Kind: 'PARTIAL', RefundedTotal: usd(o.totalMinor) } })

      const again = await refund(o.refNo, '0.01')
      t.match(again.error, { code: 55201, data: { error_code: 'REFUND_NOT_ALLOWED', fields: [{ path: 'RefNo', message: /already refunded/ }] } }, 'a refunded order refuses more')
    })

    t.test('a total refund in one go: Kind TOTAL, COMPLETE → REFUND', async (t) => {
      const o = await completeOrder(ta, m)
      t.same((await refund(o.refNo, usd(o.totalMinor), '')).result, true, 'Items "" as in 2Checkout\'s total-refund example')
      t.equal(await status(ta, m, o.refNo), 'REFUND')
      t.same((await refunds(ta, o.orderId)).map((r) => [r.amount_minor, r.kind]), [[o.totalMinor, 'TOTAL']])
      t.same((await outbox(ta, o.orderId)).at(-1), `${IPN} REFUND REFUNDED`)
    })

    t.test('the IPN statuses filter takes a partial refund as REFUND', async (t) => {
      const other = await staffMerchant(ta)
      await ta.db.db.insertInto('ipn_settings').values({ merchant_id: other.merchantId, urls: [IPN], statuses: ['REFUND'], updated_at: ta.clock.now(), updated_by: 'test' }).execute()
      const o = await completeOrder(ta, other)
      t.same(await outbox(ta, o.orderId), [], 'placement, approval and payment are filtered out')
      t.same((await refund(o.refNo, '1.00', [], undefined, other.apiSession)).result, true)
      t.same(await outbox(ta, o.orderId), [`${IPN} COMPLETE PARTIALLY_REFUNDED`], 'a listener of REFUND hears of the partial refund')
      await ta.db.db.updateTable('ipn_settings').set({ statuses: ['COMPLETE'] }).where('merchant_id', '=', other.merchantId).execute()
      t.same((await refund(o.refNo, '1.00', [], undefined, other.apiSession)).result, true)
      t.same(await outbox(ta, o.orderId), [`${IPN} COMPLETE PARTIALLY_REFUNDED`], 'a listener of COMPLETE only does not')
    })

    t.test('a refund beyond what is left is refused naming the field, and writes nothing', async (t) => {
      const o = await completeOrder(ta, m)
      const over = await refund(o.refNo, usd(o.totalMinor + 1n))
      t.match(over.error, { code: 55201, data: { error_code: 'REFUND_EXCEEDS_REMAINDER', fields: [{ path: 'Amount', message: new RegExp(`${usd(o.totalMinor)} USD left`) }] } })
      t.same(await refunds(ta, o.orderId), [], 'no refund stored')
      t.same((await refund(o.refNo, '10.00')).result, true)
      const eventsAfter = await events(ta, o.orderId)
      const outboxAfter = await outbox(ta, o.orderId)
      t.match((await refund(o.refNo, usd(o.totalMinor - 1000n + 1n))).error, { data: { error_code: 'REFUND_EXCEEDS_REMAINDER', fields: [{ path: 'Amount' }] } }, 'the remainder + 0.01 is refused')
      t.match((await refund(o.refNo, usd(o.addonPaidMinor), [{ ProductCode: 'ADDON-1', Quantity: 3, Amount: usd(o.addonPaidMinor) }])).error,
        { data: { error_code: 'REFUND_EXCEEDS_REMAINDER', fields: [{ path: 'Items.0.Quantity', message: /2 left/ }] } }, 'more units than ordered are refused')
      t.match((await refund(o.refNo, usd(o.addonPaidMinor + 1n), [{ ProductCode: 'ADDON-1', Quantity: 1, Amount: usd(o.addonPaidMinor + 1n) }])).error,
        { data: { error_code: 'REFUND_EXCEEDS_REMAINDER', fields: [{ path: 'Items.0.Amount' }] } }, 'more than the line cost is refused')
      t.same(await events(ta, o.orderId), eventsAfter, 'refusals record no history')
      t.same(await outbox(ta, o.orderId), outboxAfter, 'nor any IPN')
      t.equal((await refunds(ta, o.orderId)).length, 1)
      t.equal(await status(ta, m, o.refNo), 'COMPLETE')
    })

    t.test('the same key returns the same refund; a different body under it is refused', async (t) => {
      const o = await completeOrder(ta, m)
      t.same((await refund(o.refNo, '5.00', [], 'refund-key-1')).result, true)
      const first = await refunds(ta, o.orderId)
      const eventsAfter = await events(ta, o.orderId)
      t.same((await refund(o.refNo, '5.00', [], 'refund-key-1')).result, true, 'the retry answers true')
      t.same(await refunds(ta, o.orderId), first, 'one refund, not two')
      t.same(await events(ta, o.orderId), eventsAfter, 'no second history row')
      const reused = await refund(o.refNo, '6.00', [], 'refund-key-1')
      t.match(reused.error, { code: 55201, data: { error_code: 'IDEMPOTENCY_KEY_REUSED', fields: [{ path: 'IdempotencyKey' }] } })
      t.same((await refund(o.refNo, '5.00', [], 'refund-key-2')).result, true, 'a new key is a new refund')
      t.equal((await refunds(ta, o.orderId)).length, 2)
      const key = await ta.db.db.selectFrom('idempotency_keys').select(['method', 'state', 'response']).where('merchant_id', '=', m.merchantId).where('key', '=', 'refund-key-1').executeTakeFirstOrThrow()
      t.same(key, { method: 'issueRefund', state: 'DONE', response: { result: { refundId: String(first[0]?.id) } } }, 'the key points at its refund')
    })

    // PostgreSQL only: it needs a second connection holding the order's row lock meanwhile.
    if (backend === 'PostgreSQL') {
      t.test('a request taken over by its retry (past the 60 s stale mark) while both wait on the order lock refunds once', async (t) => {
        const o = await completeOrder(ta, m)
        const key = 'stalled-refund-key'
        const keyRow = async () => await ta.db.db.selectFrom('idempotency_keys').select(['state', 'locked_at']).where('merchant_id', '=', m.merchantId).where('key', '=', key).executeTakeFirst()
        const waitFor = async (what: string, done: () => Promise<boolean>) => {
          for (let i = 0; i < 500 && !await done(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
          if (!await done()) throw new Error(`never: ${what}`)
        }
        let release = () => {}
        const released = new Promise<void>((resolve) => { release = resolve })
        let lockHeld = () => {}
        const held = new Promise<void>((resolve) => { lockHeld = resolve })
        // A slow refund of the same order (a slow processor) holds the order's row lock
        const holder = ta.db.db.transaction().execute(async (trx) => {
          await trx.selectFrom('orders').select('id').where('id', '=', o.orderId).forUpdate().execute()
          lockHeld()
          await released
        })
        await held
        const first = refund(o.refNo, '5.00', [], key)
        await waitFor('the first request holds the key', async () => (await keyRow())?.state === 'IN_PROGRESS')
        ta.clock.advance(61_000)
        const retry = refund(o.refNo, '5.00', [], key)
        await waitFor('the retry took the key over', async () => (await keyRow())?.locked_at.getTime() === ta.clock.now().getTime())
        release()
        await holder
        const replies = await Promise.all([first, retry])
        t.same(replies.map((r) => r.result ?? r.error), [true, true], 'both answer true')
        const stored = await refunds(ta, o.orderId)
        t.equal(stored.length, 1, 'one refund, not two')
        t.equal(stored[0]?.amount_minor, 500n)
        t.equal((await events(ta, o.orderId)).filter((e) => e.event.endsWith('REFUNDED')).length, 1, 'one history row')
      })
    }

    t.test('20 concurrent refunds of one order cannot over-refund', async (t) => {
      const o = await completeOrder(ta, m)
      // a share that does not divide the total: 3 fit, a 4th would over-refund by 0.04
      const quarter = o.totalMinor / 4n + 1n
      const replies = await Promise.all(Array.from({ length: 20 }, async (_, i) => await refund(o.refNo, usd(quarter), [], i % 2 === 0 ? `concurrent-${i}` : undefined)))
      const ok = replies.filter((r) => r.result === true)
      const refused = replies.filter((r) => r.error !== undefined)
      const fits = Number(o.totalMinor / quarter)
      t.equal(ok.length, fits, `${fits} refunds of ${usd(quarter)} fit in ${usd(o.totalMinor)}`)
      // once the refunds reach the total the order is REFUND: later calls find nothing to refund
      const exact = BigInt(fits) * quarter === o.totalMinor
      const reasons = new Set(refused.map((r) => r.error?.data?.error_code))
      t.ok([...reasons].every((reason) => reason === 'REFUND_EXCEEDS_REMAINDER' || (exact && reason === 'REFUND_NOT_ALLOWED')), `the others are refused as beyond the remainder (${[...reasons].join(', ')})`)
      const stored = await refunds(ta, o.orderId)
      const sum = stored.reduce((total, r) => total + r.amount_minor, 0n)
      t.equal(stored.length, fits)
      t.ok(sum <= o.totalMinor, `refunded ${usd(sum)} of ${usd(o.totalMinor)}`)
      t.equal((await events(ta, o.orderId)).filter((e) => e.event.endsWith('REFUNDED')).length, fits, 'one history row per refund')
      t.equal(await status(ta, m, o.refNo), sum === o.totalMinor ? 'REFUND' : 'COMPLETE')
    })

    t.test('a staff user with REFUND_ORDERS refunds; the refund and its history row name the user', async (t) => {
      const o = await completeOrder(ta, m)
      const refunder = await m.userSession(['REFUND_ORDERS'])
      t.same(await refund(o.refNo, '1.00', [], undefined, refunder), { jsonrpc: '2.0', id: 1, result: true })
      const history = (await ta.rpc('getOrderHistory', [m.apiSession, o.refNo])).result
      t.match(history.Refunds, [{ Amount: 1, Kind: 'PARTIAL', Reason: REASON, Actor: { Type: 'USER', Username: /^agent\d+$/ } }], 'the refund names the user')
      t.match(history.Events.at(-1), { Event: 'PARTIALLY_REFUNDED', Actor: { Type: 'USER', Username: /^agent\d+$/ } }, 'so does its history row')
      t.equal(await status(ta, m, o.refNo), 'COMPLETE')
    })

    t.test('refusals name the field and write nothing', async (t) => {
      const o = await completeOrder(ta, m)
      const card = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
      const cases: Array<[string, RpcReply, Record<string, unknown>]> = [
        ['Amount 0', await refund(o.refNo, 0), { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'Amount', message: /greater than 0/ }] } }],
        ['Amount with 3 decimals in USD', await refund(o.refNo, '10.001'), { code: -32602, data: { fields: [{ path: 'Amount', message: /more than 2 decimal places/ }] } }],
        ['Items that do not add up to Amount', await refund(o.refNo, '10.00', [{ ProductCode: 'ADDON-1', Quantity: 1, Amount: '5.00' }]), { code: -32602, data: { fields: [{ path: 'Amount', message: /sum of Items/ }] } }],
        ['an item not on the order', await refund(o.refNo, '5.00', [{ ProductCode: 'BOOK-PRINT', Quantity: 1, Amount: '5.00' }]), { code: 55201, data: { error_code: 'REFUND_ITEM_INVALID', fields: [{ path: 'Items.0.ProductCode' }] } }],
        ['Quantity 0', await refund(o.refNo, '5.00', [{ ProductCode: 'ADDON-1', Quantity: 0, Amount: '5.00' }]), { code: -32602, data: { fields: [{ path: /Items.*0.*Quantity/ }] } }],
        ['an empty Reason', await ta.rpc('issueRefund', [m.apiSession, o.refNo, '5.00', [], null, ' ']), { code: -32602, data: { fields: [{ path: 'Reason' }] } }],
        ['an order not COMPLETE', await refund(card.RefNo, '1.00'), { code: 55201, data: { error_code: 'REFUND_NOT_ALLOWED', fields: [{ path: 'RefNo', message: /AUTHRECEIVED/ }] } }],
        ['an unknown RefNo', await refund('999999999', '1.00'), { code: 55201, data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'RefNo' }] } }],
        ['a staff user\'s session without REFUND_ORDERS', await refund(o.refNo, '1.00', [], undefined, await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS', 'RECORD_PAYMENTS'])), { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'REFUND_ORDERS', privileges: ['REFUND_ORDERS'] } }]
      ]
      for (const [label, reply, expected] of cases) t.match(reply.error, expected, label)
      ta.clock.advance(366 * 24 * 60 * 60 * 1000)
      const later = await ta.login({ code: m.code, secret: m.secret })
      t.match((await refund(o.refNo, '1.00', [], undefined, later)).error, { data: { error_code: 'REFUND_NOT_ALLOWED', fields: [{ path: 'RefNo', message: /older than a year/ }] } }, 'an order older than a year')
      ta.clock.advance(-366 * 24 * 60 * 60 * 1000)
      t.same(await refunds(ta, o.orderId), [], 'nothing refunded')
      t.equal(await status(ta, m, o.refNo), 'COMPLETE')
    })

    t.test(`the sandbox declines a refund of ${usd(SANDBOX_REFUND_DECLINE_MINOR)}: REFUND_DECLINED, nothing written, the order still refundable`, async (t) => {
      const o = await completeOrder(ta, m)
      const eventsBefore = await events(ta, o.orderId)
      const declined = await refund(o.refNo, usd(SANDBOX_REFUND_DECLINE_MINOR))
      t.match(declined.error, { code: 55200, data: { error_code: 'REFUND_DECLINED', fields: [{ path: 'Amount', message: /sandbox test amount/ }] } })
      t.same(await refunds(ta, o.orderId), [])
      t.same(await events(ta, o.orderId), eventsBefore, 'no history row')
      t.same((await refund(o.refNo, usd(SANDBOX_REFUND_DECLINE_MINOR + 1n))).result, true, 'another amount is refunded')
    })
  })
}
