import t from 'tap'
import { loadCatalogFile } from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { createTestApp } from '../helpers/app.js'
import { seedDemoMerchant, testCardOrder } from '../helpers/orders.js'

t.test('a catalog load is seen by the very next order, cached carts or not', async (t) => {
  const ta = await createTestApp(t)
  const m = await seedDemoMerchant(ta)
  const price = async () => (await ta.rpc('placeOrder', [m.sessionId, testCardOrder()])).result?.NetPrice
  t.equal(await price(), 99)
  t.equal(await price(), 99, 'the same cart again (from the cache)')
  const dearer = { ...DEMO_CATALOG, products: DEMO_CATALOG.products.map((p) => (p.code === 'my_subscription_1' ? { ...p, prices: { ...p.prices, USD: '120.00' } } : p)) }
  t.ok((await loadCatalogFile(ta.db.db, m.id, dearer)).ok)
  t.equal(await price(), 120, 'the new price at once')
  const unpublished = { ...DEMO_CATALOG, products: DEMO_CATALOG.products.map((p) => (p.code === 'my_subscription_1' ? { ...p, published: false } : p)) }
  t.ok((await loadCatalogFile(ta.db.db, m.id, unpublished)).ok)
  const refused = await ta.rpc('placeOrder', [m.sessionId, testCardOrder()])
  t.equal(refused.error?.data.error_code, 'ORDER_PRODUCT_NOT_PUBLISHED', 'unpublished at once')
  const quoted = await ta.rpc('quote', [m.sessionId, testCardOrder()])
  t.equal(quoted.error?.data.error_code, 'ORDER_PRODUCT_NOT_PUBLISHED', 'quote sees it too')
})
