import { sql } from 'kysely'
import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { createTestApp, gmdate, type RpcReply } from '../helpers/app.js'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'
import { CANCEL_URL, openPage, orderPaidWith, RETURN_URL, submitPage } from '../helpers/payments.js'

t.test('SQL-injection strings are stored and returned verbatim', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const nasty = "Robert'); DROP TABLE orders; --"
  const order = testCardOrder({ ExternalReference: nasty.slice(0, 100), BillingDetails: { ...testCardOrder().BillingDetails, FirstName: nasty, Address1: "1' OR '1'='1", City: '$1 $$ \\x00' } })
  const placed = await ta.rpc('placeOrder', [m.sessionId, order])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const fetched = await ta.rpc('getOrder', [m.sessionId, placed.result.RefNo])
  t.equal(fetched.result.ExternalReference, nasty)
  t.equal(fetched.result.BillingDetails.FirstName, nasty)
  t.equal(fetched.result.BillingDetails.Address1, "1' OR '1'='1")
  t.equal(fetched.result.BillingDetails.City, '$1 $$ \\x00')
  const injectedRef = await ta.rpc('getOrder', [m.sessionId, '1 OR 1=1'])
  t.equal(injectedRef.error?.data.error_code, 'ORDER_NOT_FOUND')
  const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'orders'`.execute(ta.db.db)
  t.equal(tables.rows[0]?.n, 1, 'the orders table is still there')
})

t.test('after logins and card orders, no table and no log line holds a card number, CVV, secret key, login hash or sessionID', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const date = gmdate(ta.clock.now())
  const hash = loginHash(m.secret, m.code, date, 'sha256')
  const session = (await ta.rpc('login', [m.code, date, hash, 'sha256'])).result as string
  const cards = [['4111111111111111', '123', 'visa'], ['5555555555554444', '456', 'mastercard'], ['378282246310005', '7890', 'amex'], ['4000000000000002', '321', 'visa'], ['4000000000003220', '654', 'visa']]
  for (const [number, cvv, type] of cards) {
    await ta.rpc('placeOrder', [session, withCard(testCardOrder(), { CardNumber: number, CCID: cvv, CardType: type })])
    await ta.rpc('placeOrder', { sessionID: session, Order: withCard(testCardOrder(), { CardNumber: number, CCID: cvv, CardType: type, HolderName: 'FRAUD REVIEW' }) })
  }
  await ta.rpc('placeOrder', [session, withCard(testCardOrder(), { CardNumber: '4111111111111112', CCID: '999' })]) // invalid: refused

  const tableNames = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(ta.db.db)
  let dump = ''
  for (const { table_name: table } of tableNames.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(ta.db.db)
    dump += JSON.stringify(rows.rows, (_k, v) => typeof v === 'bigint' ? String(v) : v)
  }
  const logs = ta.logs.join('\n')
  t.ok(dump.includes('411111'), 'the masked card (first 6) is stored, so the dump is real')
  for (const [number, cvv] of cards) {
    t.notOk(dump.includes(number as string), `card ${number?.slice(-4)} not in any table`)
    t.notOk(logs.includes(number as string), `card ${number?.slice(-4)} not in the log`)
    t.notOk(new RegExp(`"${cvv}"`).test(dump), 'CVV not in any table')
  }
  t.notOk(dump.includes('4111111111111112') || logs.includes('4111111111111112'), 'a refused card number is neither stored nor logged')
  for (const secret of [m.secret, hash, session, m.sessionId]) {
    t.notOk(dump.includes(secret), 'no secret, hash or sessionID in the tables')
    t.notOk(logs.includes(secret), 'no secret, hash or sessionID in the log')
  }
})

// Finding 5 of issue 16: PostgreSQL's `where` (the neighbouring JSON), `detail` (a unique key's
// values) and the text of a data exception carry an Order's personal data, and Fastify's request
// lines carried the sandbox pages' query strings, whose tokens complete a payment.
t.test('after card, 3-D Secure, redirect and PO orders and database errors on Orders, no log line holds personal data, a page token or a sessionID', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const person = {
    FirstName: 'Wilhelmina',
    LastName: 'Quackenbush',
    Company: 'Quackenbush Holdings',
    Address1: '221B Baker Street',
    Address2: 'Flat 7 Marylebone',
    City: 'Little Whinging',
    Email: 'wilhelmina.quackenbush@privacy.example',
    Phone: '+44 20 7946 0958'
  }
  const billing = (extra: Record<string, unknown> = {}) => ({ ...testCardOrder().BillingDetails, ...person, ...extra })
  const secrets: string[] = [m.sessionId, ...Object.values(person)]
  const placeOk = async (order: Record<string, any>) => {
    const reply = await ta.rpc('placeOrder', [m.sessionId, order])
    t.notOk(reply.error, JSON.stringify(reply.error))
    return reply.result
  }

  await placeOk(testCardOrder({ BillingDetails: billing() }))
  for (const action of ['complete', 'cancel']) {
    const order = withCard(testCardOrder({ BillingDetails: billing() }), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS, HolderName: `${person.FirstName} ${person.LastName}` })
    order.PaymentDetails.Type = 'CC'
    const placed = await placeOk(order)
    const { Href, Params } = placed.PaymentDetails.PaymentMethod.Authorize3DS
    secrets.push(Params.avng8apitoken)
    t.equal((await openPage(ta, `${Href}?avng8apitoken=${Params.avng8apitoken}`)).statusCode, 200, 'the 3-D Secure page opens')
    t.equal((await openPage(ta, `${Href}/?avng8apitoken=${Params.avng8apitoken}&retry=1`)).statusCode, 200, 'also with a trailing slash and more params')
    t.equal((await openPage(ta, `${Href}/typo?avng8apitoken=${Params.avng8apitoken}`)).statusCode, 404, 'a mistyped page path is not found')
    t.equal((await submitPage(ta, '/sandbox/3ds', { avng8apitoken: Params.avng8apitoken, action })).statusCode, 303, `3-D Secure ${action}`)
    t.equal((await openPage(ta, `${Href}?avng8apitoken=${Params.avng8apitoken}`)).statusCode, 409, 'the used page is refused')
  }
  for (const action of ['complete', 'cancel']) {
    const placed = await placeOk(orderPaidWith('PAYPAL', { Email: person.Email, ReturnURL: RETURN_URL, CancelURL: CANCEL_URL }, { BillingDetails: billing() }))
    const redirectUrl = placed.PaymentDetails.PaymentMethod.RedirectURL as string
    const token = new URL(redirectUrl).searchParams.get('token') ?? ''
    secrets.push(token)
    t.equal((await openPage(ta, redirectUrl)).statusCode, 200, 'the provider page opens')
    t.equal((await submitPage(ta, '/sandbox/redirect', { token, action })).statusCode, 303, `redirect ${action}`)
  }
  const po = await placeOk(testCardOrder({ BillingDetails: billing(), PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-77', AutoApprove: true } } }))
  t.equal(po.Status, 'PURCHASE_PENDING')

  // Database errors on an Order, as a misbehaving trigger, index or cast would raise them: a
  // JSON parse error (its `where` quotes the neighbouring JSON), a unique violation (its
  // `detail` holds the key's values) and a failed cast (its message holds the value).
  await sql`create function test_faulty_order() returns trigger language plpgsql as $$
    begin
      if new.billing_details->>'LastName' = 'Jsonfault' then
        perform (rtrim(new.billing_details::text, '}') || ', "x": "\\ud800"}')::jsonb;
      elsif new.billing_details->>'LastName' = 'Castfault' then
        perform (new.billing_details->>'Phone')::int;
      end if;
      return new;
    end $$`.execute(ta.db.db)
  await sql`create trigger test_faulty_order before insert on orders for each row execute function test_faulty_order()`.execute(ta.db.db)
  await sql`create unique index test_unique_email on orders ((billing_details->>'Email')) where billing_details->>'LastName' = 'Uniquefault'`.execute(ta.db.db)
  await placeOk(testCardOrder({ BillingDetails: billing({ LastName: 'Uniquefault' }) }))
  for (const lastName of ['Jsonfault', 'Castfault', 'Uniquefault']) {
    const reply = await ta.rpc('placeOrder', [m.sessionId, testCardOrder({ BillingDetails: billing({ LastName: lastName }) })])
    t.match(reply.error, { code: -32603, message: 'Internal error', data: { error_code: 'INTERNAL_ERROR' } }, `${lastName}: an internal error`)
    t.notOk(JSON.stringify(reply).includes(person.Email), 'the answer does not carry the database error')
  }

  const lines = ta.logs.map((line) => JSON.parse(line) as Record<string, any>)
  const failures = lines.filter((line) => line.msg === 'unexpected failure')
  t.equal(failures.length, 3, 'each database error is logged once')
  t.match(failures.map((line) => line.err), [
    { code: '22P02', routine: String, stack: String },
    { code: '22P02', routine: String },
    { code: '23505', constraint: 'test_unique_email', table: 'orders' }
  ], 'with its SQLSTATE, constraint and table')
  const requests = lines.filter((line) => line.msg === 'incoming request')
  t.ok(requests.some((line) => line.req.method === 'GET' && line.req.url === '/sandbox/3ds'), 'the page requests are logged, by path')
  t.ok(lines.some((line) => line.msg === 'Route GET:/sandbox/3ds/typo not found'), 'an unknown path is logged without its query')
  const all = ta.logs.join('\n')
  t.ok(all.includes(po.RefNo), 'the orders reached the log (the search is real)')
  for (const secret of secrets) t.notOk(all.includes(secret), `${secret.slice(0, 6)}… is in no log line`)
  t.same(lines.filter((line) => JSON.stringify(line).includes('?')).map((line) => line.msg), [], 'no log line holds a query string')
})

t.test('a card number or a long text in the JSON-RPC id or method name never reaches a log line (they are bound to every line of the call)', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const date = gmdate(ta.clock.now())
  const long = 'x'.repeat(10_000)
  // A wrong login hash is logged (warn "login failed") with the call's bindings.
  for (const id of ['4111 1111 1111 1111', 4111111111111111, '5555-5555-5555-4444', long]) {
    const reply = await ta.rpc('login', [m.code, date, 'f'.repeat(32)], id)
    t.match(reply, { id, error: { code: 10000 } }, 'answered under the id the client sent')
  }
  const unknown = await ta.post({ jsonrpc: '2.0', method: `no ${'4111111111111111'} such`, id: 1 })
  t.equal((unknown.json as RpcReply).error?.code, -32601)
  const logs = ta.logs.join('\n')
  t.ok(logs.includes('login failed'), 'the failed logins were logged, so the search is real')
  for (const card of ['4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444']) t.notOk(logs.includes(card), `${card.slice(0, 4)}… is not in the log`)
  t.notOk(logs.includes(long.slice(0, 65)), 'a long id is cut in the log')
  t.ok(logs.includes('[card number removed]'), 'the censored id is marked')
})
