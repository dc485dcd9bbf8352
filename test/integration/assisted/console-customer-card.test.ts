import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'
import { orderPaidWith } from '../../helpers/payments.js'

t.test('a console-created customer (no CustomerReference): getCustomerTransientToken by CustomerId charges their stored card on the next order', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  const created = await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Nora', LastName: 'Noref', Email: 'nora@example.com' }])
  t.notOk(created.error, JSON.stringify(created.error))
  const nora = created.result
  t.equal(nora.CustomerReference, null, 'created in the console: no CustomerReference')

  t.test('before any order: STORED_PAYMENT_DATA_NOT_FOUND naming CustomerId', async (t) => {
    const reply = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: nora.CustomerId })
    t.match(reply.error, { code: 55201, data: { error_code: 'STORED_PAYMENT_DATA_NOT_FOUND', fields: [{ path: 'CustomerId', error_code: 'STORED_PAYMENT_DATA_NOT_FOUND', message: `customer ${nora.CustomerId} has no stored card` }] } })
  })

  const first = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: nora.CustomerId, CardConsent: { Given: true } }])
  t.notOk(first.error, JSON.stringify(first.error))
  t.equal(first.result.Status, 'AUTHRECEIVED')

  t.test('the token by CustomerId charges the stored card on the next assisted order', async (t) => {
    const issued = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: nora.CustomerId })
    t.notOk(issued.error, JSON.stringify(issued.error))
    t.same(issued.result, {
      TransientToken: issued.result.TransientToken,
      ExpirationDate: '2026-11-23 10:15:00',
      CustomerReference: null,
      CustomerId: nora.CustomerId,
      PaymentMethod: { CardType: 'visa', FirstDigits: '411111', LastDigits: '1111', ExpirationMonth: '12', ExpirationYear: '2030', HolderName: 'John Doe' }
    })
    t.match(issued.result.TransientToken, /^[\w-]{32}$/)
    const order = orderPaidWith('EXISTING_PAYMENT_DATA', { TransientToken: issued.result.TransientToken })
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { CustomerId: nora.CustomerId }])
    t.notOk(reply.error, JSON.stringify(reply.error))
    t.match(reply.result, { Status: 'AUTHRECEIVED', Errors: null, ExtraInformation: { CustomerId: nora.CustomerId }, PaymentDetails: { Type: 'EXISTING_PAYMENT_DATA', PaymentMethod: { CardType: 'visa', FirstDigits: '411111', LastDigits: '1111' } } })
    const orders = await ta.db.db.selectFrom('orders').select(['customer_id', 'status']).where('merchant_id', '=', m.merchantId).orderBy('id').execute()
    t.same(orders, [{ customer_id: BigInt(nora.CustomerId), status: 'AUTHRECEIVED' }, { customer_id: BigInt(nora.CustomerId), status: 'AUTHRECEIVED' }], 'both orders are Nora\'s')
  })

  t.test('the positional form [sessionID, null, CustomerId] works too; the CustomerReference form is unchanged', async (t) => {
    const positional = await ta.rpc('getCustomerTransientToken', [m.staffSession, null, nora.CustomerId])
    t.notOk(positional.error, JSON.stringify(positional.error))
    t.equal(positional.result.CustomerId, nora.CustomerId)
    const withRef = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Rita', LastName: 'Ref', Email: 'rita@example.com', CustomerReference: 5151 }])).result
    await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: withRef.CustomerId, CardConsent: { Given: true } }])
    const byRef = await ta.rpc('getCustomerTransientToken', [m.staffSession, 5151])
    t.notOk(byRef.error, JSON.stringify(byRef.error))
    t.match(byRef.result, { CustomerReference: 5151, CustomerId: withRef.CustomerId })
  })

  t.test('exactly one of CustomerReference and CustomerId: none or both are -32602 naming the field; nothing issued', async (t) => {
    const before = await ta.db.db.selectFrom('transient_tokens').select('token_hash').execute()
    const none = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession })
    t.match(none.error, { code: -32602, data: { fields: [{ path: 'CustomerReference', message: 'give the customer: CustomerReference or CustomerId' }] } })
    const both = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerReference: 5151, CustomerId: nora.CustomerId })
    t.match(both.error, { code: -32602, data: { fields: [{ path: 'CustomerId', message: 'give CustomerReference or CustomerId, not both' }] } })
    const bad = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: -3 })
    t.match(bad.error, { code: -32602, data: { fields: [{ path: 'CustomerId' }] } })
    t.same(await ta.db.db.selectFrom('transient_tokens').select('token_hash').execute(), before, 'no token issued')
  })

  t.test('another merchant\'s CustomerId is CUSTOMER_NOT_FOUND, as an unknown one', async (t) => {
    const theirs = await ta.rpc('getCustomerTransientToken', { sessionID: other.staffSession, CustomerId: nora.CustomerId })
    t.match(theirs.error, { code: 55201, data: { error_code: 'CUSTOMER_NOT_FOUND', fields: [{ path: 'CustomerId', message: `no customer ${nora.CustomerId} for this merchant` }] } })
    const unknown = await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: 99999999 })
    t.match(unknown.error, { data: { error_code: 'CUSTOMER_NOT_FOUND', fields: [{ path: 'CustomerId' }] } })
  })
})
