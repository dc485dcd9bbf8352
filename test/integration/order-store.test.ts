import type { CompiledQuery, Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import t from 'tap'
import { insertOrder, insertOrders, type NewOrder } from '../../src/orders/order-store.js'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant } from '../helpers/orders.js'

const AT = new Date('2026-11-23T10:00:00.000Z')
const CARD = { brand: 'visa', first6: '411111', last4: '1111', expiry: '12/2030' }

/** A minimal stored order: `lines` product codes, a TEST payment, two history entries. */
function newOrder (merchantId: bigint, customer: NewOrder['customer'], lines: string[], extra: Partial<NewOrder> = {}): NewOrder {
  return {
    merchantId,
    customer,
    externalReference: lines.join('+'),
    status: 'AUTHRECEIVED',
    approveStatus: 'WAITING',
    vendorApproveStatus: 'OK',
    fraudStatus: null,
    paymentType: 'TEST',
    currency: 'USD',
    language: 'en',
    country: 'US',
    netPriceMinor: 1000n,
    grossPriceMinor: 1000n,
    netDiscountedPriceMinor: 1000n,
    grossDiscountedPriceMinor: 1000n,
    discountMinor: 0n,
    vatMinor: 0n,
    shippingMinor: 0n,
    billingDetails: { Email: 'x@example.com' },
    deliveryDetails: null,
    deliveryInformation: null,
    paymentDetails: { Type: 'TEST' },
    promotions: [],
    additionalFields: null,
    giftDetails: null,
    errors: null,
    extra: {},
    orderDate: AT,
    finishDate: null,
    items: lines.map((code, index) => ({ lineNo: index + 1, productCode: code, productName: code, sku: null, quantity: 1, unitNetPriceMinor: 500n, netPriceMinor: 500n, discountMinor: 0n, vatMinor: 0n, grossPriceMinor: 500n, vatPercentBp: 0, details: {} })),
    payment: { type: 'TEST', status: 'APPROVED', amountMinor: 1000n, currency: 'USD', card: CARD },
    events: [
      { at: AT, fromStatus: null, toStatus: 'PENDING', event: 'PLACED', actor: `test:${lines.join('+')}`, detail: {} },
      { at: AT, fromStatus: 'PENDING', toStatus: 'AUTHRECEIVED', event: 'PAYMENT_RECEIVED', actor: `test:${lines.join('+')}`, detail: {} }
    ],
    ...extra
  }
}

const shopper = (email: string, customerReference: bigint | null = null): NewOrder['customer'] =>
  ({ create: { customerReference, firstName: 'New', lastName: 'Shopper', email, company: null } })

/** The database, counting the statements sent through it (refused ones too). */
function counting (db: Kysely<Database>): { db: Kysely<Database>, count: () => number } {
  let count = 0
  const counted = new Proxy(db, {
    get (target, property) {
      if (property === 'executeQuery') return async (query: CompiledQuery) => { count++; return await target.executeQuery(query) }
      return Reflect.get(target, property)
    }
  })
  return { db: counted, count: () => count }
}

t.test('insertOrders stores several orders in one statement, each with its own customer, lines, history, payment, kept card and review', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const db = ta.db.db
  const known = await db.insertInto('customers').values({ merchant_id: m.id, first_name: 'Known', last_name: 'One', email: 'known@example.com' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('customers').values({ merchant_id: m.id, first_name: 'Raced', last_name: 'In', email: 'raced@example.com' }).execute()
  const counter = counting(db)

  const stored = await insertOrders(counter.db, [
    newOrder(m.id, { id: known.id }, ['K1'], { storedCard: { ...CARD, holderName: 'Known One', processorToken: 'tok-known' } }),
    newOrder(m.id, shopper('new@example.com'), ['N1', 'N2'], { storedCard: { ...CARD, holderName: 'New Shopper', processorToken: 'tok-first' } }),
    newOrder(m.id, shopper('NEW@Example.com'), ['N3'], { storedCard: { ...CARD, holderName: 'New Shopper', processorToken: 'tok-later' } }),
    newOrder(m.id, shopper('ref@example.com', 555n), ['R1'], { status: 'PENDING', fraudStatus: 'OPEN', fraudReview: { openedBy: 'system:fraud-rules', reason: 'holder name', nextStatus: 'AUTHRECEIVED' } }),
    // This shopper's customer was committed by a racing order: the order is not written here.
    newOrder(m.id, shopper('raced@example.com'), ['X1'])
  ])
  t.equal(counter.count(), 1, 'one statement for five orders')
  t.equal(stored.length, 5)
  t.equal(stored[4], undefined, 'the order whose new customer already exists is not written')
  const [k, n1, n2, r] = stored
  if (k === undefined || n1 === undefined || n2 === undefined || r === undefined) throw new Error('an order was not stored')
  t.equal(k.customerId, known.id, 'the known customer')
  t.equal(n1.customerId, n2.customerId, 'one new shopper\'s two orders (e-mail in any case) share one new customer')
  t.not(r.customerId, n1.customerId)
  t.equal(new Set(stored.filter((s) => s !== undefined).map((s) => String(s.refNo))).size, 4, 'four different RefNos')

  const orders = await db.selectFrom('orders').select(['id', 'ref_no', 'external_reference', 'customer_id', 'status']).where('merchant_id', '=', m.id).orderBy('id').execute()
  t.same(orders.map((o) => [o.id, o.ref_no, o.external_reference, o.customer_id]), [k, n1, n2, r].map((s, i) => [s.id, s.refNo, ['K1', 'N1+N2', 'N3', 'R1'][i], s.customerId]), 'each row is the order of its slot')
  const lines = await db.selectFrom('order_items').select(['order_id', 'line_no', 'product_code']).orderBy('order_id').orderBy('line_no').execute()
  t.same(lines.map((l) => [l.order_id, l.line_no, l.product_code]), [[k.id, 1, 'K1'], [n1.id, 1, 'N1'], [n1.id, 2, 'N2'], [n2.id, 1, 'N3'], [r.id, 1, 'R1']])
  const history = await db.selectFrom('order_events').select(['order_id', 'event', 'actor']).orderBy('id').execute()
  for (const [s, tag] of [[k, 'K1'], [n1, 'N1+N2'], [n2, 'N3'], [r, 'R1']] as const) {
    t.same(history.filter((h) => h.order_id === s.id).map((h) => [h.event, h.actor]), [['PLACED', `test:${tag}`], ['PAYMENT_RECEIVED', `test:${tag}`]], `${tag}: its history, in order`)
  }
  const payments = await db.selectFrom('payments').select(['order_id', 'amount_minor']).orderBy('order_id').execute()
  t.same(payments.map((p) => p.order_id), [k.id, n1.id, n2.id, r.id], 'one payment per order')
  const cards = await db.selectFrom('stored_cards').select(['customer_id', 'processor_token']).orderBy('customer_id').execute()
  t.same(cards.map((c) => [c.customer_id, c.processor_token]), [[known.id, 'tok-known'], [n1.customerId, 'tok-later']], 'a card kept by two orders of one customer is kept once, as the later order left it')
  const reviews = await db.selectFrom('fraud_reviews').select(['order_id', 'opened_by']).execute()
  t.same(reviews.map((v) => [v.order_id, v.opened_by]), [[r.id, 'system:fraud-rules']])
  const customers = await db.selectFrom('customers').select(['email', 'customer_reference']).where('merchant_id', '=', m.id).orderBy('id').execute()
  t.same(customers.map((c) => [c.email, c.customer_reference]), [['known@example.com', null], ['raced@example.com', null], ['new@example.com', null], ['ref@example.com', 555n]])
})

t.test('orders stored in one turn share one statement; an order PostgreSQL refuses fails alone and the others are stored', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const counter = counting(ta.db.db)
  const db = counter.db

  const good = await Promise.all(['A', 'B', 'C'].map(async (code) => await insertOrder(db, newOrder(m.id, shopper(`${code}@example.com`), [code]))))
  t.equal(counter.count(), 1, 'three orders, one statement')
  t.equal(good.filter((s) => s !== undefined).length, 3)

  const settled = await Promise.allSettled([
    insertOrder(db, newOrder(m.id, shopper('d@example.com'), ['D'])),
    // a negative discount breaks orders_discount_minor_check (23514)
    insertOrder(db, newOrder(m.id, shopper('bad@example.com'), ['BAD'], { discountMinor: -1n })),
    insertOrder(db, newOrder(m.id, shopper('e@example.com'), ['E']))
  ])
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.match((settled[1] as PromiseRejectedResult).reason, { code: '23514' })
  t.equal(counter.count(), 1 + 1 + 3, 'the refused statement, then each order alone')
  const orders = await ta.db.db.selectFrom('orders').select('external_reference').where('merchant_id', '=', m.id).orderBy('id').execute()
  t.same(orders.map((o) => o.external_reference), ['A', 'B', 'C', 'D', 'E'], 'the refused order is not written, the others are')
  const strays = await ta.db.db.selectFrom('customers').select('email').where('email', '=', 'bad@example.com').execute()
  t.same(strays, [], 'nor is its new customer')
})
