import t from 'tap'
import { actorColumns, actorOfColumns, sessionActor, type OrderActor } from '../../../src/orders/order-actor.js'
import { ORDER_TRANSITIONS, transitionAllowed } from '../../../src/orders/order-lifecycle.js'
import { ORDER_EVENTS } from '../../../src/orders/order-events.js'

t.test('an actor maps to its order_events columns and back', async (t) => {
  const cases: Array<[OrderActor, { actor: string, userId: bigint | null }]> = [
    [{ kind: 'MERCHANT_API', merchantCode: 'ACME' }, { actor: 'merchant:ACME', userId: null }],
    [{ kind: 'USER', userId: 42n }, { actor: 'user:42', userId: 42n }],
    [{ kind: 'SHOPPER' }, { actor: 'shopper', userId: null }],
    [{ kind: 'SYSTEM', name: 'sweep' }, { actor: 'system:sweep', userId: null }],
    [{ kind: 'SYSTEM', name: 'fraud-rules' }, { actor: 'system:fraud-rules', userId: null }]
  ]
  for (const [actor, columns] of cases) {
    t.same(actorColumns(actor), columns, columns.actor)
    t.same(actorOfColumns(columns), actor, `${columns.actor} reads back`)
  }
  t.same(actorColumns({ kind: 'USER', userId: 7n, username: 'agent1' }), { actor: 'user:7', userId: 7n }, 'the username is not stored')
  t.same(actorOfColumns({ actor: 'legacy', userId: null }), { kind: 'SYSTEM', name: 'legacy' }, 'text of no known form')
  t.same(sessionActor({ code: 'ACME' }, undefined), { kind: 'MERCHANT_API', merchantCode: 'ACME' }, 'an API session')
  t.same(sessionActor({ code: 'ACME' }, { id: 3n, username: 'agent1' }), { kind: 'USER', userId: 3n, username: 'agent1' }, 'a staff user\'s session')
})

t.test('the state machine: every event after placement has its moves; a move not listed is refused', async (t) => {
  t.same(Object.keys(ORDER_TRANSITIONS).sort(), ORDER_EVENTS.filter((e) => e !== 'PLACED' && e !== 'PAYMENT_DECLINED' && e !== 'CARD_CONSENT_RECORDED').sort())
  t.ok(transitionAllowed('CANCELED_BY_STAFF', 'AUTHRECEIVED', 'CANCELED'))
  t.notOk(transitionAllowed('CANCELED_BY_STAFF', 'COMPLETE', 'CANCELED'), 'a complete order is not canceled (a refund is another event)')
  t.notOk(transitionAllowed('CANCELED_BY_STAFF', 'CANCELED', 'CANCELED'), 'nor canceled twice')
  t.ok(transitionAllowed('FRAUD_REVIEW_OKAY', 'PENDING', 'COMPLETE'))
  t.notOk(transitionAllowed('FRAUD_REVIEW_OKAY', 'PENDING', 'CANCELED'))
  t.notOk(transitionAllowed('PAYMENT_ABANDONED', 'AUTHRECEIVED', 'CANCELED'))
  t.notOk(transitionAllowed('PO_APPROVED', 'PURCHASE_PENDING', 'PURCHASE_PENDING'), 'approving twice')
})
