import t from 'tap'
import { createTestApp, gmdate } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// SPEC §5: what staff did is on the order itself — getOrder shows each manual discount and
// price override (type, value, old and new price, reason, user, approver), a replacement's reason
// and original RefNo, a cancellation's who/when/why, each attachment's uploader.
t.test('getOrder shows what staff did on the order', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const supervisor = { UserId: Number, Username: 'agent1' }

  t.test('each manual discount and price override: type, value, old and new price, reason, user, approver', async (t) => {
    const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 2 }] })
    const assisted = {
      Items: [{ Discount: { Type: 'UNIT_PRICE', Value: '90.00', Reason: 'price match' } }, { Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }],
      Discount: { Type: 'AMOUNT', Value: 5, Reason: 'goodwill' }
    }
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, order, assisted])
    t.notOk(placed.error, JSON.stringify(placed.error))
    const got = await ta.rpc('getOrder', [m.apiSession, placed.result.RefNo])
    t.same(got.result.Adjustments, [
      { Kind: 'LINE_DISCOUNT', LineNo: 1, DiscountType: 'UNIT_PRICE', Value: '90.00', OldAmount: 99, NewAmount: 90, Reason: 'price match', ReasonCode: null, User: { UserId: placed.result.ExtraInformation.PlacedBy.UserId, Username: 'agent1' }, ApprovedBy: null },
      { Kind: 'LINE_DISCOUNT', LineNo: 2, DiscountType: 'PERCENT', Value: '25', OldAmount: 20, NewAmount: 15, Reason: 'bundle', ReasonCode: null, User: { UserId: placed.result.ExtraInformation.PlacedBy.UserId, Username: 'agent1' }, ApprovedBy: null },
      { Kind: 'ORDER_DISCOUNT', LineNo: null, DiscountType: 'AMOUNT', Value: '5', OldAmount: 105, NewAmount: 100, Reason: 'goodwill', ReasonCode: null, User: { UserId: placed.result.ExtraInformation.PlacedBy.UserId, Username: 'agent1' }, ApprovedBy: null }
    ])
    t.same(got.result, placed.result, 'placeAssistedOrder answered the same adjustments')
    t.equal(got.result.Cancellation, undefined, 'not canceled')
    t.equal(got.result.Attachments, undefined, 'no attachments')
    const plain = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
    t.equal(plain.result.Adjustments, undefined, 'an order without staff adjustments has none')
  })

  t.test('a replacement order: its original RefNo and reason, and the payment-not-required adjustment', async (t) => {
    const original = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    const order = { ...testCardOrder(), PaymentDetails: { Type: 'FREE', Currency: 'usd' } }
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { PaymentNotRequired: { OriginalRefNo: original.RefNo, Reason: 'lost in transit' } }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    const got = (await ta.rpc('getOrder', [m.apiSession, placed.result.RefNo])).result
    t.match(got.ExtraInformation, { AssistedSale: true, ReplacementOf: original.RefNo, ReplacementReason: 'lost in transit' })
    t.same(got.Adjustments, [{ Kind: 'PAYMENT_NOT_REQUIRED', LineNo: null, DiscountType: null, Value: original.RefNo, OldAmount: 99, NewAmount: 0, Reason: 'lost in transit', ReasonCode: null, User: { UserId: got.ExtraInformation.PlacedBy.UserId, Username: 'agent1' }, ApprovedBy: null }])
  })

  t.test('a canceled order: Cancellation {By, Source, At, Reason} on cancelOrder\'s answer and on getOrder', async (t) => {
    const placed = (await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder()])).result
    // Canceled 7 min 13.6 s after it was placed: At is the cancel's time, to the second (truncated, as every wire date).
    ta.clock.advance(7 * 60_000 + 13_600)
    const at = gmdate(ta.clock.now())
    t.not(at, placed.OrderDate, 'the cancel is at another time than the placing')
    const canceled = await ta.rpc('cancelOrder', [m.staffSession, placed.RefNo, 'customer changed their mind'])
    t.notOk(canceled.error, JSON.stringify(canceled.error))
    t.match(canceled.result.Cancellation, { By: supervisor, At: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, Reason: 'customer changed their mind' })
    t.equal(canceled.result.Cancellation.At, at, `At is the test clock's time at the cancel (${at})`)
    ta.clock.advance(60_000)
    t.same(Object.keys(canceled.result.Cancellation).sort(), ['At', 'By', 'Reason', 'Source'])
    const got = (await ta.rpc('getOrder', [m.apiSession, placed.RefNo])).result
    t.same(got.Cancellation, canceled.result.Cancellation)
  })

  t.test('an attachment names its uploader on the order and on the attachment methods', async (t) => {
    const placed = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n')
    const other = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
    const added = await ta.rpc('addOrderAttachment', [other, placed.RefNo, 'invoice.pdf', pdf.toString('base64')])
    t.notOk(added.error, JSON.stringify(added.error))
    const uploader = added.result.AddedBy
    t.match(uploader, { UserId: Number, Username: /^agent\d+$/ })
    t.same((await ta.rpc('listOrderAttachments', [m.staffSession, placed.RefNo])).result, [added.result])
    t.same((await ta.rpc('getOrderAttachment', [m.staffSession, placed.RefNo, added.result.AttachmentId])).result, { ...added.result, Content: pdf.toString('base64') })
    const got = (await ta.rpc('getOrder', [m.apiSession, placed.RefNo])).result
    t.same(got.Attachments, [{ AttachmentId: added.result.AttachmentId, FileName: 'invoice.pdf', Size: pdf.length, Sha256: added.result.Sha256, AddedAt: added.result.AddedAt, AddedBy: uploader }])
  })
})
