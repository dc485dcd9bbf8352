import t from 'tap'
import { getDiscountLimits, getDiscountReasons, setRoleDiscountLimit, type DiscountLimit } from '../../../src/orders/discount-settings.js'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'

// Issue 19: two admins writing a merchant's discount settings at the same moment. Each write is
// one locked update: neither is lost, and none fails on the other's rows.
const ROUNDS = 40
const CLI_PATH = (field: 'Role' | 'Currency'): string => field === 'Role' ? '--role' : '--line-amount/--order-amount'
const limit = (role: DiscountLimit['role'], percent: number, currency: string): DiscountLimit =>
  ({ role, linePercentBp: percent * 100, orderPercentBp: null, amounts: [{ currency, lineMinor: BigInt(percent * 100), orderMinor: null }] })

t.test('the CLI\'s --role writes: one admin sets AGENT, another SUPERVISOR at the same moment; both survive, every round', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const db = ta.db.db
  const lost: string[] = []
  const failed: string[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const results = await Promise.allSettled([
      setRoleDiscountLimit(db, m.merchantId, limit('AGENT', round % 100, 'USD'), CLI_PATH),
      setRoleDiscountLimit(db, m.merchantId, limit('SUPERVISOR', (round + 50) % 100, 'EUR'), CLI_PATH),
      setRoleDiscountLimit(db, m.merchantId, limit('ADMIN', (round + 25) % 100, 'GBP'), CLI_PATH)
    ])
    for (const r of results) if (r.status === 'rejected') failed.push(`round ${round}: ${String(r.reason)}`)
    const stored = await getDiscountLimits(db, m.merchantId)
    const expected = [limit('AGENT', round % 100, 'USD'), limit('SUPERVISOR', (round + 50) % 100, 'EUR'), limit('ADMIN', (round + 25) % 100, 'GBP')]
    if (JSON.stringify(stored, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v) !== JSON.stringify(expected, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)) {
      lost.push(`round ${round}: ${stored.map((l) => `${l.role} ${String(l.linePercentBp)}`).join(', ')}`)
    }
  }
  t.same(failed, [], 'no write failed')
  t.same(lost, [], `in ${ROUNDS} rounds every role's write survived`)
})

t.test('setDiscountLimits by RPC at the same moment: both succeed, and what is stored is one of the two whole', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const a = [{ Role: 'AGENT', MaxLinePercent: 10, MaxOrderPercent: null, Amounts: [{ Currency: 'USD', MaxLineAmount: 1, MaxOrderAmount: null }] }]
  const b = [{ Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: null, Amounts: [{ Currency: 'EUR', MaxLineAmount: 2, MaxOrderAmount: null }] }, { Role: 'SUPERVISOR', MaxLinePercent: 40, MaxOrderPercent: null, Amounts: [] }]
  const errors: unknown[] = []
  const mixed: unknown[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const replies = await Promise.all([ta.rpc('setDiscountLimits', [m.apiSession, a]), ta.rpc('setDiscountLimits', [m.apiSession, b])])
    for (const r of replies) if (r.error !== undefined) errors.push(r.error)
    const stored = (await ta.rpc('getDiscountLimits', [m.apiSession])).result
    if (JSON.stringify(stored) !== JSON.stringify(a) && JSON.stringify(stored) !== JSON.stringify(b)) mixed.push(stored)
  }
  t.same(errors, [], 'no write failed')
  t.same(mixed, [], 'never a mixture of the two')
})

t.test('setDiscountReasons by RPC at the same moment: both succeed, and what is stored is one of the two whole', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const a = [{ Code: 'GOODWILL', Name: 'Goodwill' }, { Code: 'PRICE_MATCH', Name: 'Price match' }]
  const b = [{ Code: 'DENTED', Name: 'Dented box' }, { Code: 'GOODWILL', Name: 'Goodwill gesture' }]
  const errors: unknown[] = []
  const mixed: unknown[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const replies = await Promise.all([ta.rpc('setDiscountReasons', [m.apiSession, a]), ta.rpc('setDiscountReasons', [m.apiSession, b])])
    for (const r of replies) if (r.error !== undefined) errors.push(r.error)
    const stored = (await getDiscountReasons(ta.db.db, m.merchantId)).map((r) => ({ Code: r.code, Name: r.name }))
    if (JSON.stringify(stored) !== JSON.stringify(a) && JSON.stringify(stored) !== JSON.stringify(b)) mixed.push(stored)
  }
  t.same(errors, [], 'no write failed')
  t.same(mixed, [], 'never a mixture of the two')
})

t.test('a negative limit, in each of the four fields, is DISCOUNT_LIMIT_INVALID naming that field, and nothing is written', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const kept = [{ Role: 'AGENT', MaxLinePercent: 20, MaxOrderPercent: 10, Amounts: [{ Currency: 'USD', MaxLineAmount: 15, MaxOrderAmount: 5 }] }]
  t.notOk((await ta.rpc('setDiscountLimits', [m.apiSession, kept])).error)
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['MaxLinePercent', { Role: 'SUPERVISOR', MaxLinePercent: -5 }, 'Limits.0.MaxLinePercent', /a percentage is 0-100/],
    ['MaxOrderPercent', { Role: 'SUPERVISOR', MaxOrderPercent: -0.01 }, 'Limits.0.MaxOrderPercent', /a percentage is 0-100/],
    ['MaxLineAmount', { Role: 'SUPERVISOR', Amounts: [{ Currency: 'EUR', MaxLineAmount: -1 }] }, 'Limits.0.Amounts.0.MaxLineAmount', /an amount is at least 0/],
    ['MaxOrderAmount', { Role: 'SUPERVISOR', Amounts: [{ Currency: 'EUR', MaxOrderAmount: -0.01 }] }, 'Limits.0.Amounts.0.MaxOrderAmount', /an amount is at least 0/]
  ]
  for (const [field, limit, path, message] of cases) {
    const reply = await ta.rpc('setDiscountLimits', [m.apiSession, [limit]])
    t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: 55201, data: { error_code: 'DISCOUNT_LIMIT_INVALID', fields: [{ path, error_code: 'DISCOUNT_LIMIT_INVALID', message }] } } }, `${field} below 0: refused at ${path}`)
    t.equal(reply.error?.data?.fields?.length, 1, `${field}: only that field`)
    t.notOk(reply.result, `${field}: no result`)
  }
  t.same((await ta.rpc('getDiscountLimits', [m.apiSession])).result, [{ ...kept[0], Amounts: [{ Currency: 'USD', MaxLineAmount: 15, MaxOrderAmount: 5 }] }], 'the refused calls changed nothing')
})
