/**
 * Assisted sale (SPEC §5; seeds 000, 001, 003): a merchant user places an order on behalf of a
 * customer. The Order is the placeOrder Order; what staff add travels beside it in `Assisted`:
 * the customer (CustomerId or CustomerReference), typed and explained discounts per line and
 * on the transaction total, "payment not required" for a replacement order, an idempotency key.
 * Everything is priced by placeOrder's own code (`priceOrder`), through its hooks.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import { requirePrivileges, type MerchantUser } from '../auth/privileges.js'
import { checkInventory } from '../catalog/inventory.js'
import { fromMinor, basisPointsToPercent, tryPercentToBasisPoints, tryToMinor } from '../catalog/money.js'
import type { ManualDiscount, PricedCart } from '../catalog/pricing.js'
import { findCustomer } from '../customers/customer-admin.js'
import { applyLevelPrices, loadLevelPricing } from '../customers/customer-levels.js'
import type { Database } from '../db/schema.js'
import { AppError, businessError, type FieldError } from '../errors.js'
import type { Log } from '../logger.js'
import { parseRefNo, RefNoSchema } from './order-reference.js'
import type { Order } from './order-schema.js'
import { placeOrder, priceOrder, type PlaceOrderDeps } from './place-order.js'
import type { PlaceOrderHooks } from './place-order-hooks.js'

const decimal = z.union([z.number(), z.string().regex(/^-?[0-9]+(\.[0-9]+)?$/)])

export const LineDiscountSchema = z.object({
  Type: z.enum(['AMOUNT', 'PERCENT', 'UNIT_PRICE']).describe('AMOUNT: money off the line; PERCENT: percent off the line; UNIT_PRICE: the new unit price'),
  Value: decimal.describe('money in the order currency (AMOUNT, UNIT_PRICE) or a percentage (PERCENT, 0-100)'),
  Reason: z.string().min(1).max(255)
})

export const OrderDiscountSchema = z.object({
  Type: z.enum(['AMOUNT', 'PERCENT']).describe('applied to the transaction total after tax and shipping'),
  Value: decimal,
  Reason: z.string().min(1).max(255)
})

export const AssistedSchema = z.object({
  CustomerId: z.number().int().positive().optional().describe('the customer (searchCustomers / createCustomer) the order is for'),
  CustomerReference: z.number().int().nonnegative().optional().describe('or the customer by 2Checkout CustomerReference (AV_CUSTOMERID)'),
  Items: z.array(z.object({ Discount: LineDiscountSchema.nullable().optional() }).nullable()).max(1000).optional()
    .describe('per Order.Items index: a staff discount on that line'),
  Discount: OrderDiscountSchema.optional().describe('a discount on the transaction total, after tax and shipping'),
  PaymentNotRequired: z.object({
    OriginalRefNo: RefNoSchema,
    Reason: z.string().min(1).max(255)
  }).optional().describe('a replacement order: COMPLETE with no charge, linked to the original order (privilege REPLACEMENT_ORDERS; PaymentDetails.Type FREE)'),
  IdempotencyKey: z.string().min(1).max(255).optional().describe('a retry with the same key answers the first answer (kept 24 hours)')
}).describe('what the staff member adds to the Order')

export type Assisted = z.output<typeof AssistedSchema>

type ResolvedCustomer = NonNullable<Awaited<ReturnType<typeof findCustomer>>>

/** Finds the customer an order is for: Assisted.CustomerId, Assisted.CustomerReference, else Order.CustomerReference (when known). */
async function resolveCustomer (db: Kysely<Database>, merchantId: bigint, order: Order, assisted: Assisted | undefined): Promise<ResolvedCustomer | undefined> {
  if (assisted?.CustomerId !== undefined) {
    const found = await findCustomer(db, merchantId, { id: BigInt(assisted.CustomerId) })
    if (found === undefined) throw new AppError('CUSTOMER_NOT_FOUND', { fields: [{ path: 'Assisted.CustomerId', error_code: 'CUSTOMER_NOT_FOUND', message: `no customer ${assisted.CustomerId} for this merchant` }] })
    return found
  }
  if (assisted?.CustomerReference !== undefined) {
    const found = await findCustomer(db, merchantId, { customerReference: BigInt(assisted.CustomerReference) })
    if (found === undefined) throw new AppError('CUSTOMER_NOT_FOUND', { fields: [{ path: 'Assisted.CustomerReference', error_code: 'CUSTOMER_NOT_FOUND', message: `no customer with CustomerReference ${assisted.CustomerReference}` }] })
    return found
  }
  if (order.CustomerReference !== undefined) return await findCustomer(db, merchantId, { customerReference: BigInt(order.CustomerReference) })
  return undefined
}

function toManual (discount: { Type: ManualDiscount['Type'], Value: number | string, Reason: string }, currency: string, path: string, errors: FieldError[]): ManualDiscount | undefined {
  if (discount.Type === 'PERCENT') {
    const bp = tryPercentToBasisPoints(discount.Value)
    if (!bp.ok) { errors.push({ path: `${path}.Value`, error_code: 'DISCOUNT_INVALID', message: bp.message }); return undefined }
    return { Type: 'PERCENT', Value: BigInt(bp.value), Reason: discount.Reason }
  }
  const minor = tryToMinor(discount.Value, currency)
  if (!minor.ok) { errors.push({ path: `${path}.Value`, error_code: 'DISCOUNT_INVALID', message: minor.message }); return undefined }
  return { Type: discount.Type, Value: minor.value, Reason: discount.Reason }
}

/** Pricing names staff discounts `Items.N.ManualDiscount` / `ManualDiscount`; the wire names them under Assisted. */
function toWirePath (field: FieldError): FieldError {
  const line = /^Items\.(\d+)\.ManualDiscount\.(.+)$/.exec(field.path)
  if (line !== null) return { ...field, path: `Assisted.Items.${line[1]}.Discount.${line[2]}` }
  if (field.path.startsWith('ManualDiscount.')) return { ...field, path: `Assisted.Discount.${field.path.slice('ManualDiscount.'.length)}` }
  return field
}

export function mapAssistedError (err: unknown): unknown {
  if (err instanceof AppError && err.fields !== undefined && err.fields.some((f) => f.path.includes('ManualDiscount'))) {
    return new AppError(err.reason, { fields: err.fields.map(toWirePath), ...(err.data !== undefined ? { data: err.data } : {}), cause: err })
  }
  return err
}

/**
 * `unadjusted`: the same pricing without the customer level, the staff discounts and the price
 * overrides, when any of them applies (to tell a total that staff made 0 — directly, or through a
 * level they gave the customer — from one that was 0 already).
 */
export type AssistedPlan = { hooks: PlaceOrderHooks, customer: ResolvedCustomer | undefined, replacement: boolean, unadjusted?: PlaceOrderHooks }

/**
 * The hooks that make placeOrder (or quote) an assisted one, after every look-up and refusal
 * that needs no transaction: the customer, coupons on a B2B customer, the customer level's
 * prices, the staff discounts, the original order of a replacement. `user` is undefined for a
 * merchant API session (plain placeOrder / quote): then only the customer's level and B2B apply.
 */
export async function planAssistedOrder (db: Kysely<Database>, merchant: Merchant, user: MerchantUser | undefined, order: Order, assisted: Assisted | undefined, now: Date): Promise<AssistedPlan> {
  const customer = await resolveCustomer(db, merchant.id, order, assisted)
  const errors: FieldError[] = []
  // Seed 001: "coupons are only available for retail customers".
  if (customer?.b2b === true) {
    order.Promotions.forEach((code, index) => errors.push({ path: `Promotions.${index}`, error_code: 'PROMOTION_NOT_ALLOWED_FOR_B2B', message: `coupon "${code}" cannot be used: the customer is a B2B (wholesale) customer; coupons are for retail customers only` }))
  }
  const level = customer?.levelId !== null && customer?.levelId !== undefined ? await loadLevelPricing(db, customer.levelId) : undefined

  const lineDiscounts = new Map<number, ManualDiscount>()
  ;(assisted?.Items ?? []).forEach((item, index) => {
    if (item?.Discount === undefined || item.Discount === null) return
    if (index >= order.Items.length) {
      errors.push({ path: `Assisted.Items.${index}`, error_code: 'DISCOUNT_INVALID', message: `the Order has no item ${index}` })
      return
    }
    const manual = toManual(item.Discount, order.Currency, `Assisted.Items.${index}.Discount`, errors)
    if (manual !== undefined) lineDiscounts.set(index, manual)
  })
  const orderDiscount = assisted?.Discount === undefined ? undefined : toManual(assisted.Discount, order.Currency, 'Assisted.Discount', errors)

  const notRequired = assisted?.PaymentNotRequired
  let originalRefNo: string | undefined
  if (notRequired !== undefined) {
    if (order.PaymentDetails.Type !== 'FREE') {
      errors.push({ path: 'PaymentDetails.Type', error_code: 'ORDER_STATUS_INVALID', message: 'a replacement order whose payment is not required is placed with PaymentDetails.Type FREE' })
    }
    const ref = parseRefNo(notRequired.OriginalRefNo)
    const original = ref === undefined ? undefined : await db.selectFrom('orders').select('ref_no').where('merchant_id', '=', merchant.id).where('ref_no', '=', ref).executeTakeFirst()
    if (original === undefined) {
      throw new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'Assisted.PaymentNotRequired.OriginalRefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${notRequired.OriginalRefNo} for this merchant to replace` }] })
    }
    originalRefNo = String(original.ref_no)
  }
  if (errors.length > 0) throw businessError(errors)

  const hooks: PlaceOrderHooks = {}
  let unadjusted: PlaceOrderHooks | undefined
  if (level !== undefined) hooks.catalog = (catalog) => applyLevelPrices(catalog, level)
  if (user !== undefined) {
    hooks.cart = (cart) => ({
      ...cart,
      allowUnpublished: true,
      lines: cart.lines.map((line, index) => {
        const manual = lineDiscounts.get(index)
        return manual === undefined ? line : { ...line, manualDiscount: manual }
      }),
      ...(orderDiscount !== undefined ? { orderDiscount } : {})
    })
  }
  // A level's rounding makes cheap products free well below 100 % (99.99 % of 50.00 rounds to
  // 50.00; 50 % of 0.01 to 0.01), so what counts is the outcome, not the level's figures.
  if (level !== undefined || lineDiscounts.size > 0 || orderDiscount !== undefined) {
    unadjusted = user !== undefined ? { cart: (cart) => ({ ...cart, allowUnpublished: true }) } : {}
  }
  if (customer !== undefined) hooks.customer = async () => ({ id: customer.id, customerReference: customer.customerReference })
  if (user === undefined) return { hooks, customer, replacement: false, ...(unadjusted !== undefined ? { unadjusted } : {}) }

  hooks.extra = {
    ExtraInformation: {
      ...order.ExtraInformation,
      AssistedSale: true,
      PlacedBy: { UserId: Number(user.id), Username: user.username },
      ...(customer !== undefined ? { CustomerId: Number(customer.id) } : {}),
      ...(originalRefNo !== undefined ? { ReplacementOf: originalRefNo } : {})
    }
  }
  if (notRequired !== undefined) {
    hooks.pay = () => ({
      status: 'COMPLETE',
      approveStatus: 'OK',
      vendorApproveStatus: 'OK',
      paymentStatus: 'NOT_REQUIRED',
      errors: null,
      paymentMethod: null,
      details: { paymentNotRequired: { originalRefNo, reason: notRequired.Reason } }
    })
  }
  hooks.placed = async (trx, placed) => {
    await trx.updateTable('orders').set({ placed_by_user_id: user.id }).where('id', '=', placed.orderId).execute()
    const rows = adjustments(placed.priced, assisted, originalRefNo).map((a) => ({ ...a, order_id: placed.orderId, user_id: user.id, created_at: now }))
    if (rows.length > 0) await trx.insertInto('order_adjustments').values(rows).execute()
  }
  return { hooks, customer, replacement: notRequired !== undefined, ...(unadjusted !== undefined ? { unadjusted } : {}) }
}

/** Every staff discount and override with its old and new value (minor units), for order_adjustments. */
function adjustments (priced: PricedCart, assisted: Assisted | undefined, originalRefNo: string | undefined) {
  const rows: Array<{ line_no: number | null, kind: string, discount_type: string | null, value: string, old_minor: bigint, new_minor: bigint, reason: string }> = []
  for (const line of priced.lines) {
    const manual = line.manualDiscount
    if (manual === null) continue
    const before = line.netMinor - (line.crossSell?.discountMinor ?? 0n)
    const given = assisted?.Items?.[line.index]?.Discount
    rows.push({ line_no: line.index + 1, kind: 'LINE_DISCOUNT', discount_type: manual.Type, value: String(given?.Value ?? manual.Value), old_minor: before, new_minor: before - manual.discountMinor, reason: manual.Reason })
  }
  if (priced.orderDiscount !== null) {
    const d = priced.orderDiscount
    rows.push({ line_no: null, kind: 'ORDER_DISCOUNT', discount_type: d.Type, value: String(assisted?.Discount?.Value ?? d.Value), old_minor: priced.grossDiscountedPrice + d.discountMinor, new_minor: priced.grossDiscountedPrice, reason: d.Reason })
  }
  if (originalRefNo !== undefined && assisted?.PaymentNotRequired !== undefined) {
    rows.push({ line_no: null, kind: 'PAYMENT_NOT_REQUIRED', discount_type: null, value: originalRefNo, old_minor: priced.grossDiscountedPrice, new_minor: 0n, reason: assisted.PaymentNotRequired.Reason })
  }
  return rows
}

/** placeAssistedOrder: placeOrder on behalf of a customer, by a merchant user. */
export async function placeAssistedOrder (deps: PlaceOrderDeps, merchant: Merchant, user: MerchantUser, order: Order, assisted: Assisted | undefined, log: Log, onPlaced?: PlaceOrderHooks['placed']): Promise<Record<string, unknown>> {
  try {
    const now = deps.clock.now()
    const plan = await planAssistedOrder(deps.db, merchant, user, order, assisted, now)
    await requireFreeOrderPrivilege(deps, merchant, user, order, plan, now)
    return await placeOrder(deps, merchant, order, log.child({ userId: String(user.id) }), withPlaced(plan.hooks, onPlaced))
  } catch (err) {
    throw mapAssistedError(err)
  }
}

/**
 * A total that staff discounts, price overrides or a customer level bring to 0 (from above 0), in
 * any mix, is a free order: like a "payment not required" replacement it needs
 * REPLACEMENT_ORDERS when a staff user places it (on placeAssistedOrder or plain placeOrder; the
 * merchant's own API session is the merchant). Checked before anything is written; priced by the
 * same code as the order itself.
 */
export async function requireFreeOrderPrivilege (deps: PlaceOrderDeps, merchant: Merchant, user: MerchantUser | undefined, order: Order, plan: AssistedPlan, now: Date): Promise<void> {
  if (user === undefined || plan.unadjusted === undefined || user.privileges.includes('REPLACEMENT_ORDERS')) return
  const adjusted = await priceOrder(deps, merchant, order, now, plan.hooks)
  if (adjusted.grossDiscountedPrice !== 0n) return
  const before = await priceOrder(deps, merchant, order, now, plan.unadjusted)
  if (before.grossDiscountedPrice > 0n) requirePrivileges(user, ['REPLACEMENT_ORDERS'])
}

/** Adds a second `placed` step (the idempotency record) after the plan's own. */
export function withPlaced (hooks: PlaceOrderHooks, onPlaced: PlaceOrderHooks['placed'] | undefined): PlaceOrderHooks {
  if (onPlaced === undefined) return hooks
  const first = hooks.placed
  return {
    ...hooks,
    placed: async (trx, placed) => {
      await first?.(trx, placed)
      await onPlaced(trx, placed)
    }
  }
}

/**
 * quote: prices the Order exactly as placeOrder would (the same `priceOrder`, the same hooks) and
 * checks stock, without writing anything. The money fields are the ones placeOrder answers.
 */
export async function quoteOrder (deps: Pick<PlaceOrderDeps, 'db' | 'clock'>, merchant: Merchant, user: MerchantUser | undefined, order: Order, assisted: Assisted | undefined): Promise<Record<string, unknown>> {
  try {
    const now = deps.clock.now()
    const plan = await planAssistedOrder(deps.db, merchant, user, order, assisted, now)
    const priced = await priceOrder(deps, merchant, order, now, plan.hooks)
    const stock = await checkInventory(deps.db, merchant.id, priced.lines)
    if (stock.length > 0) throw businessError(stock)
    return toWireQuote(priced, plan.replacement)
  } catch (err) {
    throw mapAssistedError(err)
  }
}

function toWireQuote (priced: PricedCart, replacement: boolean): Record<string, unknown> {
  const currency = priced.currency
  const money = (minor: bigint) => fromMinor(minor, currency)
  return {
    Currency: currency.toLowerCase(),
    NetPrice: money(priced.netPrice),
    GrossPrice: money(priced.grossPrice),
    NetDiscountedPrice: money(priced.netDiscountedPrice),
    GrossDiscountedPrice: money(priced.grossDiscountedPrice),
    Discount: money(priced.discount),
    VAT: money(priced.vat),
    ShippingPrice: money(priced.shipping?.netMinor ?? 0n),
    OrderDiscount: priced.orderDiscount === null ? null : { Type: priced.orderDiscount.Type, Amount: money(priced.orderDiscount.discountMinor), Reason: priced.orderDiscount.Reason },
    AmountDue: replacement ? 0 : money(priced.grossDiscountedPrice),
    Items: priced.lines.map((line) => ({
      Code: line.code,
      Name: line.name,
      Quantity: line.quantity,
      PriceOptions: line.priceOptions.map((o) => o.optionCode),
      Price: {
        Currency: currency.toLowerCase(),
        UnitNetPrice: money(line.unitNetMinor),
        NetPrice: money(line.netMinor),
        GrossPrice: money(line.grossMinor),
        NetDiscountedPrice: money(line.netDiscountedMinor),
        GrossDiscountedPrice: money(line.grossDiscountedMinor),
        Discount: money(line.discountMinor),
        VAT: money(line.vatMinor),
        VATPercent: basisPointsToPercent(line.vatBasisPoints),
        Type: line.priceType
      },
      ManualDiscount: line.manualDiscount === null ? null : { Type: line.manualDiscount.Type, Amount: money(line.manualDiscount.discountMinor), Reason: line.manualDiscount.Reason },
      Promotions: line.promotions.map((p) => p.code)
    })),
    Promotions: priced.promotions.map((p) => ({ Code: p.code, Name: p.name, Discount: money(p.discountMinor) }))
  }
}
