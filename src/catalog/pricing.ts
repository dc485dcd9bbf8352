/**
 * Pure pricing of a cart against a merchant's normalised catalog, in integer minor units.
 * quote and placeOrder share `priceCart`, so what a client is quoted is what it is charged.
 *
 * THE RULES (SPEC §4, §5, §6; 2Checkout's Order money fields)
 *
 * Validation. Every problem is collected (never only the first) as `{ path, error_code,
 * message }`, the path in the wire's names (`Items.0.Code`, `Promotions.1`,
 * `DeliveryInformation.ShippingMethod.Code`). An unknown product is ORDER_PRODUCT_CODE_INVALID;
 * an unpublished one is ORDER_PRODUCT_NOT_PUBLISHED (the catalog is the merchant's own, so
 * telling the two apart leaks nothing) unless `allowUnpublished` (assisted sale, seed 001).
 * A product without a list price in the order currency is ORDER_PRODUCT_CURRENCY_INVALID.
 * Product codes match exactly; coupon and shipping codes case-insensitively.
 *
 * Unit price, per line, one of:
 * - LIST: the product's net list price + the modifiers of the chosen price options. Options
 *   are given by their codes (unique per product); at most one per group; a required group
 *   needs one; an option without a modifier in the order currency cannot be chosen.
 * - CUSTOM (`Price: {Type: 'CUSTOM', Amount}`): the amount replaces the list price and the
 *   modifiers, and the product needs no list price in the currency. Only for products with
 *   `allowCustomPrice`, else ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID. Not combinable with a trial.
 * - TRIAL: the catalog's trial price in the order currency, instead of the list price and
 *   modifiers. The client's `Trial {Period, Price}` must match the catalog (allowed, same
 *   period, same price), else ORDER_TRIAL_INVALID; the product still needs a list price in the
 *   currency (the subscription renews at it).
 * net = unit × quantity.
 *
 * Discounts on a line, in this order, each on what the previous ones left:
 * 1. Cross-sell: the campaign must exist, offer this product, name this parent, and the parent
 *    product must be another line of the same cart — otherwise the order is REFUSED with
 *    ORDER_CROSS_SELL_INVALID (not silently priced at the full price). PERCENT is a percentage of
 *    the net; AMOUNT is per unit, capped at the net.
 * 2. The manual line discount (assisted sale): AMOUNT (minor units off the line), PERCENT
 *    (basis points of the line), UNIT_PRICE (the line becomes Value × quantity). A discount
 *    that would make the line negative, or a UNIT_PRICE above the current price, is
 *    DISCOUNT_INVALID at `Items.N.ManualDiscount.Value`.
 * 3. Coupons (`Promotions`), in the order given, each on what is left. Coupons do NOT apply to
 *    a cross-sell line: the campaign price is already the offer, and offers do not stack.
 *    PRODUCTS scope: PERCENT of each eligible line; FIXED = amount per unit, capped at the line.
 *    ORDER scope: PERCENT of the eligible subtotal, or the FIXED amount capped at it, spread
 *    over the eligible lines in proportion to what is left on them (largest remainder), so
 *    the line discounts add up to the order's. `productCodes` (empty = all) restricts the
 *    eligible lines. A coupon that matches no line is valid and gives 0.
 *    PROMOTION_CODE_INVALID (path `Promotions.N`): unknown, disabled, given twice, outside
 *    validFrom/validUntil at `now`, not for the order currency (`currencies`, or a FIXED amount
 *    missing in it), or used up (`promotionUses[code] >= maxUses`; uses are counted by the
 *    caller when an order is placed, SPEC §5).
 *
 * Tax: one rate for the order, the billing country's VAT from the catalog (0 when absent); a
 * US order with a tax exemption (BillingDetails.TaxExemptionId) pays 0. A custom line (assisted
 * sale, `CartLine.custom`) of tax class EXEMPT pays 0; every other line pays the order's rate. VAT is computed per
 * line on the discounted net, and on the shipping net, each rounded half up on the minor unit.
 *
 * Shipping: only for carts with a PHYSICAL line. The method given, else the merchant's default
 * one, is charged once per order at its price in the order currency, taxed at the order rate,
 * never discounted by coupons. SHIPPING_METHOD_INVALID (path
 * `DeliveryInformation.ShippingMethod.Code`): unknown method, no price in the currency, no
 * default to fall back on, or a method given for a cart with nothing to ship.
 *
 * Order totals (2Checkout's names; shipping included, and broken out in `shipping`):
 *   netPrice             = Σ line.net + shipping.net                  (before any discount)
 *   grossPrice           = Σ line.gross + shipping.gross              (net + VAT before discounts)
 *   netDiscountedPrice   = Σ line.netDiscounted + shipping.net
 *   vat                  = Σ line.vat + shipping.vat
 *   orderDiscount        = the manual transaction-total discount, applied AFTER tax and shipping
 *                          (seed 001): AMOUNT, or PERCENT of netDiscountedPrice + vat. It does not
 *                          change the VAT figures; more than the total is DISCOUNT_INVALID.
 *   grossDiscountedPrice = netDiscountedPrice + vat − orderDiscount    (what the customer pays)
 *   discount             = Σ line.discount + orderDiscount
 * Every total is the sum of its parts; nothing is rounded at order level.
 *
 * Rounding: half up on the minor unit (see money.ts), per line, never on totals.
 */
import { allocateProportionally, percentOf } from './money.js'
import type {
  Catalog,
  CatalogProduct,
  CrossSellCampaign,
  Promotion,
  PromotionScope,
  PromotionType,
  ShippingMethod
} from './catalog-file.js'

export const PRICING_ERROR_CODES = [
  'ORDER_PRODUCTS_EMPTY',
  'ORDER_ITEMS_QUANTITY_INVALID',
  'ORDER_PRODUCT_CODE_INVALID',
  'ORDER_PRODUCT_NOT_PUBLISHED',
  'ORDER_PRODUCT_CURRENCY_INVALID',
  'ORDER_PRICE_OPTION_INVALID',
  'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID',
  'ORDER_CROSS_SELL_INVALID',
  'ORDER_TRIAL_INVALID',
  'PROMOTION_CODE_INVALID',
  'SHIPPING_METHOD_INVALID',
  'DISCOUNT_INVALID'
] as const
export type PricingErrorCode = typeof PRICING_ERROR_CODES[number]

export interface PricingError {
  readonly path: string
  readonly error_code: PricingErrorCode
  readonly message: string
}

export const MANUAL_DISCOUNT_TYPES = ['AMOUNT', 'PERCENT', 'UNIT_PRICE'] as const
export type ManualDiscountType = typeof MANUAL_DISCOUNT_TYPES[number]

/** A staff discount: Value is minor units (AMOUNT, UNIT_PRICE) or basis points (PERCENT). */
export interface ManualDiscount {
  readonly Type: ManualDiscountType
  readonly Value: bigint
  readonly Reason: string
}

export interface CartLine {
  readonly code: string
  readonly quantity: number
  readonly priceOptions?: readonly string[]
  /** `Price: {Type: 'CUSTOM', Amount}`, already in minor units of the order currency. */
  readonly customAmountMinor?: bigint
  readonly crossSell?: { readonly parentCode: string, readonly campaignCode: string }
  readonly trial?: { readonly periodDays: number, readonly priceMinor: bigint }
  readonly manualDiscount?: ManualDiscount
  /**
   * A custom (non-catalog) line an assisted sale adds (Assisted.CustomItems): no catalog look-up,
   * priced at `customAmountMinor` (price type CUSTOM), never physical, and at VAT 0 when
   * `taxExempt`. Otherwise priced by the same rules as a catalog line (staff discount, coupons
   * without a product list, the order's VAT rate). `path` is where the wire names the line.
   */
  readonly custom?: { readonly name: string, readonly taxExempt: boolean, readonly path: string }
}

export interface Cart {
  readonly currency: string
  readonly billingCountry: string
  /** BillingDetails.TaxExemptionId present; only a US order is exempted. */
  readonly taxExempt: boolean
  readonly lines: readonly CartLine[]
  readonly promotionCodes: readonly string[]
  readonly shippingMethodCode?: string
  readonly now: Date
  /** The transaction-total discount (AMOUNT or PERCENT), applied after tax and shipping. */
  readonly orderDiscount?: ManualDiscount
  /** Assisted sale may sell unpublished products (seed 001). */
  readonly allowUnpublished?: boolean
  /** Uses so far per promotion code (as in the catalog), for `maxUses`. */
  readonly promotionUses?: Readonly<Record<string, number>>
}

export const PRICE_TYPES = ['LIST', 'CUSTOM', 'TRIAL'] as const
export type PriceType = typeof PRICE_TYPES[number]

export interface PricedLine {
  readonly index: number
  readonly code: string
  readonly name: string
  readonly product: CatalogProduct
  readonly isPhysical: boolean
  readonly priceType: PriceType
  readonly priceOptions: readonly { readonly groupCode: string, readonly optionCode: string, readonly modifierMinor: bigint }[]
  readonly trial: { readonly periodDays: number, readonly priceMinor: bigint } | null
  readonly quantity: number
  readonly unitNetMinor: bigint
  /** unit × quantity, before discounts (2Checkout Price.NetPrice). */
  readonly netMinor: bigint
  /** net + VAT on net, before discounts (Price.GrossPrice). */
  readonly grossMinor: bigint
  /** cross-sell + manual + coupons (Price.Discount). */
  readonly discountMinor: bigint
  readonly netDiscountedMinor: bigint
  readonly vatBasisPoints: number
  /** VAT on the discounted net (Price.VAT). */
  readonly vatMinor: bigint
  /** netDiscounted + vat (Price.GrossDiscountedPrice). */
  readonly grossDiscountedMinor: bigint
  readonly crossSell: { readonly campaignCode: string, readonly parentCode: string, readonly discountMinor: bigint } | null
  readonly manualDiscount: (ManualDiscount & { readonly discountMinor: bigint }) | null
  readonly promotions: readonly { readonly code: string, readonly discountMinor: bigint }[]
  /** a custom (non-catalog) line of an assisted sale */
  readonly custom?: { readonly taxExempt: boolean }
}

export interface PricedShipping {
  readonly methodCode: string
  readonly name: string
  /** true when the merchant's default was added because the client named none. */
  readonly isDefault: boolean
  readonly netMinor: bigint
  readonly vatBasisPoints: number
  readonly vatMinor: bigint
  readonly grossMinor: bigint
}

export interface AppliedPromotion {
  readonly code: string
  readonly name: string
  readonly type: PromotionType
  readonly appliesTo: PromotionScope
  readonly discountMinor: bigint
}

export interface PricedCart {
  readonly currency: string
  readonly billingCountry: string
  readonly vatBasisPoints: number
  readonly lines: readonly PricedLine[]
  readonly shipping: PricedShipping | null
  readonly promotions: readonly AppliedPromotion[]
  readonly orderDiscount: (ManualDiscount & { readonly discountMinor: bigint }) | null
  readonly netPrice: bigint
  readonly grossPrice: bigint
  readonly netDiscountedPrice: bigint
  readonly grossDiscountedPrice: bigint
  readonly discount: bigint
  readonly vat: bigint
}

export type PricingResult =
  | { readonly ok: true, readonly cart: PricedCart }
  | { readonly ok: false, readonly errors: readonly PricingError[] }

interface DraftLine {
  readonly index: number
  readonly line: CartLine
  readonly product: CatalogProduct
  readonly priceType: PriceType
  readonly priceOptions: PricedLine['priceOptions']
  readonly unitNetMinor: bigint
  readonly netMinor: bigint
  readonly campaign: CrossSellCampaign | null
}

interface WorkLine {
  readonly draft: DraftLine
  remaining: bigint
  crossSellMinor: bigint
  manualMinor: bigint
  readonly promotions: { code: string, discountMinor: bigint }[]
}

const BASIS_POINTS_WHOLE = 10_000n

/** Prices a cart, or answers every business error found in it. Pure: no I/O, no clock. */
export function priceCart (catalog: Catalog, cart: Cart): PricingResult {
  const errors: PricingError[] = []
  const fail = (path: string, code: PricingErrorCode, message: string): void => {
    errors.push({ path, error_code: code, message })
  }
  const currency = cart.currency.toUpperCase()
  const country = cart.billingCountry.toUpperCase()
  const products = new Map(catalog.products.map(product => [product.code, product]))
  const campaigns = new Map(catalog.crossSellCampaigns.map(campaign => [campaign.code, campaign]))

  if (cart.lines.length === 0) fail('Items', 'ORDER_PRODUCTS_EMPTY', 'the order has no items')

  const drafts: DraftLine[] = []
  cart.lines.forEach((line, index) => {
    const draft = draftLine(line, index, cart, currency, products, campaigns, fail)
    if (draft !== null) drafts.push(draft)
  })

  const promotions = validPromotions(catalog.promotions, cart, currency, fail)
  // From every known product, valid or not, so a bad line does not also fail the shipping.
  const isPhysical = cart.lines.some(line => line.custom === undefined && products.get(line.code)?.kind === 'PHYSICAL')
  const shippingMethod = chooseShipping(catalog.shippingMethods, cart, currency, isPhysical, fail)
  validateOrderDiscount(cart.orderDiscount, fail)

  const work: WorkLine[] = drafts.map(draft => ({ draft, remaining: draft.netMinor, crossSellMinor: 0n, manualMinor: 0n, promotions: [] }))
  for (const item of work) applyLineDiscounts(item, currency, fail)
  if (errors.length > 0) return { ok: false, errors }

  const applied = promotions.map(promotion => applyPromotion(promotion, work, currency))

  const vatBasisPoints = cart.taxExempt && country === 'US' ? 0 : catalog.vat[country] ?? 0
  const lines = work.map((item): PricedLine => {
    const { draft } = item
    const netDiscountedMinor = item.remaining
    const lineVatBasisPoints = draft.line.custom?.taxExempt === true ? 0 : vatBasisPoints
    const vatMinor = percentOf(netDiscountedMinor, lineVatBasisPoints)
    return {
      index: draft.index,
      code: draft.product.code,
      name: draft.product.name,
      product: draft.product,
      isPhysical: draft.product.kind === 'PHYSICAL',
      priceType: draft.priceType,
      priceOptions: draft.priceOptions,
      trial: draft.priceType === 'TRIAL' && draft.line.trial !== undefined ? { ...draft.line.trial } : null,
      quantity: draft.line.quantity,
      unitNetMinor: draft.unitNetMinor,
      netMinor: draft.netMinor,
      grossMinor: draft.netMinor + percentOf(draft.netMinor, lineVatBasisPoints),
      discountMinor: draft.netMinor - netDiscountedMinor,
      netDiscountedMinor,
      vatBasisPoints: lineVatBasisPoints,
      vatMinor,
      grossDiscountedMinor: netDiscountedMinor + vatMinor,
      crossSell: draft.campaign === null || draft.line.crossSell === undefined
        ? null
        : { campaignCode: draft.campaign.code, parentCode: draft.campaign.parentCode, discountMinor: item.crossSellMinor },
      manualDiscount: draft.line.manualDiscount === undefined ? null : { ...draft.line.manualDiscount, discountMinor: item.manualMinor },
      promotions: item.promotions.map(promotion => ({ ...promotion })),
      ...(draft.line.custom !== undefined ? { custom: { taxExempt: draft.line.custom.taxExempt } } : {})
    }
  })

  let shipping: PricedShipping | null = null
  if (shippingMethod !== null) {
    const netMinor = shippingMethod.prices[currency] ?? 0n
    const vatMinor = percentOf(netMinor, vatBasisPoints)
    shipping = {
      methodCode: shippingMethod.code,
      name: shippingMethod.name,
      isDefault: cart.shippingMethodCode === undefined,
      netMinor,
      vatBasisPoints,
      vatMinor,
      grossMinor: netMinor + vatMinor
    }
  }

  const sum = (pick: (line: PricedLine) => bigint): bigint => lines.reduce((acc, line) => acc + pick(line), 0n)
  const netPrice = sum(line => line.netMinor) + (shipping?.netMinor ?? 0n)
  const grossPrice = sum(line => line.grossMinor) + (shipping?.grossMinor ?? 0n)
  const netDiscountedPrice = sum(line => line.netDiscountedMinor) + (shipping?.netMinor ?? 0n)
  const vat = sum(line => line.vatMinor) + (shipping?.vatMinor ?? 0n)
  const payable = netDiscountedPrice + vat

  let orderDiscount: PricedCart['orderDiscount'] = null
  if (cart.orderDiscount !== undefined) {
    const { Type, Value } = cart.orderDiscount
    const discountMinor = Type === 'PERCENT' ? percentOf(payable, Value) : Value
    if (discountMinor > payable) {
      fail('ManualDiscount.Value', 'DISCOUNT_INVALID', `a discount of ${discountMinor} would make the order total (${payable}) negative`)
      return { ok: false, errors }
    }
    orderDiscount = { ...cart.orderDiscount, discountMinor }
  }
  const orderDiscountMinor = orderDiscount?.discountMinor ?? 0n

  return {
    ok: true,
    cart: {
      currency,
      billingCountry: country,
      vatBasisPoints,
      lines,
      shipping,
      promotions: applied,
      orderDiscount,
      netPrice,
      grossPrice,
      netDiscountedPrice,
      grossDiscountedPrice: payable - orderDiscountMinor,
      discount: sum(line => line.discountMinor) + orderDiscountMinor,
      vat
    }
  }
}

type Fail = (path: string, code: PricingErrorCode, message: string) => void

function draftLine (
  line: CartLine,
  index: number,
  cart: Cart,
  currency: string,
  products: ReadonlyMap<string, CatalogProduct>,
  campaigns: ReadonlyMap<string, CrossSellCampaign>,
  fail: Fail
): DraftLine | null {
  const at = line.custom?.path ?? `Items.${index}`
  let valid = true
  const invalid = (path: string, code: PricingErrorCode, message: string): void => {
    valid = false
    fail(path, code, message)
  }
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
    invalid(`${at}.Quantity`, 'ORDER_ITEMS_QUANTITY_INVALID', 'quantity must be a whole number of at least 1')
  }
  const product = line.custom !== undefined ? customProduct(line.code, line.custom.name) : products.get(line.code)
  if (product === undefined) {
    fail(`${at}.Code`, 'ORDER_PRODUCT_CODE_INVALID', `unknown product code "${line.code}"`)
    return null
  }
  if (!product.published && cart.allowUnpublished !== true) {
    fail(`${at}.Code`, 'ORDER_PRODUCT_NOT_PUBLISHED', `product "${product.code}" is not published`)
    return null
  }

  // Price options: validated whatever the price type, since they stay on the subscription.
  const chosen: { groupCode: string, optionCode: string, modifierMinor: bigint }[] = []
  const chosenGroups = new Set<string>()
  ;(line.priceOptions ?? []).forEach((code, o) => {
    const path = `${at}.PriceOptions.${o}`
    const group = product.priceOptionGroups.find(g => g.options.some(option => option.code === code))
    const option = group?.options.find(candidate => candidate.code === code)
    if (group === undefined || option === undefined) {
      invalid(path, 'ORDER_PRICE_OPTION_INVALID', `product "${product.code}" has no price option "${code}"`)
      return
    }
    if (chosenGroups.has(group.code)) {
      invalid(path, 'ORDER_PRICE_OPTION_INVALID', `only one option of group "${group.code}" may be chosen`)
      return
    }
    chosenGroups.add(group.code)
    const modifierMinor = option.modifiers[currency]
    if (modifierMinor === undefined) {
      invalid(path, 'ORDER_PRICE_OPTION_INVALID', `price option "${code}" is not available in ${currency}`)
      return
    }
    chosen.push({ groupCode: group.code, optionCode: option.code, modifierMinor })
  })
  for (const group of product.priceOptionGroups) {
    if (group.required && !chosenGroups.has(group.code)) {
      invalid(`${at}.PriceOptions`, 'ORDER_PRICE_OPTION_INVALID', `price option group "${group.code}" requires an option`)
    }
  }

  let priceType: PriceType = 'LIST'
  let unitNetMinor = 0n
  const listMinor = product.prices[currency]
  if (line.customAmountMinor !== undefined) {
    priceType = 'CUSTOM'
    unitNetMinor = line.customAmountMinor
    if (!product.allowCustomPrice) {
      invalid(`${at}.Price.Type`, 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', `product "${product.code}" does not allow a custom price`)
    } else if (line.customAmountMinor < 0n) {
      invalid(`${at}.Price.Amount`, 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', 'a custom price must not be negative')
    }
    if (line.trial !== undefined) invalid(`${at}.Trial`, 'ORDER_TRIAL_INVALID', 'a trial cannot be combined with a custom price')
  } else {
    if (listMinor === undefined) {
      invalid(`${at}.Code`, 'ORDER_PRODUCT_CURRENCY_INVALID', `product "${product.code}" has no price in ${currency}`)
    }
    if (line.trial === undefined) {
      unitNetMinor = (listMinor ?? 0n) + chosen.reduce((acc, option) => acc + option.modifierMinor, 0n)
    } else {
      priceType = 'TRIAL'
      const trial = product.trial
      const trialMinor = trial?.prices[currency]
      if (trial === null || !trial.allowed) {
        invalid(`${at}.Trial`, 'ORDER_TRIAL_INVALID', `product "${product.code}" has no trial`)
      } else if (trialMinor === undefined) {
        invalid(`${at}.Trial`, 'ORDER_TRIAL_INVALID', `product "${product.code}" has no trial price in ${currency}`)
      } else {
        if (line.trial.periodDays !== trial.periodDays) {
          invalid(`${at}.Trial.Period`, 'ORDER_TRIAL_INVALID', `the trial period of "${product.code}" is ${trial.periodDays} days`)
        }
        if (line.trial.priceMinor !== trialMinor) {
          invalid(`${at}.Trial.Price`, 'ORDER_TRIAL_INVALID', `the trial price of "${product.code}" in ${currency} is ${trialMinor} minor units`)
        }
        unitNetMinor = trialMinor
      }
    }
  }

  let campaign: CrossSellCampaign | null = null
  if (line.crossSell !== undefined) {
    const { parentCode, campaignCode } = line.crossSell
    const found = campaigns.get(campaignCode)
    if (found === undefined) {
      invalid(`${at}.CrossSell.CampaignCode`, 'ORDER_CROSS_SELL_INVALID', `unknown cross-sell campaign "${campaignCode}"`)
    } else if (found.productCode !== product.code) {
      invalid(`${at}.CrossSell.CampaignCode`, 'ORDER_CROSS_SELL_INVALID', `campaign "${campaignCode}" does not offer "${product.code}"`)
    } else if (found.parentCode !== parentCode) {
      invalid(`${at}.CrossSell.ParentCode`, 'ORDER_CROSS_SELL_INVALID', `campaign "${campaignCode}" is offered with "${found.parentCode}", not "${parentCode}"`)
    } else if (!cart.lines.some((other, o) => o !== index && other.custom === undefined && other.code === parentCode)) {
      invalid(`${at}.CrossSell.ParentCode`, 'ORDER_CROSS_SELL_INVALID', `the parent product "${parentCode}" is not in the order`)
    } else if (found.discount.type === 'AMOUNT' && found.discount.amounts[currency] === undefined) {
      invalid(`${at}.CrossSell.CampaignCode`, 'ORDER_CROSS_SELL_INVALID', `campaign "${campaignCode}" has no discount in ${currency}`)
    } else {
      campaign = found
    }
  }

  if (!valid) return null
  return {
    index,
    line,
    product,
    priceType,
    priceOptions: chosen,
    unitNetMinor,
    netMinor: unitNetMinor * BigInt(line.quantity),
    campaign
  }
}

/** The product a custom line stands for: not in the catalog, digital, its price given on the line. */
function customProduct (code: string, name: string): CatalogProduct {
  return { code, name, kind: 'DIGITAL', published: true, allowCustomPrice: true, prices: {}, priceOptionGroups: [], trial: null, subscription: null, skus: [], inventory: null, attributes: {} }
}

function applyLineDiscounts (item: WorkLine, currency: string, fail: Fail): void {
  const { draft } = item
  const quantity = BigInt(draft.line.quantity)
  if (draft.campaign !== null) {
    const { discount } = draft.campaign
    const minor = discount.type === 'PERCENT'
      ? percentOf(item.remaining, discount.basisPoints)
      : min((discount.amounts[currency] ?? 0n) * quantity, item.remaining)
    item.crossSellMinor = minor
    item.remaining -= minor
  }
  const manual = draft.line.manualDiscount
  if (manual === undefined) return
  const path = `${draft.line.custom?.path ?? `Items.${draft.index}`}.ManualDiscount.Value`
  if (manual.Value < 0n) {
    fail(path, 'DISCOUNT_INVALID', 'a discount must not be negative')
    return
  }
  let minor: bigint
  if (manual.Type === 'AMOUNT') {
    minor = manual.Value
  } else if (manual.Type === 'PERCENT') {
    if (manual.Value > BASIS_POINTS_WHOLE) {
      fail(path, 'DISCOUNT_INVALID', 'a percentage discount cannot exceed 100% (10000 basis points)')
      return
    }
    minor = percentOf(item.remaining, manual.Value)
  } else {
    const target = manual.Value * quantity
    if (target > item.remaining) {
      fail(path, 'DISCOUNT_INVALID', `a unit price of ${manual.Value} is above the current line price (${item.remaining} for ${quantity})`)
      return
    }
    minor = item.remaining - target
  }
  if (minor > item.remaining) {
    fail(path, 'DISCOUNT_INVALID', `a discount of ${minor} would make the line price (${item.remaining}) negative`)
    return
  }
  item.manualMinor = minor
  item.remaining -= minor
}

function validateOrderDiscount (discount: ManualDiscount | undefined, fail: Fail): void {
  if (discount === undefined) return
  if (discount.Type === 'UNIT_PRICE') {
    fail('ManualDiscount.Type', 'DISCOUNT_INVALID', 'an order discount is an AMOUNT or a PERCENT')
  } else if (discount.Value < 0n) {
    fail('ManualDiscount.Value', 'DISCOUNT_INVALID', 'a discount must not be negative')
  } else if (discount.Type === 'PERCENT' && discount.Value > BASIS_POINTS_WHOLE) {
    fail('ManualDiscount.Value', 'DISCOUNT_INVALID', 'a percentage discount cannot exceed 100% (10000 basis points)')
  }
}

function validPromotions (catalog: readonly Promotion[], cart: Cart, currency: string, fail: Fail): Promotion[] {
  const byCode = new Map(catalog.map(promotion => [promotion.code.toUpperCase(), promotion]))
  const seen = new Set<string>()
  const valid: Promotion[] = []
  cart.promotionCodes.forEach((code, index) => {
    const path = `Promotions.${index}`
    const key = code.trim().toUpperCase()
    const promotion = byCode.get(key)
    if (promotion === undefined || !promotion.enabled) {
      fail(path, 'PROMOTION_CODE_INVALID', `"${code}" is not a valid coupon`)
    } else if (seen.has(key)) {
      fail(path, 'PROMOTION_CODE_INVALID', `coupon "${code}" is given more than once`)
    } else if ((promotion.validFrom !== null && cart.now < promotion.validFrom) || (promotion.validUntil !== null && cart.now >= promotion.validUntil)) {
      fail(path, 'PROMOTION_CODE_INVALID', `coupon "${code}" is not valid at ${cart.now.toISOString()}`)
    } else if (promotion.currencies.length > 0 && !promotion.currencies.includes(currency)) {
      fail(path, 'PROMOTION_CODE_INVALID', `coupon "${code}" is not valid for ${currency} orders`)
    } else if (promotion.type === 'FIXED' && promotion.amounts[currency] === undefined) {
      fail(path, 'PROMOTION_CODE_INVALID', `coupon "${code}" has no amount in ${currency}`)
    } else if (promotion.maxUses !== null && (cart.promotionUses?.[promotion.code] ?? 0) >= promotion.maxUses) {
      fail(path, 'PROMOTION_CODE_INVALID', `coupon "${code}" has been used up`)
    } else {
      valid.push(promotion)
    }
    seen.add(key)
  })
  return valid
}

function applyPromotion (promotion: Promotion, work: readonly WorkLine[], currency: string): AppliedPromotion {
  const eligible = work.filter(item =>
    item.draft.campaign === null &&
    (promotion.productCodes.length === 0 || (item.draft.line.custom === undefined && promotion.productCodes.includes(item.draft.product.code))))
  const fixedMinor = promotion.amounts[currency] ?? 0n
  let discounts: bigint[]
  if (promotion.appliesTo === 'PRODUCTS') {
    discounts = eligible.map(item => promotion.type === 'PERCENT'
      ? percentOf(item.remaining, promotion.basisPoints)
      : min(fixedMinor * BigInt(item.draft.line.quantity), item.remaining))
  } else {
    const weights = eligible.map(item => item.remaining)
    const base = weights.reduce((acc, weight) => acc + weight, 0n)
    const total = promotion.type === 'PERCENT' ? percentOf(base, promotion.basisPoints) : min(fixedMinor, base)
    discounts = allocateProportionally(total, weights)
  }
  let discountMinor = 0n
  eligible.forEach((item, i) => {
    const minor = discounts[i] ?? 0n
    item.remaining -= minor
    item.promotions.push({ code: promotion.code, discountMinor: minor })
    discountMinor += minor
  })
  return { code: promotion.code, name: promotion.name, type: promotion.type, appliesTo: promotion.appliesTo, discountMinor }
}

function chooseShipping (
  methods: readonly ShippingMethod[],
  cart: Cart,
  currency: string,
  isPhysical: boolean,
  fail: Fail
): ShippingMethod | null {
  const path = 'DeliveryInformation.ShippingMethod.Code'
  let method: ShippingMethod | undefined
  if (cart.shippingMethodCode !== undefined) {
    const key = cart.shippingMethodCode.toUpperCase()
    method = methods.find(candidate => candidate.code.toUpperCase() === key)
    if (method === undefined) {
      fail(path, 'SHIPPING_METHOD_INVALID', `unknown shipping method "${cart.shippingMethodCode}"`)
      return null
    }
    if (!isPhysical) {
      fail(path, 'SHIPPING_METHOD_INVALID', 'the order has no physical product to ship')
      return null
    }
  } else {
    if (!isPhysical) return null
    method = methods.find(candidate => candidate.isDefault)
    if (method === undefined) {
      fail(path, 'SHIPPING_METHOD_INVALID', 'a shipping method is required: the order has a physical product and the merchant has no default method')
      return null
    }
  }
  if (method.prices[currency] === undefined) {
    fail(path, 'SHIPPING_METHOD_INVALID', `shipping method "${method.code}" has no price in ${currency}`)
    return null
  }
  return method
}

function min (a: bigint, b: bigint): bigint {
  return a < b ? a : b
}
