import t from 'tap'
import { grantStoreCredit } from '../../../src/customers/customer-credits.js'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

t.test('customers for staff: create, update, get, search, levels, address book, B2B', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)

  const created = await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', Company: 'Engines Ltd', CustomerReference: 4242 }])
  t.notOk(created.error, JSON.stringify(created.error))
  const ada = created.result
  t.match(ada, { CustomerId: Number, CustomerReference: 4242, FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', B2B: false, FraudReview: false, Level: null, Addresses: [], StoredCards: [], StoreCredit: [] })
  const bob = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Bob', LastName: 'Builder', Email: 'bob@wholesale.example', B2B: true }])).result

  t.test('a second customer with the same CustomerReference is CUSTOMER_EXISTS', async (t) => {
    const reply = await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'X', LastName: 'Y', Email: 'x@example.com', CustomerReference: 4242 }])
    t.equal(reply.error?.data.error_code, 'CUSTOMER_EXISTS')
  })

  t.test('updateCustomer changes only the given fields', async (t) => {
    const reply = await ta.rpc('updateCustomer', { sessionID: m.staffSession, CustomerId: ada.CustomerId, Customer: { Phone: '+44 20 7946 0000' } })
    t.match(reply.result, { FirstName: 'Ada', Email: 'ada@example.com', Phone: '+44 20 7946 0000' })
    const missing = await ta.rpc('updateCustomer', [m.staffSession, 999999, { Phone: '1' }])
    t.equal(missing.error?.data.error_code, 'CUSTOMER_NOT_FOUND')
  })

  t.test('search by name, e-mail, customer id, CustomerReference, order number; B2B filter', async (t) => {
    const names = async (query: Record<string, unknown>) => ((await ta.rpc('searchCustomers', [m.staffSession, query])).result.Customers as Array<{ LastName: string }>).map((c) => c.LastName).sort()
    t.same(await names({ Text: 'lovel' }), ['Lovelace'])
    t.same(await names({ Name: 'bob build' }), ['Builder'])
    t.same(await names({ Email: 'WHOLESALE' }), ['Builder'])
    t.same(await names({ Text: String(ada.CustomerId) }), ['Lovelace'])
    t.same(await names({ CustomerReference: 4242 }), ['Lovelace'])
    t.same(await names({ B2B: true }), ['Builder'])
    t.same(await names({ B2B: false }), ['Lovelace'])
    const order = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ CustomerReference: 4242 })])).result
    t.same(await names({ RefNo: order.RefNo }), ['Lovelace'])
    t.same(await names({ Text: order.RefNo }), ['Lovelace'])
    const fromOther = await ta.rpc('searchCustomers', [other.staffSession, { Text: 'Lovelace' }])
    t.same(fromOther.result, { Total: 0, Customers: [] }, 'another merchant sees none of them')
  })

  t.test('the address book: add, replace, delete; getCustomer lists it with cards and store credit', async (t) => {
    const address = { Label: 'Office', FirstName: 'Ada', LastName: 'Lovelace', Address1: '12 St James Sq', City: 'London', Zip: 'SW1Y 4JH', CountryCode: 'GB' }
    const added = (await ta.rpc('saveCustomerAddress', [m.staffSession, ada.CustomerId, address])).result
    t.match(added, { AddressId: Number, Label: 'Office', CountryCode: 'gb' })
    const replaced = (await ta.rpc('saveCustomerAddress', [m.staffSession, ada.CustomerId, { ...address, City: 'Marylebone' }, added.AddressId])).result
    t.equal(replaced.City, 'Marylebone')
    await ta.rpc('saveCustomerAddress', [m.staffSession, ada.CustomerId, { ...address, Label: 'Home' }])
    t.equal((await ta.rpc('deleteCustomerAddress', [m.staffSession, ada.CustomerId, added.AddressId])).result, true)
    t.equal((await ta.rpc('deleteCustomerAddress', [m.staffSession, ada.CustomerId, added.AddressId])).error?.data.error_code, 'ADDRESS_NOT_FOUND')
    await grantStoreCredit(ta.db.db, { customerId: BigInt(ada.CustomerId), currency: 'USD', amountMinor: 1250n })
    const got = (await ta.rpc('getCustomer', [m.staffSession, ada.CustomerId])).result
    t.same(got.Addresses.map((a: { Label: string }) => a.Label), ['Home'])
    t.same(got.StoreCredit, [{ Currency: 'usd', Balance: 12.5 }])
    t.match(got.StoredCards, [{ CardType: 'visa', FirstDigits: '411111', LastDigits: '1111' }], 'the card of the approved order above')
    t.notOk(JSON.stringify(got).includes('4111111111111111'))
  })

  t.test('a customer level changes prices: its price list, else its percentage off', async (t) => {
    const level = await ta.rpc('saveCustomerLevel', [m.staffSession, { Code: 'GOLD', Name: 'Gold', PercentOff: 10, Prices: [{ ProductCode: 'my_subscription_1', Currency: 'USD', Amount: 80 }] }])
    t.notOk(level.error, JSON.stringify(level.error))
    const updated = await ta.rpc('updateCustomer', [m.staffSession, ada.CustomerId, { Level: 'GOLD' }])
    t.match(updated.result.Level, { Code: 'GOLD', Name: 'Gold', PercentOff: 10 })
    const order = testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 1 }, { Code: 'ADDON-1', Quantity: 1 }] })
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { CustomerId: ada.CustomerId }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(placed.result.Items.map((i: { Price: { UnitNetPrice: number } }) => i.Price.UnitNetPrice), [80, 9], 'price list 80.00; ADDON-1 10.00 − 10%')
    t.equal(placed.result.CustomerReference, 4242, 'the order is the chosen customer\'s')
    const plain = await ta.rpc('placeOrder', [m.apiSession, { ...order, CustomerReference: 4242 }])
    t.equal(plain.result.GrossDiscountedPrice, 89, 'placeOrder with the customer\'s CustomerReference prices the level too')
    const unknownLevel = await ta.rpc('updateCustomer', [m.staffSession, ada.CustomerId, { Level: 'PLATINUM' }])
    t.equal(unknownLevel.error?.data.error_code, 'CUSTOMER_LEVEL_NOT_FOUND')
  })

  t.test('a coupon on a B2B customer is refused naming Promotions.N; retail customers may use it', async (t) => {
    const order = testCardOrder({ Promotions: ['WELCOME10'] })
    const refused = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { CustomerId: bob.CustomerId }])
    t.equal(refused.error?.code, 55201)
    t.equal(refused.error?.data.error_code, 'PROMOTION_NOT_ALLOWED_FOR_B2B')
    t.same(refused.error?.data.fields.map((f: { path: string }) => f.path), ['Promotions.0'])
    const quoted = await ta.rpc('quote', [m.staffSession, order, { CustomerId: bob.CustomerId }])
    t.equal(quoted.error?.data.error_code, 'PROMOTION_NOT_ALLOWED_FOR_B2B', 'quote refuses it the same way')
    const uses = await ta.db.db.selectFrom('promotions').select('uses').where('code', '=', 'WELCOME10').where('merchant_id', '=', m.merchantId).executeTakeFirstOrThrow()
    t.equal(uses.uses, 0, 'the refused coupon was not counted')
    const retail = await ta.rpc('placeAssistedOrder', [m.staffSession, order, { CustomerId: ada.CustomerId }])
    t.same(retail.result.Promotions, ['WELCOME10'])
  })
})
