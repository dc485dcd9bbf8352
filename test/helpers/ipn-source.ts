import type { IpnSource } from '../../src/notifications/ipn-message.js'

export const IPN_TEST_AT = new Date('2026-11-23T10:00:00.000Z')

/**
 * The IPN source of a card order (TEST card) for two lines, billed in Germany with a delivery
 * address in France, placed a minute before IPN_TEST_AT: multi-byte UTF-8 names (bytes ≠
 * characters in the signature's length prefixes), a promotion, shipping and a line without a
 * catalog product. The values the IPN unit tests' expected fields and signatures are worked out
 * from: change them and those change too.
 */
export function testIpnSource (overrides: Partial<IpnSource> = {}): IpnSource {
  return {
    merchantCode: 'M1234',
    refNo: 1000037n,
    externalReference: 'EXT-1',
    orderNo: 13n,
    orderDate: new Date('2026-11-23T09:59:00.000Z'),
    paidAt: new Date('2026-11-23T09:59:01.000Z'),
    completedAt: null,
    paymentType: 'TEST',
    testOrder: true,
    currency: 'EUR',
    language: 'de',
    fraudStatus: null,
    gift: false,
    customerIp: '10.0.0.1',
    customerReference: 42n,
    billing: { FirstName: 'Jürgen', LastName: 'Müller', Company: 'Müller GmbH', FiscalCode: 'DE123456789', Address1: 'Hauptstraße 1', City: 'Köln', Zip: '50667', CountryCode: 'DE', Email: 'j.mueller@example.com' },
    delivery: { FirstName: 'José', LastName: 'García', Address1: '1 Rue de la Paix', City: 'Paris', Zip: '75002', CountryCode: 'FR', Phone: '+33 1 23 45 67 89', Email: 'jose@example.com' },
    items: [
      { productId: 7n, productCode: 'my_subscription_1', productName: 'Abonnement Élite', sku: 'SKU-1', quantity: 2, unitNetPriceMinor: 1000n, netPriceMinor: 2000n, discountMinor: 200n, vatMinor: 342n, vatPercentBp: 1900, promotions: [{ code: 'WELCOME10', name: 'Welcome 10%' }] },
      { productId: null, productCode: 'CUSTOM-LINE', productName: 'Setup', sku: null, quantity: 1, unitNetPriceMinor: 500n, netPriceMinor: 500n, discountMinor: 0n, vatMinor: 95n, vatPercentBp: 1900, promotions: [] }
    ],
    shippingMinor: 450n,
    totalMinor: 3187n,
    change: { eventId: 9n, event: 'PLACED', at: IPN_TEST_AT, fromStatus: null, toStatus: 'AUTHRECEIVED' },
    ...overrides
  }
}
