import t from 'tap'
import { createMerchantUser } from '../../../src/auth/merchant-users.js'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { FIXTURE_HASH_PARAMS, STAFF_PASSWORD, staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 19 item 3, discount authority: a 100 % discount is a replacement order (REPLACEMENT_ORDERS).
const TWO_LINES = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })

async function written (ta: TestApp) {
  const count = async (table: 'orders' | 'order_adjustments' | 'idempotency_keys' | 'payments') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { orders: await count('orders'), adjustments: await count('order_adjustments'), keys: await count('idempotency_keys'), payments: await count('payments') }
}

t.test('a 100 % discount needs REPLACEMENT_ORDERS even when the order still costs something', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])

  const full: Array<[string, Record<string, unknown>, string]> = [
    ['a line discount of 100 percent', { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }, 'Assisted.Items.0.Discount'],
    ['a unit price override of 0 on the second line', { Items: [null, { Discount: { Type: 'UNIT_PRICE', Value: 0, Reason: 'price match' } }] }, 'Assisted.Items.1.Discount'],
    ['a line AMOUNT equal to the line', { Items: [{ Discount: { Type: 'AMOUNT', Value: '99.00', Reason: 'dented' } }], IdempotencyKey: 'full-1' }, 'Assisted.Items.0.Discount']
  ]
  for (const [scenario, assisted, path] of full) {
    t.test(`${scenario}: NOT_ALLOWED naming REPLACEMENT_ORDERS and ${path}, nothing written`, async (t) => {
      const before = await written(ta)
      const reply = await ta.rpc('placeAssistedOrder', [agent, TWO_LINES, assisted])
      t.match(reply, {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: 10004,
          message: new RegExp(`REPLACEMENT_ORDERS.*${path.replace(/\./g, '\\.')}`),
          data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS', privileges: ['REPLACEMENT_ORDERS'], fields: [{ path, error_code: 'NOT_ALLOWED', message: /100 %.*replacement/ }] }
        }
      })
      t.equal(reply.error?.data.fields.length, 1)
      t.notOk(reply.result, 'no order')
      t.same(await written(ta), before, 'no order, adjustment, payment or idempotency key')
      t.match((await ta.rpc('quote', [agent, TWO_LINES, assisted])).error, { code: 10004, data: { fields: [{ path }] } }, 'quote refuses it the same way')
    })
  }

  t.test('an order discount that makes the total 0 names Assisted.Discount', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, testCardOrder({ PaymentDetails: { Type: 'FREE', Currency: 'usd' } }), { Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }])
    t.match(reply.error, { code: 10004, data: { privilege: 'REPLACEMENT_ORDERS', fields: [{ path: 'Assisted.Discount', error_code: 'NOT_ALLOWED' }] } })
  })

  t.test('drafts: an AGENT\'s createDraft and updateDraft of a 100 % line or order discount are refused the same way, nothing written; completeDraft of a draft holding one places nothing', async (t) => {
    const { PaymentDetails: card, ...draftOrder } = TWO_LINES
    const drafts = async () => await ta.db.db.selectFrom('drafts').select(['id', 'version', 'status', 'order_json', 'order_id']).orderBy('id').execute()
    const refusal = (path: string) => ({
      code: 10004,
      message: new RegExp(`REPLACEMENT_ORDERS.*${path.replace(/\./g, '\\.')}`),
      data: { error_code: 'NOT_ALLOWED', privilege: 'REPLACEMENT_ORDERS', privileges: ['REPLACEMENT_ORDERS'], fields: [{ path, error_code: 'NOT_ALLOWED', message: /100 %.*replacement/ }] }
    })
    const full: Array<[string, Record<string, unknown>, string]> = [
      ['a line discount of 100 percent', { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }, 'Assisted.Items.0.Discount'],
      ['an order discount of 100 percent', { Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }, 'Assisted.Discount']
    ]
    const open = await ta.rpc('createDraft', [agent, draftOrder, {}])
    t.notOk(open.error, JSON.stringify(open.error))
    for (const [scenario, assisted, path] of full) {
      const before = { drafts: await drafts(), written: await written(ta) }
      const created = await ta.rpc('createDraft', [agent, draftOrder, assisted])
      t.match(created, { jsonrpc: '2.0', id: 1, error: refusal(path) }, `createDraft, ${scenario}: NOT_ALLOWED naming REPLACEMENT_ORDERS and ${path}`)
      t.equal(created.error?.data.fields.length, 1)
      t.notOk(created.result, 'no draft')
      const updated = await ta.rpc('updateDraft', [agent, open.result.DraftId, 1, draftOrder, assisted])
      t.match(updated, { jsonrpc: '2.0', id: 1, error: refusal(path) }, `updateDraft, ${scenario}: refused the same way`)
      t.notOk(updated.result)
      t.same(await drafts(), before.drafts, 'no draft made, the open draft still at version 1 as it was')
      t.same(await written(ta), before.written, 'no order, adjustment, payment or idempotency key')
    }
    for (const [scenario, assisted, path] of full) {
      // a supervisor (every privilege, REPLACEMENT_ORDERS among them) may make such a draft
      const held = await ta.rpc('createDraft', [m.staffSession, draftOrder, assisted])
      t.notOk(held.error, JSON.stringify(held.error))
      const before = { drafts: await drafts(), written: await written(ta) }
      const completed = await ta.rpc('completeDraft', [agent, held.result.DraftId, 1, card])
      t.match(completed, { jsonrpc: '2.0', id: 1, error: refusal(path) }, `completeDraft by the agent, ${scenario}: refused naming REPLACEMENT_ORDERS and ${path}`)
      t.notOk(completed.result, 'no order')
      t.same(await written(ta), before.written, 'no order placed, nothing written')
      t.same(await drafts(), before.drafts, 'the draft stays OPEN at version 1 with no order')
      const bySupervisor = await ta.rpc('completeDraft', [m.staffSession, held.result.DraftId, 1, card])
      t.match(bySupervisor, { result: { Status: 'AUTHRECEIVED' } }, 'the supervisor completes it')
    }
  })

  t.test('with REPLACEMENT_ORDERS the 100 % line discount is placed and recorded', async (t) => {
    const replacer = await m.userSession(['PLACE_ORDERS_ON_BEHALF', 'REPLACEMENT_ORDERS'])
    const reply = await ta.rpc('placeAssistedOrder', [replacer, TWO_LINES, { Items: [{ Discount: { Type: 'PERCENT', Value: 100, Reason: 'goodwill' } }] }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', GrossDiscountedPrice: 20, Adjustments: [{ Kind: 'LINE_DISCOUNT', LineNo: 1, OldAmount: 99, NewAmount: 0 }] })
  })

  t.test('a line below 100 % needs no REPLACEMENT_ORDERS', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, TWO_LINES, { Items: [{ Discount: { Type: 'AMOUNT', Value: '98.99', Reason: 'goodwill' } }] }])
    t.notOk(reply.error, JSON.stringify(reply.error))
  })
})

t.test('discount limits per role, a supervisor\'s approval, reason codes', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])
  const supervisorName = 'agent1' // staffMerchant's SUPERVISOR
  const approval = { Username: supervisorName, Password: STAFF_PASSWORD }

  t.test('the limits are set per role by RPC and read back; an agent may read, not set them', async (t) => {
    const limits = [
      { Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 10, Amounts: [{ Currency: 'usd', MaxLineAmount: '15.00', MaxOrderAmount: 5 }] },
      { Role: 'SUPERVISOR', MaxLinePercent: 50 }
    ]
    const set = await ta.rpc('setDiscountLimits', [m.staffSession, limits])
    const expected = [
      { Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 10, Amounts: [{ Currency: 'USD', MaxLineAmount: 15, MaxOrderAmount: 5 }] },
      { Role: 'SUPERVISOR', MaxLinePercent: 50, MaxOrderPercent: null, Amounts: [] }
    ]
    t.same(set, { jsonrpc: '2.0', id: 1, result: expected })
    t.same((await ta.rpc('getDiscountLimits', [agent])).result, expected, 'an agent reads them')
    t.same((await ta.rpc('getDiscountLimits', [m.apiSession])).result, expected, 'the merchant API session too')
    t.match(await ta.rpc('setDiscountLimits', [agent, []]), { error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: 'MANAGE_DISCOUNTS' } } })
    const bad = await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT', MaxLinePercent: 101 }]])
    t.match(bad.error, { code: 55201, data: { error_code: 'DISCOUNT_LIMIT_INVALID', fields: [{ path: 'Limits.0.MaxLinePercent' }] } })
    const twice = await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT' }, { Role: 'AGENT' }]])
    t.match(twice.error, { data: { error_code: 'DISCOUNT_LIMIT_INVALID', fields: [{ path: 'Limits.1.Role' }] } })
    t.same((await ta.rpc('getDiscountLimits', [agent])).result, expected, 'a refused set changed nothing')
  })

  const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })

  t.test('above the limit: DISCOUNT_LIMIT_EXCEEDED naming the limit and the field, nothing written', async (t) => {
    const before = await written(ta)
    const reply = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }] }])
    t.match(reply.error, {
      code: 55201,
      message: /AGENT limit MaxLinePercent \(20 %\) at Assisted\.Items\.1\.Discount\.Value/,
      data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', limits: [{ field: 'Assisted.Items.1.Discount.Value', limit: 'MaxLinePercent', max: 20 }], fields: [{ path: 'Assisted.Items.1.Discount.Value', error_code: 'DISCOUNT_LIMIT_EXCEEDED' }] }
    })
    const amount = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [{ Discount: { Type: 'AMOUNT', Value: '16.00', Reason: 'dent' } }], Discount: { Type: 'AMOUNT', Value: '5.01', Reason: 'x' } }])
    t.same(amount.error?.data.limits, [
      { field: 'Assisted.Items.0.Discount.Value', limit: 'MaxLineAmount', max: 15 },
      { field: 'Assisted.Discount.Value', limit: 'MaxOrderAmount', max: 5 }
    ], 'every limit exceeded, each with its field')
    const orderPercent = await ta.rpc('placeAssistedOrder', [agent, order, { Discount: { Type: 'PERCENT', Value: 15, Reason: 'loyal' } }])
    t.match(orderPercent.error, {
      code: 55201,
      message: /AGENT limit MaxOrderPercent \(10 %\) at Assisted\.Discount\.Value/,
      data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', fields: [{ path: 'Assisted.Discount.Value', error_code: 'DISCOUNT_LIMIT_EXCEEDED', message: /MaxOrderPercent of 10 %/ }] }
    }, 'an order discount of 15 % is over the AGENT\'s MaxOrderPercent of 10 %')
    t.same(orderPercent.error?.data.limits, [{ field: 'Assisted.Discount.Value', limit: 'MaxOrderPercent', max: 10 }], 'named MaxOrderPercent with its value')
    const small = await ta.rpc('placeAssistedOrder', [agent, testCardOrder({ Items: [{ Code: 'ADDON-1', Quantity: 1 }] }), { Discount: { Type: 'AMOUNT', Value: '4.00', Reason: 'loyal' } }])
    t.same(small.error?.data.limits, [{ field: 'Assisted.Discount.Value', limit: 'MaxOrderPercent', max: 10 }], 'an order AMOUNT within MaxOrderAmount (5.00) but 40 % of the order is over MaxOrderPercent')
    t.match((await ta.rpc('quote', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }] }])).error, { data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED' } }, 'quote says so too')
    t.same(await written(ta), before)
    const within = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 20, Reason: 'bundle' } }] }])
    t.notOk(within.error, 'at the limit is within it')
  })

  t.test('a custom line\'s discount is held to the same limits: refused above them by quote, placeAssistedOrder, createDraft and updateDraft; approved with a supervisor\'s credentials', async (t) => {
    const customizer = await m.userSession(['AGENT' as never, 'CUSTOM_LINE_ITEMS'])
    const line = (discount: Record<string, unknown>) => ({ CustomItems: [{ Name: 'Engraving', Price: '100.00', Quantity: 1, TaxClass: 'EXEMPT', Discount: discount }] })
    const over = line({ Type: 'PERCENT', Value: 99, Reason: 'goodwill' })
    const { PaymentDetails: _payment, ...draftOrder } = order // a draft is paid when completed
    const before = await written(ta)
    for (const method of ['quote', 'placeAssistedOrder'] as const) {
      const reply = await ta.rpc(method, [customizer, order, over])
      t.match(reply.error, {
        code: 55201,
        message: /AGENT limit MaxLinePercent \(20 %\) at Assisted\.CustomItems\.0\.Discount\.Value/,
        data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', limits: [{ field: 'Assisted.CustomItems.0.Discount.Value', limit: 'MaxLinePercent', max: 20 }] }
      }, `${method}: 99 % off a custom line is over the AGENT's 20 %`)
    }
    const amount = await ta.rpc('placeAssistedOrder', [customizer, order, line({ Type: 'AMOUNT', Value: '15.01', Reason: 'dent' })])
    t.same(amount.error?.data.limits, [{ field: 'Assisted.CustomItems.0.Discount.Value', limit: 'MaxLineAmount', max: 15 }], 'an amount over MaxLineAmount too')
    const drafted = await ta.rpc('createDraft', [customizer, draftOrder, over])
    t.match(drafted.error, { code: 55201, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', limits: [{ field: 'Assisted.CustomItems.0.Discount.Value' }] } }, 'createDraft refuses it')
    t.same(await written(ta), before, 'nothing written')
    const draft = await ta.rpc('createDraft', [customizer, draftOrder, line({ Type: 'PERCENT', Value: 15, Reason: 'goodwill' })])
    t.notOk(draft.error, `within the limits (15 % of 100.00: 15.00, MaxLineAmount) a draft is made: ${JSON.stringify(draft.error)}`)
    const raised = await ta.rpc('updateDraft', [customizer, draft.result.DraftId, draft.result.Version, draftOrder, over])
    t.match(raised.error, { data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', limits: [{ field: 'Assisted.CustomItems.0.Discount.Value' }] } }, 'updateDraft refuses raising it')
    const approved = await ta.rpc('placeAssistedOrder', [customizer, order, { ...over, Approval: approval }])
    t.notOk(approved.error, JSON.stringify(approved.error))
    t.match(approved.result?.Adjustments, [{ LineNo: 3, DiscountType: 'PERCENT', Value: '99', OldAmount: 100, NewAmount: 1, ApprovedBy: { Username: supervisorName } }], 'approved: recorded with its approver')
  })

  t.test('approved with a supervisor\'s credentials: placed, recorded with the approver on the order; the password nowhere', async (t) => {
    const reply = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], Approval: approval }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    const got = (await ta.rpc('getOrder', [m.apiSession, reply.result.RefNo])).result
    t.match(got.Adjustments, [{ Kind: 'LINE_DISCOUNT', LineNo: 2, DiscountType: 'PERCENT', Value: '25', OldAmount: 20, NewAmount: 15, User: { Username: /^agent\d+$/ }, ApprovedBy: { UserId: Number, Username: supervisorName } }])
    t.same(got, reply.result)
    const row = await ta.db.db.selectFrom('order_adjustments as a').innerJoin('orders as o', 'o.id', 'a.order_id').innerJoin('merchant_users as u', 'u.id', 'a.approved_by_user_id')
      .select(['u.username']).where('o.ref_no', '=', BigInt(reply.result.RefNo)).executeTakeFirstOrThrow()
    t.equal(row.username, supervisorName)
    t.notOk(ta.logs.some((line) => line.includes(STAFF_PASSWORD)), 'the approval password is in no log line')
    t.notOk(JSON.stringify(reply).includes(STAFF_PASSWORD), 'nor in the answer')
    const keys = await ta.db.db.selectFrom('idempotency_keys').selectAll().execute()
    t.notOk(JSON.stringify(keys, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v).includes(STAFF_PASSWORD), 'nor in any idempotency row')
  })

  t.test('a wrong supervisor password: DISCOUNT_APPROVAL_FAILED naming Assisted.Approval, counted as a failed login', async (t) => {
    const failures = async () => (await ta.db.db.selectFrom('login_limits').select(['key', 'failures']).execute()).filter((r) => r.key.includes(`user:${m.code}:${supervisorName}`)).reduce((n, r) => n + r.failures, 0)
    const before = await failures()
    const reply = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], Approval: { Username: supervisorName, Password: 'wrong password!!' } }])
    t.match(reply.error, { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval' }] } })
    t.ok(await failures() > before, 'the failure is counted against the supervisor\'s login')
    const noPrivilege = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], Approval: { Username: 'agent2', Password: STAFF_PASSWORD } }])
    t.match(noPrivilege.error, { data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', message: /APPROVE_DISCOUNTS/ }] } }, 'a user without APPROVE_DISCOUNTS cannot approve')
  })

  t.test('a self-approval is refused: a supervisor above their own role\'s limit (SUPERVISOR MaxLinePercent 50) cannot approve their own discount, another supervisor can; nothing written', async (t) => {
    const boss = await m.userSession(['SUPERVISOR' as never])
    const bossName = (await ta.rpc('getSessionUser', [boss])).result.Username as string
    const sixty = { Items: [null, { Discount: { Type: 'PERCENT', Value: 60, Reason: 'bundle' } }] }
    const before = await written(ta)
    t.match((await ta.rpc('placeAssistedOrder', [boss, order, sixty])).error, { data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'SUPERVISOR', limits: [{ limit: 'MaxLinePercent', max: 50 }] } }, 'above the SUPERVISOR limit without an approval')
    const self = await ta.rpc('placeAssistedOrder', [boss, order, { ...sixty, Approval: { Username: bossName, Password: STAFF_PASSWORD } }])
    t.match(self.error, {
      code: 55201,
      data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED', message: 'a discount is approved by another user than the one who gives it' }] }
    }, 'their own credentials: DISCOUNT_APPROVAL_FAILED naming Assisted.Approval')
    t.match((await ta.rpc('quote', [boss, order, { ...sixty, Approval: { Username: bossName.toUpperCase(), Password: STAFF_PASSWORD } }])).error, { data: { error_code: 'DISCOUNT_APPROVAL_FAILED' } }, 'quote too, and their username in other case is still them')
    t.same(await written(ta), before, 'nothing written')
    const other = await ta.rpc('placeAssistedOrder', [boss, order, { ...sixty, Approval: approval }])
    t.notOk(other.error, JSON.stringify(other.error))
    t.match(other.result?.Adjustments, [{ LineNo: 2, Value: '60', User: { Username: bossName }, ApprovedBy: { Username: supervisorName } }], 'another supervisor\'s approval: placed, recorded with them')
  })

  t.test('a supervisor of another merchant cannot approve: the approver is looked up in the order\'s merchant only, and the failure is counted there', async (t) => {
    const elsewhere = await ta.merchant()
    const elsewhereId = (await ta.db.db.selectFrom('merchants').select('id').where('code', '=', elsewhere.code).executeTakeFirstOrThrow()).id
    await createMerchantUser(ta.db.db, elsewhereId, { username: 'elsewhere-boss', password: STAFF_PASSWORD, privileges: ['SUPERVISOR'] }, FIXTURE_HASH_PARAMS)
    t.match(await ta.rpc('loginUser', [elsewhere.code, 'elsewhere-boss', STAFF_PASSWORD]), { result: /^[0-9a-f]{64}$/ }, 'a supervisor at the other merchant, with this password')
    const failures = async (code: string) => (await ta.db.db.selectFrom('login_limits').select(['key', 'failures']).execute()).filter((r) => r.key.includes(`user:${code}:elsewhere-boss`)).reduce((n, r) => n + r.failures, 0)
    const before = { written: await written(ta), here: await failures(m.code) }
    const reply = await ta.rpc('placeAssistedOrder', [agent, order, { Items: [null, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], Approval: { Username: 'elsewhere-boss', Password: STAFF_PASSWORD } }])
    t.match(reply.error, { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', message: 'unknown supervisor or wrong password' }] } }, 'refused as an unknown supervisor')
    t.notOk(reply.result, 'no order')
    t.same(await written(ta), before.written, 'nothing written')
    t.equal(await failures(m.code), before.here + 1, 'a failed approval at this merchant')
    t.equal(await failures(elsewhere.code), 0, 'nothing counted against the other merchant\'s user')
  })

  t.test('reason codes: set per merchant; then every staff discount names one of them, recorded on the order', async (t) => {
    const set = await ta.rpc('setDiscountReasons', [m.apiSession, [{ Code: 'PRICE_MATCH', Name: 'Price match' }, { Code: 'GOODWILL', Name: 'Goodwill' }]])
    t.same(set.result, [{ Code: 'GOODWILL', Name: 'Goodwill' }, { Code: 'PRICE_MATCH', Name: 'Price match' }])
    t.same((await ta.rpc('getDiscountReasons', [agent])).result, set.result)
    const discount = { Items: [{ Discount: { Type: 'AMOUNT', Value: 5, Reason: 'competitor at 94.00' } }] }
    t.match((await ta.rpc('placeAssistedOrder', [agent, order, discount])).error, { data: { error_code: 'DISCOUNT_REASON_INVALID', fields: [{ path: 'Assisted.ReasonCode', message: /GOODWILL, PRICE_MATCH/ }] } })
    t.match((await ta.rpc('placeAssistedOrder', [agent, order, { ...discount, ReasonCode: 'NOPE' }])).error, { data: { error_code: 'DISCOUNT_REASON_INVALID' } })
    const placed = await ta.rpc('placeAssistedOrder', [agent, order, { ...discount, ReasonCode: 'PRICE_MATCH' }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.match(placed.result.Adjustments, [{ Reason: 'competitor at 94.00', ReasonCode: 'PRICE_MATCH', ApprovedBy: null }])
    t.notOk((await ta.rpc('placeAssistedOrder', [agent, testCardOrder()])).error, 'an order without staff discounts needs no reason code')
    const customizer = await m.userSession(['AGENT' as never, 'CUSTOM_LINE_ITEMS'])
    const custom = { CustomItems: [{ Name: 'Engraving', Price: '10.00', Quantity: 1, TaxClass: 'EXEMPT', Discount: { Type: 'AMOUNT', Value: 2, Reason: 'dent' } }] }
    t.match((await ta.rpc('placeAssistedOrder', [customizer, order, custom])).error, { data: { error_code: 'DISCOUNT_REASON_INVALID', fields: [{ path: 'Assisted.ReasonCode' }] } }, 'a custom line\'s discount needs a reason code too')
    const customPlaced = await ta.rpc('placeAssistedOrder', [customizer, order, { ...custom, ReasonCode: 'GOODWILL' }])
    t.notOk(customPlaced.error, JSON.stringify(customPlaced.error))
    t.match(customPlaced.result.Adjustments, [{ Reason: 'dent', ReasonCode: 'GOODWILL' }], 'recorded with it')
  })
})
