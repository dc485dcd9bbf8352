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
  created_at: Generated<Timestamp>
}

export type SessionsTable = {
  /** sha256 of the sessionID: the id itself is never stored */
  id_hash: string
  merchant_id: bigint
  created_at: Timestamp
  expires_at: Timestamp
}

export type CustomersTable = {
  id: Generated<bigint>
  merchant_id: bigint
  customer_reference: bigint | null
  first_name: string
  last_name: string
  email: string
  company: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

type Json = ColumnType<unknown, string, string>

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
  promotions: Generated<Json>
  additional_fields: Json | null
  gift_details: Json | null
  errors: Json | null
  extra: Generated<Json>
  order_date: Timestamp
  finish_date: Timestamp | null
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
  details: Generated<Json>
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
  created_at: Generated<Timestamp>
}

export type Database = {
  merchants: MerchantsTable
  sessions: SessionsTable
  customers: CustomersTable
  orders: OrdersTable
  order_items: OrderItemsTable
  payments: PaymentsTable
}
