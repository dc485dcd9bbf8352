import { createHash } from 'node:crypto'
import t from 'tap'
import { up as discardUnkeyedRequestHashes } from '../../migrations/202612012000_discard_unkeyed_request_hashes.js'
import { canonicalJson, DISCARDED_REQUEST_HASH } from '../../src/orders/idempotency.js'
import { createTestApp } from '../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../helpers/db.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'

// Issue 16, finding 1: idempotency rows keep a keyed fingerprint without the CVV (the dump test,
// card-data-at-rest.test.ts, attacks what is stored); here, what that means for retries, and the
// rows of older versions. The same SQL on both backends.
const BACKENDS: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, createDb] of BACKENDS) {
  t.test(`on ${backend}`, async (t) => {
    const ta = await createTestApp(t, {}, await createDb())
    const m = await seedDemoMerchant(ta)
    const orderCount = async () => (await ta.db.db.selectFrom('orders').select('id').execute()).length

    t.test('a retry differing only in the CVV replays the first order; another card or field is refused', async (t) => {
      const first = await ta.rpc('placeOrder', [m.sessionId, testCardOrder(), 'fp-1'])
      t.equal(first.result?.Status, 'AUTHRECEIVED')
      const otherCvv = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder(), { CCID: '999' }), 'fp-1'])
      t.same(otherCvv, first, 'the CVV is not part of the request fingerprint: the same answer, no second charge')
      const unknownField = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder(), { CVV2: '321' }), 'fp-1'])
      t.same(unknownField, first, 'a field the Order schema drops (here a second CVV) is not fingerprinted either')
      const otherCard = await ta.rpc('placeOrder', [m.sessionId, withCard(testCardOrder(), { CardNumber: '5555555555554444', CardType: 'mastercard' }), 'fp-1'])
      t.equal(otherCard.error?.data.error_code, 'IDEMPOTENCY_KEY_REUSED')
      const otherField = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ ExternalReference: 'EXT-2' }), 'fp-1'])
      t.equal(otherField.error?.data.error_code, 'IDEMPOTENCY_KEY_REUSED')
      t.equal(await orderCount(), 1, 'one order')
      const row = await ta.db.db.selectFrom('idempotency_keys').select('request_hash').where('key', '=', 'fp-1').executeTakeFirstOrThrow()
      const unkeyed = createHash('sha256').update(`placeOrder\n${canonicalJson({ Order: testCardOrder() })}`).digest('hex')
      t.match(row.request_hash, /^[0-9a-f]{64}$/)
      t.not(row.request_hash, unkeyed, 'not the unkeyed hash of older versions')
    })

    t.test('a card number typed as a product code is refused before the key is taken: nothing is kept', async (t) => {
      const order = testCardOrder({ Items: [{ Code: '4012 8888 8888 1881', Quantity: 1 }] })
      const first = await ta.rpc('placeOrder', [m.sessionId, order, 'fp-card-typed'])
      t.match(first.error, { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'Items.0.Code', error_code: 'CARD_NUMBER_IN_TEXT' }] } })
      t.notOk(JSON.stringify(first).includes('8888 1881'), 'the number is not in the answer')
      t.equal(await ta.db.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'fp-card-typed').executeTakeFirst(), undefined, 'no row for the key')
    })

    t.test('a refusal naming an IBAN typed as a coupon keeps it masked, first answer and replay alike', async (t) => {
      // An IBAN whose digits hold no card number (this DE one's do, and is refused as one).
      const order = testCardOrder({ Items: [{ Code: 'NO-SUCH-PRODUCT', Quantity: 1 }], Promotions: ['GB82 WEST 1234 5698 7654 32 please'] })
      const first = await ta.rpc('placeOrder', [m.sessionId, order, 'fp-typed'])
      t.match(first.error, {
        code: 55201,
        data: {
          error_code: 'ORDER_PRODUCT_CODE_INVALID',
          fields: [{ path: 'Items.0.Code', message: 'unknown product code "NO-SUCH-PRODUCT"' }, { path: 'Promotions.0', message: /^"GB82\*+5432 please" is not a valid coupon$/ }]
        }
      })
      t.notOk(JSON.stringify(first).includes('5698 7654'), 'the IBAN is not in the answer')
      const again = await ta.rpc('placeOrder', [m.sessionId, order, 'fp-typed'])
      t.same({ ...again.error, data: { ...again.error?.data, requestId: 0 } }, { ...first.error, data: { ...first.error?.data, requestId: 0 } })
      const row = await ta.db.db.selectFrom('idempotency_keys').select('response').where('key', '=', 'fp-typed').executeTakeFirstOrThrow()
      const kept = JSON.stringify(row.response)
      t.ok(kept.includes('NO-SUCH-PRODUCT'), 'the refusal is kept')
      t.notOk(/5698 ?7654/.test(kept), 'the IBAN is not kept')
    })

    t.test('the migration overwrites the unkeyed hashes of older rows; such a row still replays its answer, never a second order', async (t) => {
      const merchantId = m.id
      const now = ta.clock.now()
      // What an older version kept: the Order it answered (placed here without a key, so it is a real one).
      const placed = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ ExternalReference: 'STORED-BY-AN-OLDER-VERSION' })])
      const answer = { result: placed.result }
      const oldHash = createHash('sha256').update(`placeOrder\n${canonicalJson({ Order: testCardOrder() })}`).digest('hex')
      const row = { merchant_id: merchantId, key: 'old-row', method: 'placeOrder', request_hash: oldHash, state: 'DONE', response: JSON.stringify(answer) }
      await ta.db.db.insertInto('idempotency_keys').values({ ...row, locked_at: now, created_at: now, expires_at: new Date(now.getTime() + 3600_000) }).execute()
      const before = await orderCount()
      await discardUnkeyedRequestHashes(ta.db.db)
      const rows = await ta.db.db.selectFrom('idempotency_keys').select(['key', 'request_hash']).orderBy('key').execute()
      t.same(rows.map((r) => r.request_hash), rows.map(() => DISCARDED_REQUEST_HASH), 'no hash of the old kind is left (the new ones of the test above included)')
      const retry = await ta.rpc('placeOrder', [m.sessionId, testCardOrder(), 'old-row'])
      t.same(retry, { jsonrpc: '2.0', id: 1, result: answer.result }, 'the retry gets the first answer')
      const otherOrder = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ ExternalReference: 'EXT-2' }), 'old-row'])
      t.same(otherOrder.result, answer.result, 'with another Order too: the reuse check is what is lost, for the row\'s last hours')
      t.equal(await orderCount(), before, 'no order placed')
    })
  })
}
