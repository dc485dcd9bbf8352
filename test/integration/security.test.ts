import { sql } from 'kysely'
import t from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { createTestApp, gmdate } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder, withCard } from '../helpers/orders.js'

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
