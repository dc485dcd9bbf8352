import t, { type Test } from 'tap'
import { createTestApp, type RpcReply, type TestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../../helpers/db.js'
import { testCardOrder } from '../../helpers/orders.js'

// A draft's custom lines change only with CUSTOM_LINE_ITEMS (issue 19), whatever the call sends:
// updateDraft without Assisted.CustomItems drops them, with other ones changes them, so the
// decision is taken against the lines the draft holds, under its lock; sent back unchanged, they
// need no privilege, so a colleague without it can still save and place the draft. On PostgreSQL
// and on the embedded backend.

const CARD = testCardOrder().PaymentDetails
function draftOrder (overrides: Record<string, unknown> = {}): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder(overrides)
  return order
}
const LINES = [
  { Name: 'Setup fee', Price: '50.00', Quantity: 2, TaxClass: 'STANDARD', Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } },
  { Name: 'Training (exempt)', Price: 30, TaxClass: 'EXEMPT' }
]
/** The lines as the draft answers them (Quantity and TaxClass filled in). */
const STORED = [LINES[0], { ...LINES[1], Quantity: 1 }]
const USER_PRIVILEGE = 'Add custom (non-catalog) line items with their own name, price and tax class to an assisted order'

function refusal (reply: RpcReply, username: string): Record<string, unknown> {
  return {
    code: 10004,
    message: `Not allowed: user ${username} lacks the privilege CUSTOM_LINE_ITEMS ("${USER_PRIVILEGE}"): Assisted.CustomItems: only a user with CUSTOM_LINE_ITEMS may change the draft's custom lines`,
    data: {
      error_code: 'NOT_ALLOWED',
      reason: 'NOT_ALLOWED',
      fields: [{ path: 'Assisted.CustomItems', error_code: 'NOT_ALLOWED', message: 'only a user with CUSTOM_LINE_ITEMS may change the draft\'s custom lines' }],
      privilege: 'CUSTOM_LINE_ITEMS',
      privileges: ['CUSTOM_LINE_ITEMS'],
      requestId: reply.error?.data?.requestId
    }
  }
}

const draftRow = async (ta: TestApp, id: number) =>
  await ta.db.db.selectFrom('drafts').select(['order_json', 'version', 'updated_by_user_id', 'updated_at', 'currency', 'status']).where('id', '=', BigInt(id)).executeTakeFirstOrThrow()
const holds = async (ta: TestApp, id: number) =>
  await ta.db.db.selectFrom('draft_stock_holds').selectAll().where('draft_id', '=', BigInt(id)).execute()

for (const [backend, makeDb] of [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]] as Array<[string, () => Promise<TestDb>]>) {
  t.test(`on ${backend}`, async (t: Test) => {
    const ta = await createTestApp(t, {}, await makeDb())
    const m = await staffMerchant(ta)
    const colleague = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'CUSTOM_LINE_ITEMS'])
    const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
    const agentName = 'agent' + String(4)
    const withLines = async (lines: unknown[] = LINES) => {
      const created = await ta.rpc('createDraft', [colleague, draftOrder(), { CustomItems: lines }])
      if (created.error !== undefined) throw new Error(JSON.stringify(created.error))
      return created.result as { DraftId: number, Version: number, Assisted: Record<string, unknown>, Price: Record<string, unknown> }
    }

    t.test('without CUSTOM_LINE_ITEMS, updateDraft that drops, changes or adds custom lines is refused NOT_ALLOWED naming Assisted.CustomItems; nothing written, the version kept', async (t) => {
      const changes: Array<[string, Record<string, unknown> | undefined]> = [
        ['drops them: no Assisted', undefined],
        ['drops them: Assisted without CustomItems', { Discount: { Type: 'PERCENT', Value: 5, Reason: 'loyal' } }],
        ['drops them: CustomItems empty', { CustomItems: [] }],
        ['drops one', { CustomItems: [STORED[0]] }],
        ['changes a price', { CustomItems: [{ ...STORED[0], Price: '5.00' }, STORED[1]] }],
        ['changes a name', { CustomItems: [{ ...STORED[0], Name: 'Setup' }, STORED[1]] }],
        ['changes a quantity', { CustomItems: [{ ...STORED[0], Quantity: 3 }, STORED[1]] }],
        ['changes a tax class', { CustomItems: [STORED[0], { ...STORED[1], TaxClass: 'STANDARD' }] }],
        ['changes a line discount', { CustomItems: [{ ...STORED[0], Discount: { Type: 'PERCENT', Value: 90, Reason: 'loyal customer' } }, STORED[1]] }],
        ['removes a line discount', { CustomItems: [{ ...STORED[0], Discount: null }, STORED[1]] }],
        ['reorders them', { CustomItems: [STORED[1], STORED[0]] }],
        ['adds one', { CustomItems: [...STORED, { Name: 'Gift wrap', Price: 1 }] }]
      ]
      const draft = await withLines()
      t.same(draft.Assisted, { CustomItems: STORED }, 'the colleague\'s draft holds the two lines')
      const row = await draftRow(ta, draft.DraftId)
      const held = await holds(ta, draft.DraftId)
      let refused = 0
      for (const [label, assisted] of changes) {
        const params = [agent, draft.DraftId, draft.Version, draftOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2 }] }), ...(assisted === undefined ? [] : [assisted])]
        const reply = await ta.rpc('updateDraft', params)
        if (t.same(reply.error, refusal(reply, agentName), `${label}: refused, naming Assisted.CustomItems`)) refused++
        t.same(await draftRow(ta, draft.DraftId), row, `${label}: the draft row unchanged (content, version, updated by, at)`)
      }
      t.same(await holds(ta, draft.DraftId), held, 'the stock held unchanged')
      t.equal(refused, changes.length, `${refused}/${changes.length} changes refused`)
      t.match((await ta.rpc('getDraft', [agent, draft.DraftId])).result, { Version: 1, Assisted: { CustomItems: STORED } }, 'the colleague\'s lines are still there, at version 1')
    })

    t.test('without CUSTOM_LINE_ITEMS, changing the currency of a draft with custom lines is refused (their prices are in the order currency)', async (t) => {
      const draft = await withLines()
      const row = await draftRow(ta, draft.DraftId)
      const reply = await ta.rpc('updateDraft', [agent, draft.DraftId, 1, draftOrder({ Currency: 'eur' }), { CustomItems: STORED }])
      t.same(reply.error, refusal(reply, agentName))
      t.same(await draftRow(ta, draft.DraftId), row, 'nothing written')
      t.notOk((await ta.rpc('updateDraft', [agent, draft.DraftId, 1, draftOrder({ Currency: 'usd' }), { CustomItems: STORED }])).error, 'the same currency in another case is no change')
    })

    t.test('without CUSTOM_LINE_ITEMS, the lines sent back unchanged save the draft (other changes kept, version bumped) and completeDraft places them', async (t) => {
      const draft = await withLines()
      const before = await draftRow(ta, draft.DraftId)
      const saved = await ta.rpc('updateDraft', [agent, draft.DraftId, 1, draftOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2 }] }), { CustomItems: STORED, Discount: { Type: 'PERCENT', Value: 5, Reason: 'loyal' } }])
      t.notOk(saved.error, JSON.stringify(saved.error))
      t.match(saved.result, { Version: 2, Assisted: { CustomItems: STORED, Discount: { Type: 'PERCENT', Value: 5 } }, Order: { Items: [{ Code: 'my_subscription_1', Quantity: 2 }] } }, 'saved with the lines as they were')
      t.equal((await draftRow(ta, draft.DraftId)).version, before.version + 1)
      const quoted = await ta.rpc('quote', [colleague, testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2 }] }), { CustomItems: STORED, Discount: { Type: 'PERCENT', Value: 5, Reason: 'loyal' } }])
      t.same(saved.result.Price, quoted.result, 'the answer is priced, custom lines included, as quote prices it')

      const written = await ta.rpc('updateDraft', [agent, draft.DraftId, 2, draftOrder(), { CustomItems: [{ ...LINES[0], Price: 50, Name: ' Setup fee ' }, { Name: 'Training (exempt)', Price: '30.00', TaxClass: 'EXEMPT', Discount: null }] }])
      t.notOk(written.error, `the same lines written otherwise (Price 50 for '50.00', Quantity left out, a null Discount) are no change: ${JSON.stringify(written.error)}`)

      const placed = await ta.rpc('completeDraft', [agent, draft.DraftId, 3, CARD])
      t.notOk(placed.error, JSON.stringify(placed.error))
      t.same(placed.result.Items.map((i: { Code: string }) => i.Code), ['my_subscription_1', 'CUSTOM-1', 'CUSTOM-2'], 'the agent placed the colleague\'s lines')
    })

    t.test('without CUSTOM_LINE_ITEMS, a draft without custom lines is saved without them and refused with some', async (t) => {
      const plain = (await ta.rpc('createDraft', [agent, draftOrder()])).result
      t.notOk((await ta.rpc('updateDraft', [agent, plain.DraftId, 1, draftOrder(), {}])).error, 'no lines before or after: no privilege needed')
      t.notOk((await ta.rpc('updateDraft', [agent, plain.DraftId, 2, draftOrder(), { CustomItems: [] }])).error, 'an empty CustomItems is no lines')
      const added = await ta.rpc('updateDraft', [agent, plain.DraftId, 3, draftOrder(), { CustomItems: [{ Name: 'Gift wrap', Price: 1 }] }])
      t.same(added.error?.data?.fields, [{ path: 'Assisted.CustomItems', error_code: 'NOT_ALLOWED', message: 'only a user with CUSTOM_LINE_ITEMS may change the draft\'s custom lines' }], 'adding the first one: refused')
      t.equal((await draftRow(ta, plain.DraftId)).version, 3)
    })

    t.test('a stale Version is a conflict first, whatever the lines: the caller reloads and sees the draft as it is', async (t) => {
      const draft = await withLines()
      t.notOk((await ta.rpc('updateDraft', [colleague, draft.DraftId, 1, draftOrder(), { CustomItems: [STORED[0]] }])).error)
      const stale = await ta.rpc('updateDraft', [agent, draft.DraftId, 1, draftOrder(), { CustomItems: STORED }])
      t.match(stale.error, { code: 55201, data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 2 } })
      t.equal((await draftRow(ta, draft.DraftId)).version, 2)
    })

    t.test('without CUSTOM_LINE_ITEMS, changed custom lines are refused before anything prices them: an invalid price answers NOT_ALLOWED, not its price error; an unknown draft DRAFT_NOT_FOUND', async (t) => {
      const draft = await withLines()
      const row = await draftRow(ta, draft.DraftId)
      const invalid = { CustomItems: [{ ...STORED[0], Price: '1.001' }, STORED[1]] }
      const reply = await ta.rpc('updateDraft', [agent, draft.DraftId, 1, draftOrder(), invalid])
      t.same(reply.error, refusal(reply, agentName), 'the privilege refuses it (a price error would tell a user without it how custom lines are checked)')
      t.same(await draftRow(ta, draft.DraftId), row, 'nothing written')
      const unknown = await ta.rpc('updateDraft', [agent, 987654321, 1, draftOrder(), invalid])
      t.match(unknown.error, { data: { error_code: 'DRAFT_NOT_FOUND', fields: [{ path: 'DraftId' }] } }, 'no such draft: DRAFT_NOT_FOUND, the lines not looked at')
      const stale = await ta.rpc('updateDraft', [agent, draft.DraftId, 7, draftOrder(), invalid])
      t.match(stale.error, { data: { error_code: 'DRAFT_VERSION_CONFLICT', Version: 1 } }, 'a stale Version is still a conflict first')
      const privileged = await ta.rpc('updateDraft', [colleague, draft.DraftId, 1, draftOrder(), invalid])
      t.match(privileged.error, { data: { fields: [{ path: 'Assisted.CustomItems.0.Price' }] } }, 'with the privilege, the price itself is refused')
    })

    t.test('with CUSTOM_LINE_ITEMS, the same drops, price changes and additions are saved', async (t) => {
      const draft = await withLines()
      const changed = await ta.rpc('updateDraft', [colleague, draft.DraftId, 1, draftOrder(), { CustomItems: [{ ...STORED[0], Price: '5.00' }, STORED[1]] }])
      t.notOk(changed.error, JSON.stringify(changed.error))
      t.match(changed.result, { Version: 2, Assisted: { CustomItems: [{ Price: '5.00' }, { Name: 'Training (exempt)' }] } }, 'price changed')
      const added = await ta.rpc('updateDraft', [colleague, draft.DraftId, 2, draftOrder(), { CustomItems: [...STORED, { Name: 'Gift wrap', Price: 1 }] }])
      t.notOk(added.error, JSON.stringify(added.error))
      t.equal(added.result.Assisted.CustomItems.length, 3, 'one added')
      const dropped = await ta.rpc('updateDraft', [colleague, draft.DraftId, 3, draftOrder()])
      t.notOk(dropped.error, JSON.stringify(dropped.error))
      t.match(dropped.result, { Version: 4, Assisted: {} }, 'all dropped')
      t.notOk('CustomItems' in dropped.result.Assisted)
    })
  })
}
