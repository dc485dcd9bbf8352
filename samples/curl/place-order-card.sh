#!/usr/bin/env bash
# Places an order for my_subscription_1 paid by the sandbox TEST card 4111111111111111 (approved)
# and prints the Order: "Status":"AUTHRECEIVED". Params are positional, [sessionID, Order].
# usage: place-order-card.sh [HOST [MERCHANT_CODE [SECRET_KEY]]]
set -euo pipefail
. "$(dirname "$0")/common.sh"
og_settings "$@"
SESSION=$(og_login)
og_call placeOrder "[\"$SESSION\",$(cat <<JSON
{
  "Currency": "usd",
  "Country": "us",
  "Language": "en",
  "ExternalReference": "CURL_SAMPLE_CARD",
  "Items": [{ "Code": "my_subscription_1", "Quantity": 1 }],
  "BillingDetails": {
    "FirstName": "John", "LastName": "Doe", "CountryCode": "us", "State": "CA",
    "City": "Los Angeles", "Address1": "1 Main St", "Zip": "90210", "Email": "john.doe@example.com"
  },
  "PaymentDetails": {
    "Type": "TEST",
    "Currency": "usd",
    "CustomerIP": "10.0.0.1",
    "PaymentMethod": {
      "CardNumber": "4111111111111111",
      "CardType": "visa",
      "ExpirationYear": "$(og_expiry_year)",
      "ExpirationMonth": "12",
      "HolderName": "John Doe",
      "CCID": "123",
      "Vendor3DSReturnURL": "https://example.com/3ds/return",
      "Vendor3DSCancelURL": "https://example.com/3ds/cancel"
    }
  }
}
JSON
)]"
