import fc from 'fast-check'
import t from 'tap'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// Fuzzing the whole /rpc endpoint (issue 11): random JSON, random envelopes, random mutations of
// valid Orders and of every method's params. Invariants: always a valid JSON-RPC response (or
// none, for notifications), never a 5xx or an internal error, never an internal message on the
// wire, never a partial order in the database.
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_600)
const METHODS = ['login', 'placeOrder', 'getOrder', 'isValidOrderReference', 'rpc.discover']
const INTERNAL = /node_modules|\bat \w+ \(|relation "|syntax error|violates|column "|TypeError|ReferenceError|Cannot read prop/

type Tally = { calls: number, acknowledgedOrders: number }
type Checker = { fail: (message: string) => unknown, ok: (value: unknown, message: string) => unknown }

function checkResponse (t: Checker, body: unknown, tally: Tally): void {
  const responses = Array.isArray(body) ? body : [body]
  if (Array.isArray(body)) t.ok(body.length > 0, 'a batch answer is never an empty array')
  for (const r of responses as Array<Record<string, any>>) {
    if (typeof r !== 'object' || r === null || r.jsonrpc !== '2.0' || !('id' in r) || ('result' in r) === ('error' in r)) {
      t.fail(`not a JSON-RPC response: ${JSON.stringify(r).slice(0, 300)}`)
      continue
    }
    if ('error' in r) {
      const e = r.error as Record<string, unknown>
      if (!Number.isInteger(e.code) || typeof e.message !== 'string') t.fail(`malformed error ${JSON.stringify(e)}`)
      if (e.code === -32603) t.fail(`internal error for generated input: ${JSON.stringify(e)}`)
      if (INTERNAL.test(JSON.stringify(e))) t.fail(`internal detail on the wire: ${JSON.stringify(e).slice(0, 300)}`)
    } else if (r.result !== null && typeof r.result === 'object' && typeof (r.result as Record<string, unknown>).RefNo === 'string') {
      tally.acknowledgedOrders++
    }
  }
}

async function send (ta: TestApp, t: Checker, payload: string, tally: Tally): Promise<void> {
  tally.calls++
  const res = await ta.app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload })
  if (res.statusCode >= 500) t.fail(`HTTP ${res.statusCode} for ${payload.slice(0, 300)}`)
  if (res.statusCode === 204) {
    if (res.body !== '') t.fail('a 204 has a body')
    return
  }
  let body: unknown
  try {
    body = JSON.parse(res.body)
  } catch {
    t.fail(`not JSON: ${res.body.slice(0, 200)}`)
    return
  }
  checkResponse(t, body, tally)
}

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), fc.object(), fc.boolean())
const params = (session: string) => fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }).map((rest) => [session, ...rest]),
  fc.constantFrom([session, '100000001'], [session, 100000001], ["' OR 1=1 --", "'; drop table orders; --"], { sessionID: session, RefNo: '1e9' }),
  fc.jsonValue({ maxDepth: 1 })
)

/** Sets `value` at a random path of a valid order (or deletes it). */
function mutate (order: Record<string, any>, pathChoice: number, value: unknown, remove: boolean): Record<string, any> {
  const copy = structuredClone(order)
  const paths: Array<Array<string | number>> = []
  const walk = (node: unknown, path: Array<string | number>) => {
    if (node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      const next = [...path, Array.isArray(node) ? Number(key) : key]
      paths.push(next)
      walk(child, next)
    }
  }
  walk(copy, [])
  const path = paths[pathChoice % paths.length] as Array<string | number>
  let parent: any = copy
  for (const key of path.slice(0, -1)) parent = parent[key]
  const last = path[path.length - 1] as string | number
  if (remove) delete parent[last]
  else parent[last] = value
  return copy
}

t.test(`fuzzing /rpc with ${RUNS * 4} generated calls keeps every invariant`, async (t) => {
  const ta = await createTestApp(t, { LOG_LEVEL: 'warn' })
  const m = await seedDemoMerchant(ta)
  const tally: Tally = { calls: 0, acknowledgedOrders: 0 }
  const before = t.counts.fail

  // 1. Random JSON bodies (and random bytes that are not JSON at all).
  await fc.assert(fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 64 })), async (payload) => {
    await send(ta, t, payload, tally)
  }), { numRuns: RUNS })

  // 2. Random envelopes and batches, for every method and unknown ones.
  const envelope = fc.record({
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.jsonValue({ maxDepth: 0 })),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 0 })),
    params: params(m.sessionId),
    id
  }, { requiredKeys: ['jsonrpc', 'method'] })
  await fc.assert(fc.asyncProperty(fc.oneof(envelope, fc.array(envelope, { minLength: 1, maxLength: 4 })), async (body) => {
    await send(ta, t, JSON.stringify(body), tally)
  }), { numRuns: RUNS })

  // 3. Single mutations of a valid Order (set a random value or remove a field).
  const base = testCardOrder({ DeliveryDetails: { FirstName: 'A', LastName: 'B', CountryCode: 'US', State: 'CA' }, Promotions: ['WELCOME10'] })
  await fc.assert(fc.asyncProperty(fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), async (pathChoice, value, remove) => {
    const order = mutate(base, pathChoice, value, remove)
    await send(ta, t, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'placeOrder', params: [m.sessionId, order] }), tally)
  }), { numRuns: RUNS })

  // 4. Prototype-pollution keys and injection strings in every method's params.
  const hostile = fc.constantFrom('__proto__', 'constructor', 'prototype', "'; drop table orders; --", '\u0000', '😀'.repeat(100), 'x'.repeat(300))
  await fc.assert(fc.asyncProperty(fc.constantFrom(...METHODS), hostile, hostile, async (method, key, value) => {
    const raw = `{"jsonrpc":"2.0","id":1,"method":${JSON.stringify(method)},"params":{"sessionID":${JSON.stringify(m.sessionId)},${JSON.stringify(key)}:{"polluted":${JSON.stringify(value)}},"Order":${JSON.stringify({ ...base, ExternalReference: value.slice(0, 100) })}}}`
    await send(ta, t, raw, tally)
  }), { numRuns: RUNS })

  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted')
  t.equal(t.counts.fail, before, 'no invariant failed')
  t.ok(tally.calls >= RUNS * 4, `${tally.calls} calls made`)

  // No partial orders: every stored order is whole (lines and a payment) and acknowledged.
  const orders = await ta.db.db.selectFrom('orders')
    .select((eb) => [
      'orders.id',
      eb.selectFrom('order_items').select((e) => e.fn.countAll<bigint>().as('n')).whereRef('order_items.order_id', '=', 'orders.id').as('lines'),
      eb.selectFrom('payments').select((e) => e.fn.countAll<bigint>().as('n')).whereRef('payments.order_id', '=', 'orders.id').as('payments')
    ]).execute()
  t.equal(orders.length, tally.acknowledgedOrders, 'stored orders == acknowledged orders')
  t.ok(orders.every((o) => Number(o.lines) >= 1 && Number(o.payments) === 1), 'every stored order has its lines and one payment')
  t.comment(`fuzz: ${tally.calls} calls, ${tally.acknowledgedOrders} orders placed`)
})
