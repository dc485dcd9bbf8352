import { sql } from 'kysely'
import type { Test } from 'tap'
import type { TestApp } from './app.js'
import { seedDemoMerchant, testCardOrder } from './orders.js'

export type DemoMerchant = { id: bigint, code: string, secret: string, sessionId: string }

/** A merchant with the demo catalog and an open session (PO auto-approve off unless asked). */
export async function demoMerchant (ta: TestApp, options: { poAutoApprove?: boolean } = {}): Promise<DemoMerchant> {
  return await seedDemoMerchant(ta, { poAutoApprove: options.poAutoApprove ?? false })
}

/** testCardOrder (USD 99.00, my_subscription_1) paid with `type` and `method`. */
export function orderPaidWith (type: string, method: unknown, overrides: Record<string, unknown> = {}): Record<string, any> {
  return testCardOrder({ PaymentDetails: { Type: type, Currency: 'USD', CustomerIP: '10.0.0.1', PaymentMethod: method }, ...overrides })
}

export const RETURN_URL = 'https://merchant.example/paid?cart=7'
export const CANCEL_URL = 'https://merchant.example/cancelled'

/** The order history, oldest first, as `from→to EVENT` lines (RefNo). */
export async function history (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('order_events')
    .innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select(['order_events.from_status', 'order_events.to_status', 'order_events.event'])
    .where('orders.ref_no', '=', BigInt(refNo))
    .orderBy('order_events.id')
    .execute()
  return rows.map((r) => `${r.from_status ?? '-'}→${r.to_status} ${r.event}`)
}

/** Every row of every table of the test database, as text. */
export async function dumpDatabase (ta: TestApp): Promise<string> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(ta.db.db)
  const parts: string[] = []
  for (const { table_name: table } of tables.rows) {
    const rows = await sql<{ row: unknown }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(ta.db.db)
    parts.push(`${table}: ${rows.rows.map((r) => String(r.row)).join('\n')}`)
  }
  return parts.join('\n')
}

/**
 * SPEC §4 "Never stored, never logged": none of `secrets` (full card numbers, CVVs in their
 * JSON forms, full IBANs / account numbers) appears in the database dump or the captured logs.
 */
export async function assertNoSecrets (t: Test, ta: TestApp, secrets: readonly string[]): Promise<void> {
  const dump = await dumpDatabase(ta)
  const logs = ta.logs.join('\n')
  t.ok(dump.length > 1000, 'the dump holds the suite\'s rows')
  t.ok(ta.logs.length > 10, 'the logs were captured')
  for (const secret of secrets) {
    t.notOk(dump.includes(secret), `the database dump does not contain ${secret.slice(0, 4)}…`)
    t.notOk(logs.includes(secret), `the logs do not contain ${secret.slice(0, 4)}…`)
  }
}

/** The sandbox page as a browser sees it: GET the page, then POST one of its forms. */
export async function openPage (ta: TestApp, href: string): Promise<{ statusCode: number, body: string }> {
  const url = new URL(href)
  const response = await ta.app.inject({ method: 'GET', url: url.pathname + url.search })
  return { statusCode: response.statusCode, body: response.body }
}

export async function submitPage (ta: TestApp, path: string, fields: Record<string, string>): Promise<{ statusCode: number, location: string | undefined, body: string }> {
  const response = await ta.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString()
  })
  const location = response.headers.location
  return { statusCode: response.statusCode, location: typeof location === 'string' ? location : undefined, body: response.body }
}
