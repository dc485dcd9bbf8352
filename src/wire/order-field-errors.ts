// The catalog of per-field reasons an Order is refused with (-32602, `data.fields[].error_code`).
// Codes are stable; messages may change. 2Checkout's names are used where 2Checkout has one.

export const ORDER_FIELD_ERROR_CODES = {
  // generic, from the shape of the value
  FIELD_REQUIRED: 'The field is required.',
  FIELD_INVALID: 'The field has an invalid value.',
  FIELD_TOO_LONG: 'The field is longer than allowed.',
  FIELD_TYPE_INVALID: 'The field has the wrong type.',
  // any method's params, checked before the method's own rules (src/rpc/params-guard.ts)
  NESTING_TOO_DEEP: 'Arrays and objects are nested too deep here.',
  CARD_NUMBER_IN_TEXT: 'Do not type a card number in this field: card numbers are accepted only in PaymentDetails.PaymentMethod.CardNumber.',
  // order
  ORDER_PRODUCTS_EMPTY: 'The order must contain at least one item.',
  ORDER_ITEMS_QUANTITY_INVALID: 'Quantity must be an integer from 1 to 10000.',
  ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID: 'Price must be null or {Type: "CUSTOM", Amount} with an Amount ≥ 0 and at most 3 decimals.',
  ORDER_CURRENCY_INVALID: 'Currency must be an ISO 4217 currency code.',
  ORDER_CURRENCY_MISMATCH: 'PaymentDetails.Currency must be the same as the order Currency.',
  ORDER_COUNTRY_INVALID: 'Country must be an ISO 3166-1 alpha-2 country code.',
  ORDER_LANGUAGE_INVALID: 'Language must be an ISO 639-1 two-letter language code.',
  ORDER_DATE_TIME_INVALID: 'The value must be a real date-time written as YYYY-MM-DD HH:mm:ss.',
  ORDER_SUBSCRIPTION_START_DATE_INVALID: 'SubscriptionStartDate must be a real date written as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.',
  ORDER_SUBSCRIPTION_CUSTOM_SETTINGS_NOT_ALLOWED: 'SubscriptionCustomSettings are only allowed when ExtraInformation.AssistedSale is true.',
  ORDER_CONTRACT_LENGTH_INVALID: 'ContractLength must be a multiple of CycleLength.',
  ORDER_ADDITIONAL_FIELD_CODE_INVALID: 'An additional field code may only contain letters, digits, underscores and dashes.',
  // billing and delivery addresses
  BILLING_COUNTRY_INVALID: 'BillingDetails.CountryCode must be an ISO 3166-1 alpha-2 country code.',
  BILLING_STATE_REQUIRED: 'BillingDetails.State is required for US, CA, BR, TR, IN and RO.',
  BILLING_STATE_INVALID: 'BillingDetails.State is not a state of the billing country.',
  BILLING_PHONE_REQUIRED: 'BillingDetails.Phone is required for Brazil.',
  BILLING_EMAIL_INVALID: 'BillingDetails.Email must be a valid email address.',
  BILLING_FISCAL_CODE_REQUIRED: 'BillingDetails.FiscalCode is required (Brazil, and companies in EU VAT countries, GB and IN).',
  BILLING_FISCAL_CODE_INVALID: 'BillingDetails.FiscalCode must be a valid CPF (11 digits) or CNPJ (14 characters).',
  BILLING_COMPANY_REQUIRED: 'BillingDetails.Company is required here.',
  DELIVERY_COUNTRY_INVALID: 'DeliveryDetails.CountryCode must be an ISO 3166-1 alpha-2 country code.',
  DELIVERY_STATE_REQUIRED: 'DeliveryDetails.State is required for US, CA, BR, TR, IN and RO.',
  DELIVERY_STATE_INVALID: 'DeliveryDetails.State is not a state of the delivery country.',
  DELIVERY_PHONE_REQUIRED: 'DeliveryDetails.Phone is required for Brazil.',
  DELIVERY_EMAIL_INVALID: 'DeliveryDetails.Email must be a valid email address.',
  GIFT_EMAIL_INVALID: 'GiftDetails.Email must be a valid email address.',
  EMAIL_INVALID: 'The email address is not valid.',
  // payment
  PAYMENT_TYPE_INVALID: 'PaymentDetails.Type is not a supported payment type.',
  PAYMENT_TYPE_COUNTRY_INVALID: 'This payment type is not available for the billing country.',
  PAYMENT_METHOD_REQUIRED: 'PaymentDetails.PaymentMethod is required for this payment type.',
  CUSTOMER_IP_INVALID: 'CustomerIP must be an IPv4 or IPv6 address.',
  URL_INVALID: 'The URL must be an absolute http(s) URL.',
  CARD_NUMBER_INVALID: 'The card number is not valid.',
  CARD_TYPE_INVALID: 'CardType must be one of visa, visaelectron, mastercard, maestro, amex, discover, dankort, cartebleue, jcb, hipercard, elo.',
  CARD_TYPE_MISMATCH: 'CardType does not match the brand of the card number.',
  CARD_EXPIRATION_INVALID: 'The card expiration date is not valid.',
  CARD_EXPIRED: 'The card has expired.',
  CARD_CCID_INVALID: 'CCID must be 3 digits (4 for amex).',
  CARD_INSTALLMENTS_INVALID: 'InstallmentsNumber above 1 is only available for Brazilian billing with visa or mastercard in BRL.',
  PAYPAL_FUNDING_SOURCE_INVALID: 'FundingSource must be Standard or Credit.',
  IBAN_INVALID: 'The IBAN is not valid.',
  SWIFT_INVALID: 'The SWIFT/BIC code is not valid.',
  IDEAL_BANK_CODE_INVALID: 'BankCode must be the bank SWIFT, "+" and 3 letters (e.g. RABONL2U+RAB).',
  ACH_ROUTING_NUMBER_INVALID: 'BankRoutingNumber must be 1 to 17 digits.',
  ACH_ACCOUNT_NUMBER_INVALID: 'AccountNumber must be exactly 9 digits.',
  ACH_ACCOUNT_TYPE_INVALID: 'AccountType must be S (savings) or C (checking).',
  PREVIOUS_ORDER_REFNO_INVALID: 'RefNo must be the numeric reference of a previous order.',
  PURCHASE_ORDER_NUMBER_INVALID: 'InternalPONumber must be 1 to 100 characters.'
} as const

export type OrderFieldErrorCode = keyof typeof ORDER_FIELD_ERROR_CODES

/** One violation: dotted path with numeric indices (`Items.0.Quantity`), stable code, message. */
export type FieldError = { path: string, error_code: OrderFieldErrorCode, message: string }

/** The `params` a custom Zod issue carries to name its code. */
export const withCode = (code: OrderFieldErrorCode, message?: string) => ({
  message: message ?? ORDER_FIELD_ERROR_CODES[code],
  params: { error_code: code }
})
