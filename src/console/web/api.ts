/**
 * The public JSON-RPC methods the console uses, in one place (names and params as the OpenRPC
 * document of rpc.discover lists them). No private back door: everything here is what any
 * merchant integration can call.
 */
import type { AssistedCall, Customer, PriceOptionGroup, Stock } from './order-draft.js'
import { call, callWithSession } from './rpc.js'

export type CustomerSearch = { Text?: string, Name?: string, Email?: string, CustomerId?: number, CustomerReference?: number, RefNo?: string, B2B?: boolean }

export type Product = {
  code: string
  name: string
  published: boolean
  physical: boolean
  prices: Record<string, number>
  priceOptionGroups: PriceOptionGroup[]
  attributes: Record<string, string>
  skus: Array<{ code: string, name: string }>
  stock: Stock | null
}

export type WireOrder = Record<string, any> & { RefNo?: string, Status?: string, ApproveStatus?: string }

export async function loginUser (merchantCode: string, username: string, password: string): Promise<string> {
  return await call<string>('loginUser', { merchantCode, username, password })
}

export async function searchCustomers (search: CustomerSearch): Promise<{ total: number, customers: Customer[] }> {
  const result = await callWithSession<{ Total: number, Customers: Customer[] }>('searchCustomers', { Query: { ...search, Limit: 25, Offset: 0 } })
  return { total: result.Total, customers: result.Customers }
}

export async function getCustomer (customerId: number): Promise<Customer> {
  return await callWithSession<Customer>('getCustomer', { CustomerId: customerId })
}

export async function createCustomer (customer: Record<string, unknown>): Promise<Customer> {
  return await callWithSession<Customer>('createCustomer', { Customer: customer })
}

type WireProduct = {
  Code: string
  Name: string
  Kind: string
  Published: boolean
  Prices: Record<string, number>
  PriceOptionGroups?: PriceOptionGroup[]
  Attributes: Record<string, string>
  SKUs: Array<{ Code: string, Name: string }>
  Inventory: { OnHand: number, Reserved: number, BackorderLimit: number, Available: number } | null
}

function toProduct (p: WireProduct): Product {
  return {
    code: p.Code,
    name: p.Name,
    published: p.Published,
    physical: p.Kind === 'PHYSICAL',
    prices: p.Prices,
    priceOptionGroups: p.PriceOptionGroups ?? [],
    attributes: p.Attributes ?? {},
    skus: (p.SKUs ?? []).map((s) => ({ code: s.Code, name: s.Name })),
    stock: p.Inventory === null ? null : { onHand: p.Inventory.OnHand, reserved: p.Inventory.Reserved, backorderLimit: p.Inventory.BackorderLimit, available: p.Inventory.Available }
  }
}

/** searchCatalog: published, unpublished or both; Text matches name, code, variant attribute or SKU. */
export async function searchCatalog (text: string, published: 'ALL' | 'PUBLISHED' | 'UNPUBLISHED'): Promise<{ total: number, products: Product[] }> {
  const result = await callWithSession<{ Total: number, Products: WireProduct[] }>('searchCatalog', { Query: { ...(text !== '' ? { Text: text } : {}), Published: published, Limit: 25, Offset: 0 } })
  return { total: result.Total, products: result.Products.map(toProduct) }
}

/** quote: the totals placeOrder would charge, nothing written. */
export async function quote (call: AssistedCall): Promise<WireOrder> {
  return await callWithSession<WireOrder>('quote', { ...call })
}

/** placeAssistedOrder: the order on the customer's behalf; the key makes a retry return the first order. */
export async function placeAssistedOrder (call: AssistedCall, idempotencyKey: string): Promise<WireOrder> {
  return await callWithSession<WireOrder>('placeAssistedOrder', { Order: call.Order, Assisted: { ...call.Assisted, IdempotencyKey: idempotencyKey } })
}

export async function getOrder (refNo: string): Promise<WireOrder> {
  return await callWithSession<WireOrder>('getOrder', { RefNo: refNo })
}

export async function cancelOrder (refNo: string, reason: string): Promise<WireOrder> {
  return await callWithSession<WireOrder>('cancelOrder', { RefNo: refNo, Reason: reason })
}

/** One shipping method that can ship the cart, with what it costs (getShippingPrice's Gross includes VAT). */
export type ShippingPrice = { Code: string, Name: string, Currency: string, Default: boolean, PriceDetails: { Net: { TotalAmount: number }, Gross: { TotalAmount: number } } }

/** getShippingPrice: the merchant's shipping methods for this cart, priced in the currency. */
export async function getShippingPrice (items: Array<{ Code: string, Quantity: number }>, billingCountry: string, deliveryCountry: string, currency: string): Promise<ShippingPrice[]> {
  return await callWithSession<ShippingPrice[]>('getShippingPrice', { Items: items, BillingDetails: { CountryCode: billingCountry }, DeliveryDetails: { CountryCode: deliveryCountry }, Currency: currency })
}

/** getAvailableCurrencies: the currencies the merchant's catalog sells in. */
export async function getAvailableCurrencies (): Promise<Array<{ Code: string, Name: string }>> {
  return await callWithSession<Array<{ Code: string, Name: string }>>('getAvailableCurrencies', {})
}

/** A single-use token for the customer's most recent stored card, by CustomerId (a customer created here has no CustomerReference). */
export async function getCustomerTransientToken (customerId: number): Promise<string> {
  const result = await callWithSession<{ TransientToken: string }>('getCustomerTransientToken', { CustomerId: customerId })
  return result.TransientToken
}
