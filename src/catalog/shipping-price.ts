/**
 * Shipping prices for a cart (getShippingPrice): every shipping method of the merchant that can
 * ship it, with its price in each currency asked for, priced by `priceCart` exactly as quote and
 * placeOrder would charge it (net, VAT at the billing country's rate, gross).
 *
 * A cart with nothing physical in it has nothing to ship: no prices. A method without a price
 * in a currency is left out for that currency. Cart problems (an unknown or unpublished product,
 * a currency a product has no price in, an invalid coupon) are answered as placeOrder answers
 * them; without a currency, a currency the cart cannot be priced in is simply left out, and the
 * problems are answered only when no currency at all can price it.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { loadCatalogForCart } from './catalog-store.js'
import type { MinorUnitOverrides } from './money.js'
import { priceCart, type Cart, type PricingError } from './pricing.js'

export type ShippingPriceRequest = {
  readonly items: ReadonlyArray<{ readonly code: string, readonly quantity: number }>
  readonly billingCountry: string
  /** Upper-case ISO 4217; without it, every currency the cart and a method are priced in. */
  readonly currency?: string
  readonly promotionCodes: readonly string[]
  /** Staff on an assisted sale may sell unpublished products (seed 001). */
  readonly allowUnpublished: boolean
  readonly now: Date
}

export type ShippingPrice = {
  readonly code: string
  readonly name: string
  /** The merchant's default method (charged when an order names none). */
  readonly isDefault: boolean
  readonly currency: string
  readonly netMinor: bigint
  readonly vatBasisPoints: number
  readonly vatMinor: bigint
  readonly grossMinor: bigint
}

export type ShippingPriceResult =
  | { readonly ok: true, readonly prices: readonly ShippingPrice[], readonly minorUnits: MinorUnitOverrides }
  | { readonly ok: false, readonly errors: readonly PricingError[] }

/** The merchant's shipping methods for this cart, in the merchant's order, currency by currency. */
export async function quoteShippingPrices (db: Kysely<Database>, merchantId: bigint, request: ShippingPriceRequest): Promise<ShippingPriceResult> {
  const catalog = await loadCatalogForCart(db, merchantId, {
    productCodes: request.items.map((item) => item.code),
    promotionCodes: request.promotionCodes,
    billingCountry: request.billingCountry,
    ...(request.currency !== undefined ? { currency: request.currency } : {})
  })
  const known = [...new Set([...catalog.shippingMethods, ...catalog.products].flatMap((priced) => Object.keys(priced.prices)))].sort()
  // Nothing priced at all (an empty catalog, unknown products): one currency still checks the cart.
  const currencies = request.currency !== undefined ? [request.currency] : known.length > 0 ? known : ['USD']
  const cart = (currency: string, shippingMethodCode?: string): Cart => ({
    currency,
    billingCountry: request.billingCountry,
    taxExempt: false,
    lines: request.items.map((item) => ({ code: item.code, quantity: item.quantity })),
    promotionCodes: request.promotionCodes,
    now: request.now,
    allowUnpublished: request.allowUnpublished,
    promotionUses: catalog.promotionUses,
    ...(shippingMethodCode !== undefined ? { shippingMethodCode } : {})
  })
  const physical = request.items.some((item) => catalog.products.find((product) => product.code === item.code)?.kind === 'PHYSICAL')

  const prices: ShippingPrice[] = []
  let problems: readonly PricingError[] | undefined
  let pricedIn = 0
  for (const currency of currencies) {
    // The cart alone first: which method is the default is not this method's concern.
    const alone = priceCart(catalog, cart(currency))
    const errors = alone.ok ? [] : alone.errors.filter((error) => error.error_code !== 'SHIPPING_METHOD_INVALID')
    if (errors.length > 0) {
      problems ??= errors
      continue
    }
    pricedIn++
    if (!physical) continue
    for (const method of catalog.shippingMethods) {
      if (method.prices[currency] === undefined) continue
      const priced = priceCart(catalog, cart(currency, method.code))
      const shipping = priced.ok ? priced.cart.shipping : null
      if (shipping === null) continue
      prices.push({
        code: method.code,
        name: method.name,
        isDefault: method.isDefault,
        currency,
        netMinor: shipping.netMinor,
        vatBasisPoints: shipping.vatBasisPoints,
        vatMinor: shipping.vatMinor,
        grossMinor: shipping.grossMinor
      })
    }
  }
  if (problems !== undefined && pricedIn === 0) return { ok: false, errors: problems }
  return { ok: true, prices, minorUnits: catalog.minorUnits }
}
