import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, rpcOver, runOrdergate, startServer, type CliResult } from '../helpers/process.js'

// Issue 19 item 3: "the limits set per role by CLI and RPC". The CLI writes through the same
// domain functions as setDiscountLimits / setDiscountReasons; the server reads what it wrote.
const SECRET = 'discount-cli-secret-key-0001'
const PASSWORD = 'agent pass phrase 1'

function usage (t: Test, result: CliResult, reason: RegExp): void {
  t.equal(result.code, 64, result.stderr)
  t.equal(result.stdout, '')
  t.equal(result.stderr.trim().split('\n').length, 1, 'a one-line reason')
  t.match(result.stderr, reason)
}

function refused (t: Test, result: CliResult, reason: RegExp): void {
  t.equal(result.code, 1, result.stderr)
  t.equal(result.stdout, '')
  t.equal(result.stderr.trim().split('\n').length, 1, 'a one-line reason')
  t.match(result.stderr, reason)
}

t.test('ordergate discount limits / reasons and user create --role, read back by RPC and enforced on an agent\'s order', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-discount-cli-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '', ORDERGATE_MERCHANT_SECRET: '', ORDERGATE_USER_PASSWORD: '' }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_discount_cli')
  if (databaseUrl !== undefined) env = { ...env, DATABASE_URL: databaseUrl }
  else t.comment('no PostgreSQL server answers: the server half of this test is skipped')
  t.equal((await runOrdergate(['merchant', 'create', '--code', 'DISCO', '--secret-stdin'], env, `${SECRET}\n`)).code, 0)
  t.equal((await runOrdergate(['demo', '--merchant', 'DISCO'], env)).code, 0)

  // user create --role: the role is set (and its privileges granted); an unknown role names --role.
  const agent = await runOrdergate(['user', 'create', '--merchant', 'DISCO', '--username', 'anna', '--password-stdin', '--role', 'agent'], env, `${PASSWORD}\n`)
  t.equal(agent.code, 0, agent.stderr)
  t.match(JSON.parse(agent.stdout), { merchant: 'DISCO', username: 'anna', role: 'AGENT', privileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] })
  refused(t, await runOrdergate(['user', 'create', '--merchant', 'DISCO', '--username', 'bob', '--password-stdin', '--role', 'BOSS'], env, `${PASSWORD}\n`), /role: unknown role "BOSS" \(roles: AGENT, SUPERVISOR, ADMIN\)/)

  const shown = await runOrdergate(['discount', 'limits', '--merchant', 'DISCO'], env)
  t.equal(shown.code, 0, shown.stderr)
  t.same(JSON.parse(shown.stdout), { merchant: 'DISCO', limits: [] }, 'never set: none')

  const set = await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-percent', '20', '--order-percent', '10', '--line-amount', 'usd=15.00', '--order-amount', 'USD=5', '--line-amount', 'EUR=12.5'], env)
  t.equal(set.code, 0, set.stderr)
  const agentLimits = { role: 'AGENT', maxLinePercent: 20, maxOrderPercent: 10, amounts: [{ currency: 'EUR', maxLineAmount: 12.5, maxOrderAmount: null }, { currency: 'USD', maxLineAmount: 15, maxOrderAmount: 5 }] }
  t.same(JSON.parse(set.stdout), { merchant: 'DISCO', limits: [agentLimits] })
  const supervisor = await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'SUPERVISOR', '--line-percent', '50'], env)
  t.same(JSON.parse(supervisor.stdout), { merchant: 'DISCO', limits: [agentLimits, { role: 'SUPERVISOR', maxLinePercent: 50, maxOrderPercent: null, amounts: [] }] }, 'another role: the first is kept')

  // Bad input names its option, exits non-zero, writes nothing.
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-percent', '101'], env), /^ordergate discount: A discount limit is not valid; --line-percent: a percentage is 0-100\n$/)
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-percent', '5', '--line-amount', 'USD=1.001'], env), /--line-amount USD: .*USD/)
  // A negative figure in each of the four: refused naming its option (issue 19).
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-percent=-5'], env), /^ordergate discount: A discount limit is not valid; --line-percent: a percentage is 0-100\n$/)
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--order-percent=-0.5'], env), /^ordergate discount: A discount limit is not valid; --order-percent: a percentage is 0-100\n$/)
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-amount', 'USD=-0.01'], env), /^ordergate discount: A discount limit is not valid; --line-amount USD: an amount is at least 0\n$/)
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--order-amount', 'USD=-1'], env), /^ordergate discount: A discount limit is not valid; --order-amount USD: an amount is at least 0\n$/)
  refused(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--order-amount', 'EURO=1'], env), /--line-amount\/--order-amount EURO: a currency is three letters/)
  usage(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'CLERK', '--line-percent', '5'], env), /unknown --role "CLERK" \(AGENT, SUPERVISOR, ADMIN\)/)
  usage(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--line-percent', '5'], env), /--line-percent goes with --role ROLE/)
  usage(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-amount', '15'], env), /--line-amount takes CUR=AMOUNT/)
  usage(t, await runOrdergate(['discount', 'limits', '--merchant', 'DISCO', '--role', 'AGENT', '--line-amount', 'USD=1', '--line-amount', 'usd=2'], env), /--line-amount is given twice for USD/)
  usage(t, await runOrdergate(['discount', 'limits', '--role', 'AGENT'], env), /discount limits needs --merchant CODE/)
  usage(t, await runOrdergate(['discount', 'nope'], env), /discount takes: limits/)
  const after = JSON.parse((await runOrdergate(['discount', 'limits', '--merchant', 'DISCO'], env)).stdout)
  t.same(after.limits[0], agentLimits, 'the refused calls changed nothing')

  // Reasons: set, shown, refused (naming the option), removed.
  const reasons = await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'PRICE_MATCH=Price match', '--reason', 'GOODWILL=Goodwill'], env)
  t.equal(reasons.code, 0, reasons.stderr)
  const stored = [{ code: 'GOODWILL', name: 'Goodwill' }, { code: 'PRICE_MATCH', name: 'Price match' }]
  t.same(JSON.parse(reasons.stdout), { merchant: 'DISCO', reasons: stored })
  refused(t, await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'price match=x'], env), /--reason price match \(code\): a reason code is 1-64 of A-Z, 0-9 and _/)
  refused(t, await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'A=x', '--reason', 'A=y'], env), /--reason A \(code\): reason code A is given twice/)
  refused(t, await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'EMPTY='], env), /--reason EMPTY \(name\): a reason's name is 1-255 characters/)
  usage(t, await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'NOEQUALS'], env), /--reason takes CODE=NAME/)
  usage(t, await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--reason', 'A=b', '--none'], env), /not both/)
  t.same(JSON.parse((await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO'], env)).stdout), { merchant: 'DISCO', reasons: stored }, 'the refused calls changed nothing')

  if (databaseUrl === undefined) return
  const server = await startServer(env)
  t.teardown(() => server.stop())
  const api = (await loginOver(server.url, 'DISCO', SECRET)).result as string
  t.same((await rpcOver(server.url, 'getDiscountLimits', [api])).result, [
    { Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 10, Amounts: [{ Currency: 'EUR', MaxLineAmount: 12.5, MaxOrderAmount: null }, { Currency: 'USD', MaxLineAmount: 15, MaxOrderAmount: 5 }] },
    { Role: 'SUPERVISOR', MaxLinePercent: 50, MaxOrderPercent: null, Amounts: [] }
  ], 'getDiscountLimits answers what the CLI set')
  t.same((await rpcOver(server.url, 'getDiscountReasons', [api])).result, [{ Code: 'GOODWILL', Name: 'Goodwill' }, { Code: 'PRICE_MATCH', Name: 'Price match' }])

  const staff = (await rpcOver(server.url, 'loginUser', ['DISCO', 'anna', PASSWORD])).result as string
  t.match(staff, /^[0-9a-f]{64}$/)
  const over = await rpcOver(server.url, 'placeAssistedOrder', [staff, testCardOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 25, Reason: 'bundle' } }], ReasonCode: 'GOODWILL' }])
  t.match(over.error, {
    code: 55201,
    message: /AGENT limit MaxLinePercent \(20 %\) at Assisted\.Items\.0\.Discount\.Value/,
    data: { error_code: 'DISCOUNT_LIMIT_EXCEEDED', role: 'AGENT', limits: [{ field: 'Assisted.Items.0.Discount.Value', limit: 'MaxLinePercent', max: 20 }] }
  }, 'the agent\'s over-limit discount is refused naming the limit the CLI set')
  const within = await rpcOver(server.url, 'placeAssistedOrder', [staff, testCardOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'bundle' } }], ReasonCode: 'GOODWILL' }])
  t.notOk(within.error, JSON.stringify(within.error))

  // --none: reason codes removed; a discount then needs none.
  t.same(JSON.parse((await runOrdergate(['discount', 'reasons', '--merchant', 'DISCO', '--none'], env)).stdout), { merchant: 'DISCO', reasons: [] })
  t.same((await rpcOver(server.url, 'getDiscountReasons', [api])).result, [])
})
