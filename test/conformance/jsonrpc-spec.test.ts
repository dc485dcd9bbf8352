import t from 'tap'
import { z } from 'zod'
import { defineMethod } from '../../src/rpc/registry.js'
import { createTestApp } from '../helpers/app.js'

// The examples of the JSON-RPC 2.0 specification (section 7), replayed verbatim. The methods
// they call are registered for this test only, with the spec's semantics.
const notified: unknown[] = []
const SPEC_METHODS = [
  defineMethod({
    name: 'subtract',
    summary: 'spec example',
    params: z.object({ minuend: z.number(), subtrahend: z.number() }),
    result: z.number(),
    session: false,
    access: 'public',
    errors: [],
    handler: async (p) => p.minuend - p.subtrahend
  }),
  defineMethod({
    name: 'sum',
    summary: 'spec example',
    params: z.object({ a: z.number(), b: z.number(), c: z.number().optional() }),
    result: z.number(),
    session: false,
    access: 'public',
    errors: [],
    handler: async (p) => p.a + p.b + (p.c ?? 0)
  }),
  defineMethod({
    name: 'update',
    summary: 'spec example',
    params: z.object({ a: z.number().optional(), b: z.number().optional(), c: z.number().optional(), d: z.number().optional(), e: z.number().optional() }),
    result: z.null(),
    session: false,
    access: 'public',
    errors: [],
    handler: async (p) => { notified.push(['update', p]); return null }
  }),
  defineMethod({
    name: 'notify_hello',
    summary: 'spec example',
    params: z.object({ a: z.number().optional() }),
    result: z.null(),
    session: false,
    access: 'public',
    errors: [],
    handler: async (p) => { notified.push(['notify_hello', p]); return null }
  }),
  defineMethod({
    name: 'notify_sum',
    summary: 'spec example',
    params: z.object({ a: z.number(), b: z.number(), c: z.number() }),
    result: z.null(),
    session: false,
    access: 'public',
    errors: [],
    handler: async (p) => { notified.push(['notify_sum', p]); return null }
  }),
  defineMethod({
    name: 'get_data',
    summary: 'spec example',
    params: z.object({}),
    result: z.array(z.union([z.string(), z.number()])),
    session: false,
    access: 'public',
    errors: [],
    handler: async () => ['hello', 5]
  }),
  defineMethod({
    name: 'explode',
    summary: 'fails unexpectedly',
    params: z.object({}),
    result: z.null(),
    session: false,
    access: 'public',
    errors: [],
    handler: async () => { throw new Error('relation "secret_table" does not exist at /srv/app.js:12') }
  })
]

t.test('JSON-RPC 2.0 specification examples', async (t) => {
  const ta = await createTestApp(t, {}, undefined, SPEC_METHODS)

  t.test('rpc call with positional parameters', async (t) => {
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 })).json, { jsonrpc: '2.0', result: 19, id: 1 })
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [23, 42], id: 2 })).json, { jsonrpc: '2.0', result: -19, id: 2 })
  })

  t.test('rpc call with named parameters', async (t) => {
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: { subtrahend: 23, minuend: 42 }, id: 3 })).json, { jsonrpc: '2.0', result: 19, id: 3 })
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: { minuend: 42, subtrahend: 23 }, id: 4 })).json, { jsonrpc: '2.0', result: 19, id: 4 })
  })

  t.test('a notification gets no response (HTTP 204, empty body) and still runs', async (t) => {
    notified.length = 0
    const update = await ta.post({ jsonrpc: '2.0', method: 'update', params: [1, 2, 3, 4, 5] })
    t.equal(update.statusCode, 204)
    t.equal(update.body, '')
    const foobar = await ta.post({ jsonrpc: '2.0', method: 'foobar' })
    t.equal(foobar.statusCode, 204, 'a notification of an unknown method is not answered either')
    t.same(notified, [['update', { a: 1, b: 2, c: 3, d: 4, e: 5 }]])
  })

  t.test('rpc call of a non-existent method', async (t) => {
    t.match((await ta.post({ jsonrpc: '2.0', method: 'foobar', id: '1' })).json, { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' })
  })

  t.test('rpc call with invalid JSON', async (t) => {
    const reply = await ta.post('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]')
    t.equal(reply.statusCode, 200)
    t.same(reply.json, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null })
  })

  t.test('rpc call with an invalid Request object', async (t) => {
    t.same((await ta.post({ jsonrpc: '2.0', method: 1, params: 'bar' })).json, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null })
  })

  t.test('rpc call batch, invalid JSON', async (t) => {
    const reply = await ta.post('[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]')
    t.same(reply.json, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null })
  })

  t.test('rpc call with an empty Array: one -32600, not an array', async (t) => {
    t.match((await ta.post([])).json, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null })
    t.notOk(Array.isArray((await ta.post([])).json))
  })

  t.test('rpc call with an invalid batch, but not empty: [1]', async (t) => {
    t.same((await ta.post([1])).json, [{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }])
  })

  t.test('rpc call with an invalid batch: [1,2,3]', async (t) => {
    const invalid = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }
    t.same((await ta.post([1, 2, 3])).json, [invalid, invalid, invalid])
  })

  t.test('rpc call batch (mixed)', async (t) => {
    const reply = await ta.post([
      { jsonrpc: '2.0', method: 'sum', params: [1, 2, 4], id: '1' },
      { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
      { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: '2' },
      { foo: 'boo' },
      { jsonrpc: '2.0', method: 'foo.get', params: { name: 'myself' }, id: '5' },
      { jsonrpc: '2.0', method: 'get_data', id: '9' }
    ])
    t.equal(reply.statusCode, 200)
    t.match(reply.json, [
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' }
    ])
    t.equal((reply.json as unknown[]).length, 5)
  })

  t.test('rpc call batch (all notifications): HTTP 204, no body', async (t) => {
    const reply = await ta.post([
      { jsonrpc: '2.0', method: 'notify_sum', params: [1, 2, 4] },
      { jsonrpc: '2.0', method: 'notify_hello', params: [7] }
    ])
    t.equal(reply.statusCode, 204)
    t.equal(reply.body, '')
  })

  t.test('a one-element batch is answered with an array', async (t) => {
    t.same((await ta.post([{ jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 }])).json, [{ jsonrpc: '2.0', result: 19, id: 1 }])
  })

  t.test('envelope rules the json-rpc-2.0 package does not check', async (t) => {
    const invalid = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }
    t.same((await ta.post({ jsonrpc: '1.0', method: 'subtract', params: [1, 1], id: 1 })).json, invalid, 'wrong version')
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: 'bar', id: 1 })).json, invalid, 'params neither array nor object')
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [1, 1], id: { a: 1 } })).json, invalid, 'object id')
    t.same((await ta.post([null])).json, [invalid], 'null batch element')
    t.same((await ta.post('"a string"')).json, invalid, 'a JSON string')
    t.same((await ta.post('null')).json, invalid, 'JSON null')
  })

  t.test('params of the wrong shape get -32602 with the offending paths', async (t) => {
    const reply = (await ta.post({ jsonrpc: '2.0', method: 'subtract', params: ['a'], id: 7 })).json as { error: { code: number, data: { fields: Array<{ path: string }> } } }
    t.equal(reply.error.code, -32602)
    t.same(reply.error.data.fields.map((f) => f.path), ['minuend', 'subtrahend'])
    const tooMany = (await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [1, 2, 3], id: 8 })).json as { error: { code: number, data: { fields: Array<{ path: string }> } } }
    t.equal(tooMany.error.code, -32602)
    t.equal(tooMany.error.data.fields[0]?.path, 'params')
    const unknownName = (await ta.post({ jsonrpc: '2.0', method: 'subtract', params: { minuend: 1, subtrahend: 2, other: 3 }, id: 9 })).json as { error: { code: number, data: { fields: Array<{ path: string }> } } }
    t.equal(unknownName.error.data.fields[0]?.path, 'other')
  })

  t.test('an unexpected failure is -32603 "Internal error" with a request id; the cause is only in the log', async (t) => {
    const reply = await ta.post({ jsonrpc: '2.0', method: 'explode', id: 10 })
    const body = reply.json as { error: { code: number, message: string, data: { requestId: string, error_code: string } } }
    t.equal(body.error.code, -32603)
    t.equal(body.error.message, 'Internal error')
    t.equal(body.error.data.error_code, 'INTERNAL_ERROR')
    t.notOk(reply.body.includes('secret_table'), 'no internal message on the wire')
    t.notOk(reply.body.includes('app.js'), 'no stack on the wire')
    const logged = ta.logs.find((line) => line.includes(body.error.data.requestId) && line.includes('secret_table'))
    t.ok(logged, 'the cause is logged with the same request id')
  })
})

t.test('transport limits', async (t) => {
  const ta = await createTestApp(t, { RPC_BATCH_MAX: '3', RPC_BODY_LIMIT_BYTES: '2048' }, undefined, SPEC_METHODS)

  t.test('a batch above the cap gets one -32600 naming the limit', async (t) => {
    const call = { jsonrpc: '2.0', method: 'subtract', params: [2, 1], id: 1 }
    t.equal((await ta.post([call, call, call])).json instanceof Array, true)
    const reply = (await ta.post([call, call, call, call])).json as { error: { code: number, data: { error_code: string, limit: number } } }
    t.equal(reply.error.code, -32600)
    t.equal(reply.error.data.error_code, 'BATCH_TOO_LARGE')
    t.equal(reply.error.data.limit, 3)
  })

  t.test('a body above the limit is refused with a JSON-RPC error (413)', async (t) => {
    const reply = await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [1, 1], id: 1, padding: 'x'.repeat(4096) })
    t.equal(reply.statusCode, 413)
    t.match(reply.json, { jsonrpc: '2.0', id: null, error: { code: -32600, data: { error_code: 'REQUEST_TOO_LARGE', limit: 2048 } } })
  })

  t.test('a body that is not application/json is refused with a JSON-RPC error (415)', async (t) => {
    const reply = await ta.app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'text/plain' }, payload: '{}' })
    t.equal(reply.statusCode, 415)
    t.match(JSON.parse(reply.body), { jsonrpc: '2.0', id: null, error: { code: -32600, data: { error_code: 'UNSUPPORTED_MEDIA_TYPE' } } })
  })

  t.test('the 2Checkout path /rpc/6.0/ answers like /rpc', async (t) => {
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [5, 3], id: 1 }, '/rpc/6.0/')).json, { jsonrpc: '2.0', result: 2, id: 1 })
    t.same((await ta.post({ jsonrpc: '2.0', method: 'subtract', params: [5, 3], id: 1 }, '/rpc/6.0')).json, { jsonrpc: '2.0', result: 2, id: 1 })
  })

  // Issue 16, finding 14: answers carry session ids, orders and personal data: no cache may
  // keep them, and no browser may sniff a JSON body into something it runs.
  t.test('every answer of /rpc (result, error, 204, 413, 415, parse error, batch) is no-store and nosniff', async (t) => {
    const call = { jsonrpc: '2.0', method: 'subtract', params: [2, 1], id: 1 }
    const json = { 'content-type': 'application/json' }
    const answers = {
      result: await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify(call) }),
      '2Checkout path': await ta.app.inject({ method: 'POST', url: '/rpc/6.0/', headers: json, payload: JSON.stringify(call) }),
      'unknown method': await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify({ ...call, method: 'nope' }) }),
      'internal error': await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify({ jsonrpc: '2.0', method: 'explode', id: 2 }) }),
      notification: await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify({ jsonrpc: '2.0', method: 'subtract', params: [2, 1] }) }),
      batch: await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify([call, call]) }),
      'too large': await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: JSON.stringify({ ...call, padding: 'x'.repeat(4096) }) }),
      'wrong media type': await ta.app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'text/plain' }, payload: '{}' }),
      'no media type': await ta.app.inject({ method: 'POST', url: '/rpc', payload: '{}' }),
      'parse error': await ta.app.inject({ method: 'POST', url: '/rpc', headers: json, payload: '{"jsonrpc": "2.0", "method"' })
    }
    t.same(Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.statusCode])), {
      result: 200, '2Checkout path': 200, 'unknown method': 200, 'internal error': 200, notification: 204, batch: 200, 'too large': 413, 'wrong media type': 415, 'no media type': 415, 'parse error': 200
    })
    for (const [name, answer] of Object.entries(answers)) {
      t.match(answer.headers, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }, `${name}: no-store, nosniff`)
    }
  })

  t.test('prototype-pollution keys are dropped while parsing', async (t) => {
    const reply = await ta.post('{"jsonrpc":"2.0","method":"subtract","params":{"minuend":5,"subtrahend":3,"__proto__":{"polluted":true}},"id":1}')
    t.same(reply.json, { jsonrpc: '2.0', result: 2, id: 1 })
    t.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  t.test('GET /health answers 200; GET /ready answers 200 while the database is up', async (t) => {
    const health = await ta.app.inject({ method: 'GET', url: '/health' })
    t.equal(health.statusCode, 200)
    t.same(JSON.parse(health.body), { status: 'ok' })
    const ready = await ta.app.inject({ method: 'GET', url: '/ready' })
    t.equal(ready.statusCode, 200)
    t.same(JSON.parse(ready.body), { status: 'ready', database: 'up' })
  })
})

t.test('GET /ready answers 503 when the database is gone', async (t) => {
  const ta = await createTestApp(t)
  await ta.db.close()
  const ready = await ta.app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 503)
  t.same(JSON.parse(ready.body), { status: 'unavailable', database: 'down' })
  // the teardown closes it again: make that a no-op
  ta.db.close = async () => {}
})

t.test('a NUL character in any string param is -32602 naming the field, never an internal error', async (t) => {
  const ta = await createTestApp(t, {}, undefined, SPEC_METHODS)
  const reply = await ta.post({ jsonrpc: '2.0', method: 'update', params: { a: 1 }, id: 1 })
  t.same(reply.json, { jsonrpc: '2.0', id: 1, result: null })
  const nul = await ta.post({ jsonrpc: '2.0', method: 'login', params: ['M\u0000', '2026-11-23 10:00:00', 'a'.repeat(32)], id: 2 })
  t.match(nul.json, { error: { code: -32602, data: { fields: [{ path: 'merchantCode', error_code: 'FIELD_INVALID' }] } } })
  const deep = await ta.post({ jsonrpc: '2.0', method: 'placeOrder', params: { sessionID: '0'.repeat(64), Order: { ExternalReference: 'x\u0000', Items: [{ Code: '\u0000' }] } }, id: 3 })
  t.match(deep.json, { error: { code: -32602, data: { fields: [{ path: 'ExternalReference' }, { path: 'Items.0.Code' }] } } })
})
