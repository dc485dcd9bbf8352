import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'

/**
 * placeOrder calls at `connections` connections against `origin`, then the books: acknowledged
 * orders by RefNo (a RefNo acknowledged twice throws), stored orders of the merchant, lost ones
 * (acknowledged, not stored), totals and lines. Shared by test/e2e/load-accounting.test.ts (one
 * process) and test/e2e/instances.test.ts (three behind a balancer).
 */
export type LoadAccounting = {
  calls: number
  acknowledged: number
  stored: number
  failedClearly: number
  /** error_code of each clearly failed call (after any retries) */
  failures: Record<string, number>
  /** calls answered SERVICE_UNAVAILABLE (retryable: nothing stored) and sent again */
  retried: number
  unclear: number
  lost: number
  distinctRefNos: number
  storedTotalMinor: bigint
  acknowledgedTotalMinor: bigint
  storedLines: number
  expectedLines: number
  seconds: number
}

export async function runLoadAccounting (options: {
  origin: string
  sessionId: string
  db: Kysely<Database>
  merchantId: bigint
  calls: number
  connections: number
  orders: ReadonlyArray<Record<string, any>>
  /** ExternalReference prefix: only these orders are counted */
  prefix?: string
  /**
   * a call answered the retryable SERVICE_UNAVAILABLE (overload: no pool connection in
   * DB_CONNECT_TIMEOUT_MS; nothing stored) is sent again, up to this many times, as a client
   * does; a retry that stored an order twice shows as stored > acknowledged
   */
  retries?: number
}): Promise<LoadAccounting> {
  const { calls, orders } = options
  const prefix = options.prefix ?? 'LOAD-'
  let next = 0
  const acknowledged = new Map<string, number>()
  let failedClearly = 0
  const failures: Record<string, number> = {}
  let retried = 0
  let unclear = 0
  const started = Date.now()
  const worker = async () => {
    while (next < calls) {
      const i = next++
      const order = { ...orders[i % orders.length], ExternalReference: `${prefix}${i}` }
      try {
        let body: { result?: { RefNo: string, GrossDiscountedPrice: number }, error?: { data?: { error_code?: string, retryable?: boolean } } }
        for (let attempt = 0; ; attempt++) {
          const response = await fetch(`${options.origin}/rpc`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'placeOrder', params: [options.sessionId, order] })
          })
          body = await response.json() as typeof body
          if (body.error?.data?.error_code !== 'SERVICE_UNAVAILABLE' || body.error.data.retryable !== true || attempt >= (options.retries ?? 0)) break
          retried++
        }
        const code = body.error?.data?.error_code
        if (body.result !== undefined) {
          if (acknowledged.has(String(body.result.RefNo))) throw new Error(`RefNo ${body.result.RefNo} acknowledged twice`)
          acknowledged.set(String(body.result.RefNo), Math.round(body.result.GrossDiscountedPrice * 100))
        } else if (code !== undefined) {
          failedClearly++
          failures[code] = (failures[code] ?? 0) + 1
        } else unclear++
      } catch (err) {
        if (err instanceof Error && err.message.includes('acknowledged twice')) throw err
        unclear++
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, worker))
  const seconds = (Date.now() - started) / 1000

  const rows = await options.db.selectFrom('orders').select(['ref_no', 'gross_discounted_price_minor'])
    .where('merchant_id', '=', options.merchantId).where('external_reference', 'like', `${prefix}%`).execute()
  const storedRefs = new Set(rows.map((r) => String(r.ref_no)))
  const lines = await options.db.selectFrom('order_items').innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('orders.merchant_id', '=', options.merchantId).where('orders.external_reference', 'like', `${prefix}%`).executeTakeFirstOrThrow()
  let expectedLines = 0
  for (let i = 0; i < calls; i++) expectedLines += (orders[i % orders.length]?.Items as unknown[] | undefined)?.length ?? 0
  return {
    calls,
    acknowledged: acknowledged.size,
    stored: rows.length,
    failedClearly,
    failures,
    retried,
    unclear,
    lost: [...acknowledged.keys()].filter((ref) => !storedRefs.has(ref)).length,
    distinctRefNos: storedRefs.size,
    storedTotalMinor: rows.reduce((sum, r) => sum + r.gross_discounted_price_minor, 0n),
    acknowledgedTotalMinor: [...acknowledged.values()].reduce((sum, v) => sum + BigInt(v), 0n),
    storedLines: Number(lines.n),
    expectedLines,
    seconds
  }
}

/** One line of figures, as the load tests print it. */
export function describeLoad (books: LoadAccounting): string {
  const failures = Object.entries(books.failures).map(([code, n]) => `${code} ${n}`).join(', ')
  return `calls ${books.calls}, acknowledged ${books.acknowledged}, stored ${books.stored}, failed-clearly ${books.failedClearly}${failures !== '' ? ` (${failures})` : ''}, retried (SERVICE_UNAVAILABLE) ${books.retried}, unclear ${books.unclear}, lost ${books.lost}, duplicates ${books.stored - books.distinctRefNos}; ${Math.round(books.calls / books.seconds)} calls/s`
}
