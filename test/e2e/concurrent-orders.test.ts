import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// 500 placeOrder calls at once through a real listener: every acknowledged RefNo is distinct and
// retrievable with getOrder, and the database holds exactly the acknowledged orders.
t.test('500 concurrent placeOrder calls: distinct, retrievable RefNos; rows == acknowledged', async (t) => {
  const ta = await createTestApp(t, { LOG_LEVEL: 'warn' })
  ta.clock.set(new Date())
  const m = await seedDemoMerchant(ta)
  await ta.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(ta.app.server.address() as { port: number }).port}/rpc`
  const call = async (method: string, params: unknown, id: number) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) })
    return await response.json() as { result?: any, error?: unknown }
  }
  const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => call('placeOrder', [m.sessionId, testCardOrder({ ExternalReference: `C-${i}` })], i)))
  const acknowledged = replies.filter((r) => r.result !== undefined).map((r) => r.result)
  t.equal(acknowledged.length, 500, `all acknowledged (${replies.filter((r) => r.error !== undefined).length} errors)`)
  const refNos = acknowledged.map((o) => o.RefNo as string)
  t.equal(new Set(refNos).size, refNos.length, 'every RefNo distinct')
  const fetched = await Promise.all(acknowledged.map((o, i) => call('getOrder', [m.sessionId, o.RefNo], i)))
  t.ok(fetched.every((f, i) => isDeepStrictEqual(f.result, acknowledged[i])), 'each retrievable, as acknowledged')
  const rows = await ta.db.db.selectFrom('orders').select('ref_no').where('merchant_id', '=', m.id).execute()
  t.same(rows.map((r) => String(r.ref_no)).sort(), [...refNos].sort(), 'rows in the database == acknowledged orders')
})
