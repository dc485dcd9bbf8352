/**
 * The catalog file: what `ordergate catalog load --merchant CODE FILE.json` reads, and what the
 * DB layer stores per merchant. Amounts are human-friendly decimals (strings like "99.00" are
 * recommended; numbers are accepted) keyed by upper-case ISO 4217 code. `normaliseCatalog`
 * turns a parsed file into a `Catalog` with bigint minor units and basis points, the only form
 * the pricing code sees.
 *
 * Parsing is strict: unknown keys are refused (they are usually typos), every amount must fit
 * its currency's precision exactly, and references between parts (cross-sell parents, coupon
 * product lists, SKU price options) must resolve. Each problem is reported with its path,
 * e.g. `products.1.prices.JPY: 10.5 has more than 0 decimal places for JPY`.
 */
import { z } from 'zod'
import {
  isCurrencyCode,
  tryPercentToBasisPoints,
  tryToMinor
} from './money.js'
import type { MinorUnitOverrides } from './money.js'
import { storableText, unstorableText, walkJson } from '../json-walk.js'

export const PRODUCT_KINDS = ['DIGITAL', 'PHYSICAL'] as const
export type ProductKind = typeof PRODUCT_KINDS[number]
export const CYCLE_UNITS = ['DAY', 'MONTH'] as const
export type CycleUnit = typeof CYCLE_UNITS[number]
export const PROMOTION_TYPES = ['PERCENT', 'FIXED'] as const
export type PromotionType = typeof PROMOTION_TYPES[number]
export const PROMOTION_SCOPES = ['PRODUCTS', 'ORDER'] as const
export type PromotionScope = typeof PROMOTION_SCOPES[number]
export const CROSS_SELL_DISCOUNT_TYPES = ['PERCENT', 'AMOUNT'] as const
export type CrossSellDiscountType = typeof CROSS_SELL_DISCOUNT_TYPES[number]

const CURRENCY_CODE_MESSAGE = 'must be an upper-case ISO 4217 code such as "USD"'
const COUNTRY_CODE_MESSAGE = 'must be an upper-case ISO 3166 alpha-2 code such as "DE"'
const COUNTRY_CODE = /^[A-Z]{2}$/
const CurrencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, CURRENCY_CODE_MESSAGE)
// Record keys are checked in convertCatalog: Zod's own "Invalid key in record" names no rule.
const KeySchema = z.string()
const CodeSchema = z.string().min(1).max(256)
const NameSchema = z.string().min(1).max(255)
const AmountSchema = z.union([
  z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal such as "12.50"'),
  z.number().nonnegative()
], { error: 'must be a non-negative decimal amount (a string such as "12.50" or a number)' })
const PercentSchema = z.number().min(0).max(100)
const IsoDateSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with offset'
})

/** Amounts per currency, e.g. `{ "USD": "99.00", "EUR": "89.00" }`. */
export const PriceMapSchema = z.record(KeySchema, AmountSchema)

export const PriceOptionSchema = z.strictObject({
  code: CodeSchema,
  name: NameSchema,
  /** Added to the unit price when chosen; an option without an entry for the order currency cannot be chosen in it. */
  modifiers: PriceMapSchema
})

export const PriceOptionGroupSchema = z.strictObject({
  code: CodeSchema,
  name: NameSchema,
  required: z.boolean().default(false),
  options: z.array(PriceOptionSchema).min(1)
})

export const TrialSchema = z.strictObject({
  allowed: z.boolean(),
  periodDays: z.int().min(1).max(3650),
  /** The trial's unit price per currency; a currency without one cannot have a trial. */
  prices: PriceMapSchema.optional()
})

export const SubscriptionSchema = z.strictObject({
  cycleUnit: z.enum(CYCLE_UNITS),
  cycleLength: z.int().min(1)
})

const AttributesSchema = z.record(z.string().min(1).max(64), z.string().max(255))

export const SkuSchema = z.strictObject({
  code: CodeSchema,
  name: NameSchema.optional(),
  attributes: AttributesSchema.optional(),
  priceOptions: z.array(CodeSchema).optional()
})

export const InventorySchema = z.strictObject({
  onHand: z.int().min(0),
  backorderLimit: z.int().min(0).default(0)
})

export const ProductSchema = z.strictObject({
  code: CodeSchema,
  name: NameSchema,
  kind: z.enum(PRODUCT_KINDS),
  published: z.boolean().default(true),
  allowCustomPrice: z.boolean().default(false),
  /** Net list prices per currency. */
  prices: PriceMapSchema,
  priceOptionGroups: z.array(PriceOptionGroupSchema).default([]),
  trial: TrialSchema.optional(),
  subscription: SubscriptionSchema.optional(),
  skus: z.array(SkuSchema).optional(),
  inventory: InventorySchema.optional(),
  attributes: AttributesSchema.optional()
})

export const CrossSellDiscountSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('PERCENT'), value: PercentSchema }),
  /** An amount off each unit of the offered product, per currency. */
  z.strictObject({ type: z.literal('AMOUNT'), amounts: PriceMapSchema })
])

export const CrossSellCampaignSchema = z.strictObject({
  code: CodeSchema,
  parentCode: CodeSchema,
  productCode: CodeSchema,
  discountPercent: PercentSchema.optional(),
  discount: CrossSellDiscountSchema.optional()
})

export const PromotionSchema = z.strictObject({
  code: z.string().min(1).max(64),
  name: NameSchema,
  type: z.enum(PROMOTION_TYPES),
  percent: PercentSchema.optional(),
  amounts: PriceMapSchema.optional(),
  appliesTo: z.enum(PROMOTION_SCOPES),
  productCodes: z.array(CodeSchema).default([]),
  currencies: z.array(CurrencyCodeSchema).default([]),
  validFrom: IsoDateSchema.optional(),
  validUntil: IsoDateSchema.optional(),
  maxUses: z.int().min(1).optional(),
  enabled: z.boolean().default(true)
})

export const ShippingMethodSchema = z.strictObject({
  code: CodeSchema,
  name: NameSchema,
  default: z.boolean().default(false),
  prices: PriceMapSchema
})

const CatalogFileObjectSchema = z.strictObject({
  /** Minor-unit exponents for currencies ordergate does not know, or overrides. */
  currencies: z.record(KeySchema, z.int().min(0).max(4)).optional(),
  products: z.array(ProductSchema),
  crossSellCampaigns: z.array(CrossSellCampaignSchema).default([]),
  promotions: z.array(PromotionSchema).default([]),
  shippingMethods: z.array(ShippingMethodSchema).default([]),
  /** VAT percentage per billing country (19, 20.5); countries not listed pay 0. */
  vat: z.record(KeySchema, PercentSchema).default({})
})

type ParsedCatalogFile = z.output<typeof CatalogFileObjectSchema>

export const CatalogFileSchema = CatalogFileObjectSchema.superRefine((file, ctx) => {
  convertCatalog(file, (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message }))
})

/** A catalog file as written by a merchant (optional fields may be left out). */
export type CatalogFile = z.input<typeof CatalogFileSchema>

// ---------------------------------------------------------------------------------------------
// The normalised catalog: minor units, basis points, no optional fields.

/** Minor units per upper-case currency code. */
export type PriceMap = Readonly<Record<string, bigint>>

export interface CatalogPriceOption {
  readonly code: string
  readonly name: string
  readonly modifiers: PriceMap
}

export interface CatalogPriceOptionGroup {
  readonly code: string
  readonly name: string
  readonly required: boolean
  readonly options: readonly CatalogPriceOption[]
}

export interface CatalogTrial {
  readonly allowed: boolean
  readonly periodDays: number
  readonly prices: PriceMap
}

export interface CatalogSku {
  readonly code: string
  readonly name: string | null
  readonly attributes: Readonly<Record<string, string>>
  readonly priceOptions: readonly string[]
}

export interface CatalogProduct {
  readonly code: string
  readonly name: string
  readonly kind: ProductKind
  readonly published: boolean
  readonly allowCustomPrice: boolean
  readonly prices: PriceMap
  readonly priceOptionGroups: readonly CatalogPriceOptionGroup[]
  readonly trial: CatalogTrial | null
  readonly subscription: { readonly cycleUnit: CycleUnit, readonly cycleLength: number } | null
  readonly skus: readonly CatalogSku[]
  readonly inventory: { readonly onHand: number, readonly backorderLimit: number } | null
  readonly attributes: Readonly<Record<string, string>>
}

export type CrossSellDiscount =
  | { readonly type: 'PERCENT', readonly basisPoints: number }
  | { readonly type: 'AMOUNT', readonly amounts: PriceMap }

export interface CrossSellCampaign {
  readonly code: string
  readonly parentCode: string
  readonly productCode: string
  readonly discount: CrossSellDiscount
}

export interface Promotion {
  /** As written in the file; coupons are matched case-insensitively. */
  readonly code: string
  readonly name: string
  readonly type: PromotionType
  /** PERCENT promotions only (else 0). */
  readonly basisPoints: number
  /** FIXED promotions only (else empty). */
  readonly amounts: PriceMap
  readonly appliesTo: PromotionScope
  /** Empty means every product. */
  readonly productCodes: readonly string[]
  /** Empty means every currency. */
  readonly currencies: readonly string[]
  /** Valid from this instant (inclusive); a date alone means 00:00:00 UTC. */
  readonly validFrom: Date | null
  /** Valid before this instant (exclusive); a date alone in the file means through the end of that UTC day. */
  readonly validUntil: Date | null
  readonly maxUses: number | null
  readonly enabled: boolean
}

export interface ShippingMethod {
  readonly code: string
  readonly name: string
  readonly isDefault: boolean
  readonly prices: PriceMap
}

export interface Catalog {
  /** The file's `currencies` overrides, for money conversions at the wire edge. */
  readonly minorUnits: MinorUnitOverrides
  readonly products: readonly CatalogProduct[]
  readonly crossSellCampaigns: readonly CrossSellCampaign[]
  readonly promotions: readonly Promotion[]
  readonly shippingMethods: readonly ShippingMethod[]
  /** VAT in basis points per upper-case country code; absent means 0. */
  readonly vat: Readonly<Record<string, number>>
}

export interface CatalogIssue {
  readonly path: string
  readonly message: string
}

export type ParseCatalogResult =
  | { readonly ok: true, readonly catalog: Catalog }
  | { readonly ok: false, readonly issues: readonly CatalogIssue[] }

/**
 * Arrays and objects nest at most this deep in a catalog file; the deepest legitimate value is a
 * price option's modifier (file → products → product → priceOptionGroups → group → options →
 * option → modifiers: 8 levels).
 */
export const MAX_CATALOG_DEPTH = 32

// Before the schema: text PostgreSQL cannot store (U+0000, lone surrogates, which JSON escapes
// such as "\ud800" produce) in any string or key, and nesting deep enough to overflow a walk.
function unstorableIssues (input: unknown): CatalogIssue[] {
  const issues: CatalogIssue[] = []
  const path = (segments: ReadonlyArray<string | number>) => segments.map((s) => (typeof s === 'string' ? storableText(s) : s)).join('.')
  const tooDeep = walkJson(input, MAX_CATALOG_DEPTH, (value, kind, pathOf) => {
    const problem = typeof value === 'string' ? unstorableText(value) : undefined
    if (problem !== undefined) issues.push({ path: path(pathOf()), message: kind === 'key' ? `the key: ${problem}` : problem })
    return issues.length < 100
  })
  if (tooDeep !== undefined) return [{ path: path(tooDeep), message: `arrays and objects may nest at most ${MAX_CATALOG_DEPTH} levels deep` }]
  return issues
}

/** Validates an untrusted catalog document (parsed JSON) and normalises it. */
export function parseCatalogFile (input: unknown): ParseCatalogResult {
  const unstorable = unstorableIssues(input)
  if (unstorable.length > 0) return { ok: false, issues: unstorable }
  const parsed = CatalogFileSchema.safeParse(input)
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map(issue => ({ path: issue.path.map(String).join('.'), message: issue.message }))
    }
  }
  return { ok: true, catalog: normaliseCatalog(parsed.data) }
}

/** One line per issue, `path: message`, for the CLI's one-line reason and for logs. */
export function formatCatalogIssues (issues: readonly CatalogIssue[]): string {
  return issues.map(issue => `${issue.path === '' ? '(file)' : issue.path}: ${issue.message}`).join('; ')
}

/**
 * A catalog file → the normalised `Catalog`. Accepts the file as written (defaults are
 * applied here); throws a RangeError listing every problem if the file is invalid, so callers
 * holding untrusted input should use `parseCatalogFile`.
 */
export function normaliseCatalog (file: CatalogFile): Catalog {
  const parsed = CatalogFileSchema.safeParse(file)
  if (!parsed.success) {
    const issues = parsed.error.issues.map(issue => ({ path: issue.path.map(String).join('.'), message: issue.message }))
    throw new RangeError(`Invalid catalog: ${formatCatalogIssues(issues)}`)
  }
  return convertCatalog(parsed.data, () => {})
}

type Report = (path: readonly (string | number)[], message: string) => void

/** The one conversion, used by the schema (to report) and by `normaliseCatalog` (to build). */
function convertCatalog (file: ParsedCatalogFile, report: Report): Catalog {
  const minorUnits: MinorUnitOverrides = Object.freeze({ ...file.currencies })
  for (const currency of Object.keys(minorUnits)) {
    if (!isCurrencyCode(currency)) report(['currencies', currency], CURRENCY_CODE_MESSAGE)
  }

  const money = (map: Readonly<Record<string, number | string>>, path: readonly (string | number)[]): PriceMap => {
    const result: Record<string, bigint> = {}
    for (const [currency, amount] of Object.entries(map)) {
      if (!isCurrencyCode(currency)) {
        report([...path, currency], CURRENCY_CODE_MESSAGE)
        continue
      }
      const minor = tryToMinor(amount, currency, minorUnits)
      if (minor.ok) result[currency] = minor.value
      else report([...path, currency], minor.message)
    }
    return Object.freeze(result)
  }
  const basisPoints = (percent: number, path: readonly (string | number)[]): number => {
    const parsed = tryPercentToBasisPoints(percent)
    if (parsed.ok) return parsed.value
    report(path, parsed.message)
    return 0
  }
  const duplicates = (codes: readonly string[], path: readonly (string | number)[], what: string, fold = false): void => {
    const seen = new Set<string>()
    codes.forEach((code, index) => {
      const key = fold ? code.toUpperCase() : code
      if (seen.has(key)) report([...path, index, 'code'], `duplicate ${what} code "${code}"`)
      seen.add(key)
    })
  }

  duplicates(file.products.map(p => p.code), ['products'], 'product')
  const productByCode = new Map(file.products.map(product => [product.code, product]))

  const products = file.products.map((product, p): CatalogProduct => {
    const at = ['products', p] as const
    duplicates(product.priceOptionGroups.map(g => g.code), [...at, 'priceOptionGroups'], 'price option group')
    const optionCodes = new Set<string>()
    const priceOptionGroups = product.priceOptionGroups.map((group, g): CatalogPriceOptionGroup => ({
      code: group.code,
      name: group.name,
      required: group.required,
      options: group.options.map((option, o): CatalogPriceOption => {
        const optionPath = [...at, 'priceOptionGroups', g, 'options', o] as const
        // Clients send bare option codes (Items[].PriceOptions), so they must be unique per product.
        if (optionCodes.has(option.code)) report([...optionPath, 'code'], `duplicate price option code "${option.code}" in product ${product.code}`)
        optionCodes.add(option.code)
        return { code: option.code, name: option.name, modifiers: money(option.modifiers, [...optionPath, 'modifiers']) }
      })
    }))
    if (!product.allowCustomPrice && Object.keys(product.prices).length === 0) {
      report([...at, 'prices'], 'a product needs a price in at least one currency unless it allows a custom price')
    }
    if (product.inventory !== undefined && product.kind !== 'PHYSICAL') {
      report([...at, 'inventory'], 'inventory is kept for PHYSICAL products only')
    }
    const skus = product.skus ?? []
    duplicates(skus.map(s => s.code), [...at, 'skus'], 'SKU')
    skus.forEach((sku, s) => {
      sku.priceOptions?.forEach((code, o) => {
        if (!optionCodes.has(code)) report([...at, 'skus', s, 'priceOptions', o], `unknown price option "${code}" of product ${product.code}`)
      })
    })
    return {
      code: product.code,
      name: product.name,
      kind: product.kind,
      published: product.published,
      allowCustomPrice: product.allowCustomPrice,
      prices: money(product.prices, [...at, 'prices']),
      priceOptionGroups,
      trial: product.trial === undefined
        ? null
        : {
            allowed: product.trial.allowed,
            periodDays: product.trial.periodDays,
            prices: money(product.trial.prices ?? {}, [...at, 'trial', 'prices'])
          },
      subscription: product.subscription === undefined ? null : { ...product.subscription },
      skus: skus.map(sku => ({
        code: sku.code,
        name: sku.name ?? null,
        attributes: Object.freeze({ ...sku.attributes }),
        priceOptions: sku.priceOptions ?? []
      })),
      inventory: product.inventory === undefined ? null : { ...product.inventory },
      attributes: Object.freeze({ ...product.attributes })
    }
  })

  duplicates(file.crossSellCampaigns.map(c => c.code), ['crossSellCampaigns'], 'cross-sell campaign')
  const crossSellCampaigns = file.crossSellCampaigns.map((campaign, c): CrossSellCampaign => {
    const at = ['crossSellCampaigns', c] as const
    if (!productByCode.has(campaign.parentCode)) report([...at, 'parentCode'], `unknown product "${campaign.parentCode}"`)
    if (!productByCode.has(campaign.productCode)) report([...at, 'productCode'], `unknown product "${campaign.productCode}"`)
    if (campaign.parentCode === campaign.productCode) report([...at, 'productCode'], 'a product cannot be cross-sold under itself')
    let discount: CrossSellDiscount = { type: 'PERCENT', basisPoints: 0 }
    if ((campaign.discountPercent === undefined) === (campaign.discount === undefined)) {
      report(at, 'give exactly one of discountPercent and discount')
    } else if (campaign.discountPercent !== undefined) {
      discount = { type: 'PERCENT', basisPoints: basisPoints(campaign.discountPercent, [...at, 'discountPercent']) }
    } else if (campaign.discount?.type === 'PERCENT') {
      discount = { type: 'PERCENT', basisPoints: basisPoints(campaign.discount.value, [...at, 'discount', 'value']) }
    } else if (campaign.discount?.type === 'AMOUNT') {
      discount = { type: 'AMOUNT', amounts: money(campaign.discount.amounts, [...at, 'discount', 'amounts']) }
    }
    return { code: campaign.code, parentCode: campaign.parentCode, productCode: campaign.productCode, discount }
  })

  duplicates(file.promotions.map(p => p.code), ['promotions'], 'promotion', true)
  const promotions = file.promotions.map((promotion, index): Promotion => {
    const at = ['promotions', index] as const
    let percent = 0
    let amounts: PriceMap = {}
    if (promotion.type === 'PERCENT') {
      if (promotion.percent === undefined || promotion.percent === 0) report([...at, 'percent'], 'a PERCENT promotion needs a percent above 0')
      else percent = basisPoints(promotion.percent, [...at, 'percent'])
      if (promotion.amounts !== undefined) report([...at, 'amounts'], 'amounts belong to FIXED promotions')
    } else {
      if (promotion.amounts === undefined || Object.keys(promotion.amounts).length === 0) report([...at, 'amounts'], 'a FIXED promotion needs an amount in at least one currency')
      else amounts = money(promotion.amounts, [...at, 'amounts'])
      if (promotion.percent !== undefined) report([...at, 'percent'], 'percent belongs to PERCENT promotions')
    }
    promotion.productCodes.forEach((code, c) => {
      if (!productByCode.has(code)) report([...at, 'productCodes', c], `unknown product "${code}"`)
    })
    const validFrom = promotion.validFrom === undefined ? null : startOf(promotion.validFrom)
    const validUntil = promotion.validUntil === undefined ? null : endOf(promotion.validUntil)
    if (validFrom !== null && validUntil !== null && validFrom >= validUntil) report([...at, 'validUntil'], 'validUntil must be after validFrom')
    return {
      code: promotion.code,
      name: promotion.name,
      type: promotion.type,
      basisPoints: percent,
      amounts,
      appliesTo: promotion.appliesTo,
      productCodes: promotion.productCodes,
      currencies: promotion.currencies,
      validFrom,
      validUntil,
      maxUses: promotion.maxUses ?? null,
      enabled: promotion.enabled
    }
  })

  duplicates(file.shippingMethods.map(s => s.code), ['shippingMethods'], 'shipping method')
  const defaults = file.shippingMethods.filter(method => method.default)
  if (defaults.length > 1) report(['shippingMethods'], `at most one shipping method may be the default (found ${defaults.map(m => m.code).join(', ')})`)
  const shippingMethods = file.shippingMethods.map((method, index): ShippingMethod => ({
    code: method.code,
    name: method.name,
    isDefault: method.default,
    prices: money(method.prices, ['shippingMethods', index, 'prices'])
  }))

  const vat: Record<string, number> = {}
  for (const [country, percent] of Object.entries(file.vat)) {
    if (COUNTRY_CODE.test(country)) vat[country] = basisPoints(percent, ['vat', country])
    else report(['vat', country], COUNTRY_CODE_MESSAGE)
  }

  return Object.freeze({
    minorUnits,
    products,
    crossSellCampaigns,
    promotions,
    shippingMethods,
    vat: Object.freeze(vat)
  })
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

function startOf (iso: string): Date {
  return new Date(DATE_ONLY.test(iso) ? `${iso}T00:00:00Z` : iso)
}

function endOf (iso: string): Date {
  if (!DATE_ONLY.test(iso)) return new Date(iso)
  const start = new Date(`${iso}T00:00:00Z`)
  return new Date(start.getTime() + 24 * 60 * 60 * 1000)
}
