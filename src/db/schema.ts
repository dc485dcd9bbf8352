import type { ColumnType, Generated } from 'kysely'

/** Row types of the tables, as the migrations create them (snake_case; never on the wire). */
export type Timestamp = ColumnType<Date, Date | string, Date | string>

export type MerchantsTable = {
  id: Generated<bigint>
  code: string
  name: string
  /** the merchant's secret key, encrypted with SECRET_ENCRYPTION_KEY (AES-256-GCM) */
  secret_ciphertext: string
  po_auto_approve: Generated<boolean>
  catalog_version: Generated<bigint>
  po_payment_terms_days: Generated<number>
  created_at: Generated<Timestamp>
}

export type SessionsTable = {
  /** sha256 of the sessionID: the id itself is never stored */
  id_hash: string
  merchant_id: bigint
  created_at: Timestamp
  expires_at: Timestamp
  /** null for the merchant's API session; the merchant user's id for loginUser sessions */
  user_id: ColumnType<bigint | null, bigint | null | undefined, bigint | null>
}

export type CustomersTable = {
  id: Generated<bigint>
  merchant_id: bigint
  customer_reference: bigint | null
  first_name: string
  last_name: string
  email: string
  company: string | null
  b2b: Generated<boolean>
  level_id: bigint | null
  /** every order of this customer stays in fraud review until a user marks them OKAY */
  fraud_review: Generated<boolean>
  phone: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

/** jsonb: read as parsed JSON, written as JSON text */
type Json = ColumnType<unknown, string, string>
type JsonWithDefault = ColumnType<unknown, string | undefined, string>

export type OrdersTable = {
  id: Generated<bigint>
  merchant_id: bigint
  ref_no: Generated<bigint>
  order_no: Generated<bigint>
  customer_id: bigint | null
  external_reference: string | null
  status: string
  approve_status: string
  vendor_approve_status: string
  fraud_status: string | null
  payment_type: string
  currency: string
  language: string
  country: string | null
  net_price_minor: bigint
  gross_price_minor: bigint
  net_discounted_price_minor: bigint
  gross_discounted_price_minor: bigint
  discount_minor: bigint
  vat_minor: bigint
  shipping_minor: Generated<bigint>
  billing_details: Json
  delivery_details: Json | null
  delivery_information: Json | null
  payment_details: Json
  promotions: JsonWithDefault
  additional_fields: Json | null
  gift_details: Json | null
  errors: Json | null
  extra: JsonWithDefault
  order_date: Timestamp
  finish_date: Timestamp | null
  /** the merchant user who placed an on-behalf order */
  placed_by_user_id: ColumnType<bigint | null, bigint | null | undefined, bigint | null>
  payment_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type OrderItemsTable = {
  id: Generated<bigint>
  order_id: bigint
  line_no: number
  product_code: string
  product_name: string
  sku: string | null
  quantity: number
  unit_net_price_minor: bigint
  net_price_minor: bigint
  discount_minor: bigint
  vat_minor: bigint
  gross_price_minor: bigint
  vat_percent_bp: number
  details: JsonWithDefault
}

export type PaymentsTable = {
  id: Generated<bigint>
  order_id: bigint
  type: string
  status: string
  amount_minor: bigint
  currency: string
  card_brand: string | null
  card_first6: string | null
  card_last4: string | null
  card_expiry: string | null
  processor_reference: string | null
  decline_reason: string | null
  details: JsonWithDefault
  created_at: Generated<Timestamp>
}

/** A jsonb object of strings (variant attributes); written as JSON text. */
type JsonAttributes = ColumnType<Record<string, string>, string | undefined, string>
/** A text[] column; pg and PGlite both send JS arrays as PostgreSQL arrays. */
type TextArray = ColumnType<string[], string[] | undefined, string[]>

export type ProductsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  code: string
  name: string
  kind: string
  published: Generated<boolean>
  allow_custom_price: Generated<boolean>
  trial_allowed: boolean | null
  trial_period_days: number | null
  subscription_cycle_unit: string | null
  subscription_cycle_length: number | null
  attributes: JsonAttributes
  position: Generated<number>
  /** set when a later catalog file no longer names the product: hidden, kept for its history */
  archived_at: Timestamp | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

/** Amounts per currency, one row each (product list and trial prices, modifiers, …). */
type AmountColumns = {
  currency: string
  amount_minor: bigint
}

export type ProductPricesTable = AmountColumns & {
  product_id: bigint
  /** LIST or TRIAL */
  price_type: string
}

export type PriceOptionGroupsTable = {
  id: Generated<bigint>
  product_id: bigint
  code: string
  name: string
  required: Generated<boolean>
  position: Generated<number>
}

export type PriceOptionsTable = {
  id: Generated<bigint>
  group_id: bigint
  product_id: bigint
  code: string
  name: string
  position: Generated<number>
}

export type PriceOptionModifiersTable = AmountColumns & { option_id: bigint }

export type ProductSkusTable = {
  id: Generated<bigint>
  product_id: bigint
  code: string
  name: string | null
  attributes: JsonAttributes
  price_options: TextArray
  position: Generated<number>
}

export type InventoryTable = {
  product_id: bigint
  on_hand: number
  backorder_limit: Generated<number>
  reserved: Generated<number>
  updated_at: Generated<Timestamp>
}

export type CrossSellCampaignsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  code: string
  parent_product_id: bigint
  product_id: bigint
  /** PERCENT or AMOUNT */
  discount_type: string
  discount_bp: number | null
  position: Generated<number>
}

export type CrossSellCampaignAmountsTable = AmountColumns & { campaign_id: bigint }

export type PromotionsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  code: string
  name: string
  type: string
  percent_bp: Generated<number>
  applies_to: string
  product_codes: TextArray
  currencies: TextArray
  valid_from: Timestamp | null
  valid_until: Timestamp | null
  max_uses: number | null
  uses: Generated<number>
  enabled: Generated<boolean>
  position: Generated<number>
  archived_at: Timestamp | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type PromotionAmountsTable = AmountColumns & { promotion_id: bigint }

export type ShippingMethodsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  code: string
  name: string
  is_default: Generated<boolean>
  position: Generated<number>
  archived_at: Timestamp | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type ShippingMethodPricesTable = AmountColumns & { shipping_method_id: bigint }

export type VatRatesTable = {
  merchant_id: bigint
  country: string
  basis_points: number
}

export type MerchantCurrenciesTable = {
  merchant_id: bigint
  currency: string
  minor_units: number
}

export type OrderEventsTable = {
  id: Generated<bigint>
  order_id: bigint
  at: Timestamp
  from_status: string | null
  to_status: string
  event: string
  actor: string
  detail: JsonWithDefault
  /** the staff user whose session made the change */
  user_id: bigint | null
  /** why, as the user or the system gave it */
  reason: string | null
}

export type IpnSettingsTable = {
  merchant_id: bigint
  urls: string[]
  algorithm: ColumnType<string, string | undefined, string>
  /** order statuses that send a notification; null: every status change */
  statuses: string[] | null
  updated_at: Timestamp
  updated_by: string
}

export type IpnNotificationsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  order_id: bigint
  event_id: bigint
  url: string
  state: ColumnType<string, string | undefined, string>
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Timestamp
  lease_until: Timestamp | null
  lease_owner: string | null
  created_at: Timestamp
  delivered_at: Timestamp | null
  resend_of: bigint | null
}

export type IpnAttemptsTable = {
  id: Generated<bigint>
  notification_id: bigint
  at: Timestamp
  /** the IPN_DATE the try was signed with */
  ipn_date: string
  http_status: number | null
  receipt_valid: boolean
  error: string | null
  duration_ms: number
}

export type StoredCardsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  customer_id: bigint
  brand: string
  first6: string
  last4: string
  expiry: string
  holder_name: string
  /** the processor's token for the card (never the number, never the CVV) */
  processor_token: string
  created_at: Timestamp
  last_used_at: Timestamp
}

export type TransientTokensTable = {
  /** sha256 of the TransientToken: the token itself is never stored */
  token_hash: string
  merchant_id: bigint
  stored_card_id: bigint
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export type CustomerCreditsTable = {
  customer_id: bigint
  currency: string
  balance_minor: bigint
  updated_at: Generated<Timestamp>
}

export type MerchantUsersTable = {
  id: Generated<bigint>
  merchant_id: bigint
  username: string
  display_name: string | null
  /** scrypt$N$r$p$salt$hash */
  password_hash: string
  privileges: TextArray
  active: Generated<boolean>
  created_at: Generated<Timestamp>
  /** AGENT, SUPERVISOR, ADMIN; null: none (the discount limits are set per role) */
  role: string | null
}

export type DiscountLimitsTable = {
  merchant_id: bigint
  role: string
  line_percent_bp: number | null
  order_percent_bp: number | null
}

export type DiscountAmountLimitsTable = {
  merchant_id: bigint
  role: string
  currency: string
  line_amount_minor: bigint | null
  order_amount_minor: bigint | null
}

export type DiscountReasonsTable = {
  merchant_id: bigint
  code: string
  name: string
}

export type CustomerLevelsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  code: string
  name: string
  percent_off_bp: Generated<number>
  created_at: Generated<Timestamp>
}

export type CustomerLevelPricesTable = AmountColumns & {
  level_id: bigint
  product_code: string
}

export type CustomerAddressesTable = {
  id: Generated<bigint>
  customer_id: bigint
  label: string | null
  first_name: string
  last_name: string
  company: string | null
  address1: string
  address2: string | null
  city: string
  state: string | null
  zip: string
  country_code: string
  phone: string | null
  email: string | null
  created_at: Generated<Timestamp>
}

export type OrderAdjustmentsTable = {
  id: Generated<bigint>
  order_id: bigint
  user_id: bigint
  line_no: number | null
  /** LINE_DISCOUNT, ORDER_DISCOUNT or PAYMENT_NOT_REQUIRED */
  kind: string
  discount_type: string | null
  /** the staff's Value as given on the wire */
  value: string
  old_minor: bigint
  new_minor: bigint
  reason: string
  created_at: Timestamp
  /** the merchant's reason code it was given with (discount_reasons.code) */
  reason_code: string | null
  /** the supervisor who approved it above the user's limit */
  approved_by_user_id: bigint | null
}

export type FraudReviewsTable = {
  id: Generated<bigint>
  order_id: bigint
  opened_by: string
  reason: string
  opened_at: Timestamp
  next_status: string
  closed_by_user_id: bigint | null
  closed_at: Timestamp | null
  outcome: string | null
  note: string | null
}

export type IdempotencyKeysTable = {
  merchant_id: bigint
  key: string
  method: string
  request_hash: string
  /** IN_PROGRESS or DONE */
  state: string
  response: Json | null
  locked_at: Timestamp
  created_at: Timestamp
  expires_at: Timestamp
}

export type OrderAttachmentsTable = {
  id: Generated<bigint>
  order_id: bigint
  file_name: string
  content_type: string
  size_bytes: number
  sha256: string
  content: Uint8Array
  added_by_user_id: bigint
  created_at: Timestamp
}

export type InventoryReservationsTable = {
  order_id: bigint
  product_id: bigint
  quantity: number
}

export type DraftsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  customer_id: bigint | null
  /** BillingDetails.Email, lower-cased */
  customer_email: string
  currency: string
  /** { Order, Assisted }: the Order without PaymentDetails; never card data */
  order_json: unknown
  version: Generated<number>
  /** OPEN, COMPLETED, ABANDONED or EXPIRED */
  status: Generated<string>
  created_by_user_id: bigint
  updated_by_user_id: bigint
  expires_at: Timestamp
  /** the one order a COMPLETED draft became */
  order_id: ColumnType<bigint | null, bigint | null | undefined, bigint | null>
  created_at: Timestamp
  updated_at: Timestamp
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export type PaymentLinksTable = {
  id: Generated<bigint>
  merchant_id: bigint
  draft_id: bigint
  /** the draft's version the link pays */
  draft_version: number
  /** hex SHA-256 of the link's token (the token itself is never stored) */
  token_hash: string
  /** PENDING, PAID, EXPIRED or CANCELLED */
  status: Generated<string>
  expires_at: Timestamp
  created_by_user_id: bigint
  /** the order a PAID link placed */
  order_id: ColumnType<bigint | null, bigint | null | undefined, bigint | null>
  created_at: Timestamp
  updated_at: Timestamp
  paid_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export type DraftStockHoldsTable = {
  draft_id: bigint
  product_id: bigint
  quantity: number
}

export type RefundsTable = {
  id: Generated<bigint>
  merchant_id: bigint
  order_id: bigint
  /** the order_events row that recorded it (and enqueued its IPN) */
  event_id: bigint
  amount_minor: bigint
  currency: string
  /** TOTAL or PARTIAL */
  kind: string
  reason: string
  comment: string | null
  /** [{ lineNo, productCode, quantity, amountMinor }] */
  items: JsonWithDefault
  actor: string
  user_id: bigint | null
  processor_reference: string | null
  created_at: Timestamp
}

/** The login rate limiter's counts (src/auth/rate-limiter.ts; written only by login_limit_begin / login_limit_end) */
export type LoginLimitsTable = {
  /** `a:ADDRESS`, `p:CREDENTIAL|ADDRESS` or `c:CREDENTIAL` */
  key: string
  failures: Generated<number>
  pending: Generated<number>
  pending_until: Timestamp | null
  window_start: Timestamp
  /** `c:` rows: the credential's token bucket */
  tokens: number | null
  updated_at: Timestamp
  /** `p:` rows: when the address last logged in with the credential */
  trusted_at: Timestamp | null
  /** past it, the row means no more than an absent one */
  expires_at: Timestamp
}

export type Database = {
  merchants: MerchantsTable
  sessions: SessionsTable
  customers: CustomersTable
  orders: OrdersTable
  order_items: OrderItemsTable
  payments: PaymentsTable
  products: ProductsTable
  product_prices: ProductPricesTable
  price_option_groups: PriceOptionGroupsTable
  price_options: PriceOptionsTable
  price_option_modifiers: PriceOptionModifiersTable
  product_skus: ProductSkusTable
  inventory: InventoryTable
  cross_sell_campaigns: CrossSellCampaignsTable
  cross_sell_campaign_amounts: CrossSellCampaignAmountsTable
  promotions: PromotionsTable
  promotion_amounts: PromotionAmountsTable
  shipping_methods: ShippingMethodsTable
  shipping_method_prices: ShippingMethodPricesTable
  vat_rates: VatRatesTable
  merchant_currencies: MerchantCurrenciesTable
  order_events: OrderEventsTable
  ipn_settings: IpnSettingsTable
  ipn_notifications: IpnNotificationsTable
  ipn_attempts: IpnAttemptsTable
  stored_cards: StoredCardsTable
  transient_tokens: TransientTokensTable
  customer_credits: CustomerCreditsTable
  merchant_users: MerchantUsersTable
  customer_levels: CustomerLevelsTable
  customer_level_prices: CustomerLevelPricesTable
  customer_addresses: CustomerAddressesTable
  order_adjustments: OrderAdjustmentsTable
  fraud_reviews: FraudReviewsTable
  idempotency_keys: IdempotencyKeysTable
  order_attachments: OrderAttachmentsTable
  inventory_reservations: InventoryReservationsTable
  refunds: RefundsTable
  login_limits: LoginLimitsTable
  drafts: DraftsTable
  draft_stock_holds: DraftStockHoldsTable
  payment_links: PaymentLinksTable
  discount_limits: DiscountLimitsTable
  discount_amount_limits: DiscountAmountLimitsTable
  discount_reasons: DiscountReasonsTable
}
