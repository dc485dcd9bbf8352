import t from 'tap'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, gmdate } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { orderPaidWith, submitPage } from '../../helpers/payments.js'

// Issue 19 item 5: an agent records whether the customer agreed to keep the card; only then is it
// kept (stored_cards) for an assisted order; the record (who, when, which card) is in the history.

t.test('card consent on assisted orders', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await ta.db.db.selectFrom('merchant_users').select('id').where('merchant_id', '=', m.merchantId).where('username', '=', 'agent1').executeTakeFirstOrThrow()
  const agentActor = { Type: 'USER', UserId: Number(agent.id), Username: 'agent1' }
  let n = 0
  const newCustomer = async () => (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Cora', LastName: `Consent${++n}`, Email: `cora${n}@example.com` }])).result.CustomerId as number
  const cardsOf = async (customerId: number) => await ta.db.db.selectFrom('stored_cards').select(['brand', 'last4']).where('customer_id', '=', BigInt(customerId)).execute()
  const eventsOf = async (refNo: string) => (await ta.rpc('getOrderHistory', [m.apiSession, refNo])).result.Events

  t.test('without CardConsent the card of an assisted order is not kept, even with RecurringEnabled; no consent event', async (t) => {
    const customerId = await newCustomer()
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, withCard(testCardOrder(), { RecurringEnabled: true }), { CustomerId: customerId }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.equal(placed.result.Status, 'AUTHRECEIVED')
    t.same(await cardsOf(customerId), [], 'no stored card')
    t.same((await eventsOf(placed.result.RefNo)).map((e: { Event: string }) => e.Event), ['PLACED'])
    t.match((await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: customerId })).error, { data: { error_code: 'STORED_PAYMENT_DATA_NOT_FOUND' } })
  })

  t.test('CardConsent {Given: false}: not kept; the refusal is recorded with the agent, the time and the card', async (t) => {
    const customerId = await newCustomer()
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customerId, CardConsent: { Given: false } }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(await cardsOf(customerId), [])
    const at = gmdate(ta.clock.now())
    t.same(await eventsOf(placed.result.RefNo), [
      { At: at, FromStatus: null, Status: 'AUTHRECEIVED', Event: 'PLACED', Actor: agentActor, Reason: null, Detail: { PaymentType: 'TEST', PaymentStatus: 'APPROVED' } },
      { At: at, FromStatus: 'AUTHRECEIVED', Status: 'AUTHRECEIVED', Event: 'CARD_CONSENT_RECORDED', Actor: agentActor, Reason: null, Detail: { Given: false, CardType: 'visa', LastDigits: '1111' } }
    ])
  })

  t.test('CardConsent {Given: true}: the card is kept and can be charged on the next order; the consent is in the history', async (t) => {
    const customerId = await newCustomer()
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, CardType: 'mastercard' }), { CustomerId: customerId, CardConsent: { Given: true } }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(await cardsOf(customerId), [{ brand: 'mastercard', last4: '4444' }])
    const events = await eventsOf(placed.result.RefNo)
    t.same(events[1], { At: gmdate(ta.clock.now()), FromStatus: 'AUTHRECEIVED', Status: 'AUTHRECEIVED', Event: 'CARD_CONSENT_RECORDED', Actor: agentActor, Reason: null, Detail: { Given: true, CardType: 'mastercard', LastDigits: '4444' } })
    t.equal(events.length, 2)
    t.notOk(JSON.stringify(events).includes('555555'), 'only the last 4 digits and brand, no first digits')
    t.notOk(JSON.stringify(events).includes('sbx_'), 'no processor token')
    const token = (await ta.rpc('getCustomerTransientToken', { sessionID: m.staffSession, CustomerId: customerId })).result.TransientToken
    const next = await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('EXISTING_PAYMENT_DATA', { TransientToken: token }), { CustomerId: customerId }])
    t.notOk(next.error, JSON.stringify(next.error))
    t.match(next.result, { Status: 'AUTHRECEIVED', PaymentDetails: { PaymentMethod: { LastDigits: '4444' } } })
  })

  t.test('a 3-D Secure card without consent is not kept after the shopper authenticates; with consent it is', async (t) => {
    const without = await newCustomer()
    const withConsent = await newCustomer()
    const place = async (customerId: number, consent: Record<string, unknown>) => {
      const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS }), { CustomerId: customerId, ...consent }])
      t.notOk(reply.error, JSON.stringify(reply.error))
      t.equal(reply.result.Status, 'PENDING')
      const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: reply.result.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken, action: 'complete' })
      t.equal(done.statusCode, 303)
      return reply.result.RefNo as string
    }
    const refNo = await place(without, {})
    t.equal((await ta.rpc('getOrder', [m.apiSession, refNo])).result.Status, 'AUTHRECEIVED')
    t.same(await cardsOf(without), [], 'authenticated, still not kept')
    await place(withConsent, { CardConsent: { Given: true } })
    t.same(await cardsOf(withConsent), [{ brand: 'visa', last4: '3220' }], 'kept once authenticated')
  })

  t.test('a declined card is not kept even with consent', async (t) => {
    const customerId = await newCustomer()
    const placed = await ta.rpc('placeAssistedOrder', [m.staffSession, withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.DECLINE }), { CustomerId: customerId, CardConsent: { Given: true } }])
    t.equal(placed.result.Status, 'PENDING')
    t.same(await cardsOf(customerId), [])
  })

  t.test('CardConsent on a payment that charges no card is CARD_CONSENT_INVALID naming Assisted.CardConsent; nothing written', async (t) => {
    const customerId = await newCustomer()
    const before = await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', m.merchantId).execute()
    const reply = await ta.rpc('placeAssistedOrder', [m.staffSession, orderPaidWith('WIRE', null), { CustomerId: customerId, CardConsent: { Given: true } }])
    t.same(reply.error, {
      code: 55201,
      message: 'Card consent does not apply to this order: Assisted.CardConsent: PaymentDetails.Type WIRE charges no card: there is no card to keep',
      data: { error_code: 'CARD_CONSENT_INVALID', reason: 'CARD_CONSENT_INVALID', requestId: reply.error?.data.requestId, fields: [{ path: 'Assisted.CardConsent', error_code: 'CARD_CONSENT_INVALID', message: 'PaymentDetails.Type WIRE charges no card: there is no card to keep' }] }
    })
    t.same(await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', m.merchantId).execute(), before, 'no order')
    const quoted = await ta.rpc('quote', [m.staffSession, orderPaidWith('WIRE', null), { CustomerId: customerId, CardConsent: { Given: true } }])
    t.match(quoted.error, { code: 55201, data: { error_code: 'CARD_CONSENT_INVALID' } }, 'quote refuses it as placing would')
    const badShape = await ta.rpc('placeAssistedOrder', [m.staffSession, testCardOrder(), { CustomerId: customerId, CardConsent: { Given: 'yes' } }])
    t.match(badShape.error, { code: -32602, data: { fields: [{ path: 'Assisted.CardConsent.Given' }] } })
  })

  t.test('the merchant\'s own placeOrder keeps the card as before (no assisted sale, no consent asked)', async (t) => {
    const placed = await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ CustomerReference: 919191 })])
    t.equal(placed.result.Status, 'AUTHRECEIVED')
    const customer = await ta.db.db.selectFrom('customers').select('id').where('merchant_id', '=', m.merchantId).where('customer_reference', '=', 919191n).executeTakeFirstOrThrow()
    t.same(await cardsOf(Number(customer.id)), [{ brand: 'visa', last4: '1111' }])
  })
})
