import { sql } from 'kysely'
import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { gmdate } from '../helpers/app.js'
import { createTestDb } from '../helpers/db.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { startServer } from '../helpers/process.js'

// Issue 16, finding 5, as an operator runs it: the built server at its default LOG_LEVEL (info),
// its stdout searched after a shopper used the 3-D Secure and redirect pages and an Order met a
// database error. No line may hold the shopper's personal data, a page token or a sessionID.
t.test('the server\'s log at LOG_LEVEL=info holds no personal data, page token or sessionID after the sandbox pages and a database error', async (t) => {
  const db = await createTestDb()
  t.teardown(() => db.close())
  if (db.url === undefined) {
    t.comment('no PostgreSQL server: the test needs one for the server and its fault trigger')
    return
  }
  const secret = 'e2e-log-privacy-secret-0123'
  const server = await startServer({ DATABASE_URL: db.url, DEMO_SEED: 'true', DEMO_MERCHANT_SECRET: secret, LOG_LEVEL: 'info' })
  t.teardown(() => server.stop())
  const rpc = async (method: string, params: unknown) => {
    const response = await fetch(`${server.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) })
    return await response.json() as { result?: any, error?: any }
  }
  const form = async (path: string, fields: Record<string, string>) => await fetch(`${server.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
  const date = gmdate(new Date())
  const session = (await rpc('login', ['DEMO', date, loginHash(secret, 'DEMO', date)])).result as string
  t.match(session, /^[0-9a-f]{64}$/)
  const person = { FirstName: 'Wilhelmina', LastName: 'Quackenbush', Address1: '221B Baker Street', City: 'Little Whinging', Email: 'wilhelmina.quackenbush@privacy.example', Phone: '+44 20 7946 0958' }
  const billing = (extra: Record<string, string> = {}) => ({ ...testCardOrder().BillingDetails, ...person, ...extra })

  const card = withCard(testCardOrder({ BillingDetails: billing() }), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, HolderName: 'Wilhelmina Quackenbush' })
  card.PaymentDetails.Type = 'CC'
  const threeDs = (await rpc('placeOrder', [session, card])).result
  const { Href, Params } = threeDs.PaymentDetails.PaymentMethod.Authorize3DS
  t.equal((await fetch(`${Href}?avng8apitoken=${Params.avng8apitoken}`)).status, 200)
  t.equal((await form('/sandbox/3ds', { avng8apitoken: Params.avng8apitoken, action: 'complete' })).status, 303)
  const paypal = (await rpc('placeOrder', [session, testCardOrder({ BillingDetails: billing(), PaymentDetails: { Type: 'PAYPAL', Currency: 'USD', CustomerIP: '10.0.0.1', PaymentMethod: { Email: person.Email, ReturnURL: 'https://merchant.example/ok', CancelURL: 'https://merchant.example/no' } } })])).result
  const redirectUrl = paypal.PaymentDetails.PaymentMethod.RedirectURL as string
  const token = new URL(redirectUrl).searchParams.get('token') ?? ''
  t.equal((await fetch(redirectUrl)).status, 200)
  t.equal((await form('/sandbox/redirect', { token, action: 'cancel' })).status, 303)

  await sql`create function test_faulty_order() returns trigger language plpgsql as $$
    begin
      perform (rtrim(new.billing_details::text, '}') || ', "x": "\\ud800"}')::jsonb;
      return new;
    end $$`.execute(db.db)
  await sql`create trigger test_faulty_order before insert on orders for each row execute function test_faulty_order()`.execute(db.db)
  t.match(await rpc('placeOrder', [session, testCardOrder({ BillingDetails: billing() })]), { error: { code: -32603 } })

  t.equal(await server.stop(), 0)
  const output = server.output()
  t.match(output, /"msg":"incoming request"/, 'the request lines are there')
  t.match(output, /"code":"22P02"/, 'the database error is there, by its SQLSTATE')
  // (The start banner prints the DEMO merchant's secret key on purpose: not searched here.)
  for (const value of [...Object.values(person), Params.avng8apitoken, token, session]) {
    t.notOk(output.includes(value), `${value.slice(0, 6)}… is in no line of the server's output`)
  }
})
