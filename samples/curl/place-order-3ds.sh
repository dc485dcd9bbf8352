#!/usr/bin/env bash
# Places a card order with the sandbox card 4000000000003220, which requires 3-D Secure, and
# prints the Order: "Status":"PENDING" with PaymentDetails.PaymentMethod.Authorize3DS
# {Href, Method, Params}. The shopper opens Href with Params (GET); the sandbox page then
# redirects to Vendor3DSReturnURL?REFNO=… (order AUTHRECEIVED) or Vendor3DSCancelURL.
# usage: place-order-3ds.sh [HOST [MERCHANT_CODE [SECRET_KEY]]]
set -euo pipefail
. "$(dirname "$0")/common.sh"
og_settings "$@"
SESSION=$(og_login)
ORDER=$(og_call placeOrder "[\"$SESSION\",$(cat <<JSON
{
  "Currency": "usd",
  "Country": "us",
  "Language": "en",
  "ExternalReference": "CURL_SAMPLE_3DS",
  "Items": [{ "Code": "my_subscription_1", "Quantity": 1 }],
  "BillingDetails": {
    "FirstName": "John", "LastName": "Doe", "CountryCode": "us", "State": "CA",
    "City": "Los Angeles", "Address1": "1 Main St", "Zip": "90210", "Email": "john.doe@example.com"
  },
  "PaymentDetails": {
    "Type": "CC",
    "Currency": "usd",
    "CustomerIP": "10.0.0.1",
    "PaymentMethod": {
      "CardNumber": "4000000000003220",
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
)]")
printf '%s\n' "$ORDER"
# Where to send the shopper, on stderr so that stdout stays the Order's JSON.
HREF=$(printf '%s' "$ORDER" | sed -nE 's/.*"Authorize3DS":\{"Href":"([^"]*)".*/\1/p')
TOKEN=$(printf '%s' "$ORDER" | sed -nE 's/.*"avng8apitoken":"([^"]*)".*/\1/p')
if [ -n "$HREF" ]; then
  echo "3-D Secure: send the shopper to $HREF?avng8apitoken=$TOKEN" >&2
fi
