#!/usr/bin/env bash
# Places seed 004's purchase order (2Checkout's "Use Purchase order flow" sample, as JSON) and
# prints the Order. With AutoApprove true the order is PURCHASE_PENDING (the merchant needs PO
# auto-approve, as DEMO has); with false it waits for the merchant's approval.
# usage: place-order-po.sh [HOST [MERCHANT_CODE [SECRET_KEY]]]
set -euo pipefail
. "$(dirname "$0")/common.sh"
og_settings "$@"
SESSION=$(og_login)
og_call placeOrder "[\"$SESSION\",$(cat <<'JSON'
{
  "RefNo": null,
  "Currency": "usd",
  "Country": "US",
  "Language": "en",
  "CustomerIP": "91.220.121.21",
  "ExternalReference": null,
  "Source": null,
  "AffiliateId": null,
  "CustomerReference": null,
  "Items": [
    {
      "Code": "my_subscription_1",
      "Quantity": 1,
      "PriceOptions": null,
      "SKU": null,
      "Price": null,
      "CrossSell": null,
      "Trial": false,
      "AdditionalFields": null,
      "SubscriptionStartDate": null
    }
  ],
  "BillingDetails": {
    "FirstName": "Test Cosmin API",
    "LastName": "Cosmin API",
    "CountryCode": "us",
    "State": "California",
    "City": "LA",
    "Address1": "Address example",
    "Address2": null,
    "Zip": "90210",
    "Email": "cosmin.deftu@2checkout.com",
    "Phone": null,
    "Company": "ABC Company"
  },
  "DeliveryDetails": null,
  "PaymentDetails": {
    "Type": "PURCHASEORDER",
    "Currency": "USD",
    "PaymentMethod": {
      "AutoApprove": true,
      "InternalPONumber": 84864848
    }
  },
  "AdditionalFields": null,
  "LocalTime": null,
  "GiftDetails": null
}
JSON
)]"
