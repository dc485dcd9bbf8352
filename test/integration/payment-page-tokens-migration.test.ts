import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { up as sealPaymentPageTokens } from '../../migrations/202612012100_seal_payment_page_tokens.js'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { createTestApp } from '../helpers/app.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from '../helpers/db.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { CANCEL_URL, demoMerchant, dumpDatabase, openPage, orderPaidWith, RETURN_URL, submitPage } from '../helpers/payments.js'

// Issue 16: pages of an older version kept their random token in payments.details and in the
// stored answers. The migration (migrations/202612012100) leaves no such token in any table, yet
// a shopper holding one still finishes the payment. The same SQL on both backends.
const BACKENDS: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, createDb] of BACKENDS) {
  t.test(`on ${backend}: the migration removes the stored tokens of older pages, whose shoppers still finish their payments`, async (t) => {
    const ta = await createTestApp(t, {}, await createDb())
    const m = await demoMerchant(ta)
    const threeDs = withCard(testCardOrder(), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: CANCEL_URL })
    threeDs.PaymentDetails.Type = 'CC'
    const card = (await ta.rpc('placeOrder', [m.sessionId, threeDs, 'old-3ds'])).result
    const paypal = (await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('PAYPAL', { Email: 'buyer@example.com', ReturnURL: RETURN_URL, CancelURL: CANCEL_URL }), 'old-paypal'])).result
    t.equal(card?.Status, 'PENDING')
    t.equal(paypal?.Status, 'PENDING')

    // The rows as the older version wrote them: a random token, in full, in all three places.
    const olds = { card: randomBytes(24).toString('base64url'), paypal: randomBytes(24).toString('base64url') }
    const legacy = async (refNo: string, page: 'threeDs' | 'redirect', token: string, key: string) => {
      const order = await ta.db.db.selectFrom('orders').select(['id', 'payment_details']).where('ref_no', '=', BigInt(refNo)).executeTakeFirstOrThrow()
      const method = (order.payment_details as any).PaymentMethod
      const oldMethod = page === 'threeDs'
        ? { ...method, Authorize3DS: { ...method.Authorize3DS, Params: { avng8apitoken: token } } }
        : { ...method, RedirectURL: `http://127.0.0.1:8080/sandbox/redirect?token=${token}` }
      await ta.db.db.updateTable('orders').set({ payment_details: JSON.stringify({ ...(order.payment_details as object), PaymentMethod: oldMethod }) }).where('id', '=', order.id).execute()
      await sql`update payments set details = jsonb_set(details #- ${sql.lit(`{${page},salt}`)}::text[], ${sql.lit(`{${page},token}`)}::text[], to_jsonb(${token}::text)) where order_id = ${order.id}`.execute(ta.db.db)
      await sql`update idempotency_keys set response = jsonb_set(response, '{result,PaymentDetails,PaymentMethod}', ${JSON.stringify(oldMethod)}::jsonb) where key = ${key}`.execute(ta.db.db)
      return oldMethod
    }
    const cardMethod = await legacy(card.RefNo, 'threeDs', olds.card, 'old-3ds')
    await legacy(paypal.RefNo, 'redirect', olds.paypal, 'old-paypal')
    const before = await dumpDatabase(ta)
    t.ok(before.includes(olds.card) && before.includes(olds.paypal), 'the older rows hold the tokens')

    await sealPaymentPageTokens(ta.db.db)

    const dump = await dumpDatabase(ta)
    t.notOk(dump.includes(olds.card), 'no table holds the 3-D Secure token')
    t.notOk(dump.includes(olds.paypal), 'no table holds the redirect token')

    t.same((await ta.rpc('getOrder', [m.sessionId, card.RefNo])).result?.PaymentDetails?.PaymentMethod,
      { ...cardMethod, Authorize3DS: { ...cardMethod.Authorize3DS, Params: { avng8apitoken: 'page-token.withheld' } } }, 'getOrder shows where the token was')
    t.equal((await ta.rpc('getOrder', [m.sessionId, paypal.RefNo])).result?.PaymentDetails?.PaymentMethod?.RedirectURL,
      'http://127.0.0.1:8080/sandbox/redirect?token=page-token.withheld')
    t.same((await ta.rpc('placeOrder', [m.sessionId, threeDs, 'old-3ds'])).result?.PaymentDetails?.PaymentMethod?.Authorize3DS?.Params, { avng8apitoken: 'page-token.withheld' },
      'the replay too')
    t.equal((await openPage(ta, 'http://127.0.0.1:8080/sandbox/redirect?token=page-token.withheld')).statusCode, 404, 'the marker opens nothing')

    t.equal((await openPage(ta, `http://127.0.0.1:8080/sandbox/3ds?avng8apitoken=${olds.card}`)).statusCode, 200, 'the older 3-D Secure page opens')
    const done = await submitPage(ta, '/sandbox/3ds', { avng8apitoken: olds.card, action: 'complete' })
    t.same([done.statusCode, done.location], [303, `${RETURN_URL}&REFNO=${card.RefNo}`], 'and completes')
    t.equal((await ta.rpc('getOrder', [m.sessionId, card.RefNo])).result?.Status, 'AUTHRECEIVED')
    t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: olds.card, action: 'complete' })).statusCode, 409, 'once')
    const canceled = await submitPage(ta, '/sandbox/redirect', { token: olds.paypal, action: 'cancel' })
    t.same([canceled.statusCode, canceled.location], [303, `${CANCEL_URL}?REFNO=${paypal.RefNo}`], 'the older redirect page cancels')
    t.equal((await ta.rpc('getOrder', [m.sessionId, paypal.RefNo])).result?.Status, 'CANCELED')
  })
}
