import t, { type Test } from 'tap'
import { createTestApp, type TestApp } from '../../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant, type Staff } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// SPEC §5, what staff did is on the order, for orders placed from drafts: each staff discount
// is the staff member's who gave it (Adjustments User), held to their authority (their role's
// limits, or a supervisor's approval of it), whoever completes the draft (PlacedBy).

const CARD = testCardOrder().PaymentDetails
const PAGE_CARD = { HolderName: 'John Doe', CardNumber: '4111111111111111', ExpirationMonth: '12', ExpirationYear: '2030', CCID: '123' }

/** my_subscription_1 (99.00) and ADDON-1 ×2 (20.00), without PaymentDetails: a draft is paid when completed. */
function draftOrder (): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })
  return order
}

const percent = (value: number, reason: string) => ({ Discount: { Type: 'PERCENT', Value: value, Reason: reason } })

type Setup = { ta: TestApp, m: Staff, supervisor: string, agent3: string, agent4: string }

/** agent1 is the SUPERVISOR (staffMerchant), agent3 and agent4 AGENTs: 20 % a line, 10 % the order; a SUPERVISOR 50 % a line. */
async function setup (t: Test): Promise<Setup> {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent3 = await m.userSession(['AGENT' as never])
  const agent4 = await m.userSession(['AGENT' as never])
  const limits = await ta.rpc('setDiscountLimits', [m.staffSession, [{ Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 10 }, { Role: 'SUPERVISOR', MaxLinePercent: 50 }]])
  if (limits.error !== undefined) throw new Error(JSON.stringify(limits.error))
  return { ta, m, supervisor: m.staffSession, agent3, agent4 }
}

async function userIds (ta: TestApp): Promise<Record<string, number>> {
  const rows = await ta.db.db.selectFrom('merchant_users').select(['id', 'username']).execute()
  return Object.fromEntries(rows.map((r) => [r.username, Number(r.id)]))
}

const user = (ids: Record<string, number>, username: string) => ({ UserId: ids[username], Username: username })

t.test('a draft completed by another user: each discount is the user\'s who gave it, PlacedBy the one who completed it', async (t) => {
  const { ta, m, supervisor, agent3, agent4 } = await setup(t)
  const ids = await userIds(ta)
  const created = await ta.rpc('createDraft', [agent3, draftOrder(), { Items: [percent(10, 'loyal'), percent(5, 'bundle')], Discount: { Type: 'PERCENT', Value: 5, Reason: 'welcome' } }])
  t.notOk(created.error, JSON.stringify(created.error))
  // agent4 changes the second line's discount to 15 %, sending the others back as they are (written otherwise: '10.0' for 10)
  const updated = await ta.rpc('updateDraft', [agent4, created.result.DraftId, 1, draftOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: '10.0', Reason: 'loyal' } }, percent(15, 'bundle')], Discount: { Type: 'PERCENT', Value: 5, Reason: 'welcome' } }])
  t.notOk(updated.error, JSON.stringify(updated.error))
  const placed = await ta.rpc('completeDraft', [supervisor, created.result.DraftId, 2, CARD])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const got = (await ta.rpc('getOrder', [m.apiSession, placed.result.RefNo])).result
  t.same(got.ExtraInformation.PlacedBy, user(ids, 'agent1'), 'placed by the supervisor who completed it')
  t.same(got.Adjustments.map((a: Record<string, unknown>) => [a.Kind, a.LineNo, a.Value, a.User, a.ApprovedBy]), [
    ['LINE_DISCOUNT', 1, '10.0', user(ids, 'agent3'), null],
    ['LINE_DISCOUNT', 2, '15', user(ids, 'agent4'), null],
    ['ORDER_DISCOUNT', null, '5', user(ids, 'agent3'), null]
  ], 'agent3\'s two discounts, agent4\'s changed one')
  t.same(got, placed.result, 'completeDraft answered the same adjustments')
})

t.test('a supervisor\'s draft above an agent\'s limits is the supervisor\'s: priced for the agent, kept through the agent\'s changes, placed when the agent completes it', async (t) => {
  const { ta, m, agent3 } = await setup(t)
  const ids = await userIds(ta)
  const assisted = { Items: [percent(40, 'price match')] }
  const created = await ta.rpc('createDraft', [m.staffSession, draftOrder(), assisted])
  t.notOk(created.error, JSON.stringify(created.error))
  const seen = await ta.rpc('getDraft', [agent3, created.result.DraftId])
  t.same([seen.result.PriceErrors, seen.result.Price?.GrossDiscountedPrice], [[], created.result.Price.GrossDiscountedPrice], 'the agent sees it priced as the supervisor did')
  const raised = await ta.rpc('updateDraft', [agent3, created.result.DraftId, 1, draftOrder(), { Items: [percent(45, 'price match')] }])
  t.match(raised.error, { code: 55201, message: /AGENT limit MaxLinePercent \(20 %\) at Assisted\.Items\.0\.Discount\.Value/, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT' } }, 'the agent cannot raise it: the change is theirs')
  const kept = await ta.rpc('updateDraft', [agent3, created.result.DraftId, 1, { ...draftOrder(), ExternalReference: 'EXT-2' }, assisted])
  t.notOk(kept.error, `the agent changes something else: ${JSON.stringify(kept.error)}`)
  const placed = await ta.rpc('completeDraft', [agent3, created.result.DraftId, 2, CARD])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.match(placed.result, { ExternalReference: 'EXT-2', ExtraInformation: { PlacedBy: user(ids, 'agent3') } })
  t.same(placed.result.Adjustments.map((a: Record<string, unknown>) => [a.LineNo, a.Value, a.OldAmount, a.NewAmount, a.User, a.ApprovedBy]), [[1, '40', 99, 59.4, user(ids, 'agent1'), null]])
})

t.test('a payment link\'s order: each discount is the user\'s who gave it, PlacedBy the link\'s maker', async (t) => {
  const { ta, m, agent3, agent4 } = await setup(t)
  const ids = await userIds(ta)
  const created = await ta.rpc('createDraft', [agent3, draftOrder(), { Items: [null, percent(20, 'bundle')] }])
  t.notOk(created.error, JSON.stringify(created.error))
  const link = await ta.rpc('createPaymentLink', [agent4, created.result.DraftId, 1])
  t.notOk(link.error, JSON.stringify(link.error))
  const url = new URL(link.result.Url)
  const paid = await ta.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: url.searchParams.get('token'), ...PAGE_CARD }) })
  t.equal(paid.statusCode, 200, paid.body)
  const got = (await ta.rpc('getOrder', [m.apiSession, JSON.parse(paid.body).RefNo])).result
  t.same(got.ExtraInformation.PlacedBy, user(ids, 'agent4'))
  t.same(got.Adjustments.map((a: Record<string, unknown>) => [a.LineNo, a.Value, a.User, a.ApprovedBy]), [[2, '20', user(ids, 'agent3'), null]])
})

const byBigint = (_key: string, value: unknown) => (typeof value === 'bigint' ? String(value) : value)

t.test('an agent\'s discount above their limit in a draft: refused naming the limit without a supervisor\'s approval; with one, accepted and recorded (never the password), placed with its approver whoever completes the draft', async (t) => {
  const { ta, m, agent3, agent4 } = await setup(t)
  const ids = await userIds(ta)
  const over = { Items: [percent(30, 'price match')] }
  const limitExceeded = { code: 55201, message: /AGENT limit MaxLinePercent \(20 %\) at Assisted\.Items\.0\.Discount\.Value/, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', limits: [{ field: 'Assisted.Items.0.Discount.Value', limit: 'MaxLinePercent', max: 20 }] } }
  t.match((await ta.rpc('createDraft', [agent3, draftOrder(), over])).error, limitExceeded, 'createDraft without an approval')
  const created = await ta.rpc('createDraft', [agent3, draftOrder(), { Items: [percent(10, 'loyal')] }])
  t.notOk(created.error, JSON.stringify(created.error))
  const id = created.result.DraftId
  t.match((await ta.rpc('updateDraft', [agent3, id, 1, draftOrder(), over])).error, limitExceeded, 'updateDraft without an approval')

  const failures = async () => (await ta.db.db.selectFrom('login_limits').select(['key', 'failures']).execute()).filter((r) => r.key.includes(`user:${m.code}:agent1`)).reduce((n, r) => n + r.failures, 0)
  const failed = await failures()
  const wrong = await ta.rpc('updateDraft', [agent3, id, 1, draftOrder(), { ...over, Approval: { Username: 'agent1', Password: 'wrong password!!' } }])
  t.match(wrong.error, { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED' }] } }, 'a wrong password is refused')
  t.ok(await failures() > failed, 'and counted as a failed login of the supervisor')

  const raised = await ta.rpc('updateDraft', [agent3, id, 1, draftOrder(), { ...over, Approval: { Username: 'agent1', Password: STAFF_PASSWORD } }])
  t.notOk(raised.error, JSON.stringify(raised.error))
  t.same([raised.result.Version, raised.result.Assisted, raised.result.PriceErrors], [2, over, []], 'accepted: the draft holds the discount, not the approval')
  const rows = await ta.db.db.selectFrom('drafts').selectAll().execute()
  t.notOk(JSON.stringify(rows, byBigint).includes(STAFF_PASSWORD), 'the password is in no column of the drafts table')
  t.notOk(ta.logs.some((line) => line.includes(STAFF_PASSWORD)), 'nor in any log line')
  t.notOk(JSON.stringify(raised).includes(STAFF_PASSWORD), 'nor in the answer')
  t.match((rows[0]?.order_json as { Givers?: unknown }).Givers, { 'Assisted.Items.0.Discount': { ...user(ids, 'agent3'), ApprovedBy: user(ids, 'agent1') } }, 'agent3\'s discount, approved by agent1, in the draft\'s content')

  const seen = await ta.rpc('getDraft', [agent4, id])
  t.same(seen.result.PriceErrors, [], 'priced for another agent with its approval')
  const kept = await ta.rpc('updateDraft', [agent4, id, 2, { ...draftOrder(), ExternalReference: 'EXT-2' }, over])
  t.notOk(kept.error, `another agent saves the draft with the discount as it is, no approval of their own: ${JSON.stringify(kept.error)}`)
  const placed = await ta.rpc('completeDraft', [agent4, id, 3, CARD])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.same(placed.result.ExtraInformation.PlacedBy, user(ids, 'agent4'))
  t.same(placed.result.Adjustments.map((a: Record<string, unknown>) => [a.LineNo, a.Value, a.User, a.ApprovedBy]), [[1, '30', user(ids, 'agent3'), user(ids, 'agent1')]], 'agent3\'s discount, approved by agent1')
})

t.test('createDraft takes a supervisor\'s approval; completeDraft takes one for a discount its giver may no longer give (the limits lowered since)', async (t) => {
  const { ta, m, agent3, agent4 } = await setup(t)
  const ids = await userIds(ta)
  const approval = { Username: 'agent1', Password: STAFF_PASSWORD }
  const created = await ta.rpc('createDraft', [agent3, draftOrder(), { Items: [percent(30, 'price match')], Approval: approval }])
  t.notOk(created.error, JSON.stringify(created.error))
  const placed = await ta.rpc('completeDraft', [agent4, created.result.DraftId, 1, CARD])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.same(placed.result.Adjustments.map((a: Record<string, unknown>) => [a.Value, a.User, a.ApprovedBy]), [['30', user(ids, 'agent3'), user(ids, 'agent1')]])

  const within = await ta.rpc('createDraft', [agent3, draftOrder(), { Items: [percent(15, 'loyal')] }])
  t.notOk(within.error, JSON.stringify(within.error))
  t.notOk((await ta.rpc('setDiscountLimits', [m.staffSession, [{ Role: 'AGENT', MaxLinePercent: 10 }]])).error, 'the AGENT limit lowered to 10 %')
  const refused = await ta.rpc('completeDraft', [agent4, within.result.DraftId, 1, CARD])
  t.match(refused.error, { code: 55201, message: /AGENT limit MaxLinePercent \(10 %\)/, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED' } }, 'agent3\'s 15 % is over their limit now')
  const wrong = await ta.rpc('completeDraft', [agent4, within.result.DraftId, 1, CARD, null, null, { Username: 'agent1', Password: 'wrong password!!' }])
  t.match(wrong.error, { data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Approval' }] } }, 'a wrong password names completeDraft\'s Approval')
  const approved = await ta.rpc('completeDraft', [agent4, within.result.DraftId, 1, CARD, null, null, approval])
  t.notOk(approved.error, JSON.stringify(approved.error))
  t.same(approved.result.Adjustments.map((a: Record<string, unknown>) => [a.Value, a.User, a.ApprovedBy]), [['15', user(ids, 'agent3'), user(ids, 'agent1')]])
  t.notOk(ta.logs.some((line) => line.includes(STAFF_PASSWORD)), 'the password in no log line')
})

t.test('a supervisor does not approve their own discount: their draft\'s 40 % above a lowered SUPERVISOR limit is refused with their approval, placed with another supervisor\'s', async (t) => {
  const { ta, m, agent3 } = await setup(t)
  const ids = await userIds(ta)
  const created = await ta.rpc('createDraft', [m.staffSession, draftOrder(), { Items: [percent(40, 'price match')] }])
  t.notOk(created.error, JSON.stringify(created.error))
  t.notOk((await ta.rpc('setDiscountLimits', [m.staffSession, [{ Role: 'SUPERVISOR', MaxLinePercent: 30 }]])).error, 'the SUPERVISOR limit lowered to 30 %')
  const own = await ta.rpc('completeDraft', [agent3, created.result.DraftId, 1, CARD, null, null, { Username: 'agent1', Password: STAFF_PASSWORD }])
  t.match(own.error, { code: 55201, message: /SUPERVISOR limit MaxLinePercent \(30 %\)/, data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'SUPERVISOR' } }, 'agent1 approving agent1\'s discount approves nothing')
  await m.userSession(['SUPERVISOR' as never])
  const ids5 = await userIds(ta)
  const placed = await ta.rpc('completeDraft', [agent3, created.result.DraftId, 1, CARD, null, null, { Username: 'agent5', Password: STAFF_PASSWORD }])
  t.notOk(placed.error, JSON.stringify(placed.error))
  t.same(placed.result.Adjustments.map((a: Record<string, unknown>) => [a.Value, a.User, a.ApprovedBy]), [['40', user(ids, 'agent1'), user(ids5, 'agent5')]])
})
