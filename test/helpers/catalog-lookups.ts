import type { CatalogFile } from '../../src/catalog/catalog-file.js'
import { createTestApp, type RpcReply, type TestApp } from './app.js'
import { staffMerchant, type Staff } from './assisted.js'
import { createEmbeddedTestDb, createTestDb, type TestDb } from './db.js'

/** Every catalog look-up test runs on real PostgreSQL and on the embedded backend. */
export const BACKENDS: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

/**
 * Merchant B's catalog: what the demo one (merchant A's) does not have — an unpublished physical
 * product, USD with 3 decimals (an override), JPY, a daily subscription, and a product whose code
 * is also one of A's (B's own, not A's).
 */
export const B_CATALOG: CatalogFile = {
  currencies: { USD: 3 },
  products: [
    { code: 'HIDDEN-1', name: 'Hidden gadget', kind: 'PHYSICAL', published: false, prices: { USD: '12.345', JPY: '1500' } },
    { code: 'DAILY', name: 'Daily digest', kind: 'DIGITAL', prices: { EUR: '1.00' }, subscription: { cycleUnit: 'DAY', cycleLength: 7 } },
    { code: 'my_subscription_1', name: 'B subscription', kind: 'DIGITAL', prices: { USD: '1.000' } }
  ],
  shippingMethods: [{ code: 'COURIER', name: 'B courier', default: true, prices: { USD: '2.500', JPY: '700' } }],
  vat: { DE: 19 }
}

export type Lookups = { ta: TestApp, a: Staff, b: Staff }

/** A (the demo catalog) and B (B_CATALOG), each with its API session and staff sessions. */
export async function lookupMerchants (t: { teardown: (fn: () => unknown) => void }, open: () => Promise<TestDb>): Promise<Lookups> {
  const ta = await createTestApp(t, {}, await open())
  return { ta, a: await staffMerchant(ta), b: await staffMerchant(ta, B_CATALOG) }
}

/** The field errors of a reply, as [path, error_code] pairs. */
export function fieldsOf (reply: RpcReply): Array<[string, string]> {
  return ((reply.error?.data?.fields ?? []) as Array<{ path: string, error_code: string }>).map((f) => [f.path, f.error_code])
}
