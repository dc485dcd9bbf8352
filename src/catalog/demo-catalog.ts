import type { CatalogFile } from './catalog-file.js'

/**
 * The demo catalog of SPEC §6, loaded for the DEMO merchant and by `ordergate demo`. The same
 * content is committed as samples/catalog/demo-catalog.json (a test keeps the two equal).
 *
 * Choices the spec leaves open:
 * - `my_subscription_1` has a 30-day trial priced 0.00 in each of its currencies.
 * - Its `SUPPORT` group is optional: choosing no option is the same as BASIC (+0).
 * - `PAY-WHAT-YOU-WANT` has a list price of 1.00 USD / 1.00 EUR, used when the client sends no
 *   `Price: {Type: 'CUSTOM', Amount}`; a custom amount replaces it.
 */
export const DEMO_CATALOG: CatalogFile = {
  products: [
    {
      code: 'my_subscription_1',
      name: 'My Subscription 1',
      kind: 'DIGITAL',
      published: true,
      allowCustomPrice: false,
      prices: { USD: '99.00', EUR: '89.00', GBP: '79.00' },
      priceOptionGroups: [
        {
          code: 'SUPPORT',
          name: 'Support level',
          required: false,
          options: [
            { code: 'BASIC', name: 'Basic support', modifiers: { USD: '0.00', EUR: '0.00', GBP: '0.00' } },
            { code: 'PREMIUM', name: 'Premium support', modifiers: { USD: '20.00', EUR: '18.00', GBP: '16.00' } }
          ]
        }
      ],
      trial: { allowed: true, periodDays: 30, prices: { USD: '0.00', EUR: '0.00', GBP: '0.00' } },
      subscription: { cycleUnit: 'MONTH', cycleLength: 1 }
    },
    {
      code: 'BOOK-PRINT',
      name: 'Printed book',
      kind: 'PHYSICAL',
      published: true,
      allowCustomPrice: false,
      prices: { USD: '25.00', EUR: '23.00' },
      inventory: { onHand: 100, backorderLimit: 10 }
    },
    {
      code: 'PAY-WHAT-YOU-WANT',
      name: 'Pay what you want',
      kind: 'DIGITAL',
      published: true,
      allowCustomPrice: true,
      prices: { USD: '1.00', EUR: '1.00' }
    },
    {
      code: 'ADDON-1',
      name: 'Add-on 1',
      kind: 'DIGITAL',
      published: true,
      allowCustomPrice: false,
      prices: { USD: '10.00' }
    }
  ],
  crossSellCampaigns: [
    { code: 'XSELL1', parentCode: 'my_subscription_1', productCode: 'ADDON-1', discountPercent: 20 }
  ],
  promotions: [
    {
      code: 'WELCOME10',
      name: 'Welcome: 10% off every product',
      type: 'PERCENT',
      percent: 10,
      appliesTo: 'PRODUCTS',
      productCodes: [],
      enabled: true
    },
    {
      code: 'FIXED5USD',
      name: 'USD 5.00 off the order',
      type: 'FIXED',
      amounts: { USD: '5.00' },
      appliesTo: 'ORDER',
      currencies: ['USD'],
      enabled: true
    }
  ],
  shippingMethods: [
    { code: 'STANDARD', name: 'Standard shipping', default: true, prices: { USD: '5.00', EUR: '4.50' } },
    { code: 'EXPRESS', name: 'Express shipping', default: false, prices: { USD: '15.00' } }
  ],
  vat: { DE: 19, FR: 20, RO: 19, GB: 20, NL: 21 }
}
