/**
 * What makes one order differ from a plain one, decided before anything is priced or written
 * (SPEC §4, §5; seeds 000, 001, 003), as plain data: the customer it is for and their level's
 * prices, coupons refused for a B2B customer, and for a merchant user's assisted sale the staff
 * discounts, unpublished products, a replacement whose payment is not required and who placed
 * it. Pricing reads the plan (`priceOrder`), the store writes it (`insertOrder`).
 */
import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import { findMerchantUserById } from '../auth/merchant-users.js'
import type { MerchantUser } from '../auth/privileges.js'
import { tryPercentToBasisPoints, tryToMinor } from '../catalog/money.js'
import type { ManualDiscount, PricedCart } from '../catalog/pricing.js'
import { findCustomer } from '../customers/customer-admin.js'
import { loadLevelPricing, type LevelPricing } from '../customers/customer-levels.js'
import type { Database } from '../db/schema.js'
import { AppError, businessError, type FieldError } from '../errors.js'
import { allowsPaymentTerms, resolvePaymentTerms, TERMS_PAYMENT_TYPES, type PaymentTerms } from '../payments/payment-terms.js'
import { chargesCard } from '../payments/payment-types.js'
import type { Order } from '../wire/order-schema.js'
import type { WireExtraInformation } from '../wire/order-output.js'
import type { AssistedRequest } from './assisted-order.js'
import { lineDiscountPaths, type ApprovalContext, type AuthorityLimit, type DiscountGiver, type GiverAuthority } from './discount-authority.js'
import { readDiscountReasons, readRoleLimit } from './discount-settings-store.js'
import { parseRefNo } from './order-reference.js'
import { hasOrder, type StaffRef, type StoredAdjustment } from './order-store.js'

/** How the order is priced besides its catalog: read by `priceOrder`. */
export type PricingPlan = {
  /** the customer level's prices, over the catalog's list prices */
  level?: LevelPricing
  /** unpublished products may be sold (an assisted sale, seed 001) */
  allowUnpublished: boolean
  /** staff discounts, by Order.Items index */
  lineDiscounts: ReadonlyMap<number, ManualDiscount>
  /** a staff discount on the transaction total */
  orderDiscount?: ManualDiscount
  /** Assisted.CustomItems, priced after Order.Items (cart index Order.Items.length + i) */
  customLines?: readonly CustomLine[]
}

/** A custom (non-catalog) line of an assisted sale, in minor units; coded CUSTOM-n (n from 1). */
export type CustomLine = { code: string, name: string, quantity: number, unitMinor: bigint, taxExempt: boolean, manualDiscount?: ManualDiscount }

/** A known customer the order is for (instead of the one BillingDetails name or create). */
export type PlannedCustomer = { id: bigint, customerReference: bigint | null, b2b: boolean, fraudReview: boolean }

/** What a merchant user's assisted sale adds to the stored order. */
export type StaffPlan = {
  /** orders.placed_by_user_id and order_adjustments.user_id */
  userId: bigint
  username: string
  /** the order's ExtraInformation: the Order's, with AssistedSale, PlacedBy, CustomerId, ReplacementOf */
  extraInformation: WireExtraInformation
  /** a replacement order: COMPLETE with no charge, linked to the original order */
  paymentNotRequired?: { originalRefNo: string, reason: string }
  /** the discount Values as the staff member gave them on the wire (order_adjustments.value), by Order.Items index */
  givenValues: { lines: ReadonlyMap<number, string>, order?: string }
  /** Assisted.CardConsent.Given: the card is kept for the customer only when true (undefined: not asked, not kept) */
  cardConsent?: boolean
  /** Assisted.PaymentTerms, resolved at the plan's `now`: when the order is due */
  paymentTerms?: PaymentTerms
  /**
   * what the user may give (discount-authority.ts): their role's limits, a supervisor's approval,
   * the reason code; `givers`: a draft's discounts, by Assisted path, are their givers' and held
   * to their authority (the others are the user's)
   */
  authority: { limit?: AuthorityLimit, approval?: ApprovalContext, reasonCode: string | null, givers?: ReadonlyMap<string, GiverAuthority> }
}

/** planOrder's options (a contract between helpers: /work/wt/BRIEF.md). */
export interface PlanOptions {
  /** the moment the order is planned (payment terms count from it); the current time when absent */
  now?: Date
  /** a supervisor's approval of discounts above the user's limits, verified before planning */
  approval?: ApprovalContext
  /** who gave each staff discount of a draft, by Assisted path (…Discount); a path not given is the user's */
  givers?: ReadonlyMap<string, DiscountGiver>
}

export type OrderPlan = {
  customer?: PlannedCustomer
  pricing: PricingPlan
  /**
   * The same pricing without the customer level, the staff discounts and the price overrides,
   * when any of them applies: to tell a total that they made 0 — directly, or through a level
   * staff gave the customer — from one that was 0 already (the free-order privilege check).
   */
  unadjustedPricing?: PricingPlan
  staff?: StaffPlan
}

/** The plan of an order with nothing to change: the catalog's prices, published products only. */
export const PLAIN_PRICING: PricingPlan = { allowUnpublished: false, lineDiscounts: new Map() }

type FoundCustomer = NonNullable<Awaited<ReturnType<typeof findCustomer>>>

/** Finds the customer an order is for: Assisted.CustomerId, Assisted.CustomerReference, else Order.CustomerReference (when known). */
async function resolveCustomer (db: Kysely<Database>, merchantId: bigint, order: Order, assisted: AssistedRequest | undefined): Promise<FoundCustomer | undefined> {
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

/**
 * Each discount's giver with their authority now: their role's limits in the order's currency
 * and the approval given with the discount. A giver no longer found is left out (the user's
 * authority applies to that discount).
 */
async function giverAuthorities (db: Kysely<Database>, merchantId: bigint, staff: { user: MerchantUser, limit: AuthorityLimit | undefined }, givers: ReadonlyMap<string, DiscountGiver>, currency: string): Promise<Map<string, GiverAuthority>> {
  const users = new Map<bigint, { user: MerchantUser, limit?: AuthorityLimit } | undefined>([[staff.user.id, { user: staff.user, ...(staff.limit !== undefined ? { limit: staff.limit } : {}) }]])
  const authorities = new Map<string, GiverAuthority>()
  for (const [path, giver] of givers) {
    if (!users.has(giver.userId)) {
      const user = await findMerchantUserById(db, merchantId, giver.userId)
      const limit = user?.role === null || user?.role === undefined ? undefined : await readRoleLimit(db, merchantId, user.role, currency)
      users.set(giver.userId, user === undefined ? undefined : { user, ...(limit !== undefined ? { limit } : {}) })
    }
    const found = users.get(giver.userId)
    if (found !== undefined) authorities.set(path, { ...found, ...(giver.approval !== undefined ? { approval: giver.approval } : {}) })
  }
  return authorities
}

/**
 * The plan of an order, after every look-up and refusal that needs no transaction: the customer,
 * coupons on a B2B customer, the customer level's prices, and — `staff` given, an assisted sale
 * (placeAssistedOrder, quote with Assisted) — the staff discounts and the original order of a
 * replacement. Without `staff` (a merchant API session, or a user's plain placeOrder / quote)
 * only the customer's level and B2B apply; `assisted` comes with `staff` only.
 */
export async function planOrder (db: Kysely<Database>, merchant: Merchant, staff: MerchantUser | undefined, order: Order, assisted: AssistedRequest | undefined, options: PlanOptions = {}): Promise<OrderPlan> {
  const customer = await resolveCustomer(db, merchant.id, order, assisted)
  const errors: FieldError[] = []
  // Seed 001: "coupons are only available for retail customers".
  if (customer?.b2b === true) {
    order.Promotions.forEach((code, index) => errors.push({ path: `Promotions.${index}`, error_code: 'PROMOTION_NOT_ALLOWED_FOR_B2B', message: `coupon "${code}" cannot be used: the customer is a B2B (wholesale) customer; coupons are for retail customers only` }))
  }
  const level = customer?.levelId !== null && customer?.levelId !== undefined ? await loadLevelPricing(db, customer.levelId) : undefined

  const lineDiscounts = new Map<number, ManualDiscount>()
  const givenLines = new Map<number, string>()
  ;(assisted?.Items ?? []).forEach((item, index) => {
    if (item?.Discount === undefined || item.Discount === null) return
    if (index >= order.Items.length) {
      errors.push({ path: `Assisted.Items.${index}`, error_code: 'DISCOUNT_INVALID', message: `the Order has no item ${index}` })
      return
    }
    const manual = toManual(item.Discount, order.Currency, `Assisted.Items.${index}.Discount`, errors)
    if (manual !== undefined) {
      lineDiscounts.set(index, manual)
      givenLines.set(index, String(item.Discount.Value))
    }
  })
  const orderDiscount = assisted?.Discount === undefined ? undefined : toManual(assisted.Discount, order.Currency, 'Assisted.Discount', errors)

  const customLines: CustomLine[] = []
  ;(assisted?.CustomItems ?? []).forEach((item, i) => {
    const path = `Assisted.CustomItems.${i}`
    const unit = tryToMinor(item.Price, order.Currency)
    if (!unit.ok || unit.value < 0n) {
      errors.push({ path: `${path}.Price`, error_code: 'CUSTOM_ITEM_INVALID', message: unit.ok ? 'a custom item\'s price must not be negative' : unit.message })
      return
    }
    const manual = item.Discount === undefined || item.Discount === null ? undefined : toManual(item.Discount, order.Currency, `${path}.Discount`, errors)
    if (manual !== undefined && item.Discount !== undefined && item.Discount !== null) givenLines.set(order.Items.length + i, String(item.Discount.Value))
    customLines.push({ code: `CUSTOM-${i + 1}`, name: item.Name, quantity: item.Quantity, unitMinor: unit.value, taxExempt: item.TaxClass === 'EXEMPT', ...(manual !== undefined ? { manualDiscount: manual } : {}) })
  })

  const notRequired = assisted?.PaymentNotRequired
  let originalRefNo: string | undefined
  if (notRequired !== undefined) {
    if (order.PaymentDetails.Type !== 'FREE') {
      errors.push({ path: 'PaymentDetails.Type', error_code: 'ORDER_STATUS_INVALID', message: 'a replacement order whose payment is not required is placed with PaymentDetails.Type FREE' })
    }
    const ref = parseRefNo(notRequired.OriginalRefNo)
    if (ref === undefined || !await hasOrder(db, merchant.id, ref)) {
      throw new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'Assisted.PaymentNotRequired.OriginalRefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${notRequired.OriginalRefNo} for this merchant to replace` }] })
    }
    originalRefNo = String(ref)
  }
  const consent = assisted?.CardConsent
  if (consent !== undefined && !chargesCard(order.PaymentDetails.Type)) {
    errors.push({ path: 'Assisted.CardConsent', error_code: 'CARD_CONSENT_INVALID', message: `PaymentDetails.Type ${order.PaymentDetails.Type} charges no card: there is no card to keep` })
  }
  let paymentTerms: PaymentTerms | undefined
  if (assisted?.PaymentTerms !== undefined) {
    if (!allowsPaymentTerms(order.PaymentDetails.Type)) {
      errors.push({ path: 'Assisted.PaymentTerms', error_code: 'PAYMENT_TERMS_INVALID', message: `payment terms are for orders paid later (PaymentDetails.Type ${TERMS_PAYMENT_TYPES.join(', ')}), not ${order.PaymentDetails.Type}` })
    } else {
      const resolved = resolvePaymentTerms(assisted.PaymentTerms, options.now ?? new Date(), 'Assisted.PaymentTerms')
      if (resolved.ok) paymentTerms = resolved.terms
      else errors.push(...resolved.errors)
    }
  }
  // A staff discount: on a catalog line, on the order, or on a custom line (whose price staff typed
  // in, so its discount is held to the same limits and reason codes).
  const staffDiscounted = lineDiscounts.size > 0 || orderDiscount !== undefined || customLines.some((line) => line.manualDiscount !== undefined)
  // Reason codes: when the merchant keeps a list, every assisted sale with a staff discount names one of it.
  let reasonCode: string | null = null
  if (staff !== undefined && (staffDiscounted || assisted?.ReasonCode !== undefined)) {
    const reasons = await readDiscountReasons(db, merchant.id)
    const codes = reasons.map((r) => r.code)
    const given = assisted?.ReasonCode
    if (given === undefined) {
      if (codes.length > 0) errors.push({ path: 'Assisted.ReasonCode', error_code: 'DISCOUNT_REASON_INVALID', message: `a staff discount needs a reason code, one of: ${codes.join(', ')}` })
    } else if (!codes.includes(given)) {
      errors.push({ path: 'Assisted.ReasonCode', error_code: 'DISCOUNT_REASON_INVALID', message: codes.length === 0 ? 'this merchant has no discount reason codes' : `unknown reason code "${given}": one of ${codes.join(', ')}` })
    } else reasonCode = given
  }
  if (errors.length > 0) throw businessError(errors)
  const limit = staff?.role !== null && staff?.role !== undefined && staffDiscounted
    ? await readRoleLimit(db, merchant.id, staff.role, order.Currency)
    : undefined
  const givers = staff !== undefined && staffDiscounted && options.givers !== undefined && options.givers.size > 0
    ? await giverAuthorities(db, merchant.id, { user: staff, limit }, options.givers, order.Currency)
    : undefined

  const planned = customer === undefined ? {} : { customer: { id: customer.id, customerReference: customer.customerReference, b2b: customer.b2b, fraudReview: customer.fraudReview } }
  const levelPrices = level === undefined ? {} : { level }
  // A level's rounding makes cheap products free well below 100 % (99.99 % of 50.00 rounds to
  // 50.00; 50 % of 0.01 to 0.01), so what counts is the outcome, not the level's figures.
  const adjusted = level !== undefined || staffDiscounted
  if (staff === undefined) {
    return { ...planned, pricing: { ...PLAIN_PRICING, ...levelPrices }, ...(adjusted ? { unadjustedPricing: PLAIN_PRICING } : {}) }
  }
  const custom = customLines.length === 0 ? {} : { customLines }
  const pricing: PricingPlan = { ...levelPrices, allowUnpublished: true, lineDiscounts, ...(orderDiscount !== undefined ? { orderDiscount } : {}), ...custom }
  // Custom lines are part of the order, not an adjustment: the unadjusted price has them, undiscounted.
  const undiscountedCustom = customLines.length === 0 ? {} : { customLines: customLines.map(({ manualDiscount: _, ...line }) => line) }
  return {
    ...planned,
    pricing,
    ...(adjusted ? { unadjustedPricing: { ...PLAIN_PRICING, allowUnpublished: true, ...undiscountedCustom } } : {}),
    staff: {
      userId: staff.id,
      username: staff.username,
      extraInformation: {
        ...order.ExtraInformation,
        AssistedSale: true,
        PlacedBy: { UserId: Number(staff.id), Username: staff.username },
        ...(customer !== undefined ? { CustomerId: Number(customer.id) } : {}),
        ...(originalRefNo !== undefined && notRequired !== undefined ? { ReplacementOf: originalRefNo, ReplacementReason: notRequired.Reason } : {})
      },
      ...(notRequired !== undefined && originalRefNo !== undefined ? { paymentNotRequired: { originalRefNo, reason: notRequired.Reason } } : {}),
      givenValues: { lines: givenLines, ...(assisted?.Discount !== undefined ? { order: String(assisted.Discount.Value) } : {}) },
      ...(consent !== undefined ? { cardConsent: consent.Given } : {}),
      ...(paymentTerms !== undefined ? { paymentTerms } : {}),
      authority: { ...(limit !== undefined ? { limit } : {}), ...(options.approval !== undefined ? { approval: options.approval } : {}), reasonCode, ...(givers !== undefined ? { givers } : {}) }
    }
  }
}

/**
 * Every staff discount and override of the priced order with its old and new value (minor units),
 * who gave it and who approved it, for order_adjustments; `approved`: the approval of each
 * Assisted path (…Discount.Value) a supervisor approved (requireDiscountAuthority).
 */
export function orderAdjustments (priced: PricedCart, staff: StaffPlan, approved: ReadonlyMap<string, ApprovalContext> = new Map()): StoredAdjustment[] {
  const rows: StoredAdjustment[] = []
  const reasonCode = staff.authority.reasonCode
  const placedBy: StaffRef = { id: staff.userId, username: staff.username }
  // the giver and approver of the discount at `path` (…Discount), the path exceededLimits names with .Value
  const who = (path: string) => {
    const giver = staff.authority.givers?.get(path)?.user
    const user = giver === undefined ? placedBy : { id: giver.id, username: giver.username }
    const approval = approved.get(`${path}.Value`)
    return { userId: user.id, user, approvedByUserId: approval?.approverId ?? null, approvedBy: approval === undefined ? null : { id: approval.approverId, username: approval.approverUsername } }
  }
  // a custom line's discount is at Assisted.CustomItems.n
  const pathOf = lineDiscountPaths(priced)
  for (const line of priced.lines) {
    const manual = line.manualDiscount
    if (manual === null) continue
    const before = line.netMinor - (line.crossSell?.discountMinor ?? 0n)
    rows.push({ lineNo: line.index + 1, kind: 'LINE_DISCOUNT', discountType: manual.Type, value: staff.givenValues.lines.get(line.index) ?? String(manual.Value), oldMinor: before, newMinor: before - manual.discountMinor, reason: manual.Reason, reasonCode, ...who(pathOf(line)) })
  }
  if (priced.orderDiscount !== null) {
    const d = priced.orderDiscount
    rows.push({ lineNo: null, kind: 'ORDER_DISCOUNT', discountType: d.Type, value: staff.givenValues.order ?? String(d.Value), oldMinor: priced.grossDiscountedPrice + d.discountMinor, newMinor: priced.grossDiscountedPrice, reason: d.Reason, reasonCode, ...who('Assisted.Discount') })
  }
  const notRequired = staff.paymentNotRequired
  if (notRequired !== undefined) {
    rows.push({ lineNo: null, kind: 'PAYMENT_NOT_REQUIRED', discountType: null, value: notRequired.originalRefNo, oldMinor: priced.grossDiscountedPrice, newMinor: 0n, reason: notRequired.reason, reasonCode: null, userId: placedBy.id, user: placedBy, approvedByUserId: null, approvedBy: null })
  }
  return rows
}
