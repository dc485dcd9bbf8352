import { loadCatalogFile } from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import type { TestApp } from './app.js'

/** Wire-form Orders for tests: a valid TEST-card order, with overrides. */
export function testCardOrder (overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    Currency: 'usd',
    Country: 'us',
    Language: 'en',
    ExternalReference: 'EXT-1',
    Items: [{ Code: 'my_subscription_1', Quantity: 1 }],
    BillingDetails: {
      FirstName: 'John',
      LastName: 'Doe',
      CountryCode: 'us',
      State: 'CA',
      City: 'Los Angeles',
      Address1: '1 Main St',
      Zip: '90210',
      Email: 'john.doe@example.com'
    },
    PaymentDetails: {
      Type: 'TEST',
      Currency: 'usd',
      CustomerIP: '10.0.0.1',
      PaymentMethod: {
        CardNumber: '4111111111111111',
        CardType: 'visa',
        ExpirationYear: '2030',
        ExpirationMonth: '12',
        HolderName: 'John Doe',
        CCID: '123',
        Vendor3DSReturnURL: 'https://merchant.example/3ds/ok',
        Vendor3DSCancelURL: 'https://merchant.example/3ds/cancel'
      }
    },
    ...overrides
  }
}

export function withCard (order: Record<string, any>, card: Record<string, unknown>): Record<string, any> {
  return { ...order, PaymentDetails: { ...order.PaymentDetails, PaymentMethod: { ...order.PaymentDetails.PaymentMethod, ...card } } }
}

/** A merchant with the demo catalog (SPEC §6) and a session for it. */
export async function seedDemoMerchant (ta: TestApp, options: { poAutoApprove?: boolean } = {}): Promise<{ id: bigint, code: string, secret: string, sessionId: string }> {
  const merchant = await ta.merchant({ poAutoApprove: options.poAutoApprove ?? true })
  const row = await ta.db.db.selectFrom('merchants').select('id').where('code', '=', merchant.code).executeTakeFirstOrThrow()
  const loaded = await loadCatalogFile(ta.db.db, row.id, DEMO_CATALOG)
  if (!loaded.ok) throw new Error('the demo catalog did not load')
  return { ...merchant, id: row.id, sessionId: await ta.login(merchant) }
}
