import t from 'tap'
import { SANDBOX_CARDS } from '../../../src/payments/sandbox-processor.js'
import { createTestApp, gmdate } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { orderPaidWith } from '../../helpers/payments.js'

// Issue 19 item 5 for drafts: the card a draft is completed with is kept only when the agent
// records the customer's consent (completeDraft's CardConsent {Given: true}), and the record is in
// the order's history; without it, or with Given false, nothing is kept. A card the customer types
// on a payment link's page is never kept: no agent asked them (the page has no such choice).

const PAGE_CARD = { HolderName: 'John Doe', CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, ExpirationMonth: '12', ExpirationYear: '2030', CCID: '123' }

function draftOrder (): Record<string, any> {
  const { PaymentDetails: _payment, ...order } = testCardOrder()
  return order
}

t.test('card consent when a draft is completed', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['PLACE_ORDERS_ON_BEHALF'])
  const agentRow = await ta.db.db.selectFrom('merchant_users').select(['id', 'username']).where('merchant_id', '=', m.merchantId).where('username', '=', 'agent3').executeTakeFirstOrThrow()
  const actor = { Type: 'USER', UserId: Number(agentRow.id), Username: agentRow.username }
  let n = 0
  const customerDraft = async () => {
    const customer = (await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Dora', LastName: `Draft${++n}`, Email: `dora${n}@example.com` }])).result
    const draft = await ta.rpc('createDraft', [agent, draftOrder(), { CustomerId: customer.CustomerId }])
    if (draft.error !== undefined) throw new Error(JSON.stringify(draft.error))
    return { customerId: customer.CustomerId as number, draft: draft.result as { DraftId: number, Version: number } }
  }
  const cardsOf = async (customerId: number) => await ta.db.db.selectFrom('stored_cards').select(['brand', 'last4']).where('customer_id', '=', BigInt(customerId)).execute()
  const eventsOf = async (refNo: string) => (await ta.rpc('getOrderHistory', [m.apiSession, refNo])).result.Events as Array<{ Event: string, Actor: unknown, Detail: unknown, At: string }>
  const mastercard = withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, CardType: 'mastercard' }).PaymentDetails

  t.test('without CardConsent: not kept, no consent event', async (t) => {
    const { customerId, draft } = await customerDraft()
    const placed = await ta.rpc('completeDraft', [agent, draft.DraftId, draft.Version, mastercard])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(await cardsOf(customerId), [], 'no stored card')
    t.same((await eventsOf(placed.result.RefNo)).map((e) => e.Event), ['PLACED'])
  })

  t.test('CardConsent {Given: false}: not kept; the refusal recorded with the agent and the card', async (t) => {
    const { customerId, draft } = await customerDraft()
    const placed = await ta.rpc('completeDraft', [agent, draft.DraftId, draft.Version, mastercard, { Given: false }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(await cardsOf(customerId), [])
    const consent = (await eventsOf(placed.result.RefNo)).filter((e) => e.Event === 'CARD_CONSENT_RECORDED')
    t.same(consent.map((e) => ({ Actor: e.Actor, Detail: e.Detail, At: e.At })), [{ Actor: actor, Detail: { Given: false, CardType: 'mastercard', LastDigits: '4444' }, At: gmdate(ta.clock.now()) }])
  })

  t.test('CardConsent {Given: true}: kept, recorded, and charged on the customer\'s next order', async (t) => {
    const { customerId, draft } = await customerDraft()
    const placed = await ta.rpc('completeDraft', [agent, draft.DraftId, draft.Version, mastercard, { Given: true }])
    t.notOk(placed.error, JSON.stringify(placed.error))
    t.same(await cardsOf(customerId), [{ brand: 'mastercard', last4: '4444' }])
    const consent = (await eventsOf(placed.result.RefNo)).filter((e) => e.Event === 'CARD_CONSENT_RECORDED')
    t.same(consent.map((e) => ({ Actor: e.Actor, Detail: e.Detail })), [{ Actor: actor, Detail: { Given: true, CardType: 'mastercard', LastDigits: '4444' } }])
    const token = (await ta.rpc('getCustomerTransientToken', { sessionID: agent, CustomerId: customerId })).result?.TransientToken
    t.type(token, 'string', 'a transient token for the kept card')
    const next = await ta.rpc('placeAssistedOrder', [agent, orderPaidWith('EXISTING_PAYMENT_DATA', { TransientToken: token }), { CustomerId: customerId }])
    t.notOk(next.error, JSON.stringify(next.error))
    t.match(next.result, { Status: 'AUTHRECEIVED', PaymentDetails: { PaymentMethod: { LastDigits: '4444' } } })
  })

  t.test('paid on the payment link\'s page: the card is not kept and no consent is recorded', async (t) => {
    const { customerId, draft } = await customerDraft()
    const link = await ta.rpc('createPaymentLink', [agent, draft.DraftId, draft.Version])
    t.notOk(link.error, JSON.stringify(link.error))
    const url = new URL(link.result.Url)
    const paid = await ta.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: url.searchParams.get('token'), ...PAGE_CARD }) })
    t.equal(paid.statusCode, 200, paid.body)
    const refNo = JSON.parse(paid.body).RefNo as string
    t.same(await cardsOf(customerId), [], 'no stored card')
    t.same((await eventsOf(refNo)).map((e) => e.Event), ['PLACED'])
  })
})
