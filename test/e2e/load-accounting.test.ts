import t from 'tap'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

// 20,000 placeOrder calls at 50 connections through a real listener, then the books must
// balance: acknowledged == stored, every RefNo distinct, totals stored == totals acknowledged.
const CALLS = Number(process.env.LOAD_CALLS ?? 20_000)
const CONNECTIONS = 50

t.test(`load with accounting: ${CALLS} placeOrder calls at ${CONNECTIONS} connections`, async (t) => {
  const ta = await createTestApp(t, { LOG_LEVEL: 'warn' })
  ta.clock.set(new Date())
  const m = await seedDemoMerchant(ta)
  await ta.app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(ta.app.server.address() as { port: number }).port}`

  const orders = [
    testCardOrder(),
    testCardOrder({ Items: [{ Code: 'my_subscription_1', Quantity: 2, PriceOptions: ['PREMIUM'] }, { Code: 'ADDON-1' }] }),
    testCardOrder({ Promotions: ['WELCOME10'] })
  ]
  let next = 0
  const acknowledged = new Map<string, number>()
  let failed = 0
  let unclear = 0
  const started = Date.now()
  const worker = async () => {
    while (next < CALLS) {
      const i = next++
      const order = { ...orders[i % orders.length], ExternalReference: `LOAD-${i}` }
      try {
        const response = await fetch(`${origin}/rpc`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'placeOrder', params: [m.sessionId, order] })
        })
        const body = await response.json() as { result?: { RefNo: string, GrossDiscountedPrice: number }, error?: { data?: { error_code?: string } } }
        if (body.result !== undefined) {
          if (acknowledged.has(body.result.RefNo)) throw new Error(`RefNo ${body.result.RefNo} acknowledged twice`)
          acknowledged.set(body.result.RefNo, Math.round(body.result.GrossDiscountedPrice * 100))
        } else if (body.error?.data?.error_code !== undefined) failed++
        else unclear++
      } catch {
        unclear++
      }
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  const seconds = (Date.now() - started) / 1000

  const rows = await ta.db.db.selectFrom('orders').select(['ref_no', 'gross_discounted_price_minor']).where('merchant_id', '=', m.id).execute()
  const storedTotal = rows.reduce((sum, r) => sum + r.gross_discounted_price_minor, 0n)
  const acknowledgedTotal = [...acknowledged.values()].reduce((sum, v) => sum + BigInt(v), 0n)
  const storedRefs = new Set(rows.map((r) => String(r.ref_no)))
  const lost = [...acknowledged.keys()].filter((ref) => !storedRefs.has(ref)).length
  t.comment(`calls ${CALLS}, acknowledged ${acknowledged.size}, stored ${rows.length}, failed-clearly ${failed}, unclear ${unclear}, lost ${lost}; ${Math.round(CALLS / seconds)} calls/s`)
  t.equal(failed + unclear, 0, 'every call was acknowledged (nothing failed under load)')
  t.equal(acknowledged.size, CALLS)
  t.equal(rows.length, acknowledged.size, 'stored == acknowledged')
  t.equal(storedRefs.size, rows.length, 'every RefNo distinct')
  t.equal(lost, 0, 'no acknowledged order is missing')
  t.equal(storedTotal, acknowledgedTotal, 'the totals stored equal the totals acknowledged')
  const lines = await ta.db.db.selectFrom('order_items').innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select((eb) => eb.fn.countAll<bigint>().as('n')).where('orders.merchant_id', '=', m.id).executeTakeFirstOrThrow()
  let expectedLines = 0
  for (let i = 0; i < CALLS; i++) expectedLines += orders[i % orders.length]?.Items.length ?? 0
  t.equal(Number(lines.n), expectedLines, 'every line stored')
})
