import t, { type Test } from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { catalogWithStock, DELIVERY, staffMerchant, stock, type Staff } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

// A draft completed as a replacement order ("payment not required", issue 19): completeDraft with
// PaymentNotRequired places it as placeAssistedOrder's Assisted.PaymentNotRequired does (the same
// privilege, the same discount authority, the same record) and the draft ends COMPLETED with it.
// On PostgreSQL and on the embedded backend.

const FREE = { Type: 'FREE', Currency: 'usd' }
const BOOKS = (() => {
  const { PaymentDetails: _payment, ...order } = testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }], DeliveryDetails: DELIVERY })
  return order
})()

type Setup = { ta: TestApp, m: Staff, agent: string, replacer: string, original: string }

async function setup (t: Test, makeDb: () => Promise<TestDb>): Promise<Setup> {
  const ta = await createTestApp(t, {}, await makeDb())
  const m = await staffMerchant(ta, catalogWithStock(10, 0))
  const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  const replacer = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'REPLACEMENT_ORDERS'])
  const original = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
  if (original.error !== undefined) throw new Error(JSON.stringify(original.error))
  return { ta, m, agent, replacer, original: original.result.RefNo }
}

async function newDraft (ta: TestApp, session: string, assisted: Record<string, unknown> = {}, order: Record<string, unknown> = BOOKS): Promise<number> {
  const draft = await ta.rpc('createDraft', [session, order, assisted])
  if (draft.error !== undefined) throw new Error(JSON.stringify(draft.error))
  return draft.result.DraftId
}

/** What a refused completion must leave as it was: the orders, payments and adjustments, the drafts, the stock held. */
async function written (ta: TestApp, merchantId: bigint) {
  const count = async (table: 'orders' | 'payments' | 'order_adjustments') => Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return {
    orders: await count('orders'),
    payments: await count('payments'),
    adjustments: await count('order_adjustments'),
    drafts: await ta.db.db.selectFrom('drafts').selectAll().orderBy('id').execute(),
    holds: await ta.db.db.selectFrom('draft_stock_holds').selectAll().execute(),
    books: await stock(ta, merchantId, 'BOOK-PRINT')
  }
}

for (const [backend, makeDb] of [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]] as Array<[string, () => Promise<TestDb>]>) {
  t.test(`on ${backend}`, async (t: Test) => {
    t.test('without REPLACEMENT_ORDERS: NOT_ALLOWED naming PaymentNotRequired, nothing written, the draft stays OPEN', async (t) => {
      const { ta, m, agent, original } = await setup(t, makeDb)
      const draftId = await newDraft(ta, agent)
      const before = await written(ta, m.merchantId)
      const reply = await ta.rpc('completeDraft', [agent, draftId, 1, FREE, null, { OriginalRefNo: original, Reason: 'lost in transit' }])
      t.same(reply, {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: 10004,
          message: 'Not allowed: user agent3 lacks the privilege REPLACEMENT_ORDERS ("Place "payment not required" replacement orders, or orders that staff discounts make free"): PaymentNotRequired: only a user with REPLACEMENT_ORDERS may send it',
          data: {
            error_code: 'NOT_ALLOWED',
            reason: 'NOT_ALLOWED',
            privilege: 'REPLACEMENT_ORDERS',
            privileges: ['REPLACEMENT_ORDERS'],
            fields: [{ path: 'PaymentNotRequired', error_code: 'NOT_ALLOWED', message: 'only a user with REPLACEMENT_ORDERS may send it' }],
            requestId: reply.error?.data?.requestId
          }
        }
      })
      t.same(await written(ta, m.merchantId), before, 'no order, payment or adjustment; the draft and its stock hold as they were')
      t.equal(before.drafts[0]?.status, 'OPEN')
      t.equal(before.books.reserved, 2, 'the draft still holds its 2 books')
    })

    t.test('with it: the order is COMPLETE, uncharged, linked to the original as placeAssistedOrder\'s replacement; the draft is COMPLETED with its RefNo; completing again answers the same order', async (t) => {
      const { ta, m, agent, replacer, original } = await setup(t, makeDb)
      const draftId = await newDraft(ta, agent)
      const notRequired = { OriginalRefNo: original, Reason: 'lost in transit' }

      const stale = await ta.rpc('completeDraft', [replacer, draftId, 2, FREE, null, notRequired])
      t.match(stale.error, { code: 55201, data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 1, fields: [{ path: 'Version', error_code: 'DRAFT_VERSION_CONFLICT' }] } }, 'a stale Version is refused')
      const before = await written(ta, m.merchantId)

      const reply = await ta.rpc('completeDraft', [replacer, draftId, 1, FREE, null, notRequired])
      t.notOk(reply.error, JSON.stringify(reply.error))
      const order = reply.result
      t.match(order, {
        Status: 'COMPLETE',
        ApproveStatus: 'OK',
        OrderNo: Number,
        PaymentDetails: { Type: 'FREE' },
        ExtraInformation: { AssistedSale: true, ReplacementOf: original, ReplacementReason: 'lost in transit' },
        Adjustments: [{ Kind: 'PAYMENT_NOT_REQUIRED', Value: original, NewAmount: 0, Reason: 'lost in transit', User: { Username: 'agent4' } }]
      })
      t.equal(order.Adjustments.length, 1, 'one adjustment: the payment not required')
      t.equal(order.Adjustments[0].OldAmount, order.GrossDiscountedPrice, 'from the order\'s total to 0')
      const payment = await ta.db.db.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id')
        .select(['payments.status', 'payments.type']).where('orders.ref_no', '=', BigInt(order.RefNo)).executeTakeFirstOrThrow()
      t.same(payment, { status: 'NOT_REQUIRED', type: 'FREE' }, 'nothing charged')

      // The same Order placed with placeAssistedOrder's replacement: the same order but for its ids and dates.
      const twin = await ta.rpc('placeAssistedOrder', [replacer, { ...BOOKS, PaymentDetails: FREE }, { PaymentNotRequired: notRequired }])
      t.notOk(twin.error, JSON.stringify(twin.error))
      const comparable = (o: Record<string, any>) => {
        const { RefNo: _r, OrderNo: _o, OrderDate: _d, FinishDate: _f, ...rest } = o
        return rest
      }
      t.same(comparable(order), comparable(twin.result), 'the same order as placeAssistedOrder places')

      const got = await ta.rpc('getOrder', [m.apiSession, order.RefNo])
      t.match(got.result, { RefNo: order.RefNo, Status: 'COMPLETE', ExtraInformation: { ReplacementOf: original, ReplacementReason: 'lost in transit' }, Adjustments: [{ Kind: 'PAYMENT_NOT_REQUIRED', Value: original, NewAmount: 0 }] }, 'getOrder: its reason and the original RefNo')
      const draft = await ta.rpc('getDraft', [replacer, draftId])
      t.match(draft.result, { DraftId: draftId, Status: 'COMPLETED', RefNo: order.RefNo })
      t.same(await ta.db.db.selectFrom('draft_stock_holds').selectAll().execute(), [], 'the draft holds no stock')
      t.equal((await stock(ta, m.merchantId, 'BOOK-PRINT')).reserved, 4, 'its 2 books are the order\'s now (and 2 are the twin\'s)')

      const again = await ta.rpc('completeDraft', [replacer, draftId, 1, FREE, null, notRequired])
      t.same(again.result, order, 'completing it again answers the same order')
      const after = await written(ta, m.merchantId)
      t.equal(after.orders, before.orders + 2, 'one order from the draft (and the twin)')
    })

    t.test('two completions at once place one replacement order', async (t) => {
      const { ta, m, agent, replacer, original } = await setup(t, makeDb)
      const draftId = await newDraft(ta, agent)
      const before = await written(ta, m.merchantId)
      const replies = await Promise.all([1, 2].map(async () => await ta.rpc('completeDraft', [replacer, draftId, 1, FREE, null, { OriginalRefNo: original, Reason: 'damaged' }])))
      for (const reply of replies) t.notOk(reply.error, JSON.stringify(reply.error))
      t.equal(replies[0]?.result.RefNo, replies[1]?.result.RefNo, 'both answer the same order')
      t.equal((await written(ta, m.merchantId)).orders, before.orders + 1, 'one order')
    })

    t.test('a draft completed one way is not answered as completed another way: card then replacement, replacement then card, another original: DRAFT_NOT_OPEN with the RefNo it became; the same completion again answers its order; the race of the two places one order and refuses the other', async (t) => {
      const { ta, m, agent, replacer, original } = await setup(t, makeDb)
      const CARD = testCardOrder().PaymentDetails
      const notOpen = (refNo: unknown) => ({ code: 55201, data: { error_code: 'DRAFT_NOT_OPEN', Status: 'COMPLETED', RefNo: refNo } })

      const paidDraft = await newDraft(ta, agent)
      const paid = await ta.rpc('completeDraft', [replacer, paidDraft, 1, CARD])
      t.notOk(paid.error, JSON.stringify(paid.error))
      const before = await written(ta, m.merchantId)
      t.match((await ta.rpc('completeDraft', [replacer, paidDraft, 1, FREE, null, { OriginalRefNo: original, Reason: 'lost' }])).error, notOpen(paid.result.RefNo), 'paid by card: a replacement is refused, naming the order')
      t.same((await ta.rpc('completeDraft', [replacer, paidDraft, 1, CARD])).result, paid.result, 'the same card completion again (a lost answer) answers its order')

      const freeDraft = await newDraft(ta, agent)
      const replaced = await ta.rpc('completeDraft', [replacer, freeDraft, 1, FREE, null, { OriginalRefNo: original, Reason: 'lost' }])
      t.notOk(replaced.error, JSON.stringify(replaced.error))
      t.match((await ta.rpc('completeDraft', [replacer, freeDraft, 1, CARD])).error, notOpen(replaced.result.RefNo), 'a replacement: a card completion is refused, naming the order')
      const other = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result.RefNo
      t.match((await ta.rpc('completeDraft', [replacer, freeDraft, 1, FREE, null, { OriginalRefNo: other, Reason: 'lost' }])).error, notOpen(replaced.result.RefNo), 'a replacement of another order is refused too')
      t.same((await ta.rpc('completeDraft', [replacer, freeDraft, 1, FREE, null, { OriginalRefNo: original, Reason: 'lost' }])).result, replaced.result, 'the same replacement again answers its order')
      t.equal((await written(ta, m.merchantId)).orders, before.orders + 2, 'the replacement and the other original; nothing from the refusals')

      const raced = await newDraft(ta, agent)
      const beforeRace = (await written(ta, m.merchantId)).orders
      const replies = await Promise.all([
        ta.rpc('completeDraft', [replacer, raced, 1, CARD]),
        ta.rpc('completeDraft', [replacer, raced, 1, FREE, null, { OriginalRefNo: original, Reason: 'damaged' }])
      ])
      const won = replies.filter((reply) => reply.error === undefined)
      t.equal(won.length, 1, 'one of the two completes the draft')
      const lost = replies.find((reply) => reply.error !== undefined)
      t.match(lost?.error, notOpen(won[0]?.result.RefNo), 'the other is refused, naming the order that was placed')
      t.equal((await written(ta, m.merchantId)).orders, beforeRace + 1, 'one order')
    })

    t.test('refusals name the field and write nothing: no such original, a payment type that is not FREE, a discount above the role\'s limit', async (t) => {
      const { ta, m, agent, replacer, original } = await setup(t, makeDb)
      const draftId = await newDraft(ta, agent)
      const before = await written(ta, m.merchantId)

      const unknown = await ta.rpc('completeDraft', [replacer, draftId, 1, FREE, null, { OriginalRefNo: '1', Reason: 'x' }])
      t.match(unknown.error, { data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'PaymentNotRequired.OriginalRefNo', error_code: 'ORDER_NOT_FOUND' }] } })
      t.equal(unknown.error?.data.fields.length, 1)
      const card = await ta.rpc('completeDraft', [replacer, draftId, 1, testCardOrder().PaymentDetails, null, { OriginalRefNo: original, Reason: 'x' }])
      t.match(card.error, { data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'PaymentDetails.Type', error_code: 'ORDER_STATUS_INVALID' }] } }, 'a replacement is placed with PaymentDetails.Type FREE')
      const blank = await ta.rpc('completeDraft', [replacer, draftId, 1, FREE, null, { OriginalRefNo: original, Reason: '' }])
      t.match(blank.error, { code: -32602, data: { fields: [{ path: 'PaymentNotRequired.Reason' }] } }, 'a replacement says why')
      t.same(await written(ta, m.merchantId), before, 'nothing written, the draft OPEN with its stock')

      // A draft's discount is held to the authority of the user who gave it, whoever completes it:
      // an agent's 20 % (within the AGENT limit when drafted, above it once the limit is 15 %) is
      // refused as placeAssistedOrder refuses the same replacement from that agent, also when
      // another user completes it; a supervisor's 25 % is the supervisor's, placed when that agent
      // completes it (it was refused, held to the completer's limit).
      t.notOk((await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT', MaxLinePercent: 20 }]])).error)
      const limited = await m.userSession(['AGENT' as never, 'REPLACEMENT_ORDERS'])
      const own = { Items: [{ Discount: { Type: 'PERCENT', Value: 20, Reason: 'bundle' } }] }
      const ownDraft = await newDraft(ta, limited, own)
      t.notOk((await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT', MaxLinePercent: 15 }]])).error)
      const beforeLimit = await written(ta, m.merchantId)
      const viaDraft = await ta.rpc('completeDraft', [replacer, ownDraft, 1, FREE, null, { OriginalRefNo: original, Reason: 'x' }])
      const direct = await ta.rpc('placeAssistedOrder', [limited, { ...BOOKS, PaymentDetails: FREE }, { ...own, PaymentNotRequired: { OriginalRefNo: original, Reason: 'x' } }])
      t.match(viaDraft.error, { code: 55201, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', fields: [{ path: 'Assisted.Items.0.Discount.Value', error_code: 'DISCOUNT_LIMIT_EXCEEDED' }] } })
      t.same({ ...viaDraft.error, data: { ...viaDraft.error?.data, requestId: null } }, { ...direct.error, data: { ...direct.error?.data, requestId: null } }, 'the same refusal as placeAssistedOrder\'s')
      t.same(await written(ta, m.merchantId), beforeLimit, 'nothing written')
      const discounted = await newDraft(ta, m.staffSession, { Items: [{ Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }] })
      const placed = await ta.rpc('completeDraft', [limited, discounted, 1, FREE, null, { OriginalRefNo: original, Reason: 'x' }])
      t.notOk(placed.error, JSON.stringify(placed.error))
      t.match(placed.result?.Adjustments, [
        { Kind: 'LINE_DISCOUNT', Value: '25', User: { Username: 'agent1' }, ApprovedBy: null },
        { Kind: 'PAYMENT_NOT_REQUIRED', User: { Username: 'agent5' } }
      ], 'the supervisor\'s discount, the agent\'s replacement')
    })
  })
}
