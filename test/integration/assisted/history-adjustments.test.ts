import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 19 item 3: getOrderHistory's Adjustments carry the approver and the reason code, as getOrder's do.
t.test('getOrderHistory\'s Adjustments: ApprovedBy and ReasonCode as on getOrder', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as never])
  const supervisorName = 'agent1' // staffMerchant's SUPERVISOR
  t.notOk((await ta.rpc('setDiscountLimits', [m.apiSession, [{ Role: 'AGENT', MaxLinePercent: 20 }]])).error)
  t.notOk((await ta.rpc('setDiscountReasons', [m.apiSession, [{ Code: 'PRICE_MATCH', Name: 'Price match' }]])).error)
  const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })
  const placed = await ta.rpc('placeAssistedOrder', [agent, order, {
    Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'within' } }, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }],
    ReasonCode: 'PRICE_MATCH',
    Approval: { Username: supervisorName, Password: STAFF_PASSWORD }
  }])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const refNo = placed.result.RefNo
  const got = (await ta.rpc('getOrder', [m.apiSession, refNo])).result
  const history = await ta.rpc('getOrderHistory', [m.apiSession, refNo])
  t.notOk(history.error, JSON.stringify(history.error))
  const adjustments = history.result.Adjustments
  t.match(adjustments, [
    { Kind: 'LINE_DISCOUNT', LineNo: 1, Reason: 'within', ReasonCode: 'PRICE_MATCH', ApprovedBy: null },
    { Kind: 'LINE_DISCOUNT', LineNo: 2, Reason: 'bundle', ReasonCode: 'PRICE_MATCH', ApprovedBy: { UserId: Number, Username: supervisorName } }
  ], 'the approval covered the line above the limit only; both carry the reason code')
  t.equal(adjustments.length, 2)
  const pick = (a: any) => ({ Kind: a.Kind, LineNo: a.LineNo, Reason: a.Reason, ReasonCode: a.ReasonCode, User: a.User, ApprovedBy: a.ApprovedBy })
  t.same(adjustments.map(pick), got.Adjustments.map(pick), 'the same as getOrder\'s')
  t.notOk(JSON.stringify(history).includes(STAFF_PASSWORD), 'no password in the history')
})
