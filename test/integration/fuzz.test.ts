import fc from 'fast-check'
import t from 'tap'
import { METHODS as ALL_METHODS } from '../../src/rpc/methods/index.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// Fuzzing the whole /rpc endpoint (issue 11): random JSON, random envelopes, random mutations of
// valid Orders and of every method's params. Invariants: always a valid JSON-RPC response (or
// none, for notifications), never a 5xx or an internal error, never an internal message on the
// wire, never a partial order in the database. Issue 16 adds lone surrogates in strings and keys
// of every method's params (always -32602 naming the field), nesting 100–20,000 levels deep
// (always -32602 NESTING_TOO_DEEP, also inside a valid Order and in batches), and personal data
// in Orders that no log line may repeat.
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_600)
const METHODS = ['login', 'placeOrder', 'getOrder', 'isValidOrderReference', 'rpc.discover']
const INTERNAL = /node_modules|\bat \w+ \(|relation "|syntax error|violates|column "|TypeError|ReferenceError|Cannot read prop/

type Tally = { calls: number, acknowledgedOrders: number, internalErrors: number }
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
      if (e.code === -32603) {
        tally.internalErrors++
        t.fail(`internal error for generated input: ${JSON.stringify(e)}`)
      }
      if (INTERNAL.test(JSON.stringify(e))) t.fail(`internal detail on the wire: ${JSON.stringify(e).slice(0, 300)}`)
    } else if (r.result !== null && typeof r.result === 'object' && typeof (r.result as Record<string, unknown>).RefNo === 'string') {
      tally.acknowledgedOrders++
    }
  }
}

async function send (ta: TestApp, t: Checker, payload: string, tally: Tally): Promise<unknown> {
  tally.calls++
  const res = await ta.app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload })
  if (res.statusCode >= 500) t.fail(`HTTP ${res.statusCode} for ${payload.slice(0, 300)}`)
  if (res.statusCode === 204) {
    if (res.body !== '') t.fail('a 204 has a body')
    return undefined
  }
  let body: unknown
  try {
    body = JSON.parse(res.body)
  } catch {
    t.fail(`not JSON: ${res.body.slice(0, 200)}`)
    return undefined
  }
  checkResponse(t, body, tally)
  return body
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
  const paths = allPaths(copy).slice(1) // not the root: a mutation sets or deletes a member
  const path = paths[pathChoice % paths.length] as Array<string | number>
  let parent: any = copy
  for (const key of path.slice(0, -1)) parent = parent[key]
  const last = path[path.length - 1] as string | number
  if (remove) delete parent[last]
  else parent[last] = value
  return copy
}

/** Every path of `value` (containers and leaves), for choosing where to spoil it. */
function allPaths (value: unknown): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [[]]
  const walk = (node: unknown, path: Array<string | number>) => {
    if (node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      const next = [...path, Array.isArray(node) ? Number(key) : key]
      paths.push(next)
      walk(child, next)
    }
  }
  walk(value, [])
  return paths
}

/** The path as the guard names it: an Order's fields without `Order.`, keys without surrogates. */
const guardPath = (path: ReadonlyArray<string | number>): string =>
  (path[0] === 'Order' && path.length > 1 ? path.slice(1) : path)
    .map((s) => (typeof s === 'number' ? String(s) : [...s].map((c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '\ufffd' : c)).join(''))).join('.')

// Lone surrogates as clients send them by mistake (a string cut in the middle of an emoji,
// a pair written backwards).
const LONE = fc.constantFrom('\ud83d', '\ude00', '\ude00\ud83d', '\udbff', '\udc00')
const loneText = fc.tuple(fc.string({ maxLength: 6 }), LONE, fc.string({ maxLength: 6 })).map(([a, lone, b]) => `${a}${lone}${b}`)

/** Valid-looking params of every method, by name, for the surrogate phase to spoil. */
function sampleParams (method: string, names: readonly string[], session: string, order: Record<string, unknown>): Record<string, unknown> {
  const samples: Record<string, unknown> = {
    sessionID: session,
    Order: order,
    RefNo: '100000001',
    CustomerId: 1,
    AddressId: 1,
    AttachmentId: 1,
    CustomerReference: 1,
    merchantCode: 'M1',
    date: '2026-11-23 10:00:00',
    hash: 'a'.repeat(32),
    username: 'agent',
    password: 'secret words',
    IdempotencyKey: 'key-1',
    Customer: { FirstName: 'Ann', LastName: 'Smith', Email: 'ann@example.com', Phone: '+1 619 555 0100' },
    Address: { FirstName: 'Ann', LastName: 'Smith', Address1: '2 Ocean Ave', City: 'San Diego', Zip: '92101', CountryCode: 'US' },
    Query: { Text: 'ann', Attributes: { color: 'red' } },
    Level: { Code: 'GOLD', Name: 'Gold', Prices: [{ ProductCode: 'P1', Currency: 'USD', Amount: 1 }] },
    Assisted: { Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } },
    Reason: 'customer asked',
    Amount: 10,
    Items: [{ ProductCode: 'P1', Quantity: 1, Amount: 10 }],
    Comment: 'sorry for the trouble',
    Outcome: 'OKAY',
    Note: 'checked',
    FileName: 'po.pdf',
    Content: 'JVBERi0xLjQK'
  }
  return Object.fromEntries(names.map((name) => [name, samples[name] ?? `${method} ${name}`]))
}

/** `depth` arrays and objects around `leaf`, as JSON text (JSON.stringify would recurse). */
function nestedJson (depth: number, shape: 'arrays' | 'objects' | 'mixed', leaf: string): string {
  if (shape === 'arrays') return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
  if (shape === 'objects') return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`
  const half = Math.floor(depth / 2)
  return `${'[{"b":'.repeat(half)}${leaf}${'}]'.repeat(half)}`
}

// Personal data the fuzz sends, distinctive enough that finding one in a log line is a leak,
// not a coincidence (letters g–z: never part of a hex request id or a time stamp).
const piiName = fc.tuple(fc.constantFrom(...'GHJKLMNPQRSTVWXZ'), fc.stringMatching(/^[g-z]{7,10}$/)).map(([first, rest]) => `${first}${rest}`)
const pii = fc.record({
  first: piiName,
  last: piiName,
  street: fc.tuple(fc.integer({ min: 10, max: 9999 }), piiName).map(([n, name]) => `${n} ${name} Street`),
  phone: fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `+1 415 ${String(n).slice(0, 3)} ${String(n).slice(3)}`)
}).map((p) => ({ ...p, email: `${p.first.toLowerCase()}.${p.last.toLowerCase()}@${p.last.toLowerCase()}-mail.example` }))
type Pii = { first: string, last: string, street: string, phone: string, email: string }

function withPii (order: Record<string, any>, p: Pii): Record<string, any> {
  return { ...order, BillingDetails: { ...order.BillingDetails, FirstName: p.first, LastName: p.last, Address1: p.street, Phone: p.phone, Email: p.email } }
}

// Sized to keep the file's run time near what it was before them (it runs in npm test).
const SURROGATE_RUNS = Math.ceil(RUNS / 4)
const DEEP_RUNS = Math.ceil(RUNS / 13)
const PII_RUNS = Math.ceil(RUNS / 26)

t.test(`fuzzing /rpc with ${RUNS * 4 + SURROGATE_RUNS + DEEP_RUNS + PII_RUNS} generated calls keeps every invariant`, async (t) => {
  const ta = await createTestApp(t, { LOG_LEVEL: 'warn' })
  const m = await seedDemoMerchant(ta)
  const tally: Tally = { calls: 0, acknowledgedOrders: 0, internalErrors: 0 }
  const sentPii: Pii[] = []
  const figures = { surrogates: 0, deep: 0 }
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
  await fc.assert(fc.asyncProperty(fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), pii, async (pathChoice, value, remove, person) => {
    sentPii.push(person)
    const order = mutate(withPii(base, person), pathChoice, value, remove)
    await send(ta, t, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'placeOrder', params: [m.sessionId, order] }), tally)
  }), { numRuns: RUNS })

  // 4. Prototype-pollution keys and injection strings in every method's params.
  const hostile = fc.constantFrom('__proto__', 'constructor', 'prototype', "'; drop table orders; --", '\u0000', '😀'.repeat(100), 'x'.repeat(300))
  await fc.assert(fc.asyncProperty(fc.constantFrom(...METHODS), hostile, hostile, async (method, key, value) => {
    const raw = `{"jsonrpc":"2.0","id":1,"method":${JSON.stringify(method)},"params":{"sessionID":${JSON.stringify(m.sessionId)},${JSON.stringify(key)}:{"polluted":${JSON.stringify(value)}},"Order":${JSON.stringify({ ...base, ExternalReference: value.slice(0, 100) })}}}`
    await send(ta, t, raw, tally)
  }), { numRuns: RUNS })

  // 5. Lone surrogates in a string or a key at a random path of every method's params (by name or
  // by position): always -32602 naming that field, before the session or anything else is read.
  const guarded = ALL_METHODS.map((d) => ({ name: d.name, names: Object.keys(d.params.shape) })).filter((d) => d.names.length > 0)
  await fc.assert(fc.asyncProperty(fc.constantFrom(...guarded), fc.nat(), loneText, fc.boolean(), fc.boolean(), pii, async (method, choice, text, asKey, positional, person) => {
    sentPii.push(person)
    const sample = sampleParams(method.name, method.names, m.sessionId, withPii(base, person))
    const params = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>
    const paths = allPaths(params)
    let spoilt: Array<string | number>
    if (asKey) {
      const objects = paths.filter((path) => { const node = path.reduce((n: any, k) => n[k], params); return node !== null && typeof node === 'object' && !Array.isArray(node) })
      const at = objects[choice % objects.length] as Array<string | number>
      const key = `k${text}`
      at.reduce((n: any, k) => n[k], params)[key] = 'v'
      spoilt = [...at, key]
    } else {
      const leaves = paths.slice(1)
      spoilt = leaves[choice % leaves.length] as Array<string | number>
      const parent = spoilt.slice(0, -1).reduce((n: any, k) => n[k], params)
      parent[spoilt[spoilt.length - 1] as string | number] = text
    }
    const wire = positional && spoilt.length > 1 ? method.names.map((name) => params[name] ?? null) : params
    const body = await send(ta, t, JSON.stringify({ jsonrpc: '2.0', id: 1, method: method.name, params: wire }), tally) as Record<string, any> | undefined
    figures.surrogates++
    const fields = body?.error?.data?.fields as Array<{ path: string, error_code: string }> | undefined
    if (body?.error?.code !== -32602 || !(fields ?? []).some((f) => f.path === guardPath(spoilt) && f.error_code === 'FIELD_INVALID')) {
      t.fail(`${method.name}: a lone surrogate at ${guardPath(spoilt)} was not refused naming it: ${JSON.stringify(body).slice(0, 300)}`)
    }
  }), { numRuns: SURROGATE_RUNS })

  // 6. Nesting 100–20,000 levels deep (arrays, objects, both) as a method's params, inside a valid
  // Order, and in one element of a batch: always -32602 NESTING_TOO_DEEP for that call.
  const orderPaths = allPaths(base).slice(1)
  await fc.assert(fc.asyncProperty(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('arrays', 'objects', 'mixed'), fc.constantFrom('params', 'order', 'batch'), fc.constantFrom(...guarded), fc.nat(), async (depth, shape, where, method, choice) => {
    const deep = nestedJson(depth, shape as 'arrays' | 'objects' | 'mixed', '"x"')
    let payload: string
    let deepId = 1
    if (where === 'params') {
      payload = `{"jsonrpc":"2.0","id":1,"method":${JSON.stringify(method.name)},"params":${deep}}`
    } else {
      const path = orderPaths[choice % orderPaths.length] as Array<string | number>
      const order = mutate(base, orderPaths.indexOf(path), '@@DEEP@@', false)
      const call = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'placeOrder', params: [m.sessionId, order] }).replace('"@@DEEP@@"', deep)
      if (where === 'order') {
        payload = call(1)
      } else {
        const size = 2 + (choice % 3)
        deepId = 1 + (choice % size)
        const others = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'isValidOrderReference', params: [m.sessionId, '100000001'] })
        payload = `[${Array.from({ length: size }, (_, i) => (i + 1 === deepId ? call(i + 1) : others(i + 1))).join(',')}]`
      }
    }
    const body = await send(ta, t, payload, tally)
    figures.deep++
    const answer = (Array.isArray(body) ? body : [body]).find((r: any) => r?.id === deepId) as Record<string, any> | undefined
    if (answer?.error?.code !== -32602 || answer.error.data?.fields?.[0]?.error_code !== 'NESTING_TOO_DEEP') {
      t.fail(`${where} ${depth} ${shape} deep was not refused as NESTING_TOO_DEEP: ${JSON.stringify(answer).slice(0, 300)}`)
    }
  }), { numRuns: DEEP_RUNS })

  // 7. Valid Orders carrying personal data (placed, so their lines are written and logged).
  await fc.assert(fc.asyncProperty(pii, async (person) => {
    sentPii.push(person)
    await send(ta, t, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'placeOrder', params: [m.sessionId, withPii(base, person)] }), tally)
  }), { numRuns: PII_RUNS })

  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted')
  t.equal(t.counts.fail, before, 'no invariant failed')
  t.equal(tally.internalErrors, 0, 'no internal error')
  t.ok(tally.calls >= RUNS * 4 + SURROGATE_RUNS + DEEP_RUNS + PII_RUNS, `${tally.calls} calls made`)

  // Personal data stays out of the logs: no line holds a name, street, phone or e-mail the fuzz sent.
  const words = new Set<string>()
  const numbers = new Set<string>()
  for (const line of ta.logs) {
    for (const word of line.split(/[^A-Za-z0-9@.+-]+/)) words.add(word)
    for (const digits of line.replace(/ /g, '').match(/\+?\d+/g) ?? []) numbers.add(digits)
  }
  const streetName = (street: string) => street.split(' ')[1] as string
  const leaked = sentPii.flatMap((p) => [
    ...[p.first, p.last, streetName(p.street), p.email].filter((value) => words.has(value)),
    ...(numbers.has(p.phone.replace(/ /g, '')) ? [p.phone] : [])
  ])
  t.same([...new Set(leaked)].slice(0, 10), [], `none of the ${sentPii.length * 5} names, streets, phones and e-mail addresses sent is in the ${ta.logs.length} log lines`)

  // No partial orders: every stored order is whole (lines and a payment) and acknowledged.
  const orders = await ta.db.db.selectFrom('orders')
    .select((eb) => [
      'orders.id',
      eb.selectFrom('order_items').select((e) => e.fn.countAll<bigint>().as('n')).whereRef('order_items.order_id', '=', 'orders.id').as('lines'),
      eb.selectFrom('payments').select((e) => e.fn.countAll<bigint>().as('n')).whereRef('payments.order_id', '=', 'orders.id').as('payments')
    ]).execute()
  t.equal(orders.length, tally.acknowledgedOrders, 'stored orders == acknowledged orders')
  t.ok(orders.every((o) => Number(o.lines) >= 1 && Number(o.payments) === 1), 'every stored order has its lines and one payment')
  t.comment(`fuzz: ${tally.calls} calls, ${tally.internalErrors} internal errors, ${tally.acknowledgedOrders} orders placed, ${figures.surrogates} with lone surrogates, ${figures.deep} nested 100-20,000 deep, ${sentPii.length} people's data checked against ${ta.logs.length} log lines`)
})
