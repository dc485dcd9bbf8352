import t from 'tap'
import { fieldForPath, normaliseErrorPath, placeProblems } from '../../../src/console/web/field-errors.js'
import { buildOrder, buildQuote, detectCardType, notQuotableYet, stockWarning, type Draft } from '../../../src/console/web/order-draft.js'

const URLS = { Vendor3DSReturnURL: 'http://127.0.0.1:8080/console/3ds-return.html', Vendor3DSCancelURL: 'http://127.0.0.1:8080/console/3ds-return.html?outcome=cancel' }
const BILLING = { FirstName: 'Ann', LastName: 'Lee', Company: 'Lee Ltd', Address1: '1 Main St', Address2: '', City: 'Albany', State: 'NY', Zip: '12207', CountryCode: 'US', Phone: '' }
const CUSTOMER = { CustomerId: 7, CustomerReference: 700, FirstName: 'Ann', LastName: 'Lee', Email: 'ann@example.com', Company: 'Lee Ltd', Phone: null, B2B: true, FraudReview: false }

function draft (overrides: Partial<Draft> = {}): Draft {
  return {
    customer: CUSTOMER,
    lines: [
      { code: 'BOOK-PRINT', name: 'Printed book', quantity: 2, physical: true, stock: { onHand: 100, reserved: 0, backorderLimit: 10, available: 110 }, discount: { Type: 'PERCENT', Value: 10, Reason: 'VIP' } },
      { code: 'ADDON-1', name: 'Add-on 1', quantity: 1, physical: false, stock: null }
    ],
    currency: 'USD',
    billing: BILLING,
    delivery: null,
    shippingMethod: 'EXPRESS',
    coupons: [],
    orderDiscount: { Type: 'AMOUNT', Value: 5, Reason: 'Phone deal' },
    payment: { kind: 'PURCHASE_ORDER', InternalPONumber: ' PO-1 ', AutoApprove: true },
    ...overrides
  }
}

t.test('buildOrder: the 2Checkout Order and, beside it, what the staff member adds', async (t) => {
  t.strictSame(buildOrder(draft(), URLS), {
    Order: {
      Currency: 'USD',
      Country: 'US',
      Language: 'en',
      Source: 'ordergate-console',
      ExtraInformation: { AssistedSale: true },
      Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }, { Code: 'ADDON-1', Quantity: 1 }],
      BillingDetails: { FirstName: 'Ann', LastName: 'Lee', Address1: '1 Main St', City: 'Albany', Zip: '12207', CountryCode: 'US', Company: 'Lee Ltd', State: 'NY', Email: 'ann@example.com' },
      DeliveryDetails: { FirstName: 'Ann', LastName: 'Lee', Address1: '1 Main St', City: 'Albany', Zip: '12207', CountryCode: 'US', Company: 'Lee Ltd', State: 'NY' },
      PaymentDetails: { Currency: 'USD', Type: 'PURCHASEORDER', PaymentMethod: { InternalPONumber: 'PO-1', AutoApprove: true } },
      DeliveryInformation: { ShippingMethod: { Code: 'EXPRESS' } }
    },
    Assisted: {
      CustomerId: 7,
      Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'VIP' } }, null],
      Discount: { Type: 'AMOUNT', Value: 5, Reason: 'Phone deal' }
    }
  })
})

t.test('buildOrder: a new card carries the 3-D Secure return URLs; a replacement is FREE with PaymentNotRequired', async (t) => {
  const card = buildOrder(draft({ payment: { kind: 'NEW_CARD', card: { HolderName: ' Ann Lee ', CardNumber: '4000 0000 0000 3220', CardType: 'visa', ExpirationMonth: '12', ExpirationYear: '2040', CCID: '123' } } }), URLS)
  t.strictSame((card.Order.PaymentDetails as any).PaymentMethod, { HolderName: 'Ann Lee', CardNumber: '4000000000003220', CardType: 'visa', ExpirationMonth: '12', ExpirationYear: '2040', CCID: '123', ...URLS })
  t.strictSame(card.Assisted.CardConsent, { Given: false }, 'not agreed: recorded as not given, the card is not kept')
  const kept = buildOrder(draft({ payment: { kind: 'NEW_CARD', keepCard: true, card: { HolderName: 'Ann', CardNumber: '4111111111111111', CardType: 'visa', ExpirationMonth: '12', ExpirationYear: '2040', CCID: '123' } } }), URLS)
  t.strictSame(kept.Assisted.CardConsent, { Given: true }, 'agreed: kept')
  t.notOk('CardConsent' in buildOrder(draft({ payment: { kind: 'CHECK' } }), URLS).Assisted, 'no card, no consent')
  const replacement = buildOrder(draft({ lines: [draft().lines[1]!], payment: { kind: 'NOT_REQUIRED', OriginalRefNo: ' 100000001 ', Reason: 'Lost' } }), URLS)
  t.strictSame(replacement.Order.PaymentDetails, { Currency: 'USD', Type: 'FREE', PaymentMethod: null })
  t.strictSame(replacement.Assisted.PaymentNotRequired, { OriginalRefNo: '100000001', Reason: 'Lost' })
  t.equal(replacement.Order.DeliveryDetails, null, 'nothing to ship: no delivery address')
  t.notOk('DeliveryInformation' in replacement.Order)
})

t.test('buildOrder: a supervisor\'s approval goes as Assisted.Approval, on the order and its quote', async (t) => {
  const approval = { Username: 'sam', Password: 'secret' }
  t.strictSame(buildOrder(draft({ approval }), URLS).Assisted.Approval, approval)
  t.strictSame(buildQuote(draft({ approval }), URLS).Assisted.Approval, approval)
  t.notOk('Approval' in buildOrder(draft(), URLS).Assisted, 'none typed, none sent')
})

t.test('buildQuote prices the cart before the address lines and the card are typed', async (t) => {
  const early = draft({ billing: { ...BILLING, FirstName: '', Address1: '', City: '', Zip: '' }, payment: { kind: 'NEW_CARD', card: { HolderName: '', CardNumber: '', CardType: '', ExpirationMonth: '', ExpirationYear: '', CCID: '' } } })
  const quote = buildQuote(early, URLS)
  t.match(quote.Order.BillingDetails, { FirstName: 'Ann', Address1: '-', City: '-', Zip: '-', CountryCode: 'US' })
  t.strictSame(quote.Order.PaymentDetails, { Currency: 'USD', Type: 'CHECK', PaymentMethod: null })
  const { CardConsent, ...assisted } = buildOrder(early, URLS).Assisted
  t.strictSame(CardConsent, { Given: false }, 'the order records the consent asked (no)')
  t.strictSame(quote.Assisted, assisted, 'the same customer and discounts as the order; no card consent on the quote\'s CHECK')
  t.equal(notQuotableYet(draft({ billing: { ...BILLING, CountryCode: '' } })), 'Enter the billing country to see the totals (tax depends on it).')
  t.equal(notQuotableYet(draft({ lines: [] })), 'Add products to see the totals.')
  t.equal(notQuotableYet(draft()), undefined)
})

t.test('stockWarning: on hand + backorder limit caps a line (seed 001)', async (t) => {
  const stock = { onHand: 100, reserved: 5, backorderLimit: 10, available: 105 }
  t.equal(stockWarning({ quantity: 95, stock }), undefined)
  t.equal(stockWarning({ quantity: 100, stock }), '5 of these will be backordered')
  t.equal(stockWarning({ quantity: 106, stock }), 'Only 105 can be ordered (on hand 95 + backorder limit 10)')
  t.equal(stockWarning({ quantity: 10_000, stock: null }), undefined, 'untracked products have no limit')
})

t.test('detectCardType tells the brand from the number', async (t) => {
  t.equal(detectCardType('4111 1111 1111 1111'), 'visa')
  t.equal(detectCardType('5555555555554444'), 'mastercard')
  t.equal(detectCardType('378282246310005'), 'amex')
  t.equal(detectCardType('9999'), undefined)
})

t.test('API error paths find the input they belong to', async (t) => {
  const known = new Set(['Items.0.Quantity', 'BillingDetails', 'PaymentDetails.PaymentMethod.CardNumber', 'Promotions', 'Assisted.Items.0.Discount.Value'])
  t.equal(normaliseErrorPath('Order.Items[0].Quantity'), 'Items.0.Quantity')
  t.equal(normaliseErrorPath('/PaymentDetails/PaymentMethod/CardPayment/CardNumber'), 'PaymentDetails.PaymentMethod.CardNumber')
  t.equal(fieldForPath('Items.0.Quantity', known), 'Items.0.Quantity')
  t.equal(fieldForPath('BillingDetails.Zip', known), 'BillingDetails', 'the nearest enclosing input')
  t.equal(fieldForPath('Promotions.1', known), 'Promotions')
  t.equal(fieldForPath('Assisted.Items.0.Discount.Value', known), 'Assisted.Items.0.Discount.Value')
  t.equal(fieldForPath('Affiliate.AffiliateCode', known), undefined)
  const placed = placeProblems([{ path: 'Items.0.Quantity', message: 'a' }, { path: 'Nowhere', message: 'b' }, { path: 'BillingDetails.City', message: 'c' }], known)
  t.strictSame([...placed.entries()], [['Items.0.Quantity', [{ path: 'Items.0.Quantity', message: 'a' }]], ['', [{ path: 'Nowhere', message: 'b' }]], ['BillingDetails', [{ path: 'BillingDetails.City', message: 'c' }]]])
})
