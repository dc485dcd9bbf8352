/**
 * The catalog in the database, per merchant: loading a whole catalog file (`replaceCatalog`,
 * `loadCatalogFile`), reading back the part a cart needs (`loadCatalogForCart`, the placeOrder
 * hot path) or all of it (`loadCatalog`), and counting coupon uses (`incrementPromotionUses`).
 *
 * Reads are ONE SQL statement each: the rows are folded into JSON (jsonb_agg,
 * jsonb_object_agg) by PostgreSQL, so a cart costs one round trip whatever the catalog's size,
 * and every look-up inside it goes through an index (merchant + code, product id, …).
 * Amounts travel as JSON strings and become `bigint` here: exact, never a double.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { lockMerchantRow } from '../db/merchant-lock.js'
import type { Database } from '../db/schema.js'
import {
  parseCatalogFile,
  type Catalog,
  type CatalogIssue,
  type CatalogProduct,
  type CrossSellCampaign,
  type CycleUnit,
  type PriceMap,
  type ProductKind,
  type Promotion,
  type PromotionScope,
  type PromotionType,
  type ShippingMethod
} from './catalog-file.js'

// ---------------------------------------------------------------------------------------------
// Writing: a whole catalog file, idempotently.

export type CatalogLoadSummary = {
  readonly products: number
  readonly crossSellCampaigns: number
  readonly promotions: number
  readonly shippingMethods: number
  readonly vatRates: number
  readonly currencies: number
  /** What the store held and the file no longer names: archived (hidden from every read), not deleted. */
  readonly archived: { readonly products: number, readonly promotions: number, readonly shippingMethods: number }
}

// PostgreSQL takes at most 65 535 parameters per statement; rows here have up to 12 columns.
const CHUNK = 1000

/**
 * Makes the merchant's stored catalog the given one. Idempotent: loading the same catalog
 * twice changes nothing but `updated_at`.
 * - Products, promotions and shipping methods are upserted by code (promotions by code
 *   case-insensitively); those the catalog no longer names are archived, so that a coupon's
 *   use count and a product's reserved stock survive a reload that drops and re-adds them.
 * - Everything hanging off them (prices, option groups, SKUs, amounts), cross-sell campaigns,
 *   VAT rates and currency overrides are replaced.
 * - Inventory: `on_hand` and `backorder_limit` come from the catalog; `reserved` is kept.
 * Runs in the caller's transaction when given one, else in its own; the merchant row is locked
 * (FOR NO KEY UPDATE, which orders being placed do not wait on) so two loads never interleave.
 */
export async function replaceCatalog (db: Kysely<Database>, merchantId: bigint, catalog: Catalog): Promise<CatalogLoadSummary> {
  if (!db.isTransaction) return await db.transaction().execute((trx) => replaceCatalog(trx, merchantId, catalog))

  if (!(await lockMerchantRow(db, merchantId))) throw new Error(`no merchant with id ${merchantId}`)
  // Cached carts of the old catalog are stale from the moment this transaction commits.
  await db.updateTable('merchants').set((eb) => ({ catalog_version: eb('catalog_version', '+', 1n) })).where('id', '=', merchantId).execute()

  const archivedProducts = await replaceProducts(db, merchantId, catalog)
  const promotions = await replacePromotions(db, merchantId, catalog.promotions)
  const shippingMethods = await replaceShippingMethods(db, merchantId, catalog.shippingMethods)

  await db.deleteFrom('vat_rates').where('merchant_id', '=', merchantId).execute()
  const vat = Object.entries(catalog.vat)
  if (vat.length > 0) {
    await db.insertInto('vat_rates').values(vat.map(([country, bp]) => ({ merchant_id: merchantId, country, basis_points: bp }))).execute()
  }
  await db.deleteFrom('merchant_currencies').where('merchant_id', '=', merchantId).execute()
  const currencies = Object.entries(catalog.minorUnits)
  if (currencies.length > 0) {
    await db.insertInto('merchant_currencies').values(currencies.map(([currency, units]) => ({ merchant_id: merchantId, currency, minor_units: units }))).execute()
  }

  return {
    products: catalog.products.length,
    crossSellCampaigns: catalog.crossSellCampaigns.length,
    promotions: catalog.promotions.length,
    shippingMethods: catalog.shippingMethods.length,
    vatRates: vat.length,
    currencies: currencies.length,
    archived: { products: archivedProducts, promotions, shippingMethods }
  }
}

export type LoadCatalogFileResult =
  | { readonly ok: true, readonly summary: CatalogLoadSummary }
  | { readonly ok: false, readonly issues: readonly CatalogIssue[] }

/**
 * Validates an untrusted catalog document (parsed JSON) and, when valid, loads it for the
 * merchant in one transaction. An invalid file writes nothing and answers every issue.
 */
export async function loadCatalogFile (db: Kysely<Database>, merchantId: bigint, file: unknown): Promise<LoadCatalogFileResult> {
  const parsed = parseCatalogFile(file)
  if (!parsed.ok) return parsed
  return { ok: true, summary: await replaceCatalog(db, merchantId, parsed.catalog) }
}

/** Upserts the products and everything below them; answers how many were archived. */
async function replaceProducts (db: Kysely<Database>, merchantId: bigint, catalog: Catalog): Promise<number> {
  const productIds = new Map<string, bigint>()
  for (const chunk of chunks(catalog.products.map((product, position) => ({ product, position })))) {
    const rows = await db.insertInto('products')
      .values(chunk.map(({ product, position }) => ({
        merchant_id: merchantId,
        code: product.code,
        name: product.name,
        kind: product.kind,
        published: product.published,
        allow_custom_price: product.allowCustomPrice,
        trial_allowed: product.trial?.allowed ?? null,
        trial_period_days: product.trial?.periodDays ?? null,
        subscription_cycle_unit: product.subscription?.cycleUnit ?? null,
        subscription_cycle_length: product.subscription?.cycleLength ?? null,
        attributes: JSON.stringify(product.attributes),
        position
      })))
      .onConflict((oc) => oc.columns(['merchant_id', 'code']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        kind: eb.ref('excluded.kind'),
        published: eb.ref('excluded.published'),
        allow_custom_price: eb.ref('excluded.allow_custom_price'),
        trial_allowed: eb.ref('excluded.trial_allowed'),
        trial_period_days: eb.ref('excluded.trial_period_days'),
        subscription_cycle_unit: eb.ref('excluded.subscription_cycle_unit'),
        subscription_cycle_length: eb.ref('excluded.subscription_cycle_length'),
        attributes: eb.ref('excluded.attributes'),
        position: eb.ref('excluded.position'),
        archived_at: null,
        updated_at: sql`now()`
      })))
      .returning(['id', 'code'])
      .execute()
    for (const row of rows) productIds.set(row.code, row.id)
  }
  const idOf = (code: string): bigint => {
    const id = productIds.get(code)
    if (id === undefined) throw new Error(`product ${code} was not stored`)
    return id
  }
  const codes = catalog.products.map((product) => product.code)
  const archived = await db.updateTable('products')
    .set({ archived_at: sql`now()`, updated_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('archived_at', 'is', null)
    .where(sql<boolean>`code <> all(${codes}::text[])`)
    .executeTakeFirst()

  // Children are replaced wholesale; the option groups' delete cascades to options and modifiers.
  const ofMerchant = db.selectFrom('products').select('id').where('merchant_id', '=', merchantId)
  await db.deleteFrom('product_prices').where('product_id', 'in', ofMerchant).execute()
  await db.deleteFrom('price_option_groups').where('product_id', 'in', ofMerchant).execute()
  await db.deleteFrom('product_skus').where('product_id', 'in', ofMerchant).execute()
  await db.deleteFrom('cross_sell_campaigns').where('merchant_id', '=', merchantId).execute()

  const prices = catalog.products.flatMap((product) => [
    ...amountRows(product.prices).map((row) => ({ ...row, product_id: idOf(product.code), price_type: 'LIST' })),
    ...amountRows(product.trial?.prices ?? {}).map((row) => ({ ...row, product_id: idOf(product.code), price_type: 'TRIAL' }))
  ])
  for (const chunk of chunks(prices)) await db.insertInto('product_prices').values(chunk).execute()

  const groups = catalog.products.flatMap((product) =>
    product.priceOptionGroups.map((group, position) => ({ productId: idOf(product.code), group, position })))
  const groupIds = new Map<string, bigint>()
  for (const chunk of chunks(groups)) {
    const rows = await db.insertInto('price_option_groups')
      .values(chunk.map(({ productId, group, position }) => ({ product_id: productId, code: group.code, name: group.name, required: group.required, position })))
      .returning(['id', 'product_id', 'code'])
      .execute()
    for (const row of rows) groupIds.set(`${row.product_id}:${row.code}`, row.id)
  }
  const options = groups.flatMap(({ productId, group }) => group.options.map((option, position) => ({
    productId,
    groupId: groupIds.get(`${productId}:${group.code}`) ?? 0n,
    option,
    position
  })))
  const optionIds = new Map<string, bigint>()
  for (const chunk of chunks(options)) {
    const rows = await db.insertInto('price_options')
      .values(chunk.map(({ productId, groupId, option, position }) => ({ product_id: productId, group_id: groupId, code: option.code, name: option.name, position })))
      .returning(['id', 'product_id', 'code'])
      .execute()
    for (const row of rows) optionIds.set(`${row.product_id}:${row.code}`, row.id)
  }
  const modifiers = options.flatMap(({ productId, option }) =>
    amountRows(option.modifiers).map((row) => ({ ...row, option_id: optionIds.get(`${productId}:${option.code}`) ?? 0n })))
  for (const chunk of chunks(modifiers)) await db.insertInto('price_option_modifiers').values(chunk).execute()

  const skus = catalog.products.flatMap((product) => product.skus.map((sku, position) => ({
    product_id: idOf(product.code),
    code: sku.code,
    name: sku.name,
    attributes: JSON.stringify(sku.attributes),
    price_options: [...sku.priceOptions],
    position
  })))
  for (const chunk of chunks(skus)) await db.insertInto('product_skus').values(chunk).execute()

  const stocked = catalog.products.flatMap((product) => product.inventory === null
    ? []
    : [{ product_id: idOf(product.code), on_hand: product.inventory.onHand, backorder_limit: product.inventory.backorderLimit }])
  for (const chunk of chunks(stocked)) {
    await db.insertInto('inventory').values(chunk)
      .onConflict((oc) => oc.column('product_id').doUpdateSet((eb) => ({
        on_hand: eb.ref('excluded.on_hand'),
        backorder_limit: eb.ref('excluded.backorder_limit'),
        updated_at: sql`now()`
      })))
      .execute()
  }
  // A product the file keeps but no longer stocks loses its inventory row (archived ones keep theirs).
  const unstocked = catalog.products.filter((product) => product.inventory === null).map((product) => product.code)
  if (unstocked.length > 0) {
    await db.deleteFrom('inventory')
      .where('product_id', 'in', db.selectFrom('products').select('id').where('merchant_id', '=', merchantId).where(sql<boolean>`code = any(${unstocked}::text[])`))
      .execute()
  }

  for (const chunk of chunks(catalog.crossSellCampaigns.map((campaign, position) => ({ campaign, position })))) {
    const rows = await db.insertInto('cross_sell_campaigns')
      .values(chunk.map(({ campaign, position }) => ({
        merchant_id: merchantId,
        code: campaign.code,
        parent_product_id: idOf(campaign.parentCode),
        product_id: idOf(campaign.productCode),
        discount_type: campaign.discount.type,
        discount_bp: campaign.discount.type === 'PERCENT' ? campaign.discount.basisPoints : null,
        position
      })))
      .returning(['id', 'code'])
      .execute()
    const ids = new Map(rows.map((row) => [row.code, row.id]))
    const amounts = chunk.flatMap(({ campaign }) => campaign.discount.type === 'AMOUNT'
      ? amountRows(campaign.discount.amounts).map((row) => ({ ...row, campaign_id: ids.get(campaign.code) ?? 0n }))
      : [])
    if (amounts.length > 0) await db.insertInto('cross_sell_campaign_amounts').values(amounts).execute()
  }
  return Number(archived.numUpdatedRows)
}

async function replacePromotions (db: Kysely<Database>, merchantId: bigint, promotions: readonly Promotion[]): Promise<number> {
  const ids = new Map<string, bigint>()
  for (const chunk of chunks(promotions.map((promotion, position) => ({ promotion, position })))) {
    const rows = await db.insertInto('promotions')
      .values(chunk.map(({ promotion, position }) => ({
        merchant_id: merchantId,
        code: promotion.code,
        name: promotion.name,
        type: promotion.type,
        percent_bp: promotion.basisPoints,
        applies_to: promotion.appliesTo,
        product_codes: [...promotion.productCodes],
        currencies: [...promotion.currencies],
        valid_from: promotion.validFrom,
        valid_until: promotion.validUntil,
        max_uses: promotion.maxUses,
        enabled: promotion.enabled,
        position
      })))
      // The unique index is on (merchant_id, upper(code)): the file may respell a code's case.
      // `uses` is left alone: it counts orders, not loads.
      .onConflict((oc) => oc.expression(sql`merchant_id, upper(code)`).doUpdateSet((eb) => ({
        code: eb.ref('excluded.code'),
        name: eb.ref('excluded.name'),
        type: eb.ref('excluded.type'),
        percent_bp: eb.ref('excluded.percent_bp'),
        applies_to: eb.ref('excluded.applies_to'),
        product_codes: eb.ref('excluded.product_codes'),
        currencies: eb.ref('excluded.currencies'),
        valid_from: eb.ref('excluded.valid_from'),
        valid_until: eb.ref('excluded.valid_until'),
        max_uses: eb.ref('excluded.max_uses'),
        enabled: eb.ref('excluded.enabled'),
        position: eb.ref('excluded.position'),
        archived_at: null,
        updated_at: sql`now()`
      })))
      .returning(['id', 'code'])
      .execute()
    for (const row of rows) ids.set(row.code, row.id)
  }
  const keys = promotions.map((promotion) => promotion.code.toUpperCase())
  const archived = await db.updateTable('promotions')
    .set({ archived_at: sql`now()`, updated_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('archived_at', 'is', null)
    .where(sql<boolean>`upper(code) <> all(${keys}::text[])`)
    .executeTakeFirst()
  await db.deleteFrom('promotion_amounts')
    .where('promotion_id', 'in', db.selectFrom('promotions').select('id').where('merchant_id', '=', merchantId))
    .execute()
  const amounts = promotions.flatMap((promotion) =>
    amountRows(promotion.amounts).map((row) => ({ ...row, promotion_id: ids.get(promotion.code) ?? 0n })))
  for (const chunk of chunks(amounts)) await db.insertInto('promotion_amounts').values(chunk).execute()
  return Number(archived.numUpdatedRows)
}

async function replaceShippingMethods (db: Kysely<Database>, merchantId: bigint, methods: readonly ShippingMethod[]): Promise<number> {
  // The one-default index is checked row by row: clear the old default before naming the new one.
  await db.updateTable('shipping_methods').set({ is_default: false }).where('merchant_id', '=', merchantId).where('is_default', '=', true).execute()
  const ids = new Map<string, bigint>()
  if (methods.length > 0) {
    const rows = await db.insertInto('shipping_methods')
      .values(methods.map((method, position) => ({ merchant_id: merchantId, code: method.code, name: method.name, is_default: method.isDefault, position })))
      .onConflict((oc) => oc.columns(['merchant_id', 'code']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        is_default: eb.ref('excluded.is_default'),
        position: eb.ref('excluded.position'),
        archived_at: null,
        updated_at: sql`now()`
      })))
      .returning(['id', 'code'])
      .execute()
    for (const row of rows) ids.set(row.code, row.id)
  }
  const codes = methods.map((method) => method.code)
  const archived = await db.updateTable('shipping_methods')
    .set({ archived_at: sql`now()`, updated_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('archived_at', 'is', null)
    .where(sql<boolean>`code <> all(${codes}::text[])`)
    .executeTakeFirst()
  await db.deleteFrom('shipping_method_prices')
    .where('shipping_method_id', 'in', db.selectFrom('shipping_methods').select('id').where('merchant_id', '=', merchantId))
    .execute()
  const prices = methods.flatMap((method) =>
    amountRows(method.prices).map((row) => ({ ...row, shipping_method_id: ids.get(method.code) ?? 0n })))
  for (const chunk of chunks(prices)) await db.insertInto('shipping_method_prices').values(chunk).execute()
  return Number(archived.numUpdatedRows)
}

function amountRows (map: PriceMap): { currency: string, amount_minor: bigint }[] {
  return Object.entries(map).map(([currency, amount]) => ({ currency, amount_minor: amount }))
}

function chunks<T> (rows: readonly T[]): T[][] {
  const result: T[][] = []
  for (let i = 0; i < rows.length; i += CHUNK) result.push(rows.slice(i, i + CHUNK))
  return result
}

// ---------------------------------------------------------------------------------------------
// Reading: one statement, JSON built by PostgreSQL.

export type CartCatalogRequest = {
  /** Items[].Code of the cart; unknown codes are simply absent from the answer. */
  readonly productCodes: readonly string[]
  /** Coupon codes as the client sent them; matched case-insensitively. */
  readonly promotionCodes: readonly string[]
  /** Not used to narrow: every shipping method is returned (a merchant has a few). */
  readonly shippingMethodCode?: string
  /** When given, every price map holds this currency only (all the cart can be priced in). */
  readonly currency?: string
  /** When given, `vat` holds this country's rate only. */
  readonly billingCountry?: string
}

/** A `Catalog` for one cart, plus the uses so far of its promotions (`Cart.promotionUses`). */
export type CartCatalog = Catalog & {
  /** Uses so far per promotion code (as in the catalog). */
  readonly promotionUses: Readonly<Record<string, number>>
}

/**
 * What pricing one cart needs, in one round trip: the named products and the parents named by
 * their cross-sell campaigns, those campaigns, the named promotions (case-insensitive), every
 * shipping method, the VAT rate(s) and the currency overrides. Nothing in it grows with the
 * catalog: each part is an index look-up by merchant and code.
 */
export async function loadCatalogForCart (db: Kysely<Database>, merchantId: bigint, request: CartCatalogRequest): Promise<CartCatalog> {
  const productCodes = [...new Set(request.productCodes)]
  const promotionKeys = [...new Set(request.promotionCodes.map((code) => code.trim().toUpperCase()))]
  const currency = request.currency?.toUpperCase()
  const country = request.billingCountry?.toUpperCase()
  const { rows } = await sql<CatalogRow>`
    with campaigns as (
      select c.* from cross_sell_campaigns c
      join products o on o.id = c.product_id
      where c.merchant_id = ${merchantId} and o.merchant_id = ${merchantId}
        and o.archived_at is null and o.code = any(${productCodes}::text[])
    ), chosen_ids as (
      -- a union, not an OR: each side is an index look-up, never a scan of the merchant's products
      select id from products where merchant_id = ${merchantId} and code = any(${productCodes}::text[])
      union
      select parent_product_id from campaigns
    ), chosen as (
      select p.* from products p join chosen_ids using (id) where p.archived_at is null
    ), chosen_promotions as (
      select * from promotions
      where merchant_id = ${merchantId} and archived_at is null and upper(code) = any(${promotionKeys}::text[])
    )
    select
      (select coalesce(jsonb_agg(${productJson(currency)} order by p.position), '[]'::jsonb) from chosen p) as products,
      ${campaignsJson(sql`campaigns`, currency)} as campaigns,
      ${promotionsJson(sql`chosen_promotions`, currency)} as promotions,
      ${shippingJson(merchantId, currency)} as shipping_methods,
      (select coalesce(jsonb_object_agg(country, basis_points), '{}'::jsonb) from vat_rates
        where merchant_id = ${merchantId} ${country === undefined ? sql`` : sql`and country = ${country}`}) as vat,
      ${minorUnitsJson(merchantId)} as minor_units
  `.execute(db)
  return toCartCatalog(rows[0])
}

/** The merchant's whole catalog (export, tests), in the order of the file it was loaded from. */
export async function loadCatalog (db: Kysely<Database>, merchantId: bigint): Promise<Catalog> {
  const { rows } = await sql<CatalogRow>`
    with campaigns as (
      select * from cross_sell_campaigns where merchant_id = ${merchantId}
    ), live_promotions as (
      select * from promotions where merchant_id = ${merchantId} and archived_at is null
    )
    select
      (select coalesce(jsonb_agg(${productJson(undefined)} order by p.position), '[]'::jsonb)
        from products p where p.merchant_id = ${merchantId} and p.archived_at is null) as products,
      ${campaignsJson(sql`campaigns`, undefined)} as campaigns,
      ${promotionsJson(sql`live_promotions`, undefined)} as promotions,
      ${shippingJson(merchantId, undefined)} as shipping_methods,
      (select coalesce(jsonb_object_agg(country, basis_points), '{}'::jsonb) from vat_rates where merchant_id = ${merchantId}) as vat,
      ${minorUnitsJson(merchantId)} as minor_units
  `.execute(db)
  const { promotionUses: _uses, ...catalog } = toCartCatalog(rows[0])
  return catalog
}

export type PromotionUseResult = {
  /** Codes (as given) whose use was counted. */
  readonly counted: readonly string[]
  /** Codes (as given) NOT counted: used up (`max_uses` reached), disabled, or not a promotion of this merchant. */
  readonly exhausted: readonly string[]
}

/**
 * Counts one use of each coupon when an order is placed (SPEC §5). Atomic against `max_uses`:
 * the row lock of the UPDATE makes racing orders take turns, and each re-checks the limit, so
 * exactly `max_uses` uses are ever counted. Run it in the order's transaction and refuse the
 * order when `exhausted` is not empty.
 */
export async function incrementPromotionUses (db: Kysely<Database>, merchantId: bigint, codes: readonly string[]): Promise<PromotionUseResult> {
  const byKey = new Map<string, string>()
  for (const code of codes) {
    const key = code.trim().toUpperCase()
    if (!byKey.has(key)) byKey.set(key, code)
  }
  if (byKey.size === 0) return { counted: [], exhausted: [] }
  const rows = await db.updateTable('promotions')
    .set((eb) => ({ uses: eb('uses', '+', 1), updated_at: sql`now()` }))
    .where('merchant_id', '=', merchantId)
    .where('archived_at', 'is', null)
    .where('enabled', '=', true)
    .where(sql<boolean>`upper(code) = any(${[...byKey.keys()]}::text[])`)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returning(sql<string>`upper(code)`.as('key'))
    .execute()
  const counted = new Set(rows.map((row) => row.key))
  return {
    counted: [...byKey].filter(([key]) => counted.has(key)).map(([, code]) => code),
    exhausted: [...byKey].filter(([key]) => !counted.has(key)).map(([, code]) => code)
  }
}

// ---------------------------------------------------------------------------------------------
// The JSON fragments, shared with catalog-search.ts.

/** Amounts of one currency only when `currency` is given. */
function currencyFilter (alias: string, currency: string | undefined): RawBuilder<unknown> {
  return currency === undefined ? sql`` : sql`and ${sql.ref(`${alias}.currency`)} = ${currency}`
}

function amountsJson (table: string, key: string, id: RawBuilder<unknown>, currency: string | undefined, extra: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  return sql`(select coalesce(jsonb_object_agg(a.currency, a.amount_minor::text), '{}'::jsonb)
    from ${sql.table(table)} a where ${sql.ref(`a.${key}`)} = ${id} ${extra} ${currencyFilter('a', currency)})`
}

/** One product (alias `p`) as JSON: a `ProductJson`. */
export function productJson (currency: string | undefined): RawBuilder<unknown> {
  return sql`jsonb_build_object(
    'code', p.code,
    'name', p.name,
    'kind', p.kind,
    'published', p.published,
    'allowCustomPrice', p.allow_custom_price,
    'prices', ${amountsJson('product_prices', 'product_id', sql`p.id`, currency, sql`and a.price_type = 'LIST'`)},
    'trialAllowed', p.trial_allowed,
    'trialPeriodDays', p.trial_period_days,
    'trialPrices', ${amountsJson('product_prices', 'product_id', sql`p.id`, currency, sql`and a.price_type = 'TRIAL'`)},
    'cycleUnit', p.subscription_cycle_unit,
    'cycleLength', p.subscription_cycle_length,
    'attributes', p.attributes,
    'groups', (select coalesce(jsonb_agg(jsonb_build_object(
        'code', g.code,
        'name', g.name,
        'required', g.required,
        'options', (select coalesce(jsonb_agg(jsonb_build_object(
            'code', o.code,
            'name', o.name,
            'modifiers', ${amountsJson('price_option_modifiers', 'option_id', sql`o.id`, currency)}
          ) order by o.position), '[]'::jsonb) from price_options o where o.group_id = g.id)
      ) order by g.position), '[]'::jsonb) from price_option_groups g where g.product_id = p.id),
    'skus', (select coalesce(jsonb_agg(jsonb_build_object(
        'code', s.code,
        'name', s.name,
        'attributes', s.attributes,
        'priceOptions', to_jsonb(s.price_options)
      ) order by s.position), '[]'::jsonb) from product_skus s where s.product_id = p.id),
    'inventory', (select jsonb_build_object('onHand', i.on_hand, 'backorderLimit', i.backorder_limit, 'reserved', i.reserved)
      from inventory i where i.product_id = p.id)
  )`
}

function campaignsJson (from: RawBuilder<unknown>, currency: string | undefined): RawBuilder<unknown> {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object(
      'code', c.code,
      'parentCode', (select code from products where id = c.parent_product_id),
      'productCode', (select code from products where id = c.product_id),
      'discountType', c.discount_type,
      'basisPoints', c.discount_bp,
      'amounts', ${amountsJson('cross_sell_campaign_amounts', 'campaign_id', sql`c.id`, currency)}
    ) order by c.position), '[]'::jsonb) from ${from} c)`
}

function promotionsJson (from: RawBuilder<unknown>, currency: string | undefined): RawBuilder<unknown> {
  // Instants as epoch milliseconds: exact, and free of text time-zone formats.
  return sql`(select coalesce(jsonb_agg(jsonb_build_object(
      'code', r.code,
      'name', r.name,
      'type', r.type,
      'basisPoints', r.percent_bp,
      'amounts', ${amountsJson('promotion_amounts', 'promotion_id', sql`r.id`, currency)},
      'appliesTo', r.applies_to,
      'productCodes', to_jsonb(r.product_codes),
      'currencies', to_jsonb(r.currencies),
      'validFrom', (extract(epoch from r.valid_from) * 1000)::bigint::text,
      'validUntil', (extract(epoch from r.valid_until) * 1000)::bigint::text,
      'maxUses', r.max_uses,
      'uses', r.uses,
      'enabled', r.enabled
    ) order by r.position), '[]'::jsonb) from ${from} r)`
}

function shippingJson (merchantId: bigint, currency: string | undefined): RawBuilder<unknown> {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object(
      'code', m.code,
      'name', m.name,
      'isDefault', m.is_default,
      'prices', ${amountsJson('shipping_method_prices', 'shipping_method_id', sql`m.id`, currency)}
    ) order by m.position), '[]'::jsonb) from shipping_methods m where m.merchant_id = ${merchantId} and m.archived_at is null)`
}

/** The merchant's currency overrides as one JSON object (`merchant_currencies`). */
export function minorUnitsJson (merchantId: bigint): RawBuilder<unknown> {
  return sql`(select coalesce(jsonb_object_agg(currency, minor_units), '{}'::jsonb) from merchant_currencies where merchant_id = ${merchantId})`
}

// ---------------------------------------------------------------------------------------------
// JSON → domain objects.

type AmountsJson = Record<string, string>

/** A product as `productJson` builds it. */
export type ProductJson = {
  code: string
  name: string
  kind: ProductKind
  published: boolean
  allowCustomPrice: boolean
  prices: AmountsJson
  trialAllowed: boolean | null
  trialPeriodDays: number | null
  trialPrices: AmountsJson
  cycleUnit: CycleUnit | null
  cycleLength: number | null
  attributes: Record<string, string>
  groups: { code: string, name: string, required: boolean, options: { code: string, name: string, modifiers: AmountsJson }[] }[]
  skus: { code: string, name: string | null, attributes: Record<string, string>, priceOptions: string[] }[]
  inventory: { onHand: number, backorderLimit: number, reserved: number } | null
}

type CampaignJson = {
  code: string
  parentCode: string
  productCode: string
  discountType: 'PERCENT' | 'AMOUNT'
  basisPoints: number | null
  amounts: AmountsJson
}

type PromotionJson = {
  code: string
  name: string
  type: PromotionType
  basisPoints: number
  amounts: AmountsJson
  appliesTo: PromotionScope
  productCodes: string[]
  currencies: string[]
  validFrom: string | null
  validUntil: string | null
  maxUses: number | null
  uses: number
  enabled: boolean
}

type ShippingJson = { code: string, name: string, isDefault: boolean, prices: AmountsJson }

type CatalogRow = {
  products: ProductJson[]
  campaigns: CampaignJson[]
  promotions: PromotionJson[]
  shipping_methods: ShippingJson[]
  vat: Record<string, number>
  minor_units: Record<string, number>
}

function toPriceMap (json: AmountsJson): PriceMap {
  const map: Record<string, bigint> = {}
  for (const [currency, amount] of Object.entries(json)) map[currency] = BigInt(amount)
  return Object.freeze(map)
}

/** A stored product as the pricing code sees it. */
export function toCatalogProduct (json: ProductJson): CatalogProduct {
  return {
    code: json.code,
    name: json.name,
    kind: json.kind,
    published: json.published,
    allowCustomPrice: json.allowCustomPrice,
    prices: toPriceMap(json.prices),
    priceOptionGroups: json.groups.map((group) => ({
      code: group.code,
      name: group.name,
      required: group.required,
      options: group.options.map((option) => ({ code: option.code, name: option.name, modifiers: toPriceMap(option.modifiers) }))
    })),
    trial: json.trialPeriodDays === null
      ? null
      : { allowed: json.trialAllowed ?? false, periodDays: json.trialPeriodDays, prices: toPriceMap(json.trialPrices) },
    subscription: json.cycleUnit === null || json.cycleLength === null ? null : { cycleUnit: json.cycleUnit, cycleLength: json.cycleLength },
    skus: json.skus.map((sku) => ({ code: sku.code, name: sku.name, attributes: Object.freeze({ ...sku.attributes }), priceOptions: sku.priceOptions })),
    inventory: json.inventory === null ? null : { onHand: json.inventory.onHand, backorderLimit: json.inventory.backorderLimit },
    attributes: Object.freeze({ ...json.attributes })
  }
}

function toCampaign (json: CampaignJson): CrossSellCampaign {
  return {
    code: json.code,
    parentCode: json.parentCode,
    productCode: json.productCode,
    discount: json.discountType === 'PERCENT'
      ? { type: 'PERCENT', basisPoints: json.basisPoints ?? 0 }
      : { type: 'AMOUNT', amounts: toPriceMap(json.amounts) }
  }
}

function toPromotion (json: PromotionJson): Promotion {
  return {
    code: json.code,
    name: json.name,
    type: json.type,
    basisPoints: json.basisPoints,
    amounts: toPriceMap(json.amounts),
    appliesTo: json.appliesTo,
    productCodes: json.productCodes,
    currencies: json.currencies,
    validFrom: json.validFrom === null ? null : new Date(Number(json.validFrom)),
    validUntil: json.validUntil === null ? null : new Date(Number(json.validUntil)),
    maxUses: json.maxUses,
    enabled: json.enabled
  }
}

function toCartCatalog (row: CatalogRow | undefined): CartCatalog {
  if (row === undefined) throw new Error('the catalog query returned no row')
  const promotionUses: Record<string, number> = {}
  for (const promotion of row.promotions) promotionUses[promotion.code] = promotion.uses
  return Object.freeze({
    minorUnits: Object.freeze({ ...row.minor_units }),
    products: row.products.map(toCatalogProduct),
    crossSellCampaigns: row.campaigns.map(toCampaign),
    promotions: row.promotions.map(toPromotion),
    shippingMethods: row.shipping_methods.map((method) => ({ code: method.code, name: method.name, isDefault: method.isDefault, prices: toPriceMap(method.prices) })),
    vat: Object.freeze({ ...row.vat }),
    promotionUses: Object.freeze(promotionUses)
  })
}
