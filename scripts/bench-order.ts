/** The bench's order: a TEST-card order of `lines` digital lines (SPEC §6 demo catalog). */
export function benchOrder (lines = 2): Record<string, unknown> {
  const codes = ['my_subscription_1', 'ADDON-1']
  return {
    Currency: 'usd',
    Country: 'us',
    Language: 'en',
    Items: Array.from({ length: lines }, (_, i) => ({ Code: codes[i % codes.length], Quantity: 1 })),
    BillingDetails: { FirstName: 'Bench', LastName: 'Mark', CountryCode: 'us', State: 'CA', City: 'LA', Address1: '1 Main St', Zip: '90210', Email: 'bench@example.com' },
    PaymentDetails: {
      Type: 'TEST',
      Currency: 'usd',
      CustomerIP: '10.0.0.1',
      PaymentMethod: { CardNumber: '4111111111111111', CardType: 'visa', ExpirationYear: '2035', ExpirationMonth: '12', HolderName: 'John Doe', CCID: '123', Vendor3DSReturnURL: 'https://example.com/ok', Vendor3DSCancelURL: 'https://example.com/cancel' }
    }
  }
}
