import { createMerchantUser, type Privilege } from '../../src/auth/merchant-users.js'
import type { CatalogFile } from '../../src/catalog/catalog-file.js'
import { loadCatalogFile } from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import type { TestApp } from './app.js'

export const STAFF_PASSWORD = 'correct horse battery staple'
/**
 * The fixture users' scrypt cost: N=2^10 instead of the default 2^17 (each hash and each login
 * check took ~0.5 s of CPU and 128 MiB, four per staffMerchant). The same code hashes and checks;
 * users created through the CLI (ordergate user create) keep the default cost.
 */
export const FIXTURE_HASH_PARAMS = { N: 2 ** 10, r: 8, p: 1 } as const

export type Staff = {
  code: string
  secret: string
  merchantId: bigint
  /** the merchant's API session (login) */
  apiSession: string
  /** a user with every privilege */
  staffSession: string
  /** a user with no privilege at all */
  noPrivilegeSession: string
  /** opens a session for a new user with these privileges */
  userSession: (privileges: Privilege[]) => Promise<string>
}

/** A merchant with the demo catalog (or the given one), its API session and staff sessions. */
export async function staffMerchant (ta: TestApp, catalog: CatalogFile = DEMO_CATALOG): Promise<Staff> {
  const merchant = await ta.merchant({ poAutoApprove: true })
  const row = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
  const loaded = await loadCatalogFile(ta.db.db, row.id, catalog)
  if (!loaded.ok) throw new Error('catalog did not load')
  let n = 0
  const userSession = async (privileges: Privilege[]): Promise<string> => {
    const username = `agent${++n}`
    await createMerchantUser(ta.db.db, row.id, { username, password: STAFF_PASSWORD, privileges }, FIXTURE_HASH_PARAMS)
    const reply = await ta.rpc('loginUser', [merchant.code, username, STAFF_PASSWORD])
    if (typeof reply.result !== 'string') throw new Error(`loginUser failed: ${JSON.stringify(reply.error)}`)
    return reply.result
  }
  return {
    code: merchant.code,
    secret: merchant.secret,
    merchantId: row.id,
    apiSession: await ta.login(merchant),
    staffSession: await userSession(['SUPERVISOR' as Privilege]),
    noPrivilegeSession: await userSession([]),
    userSession
  }
}

/** The demo catalog with more BOOK-PRINT stock (or less), for stock tests. */
export function catalogWithStock (onHand: number, backorderLimit: number): CatalogFile {
  return {
    ...DEMO_CATALOG,
    products: DEMO_CATALOG.products.map((p) => (p.code === 'BOOK-PRINT' ? { ...p, inventory: { onHand, backorderLimit } } : p))
  }
}

export const DELIVERY = { FirstName: 'John', LastName: 'Doe', CountryCode: 'us', State: 'CA', City: 'Los Angeles', Address1: '1 Main St', Zip: '90210' }

export async function stock (ta: TestApp, merchantId: bigint, code: string): Promise<{ onHand: number, reserved: number, backorderLimit: number }> {
  const row = await ta.db.db.selectFrom('inventory').innerJoin('products', 'products.id', 'inventory.product_id')
    .select(['on_hand', 'reserved', 'backorder_limit']).where('products.merchant_id', '=', merchantId).where('products.code', '=', code).executeTakeFirstOrThrow()
  return { onHand: row.on_hand, reserved: row.reserved, backorderLimit: row.backorder_limit }
}
