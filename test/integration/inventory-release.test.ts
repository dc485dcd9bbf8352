import t from 'tap'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'
import { submitPage } from '../helpers/payments.js'

// Stock reserved by an order comes back on every way to CANCELED, here the shopper cancelling 3DS.
t.test('cancelling the 3DS page gives the reserved stock back; completing it keeps it', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const reserved = async () => {
    const row = await ta.db.db.selectFrom('inventory').innerJoin('products', 'products.id', 'inventory.product_id')
      .select('inventory.reserved').where('products.code', '=', 'BOOK-PRINT').where('products.merchant_id', '=', m.id).executeTakeFirstOrThrow()
    return Number(row.reserved)
  }
  const delivery = { FirstName: 'A', LastName: 'B', CountryCode: 'US', State: 'CA', City: 'LA', Address1: '1 Main St', Zip: '90210' }
  const place = async () => (await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 5 }], DeliveryDetails: delivery }), { CardNumber: '4000000000003220' })])).result
  const before = await reserved()

  const cancelled = await place()
  t.equal(cancelled.Status, 'PENDING')
  t.equal(await reserved(), before + 5, 'the pending 3DS order holds 5 books')
  const cancel = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: cancelled.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken, action: 'cancel' })
  t.equal(cancel.statusCode, 303)
  t.equal((await ta.rpc('getOrder', [m.sessionId, cancelled.RefNo])).result.Status, 'CANCELED')
  t.equal(await reserved(), before, 'cancelled: the 5 books are available again')

  const completed = await place()
  await submitPage(ta, '/sandbox/3ds', { avng8apitoken: completed.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken, action: 'complete' })
  t.equal((await ta.rpc('getOrder', [m.sessionId, completed.RefNo])).result.Status, 'AUTHRECEIVED')
  t.equal(await reserved(), before + 5, 'completed: the books stay reserved')
})
