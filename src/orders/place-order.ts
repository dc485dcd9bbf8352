import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import { requirePrivileges, type MerchantUser } from '../auth/privileges.js'
import type { CatalogCache } from '../catalog/catalog-cache.js'
import { incrementPromotionUses, loadCatalogForCart } from '../catalog/catalog-store.js'
import { keepsStock, reserveInventory } from '../catalog/inventory.js'
import { basisPointsToPercent, formatMinor, fromMinor, tryToMinor } from '../catalog/money.js'
import { priceCart, type Cart, type CartLine, type PricedCart } from '../catalog/pricing.js'
import type { Clock } from '../clock.js'
import { applyLevelPrices } from '../customers/customer-levels.js'
import { createOrderCustomer, readOrderContext, type NewCustomer, type OrderCustomer } from '../customers/customer-store.js'
import type { Database } from '../db/schema.js'
import { AppError, businessError, type FieldError } from '../errors.js'
import type { Log } from '../logger.js'
import { KEEP_CARD } from '../payments/payment-pages.js'
import { PAYMENT_STRATEGIES } from '../payments/payment-strategies.js'
import { toWirePaymentTerms, type PaymentTerms } from '../payments/payment-terms.js'
import type { PaymentOutcome, PaymentStrategy } from '../payments/payment-strategy.js'
import type { PaymentGateway } from '../payments/sandbox-processor.js'
import type { Order } from '../wire/order-schema.js'
import type { WireBillingDetails, WireDeliveryDetails, WireOrder, WireOrderItem } from '../wire/order-output.js'
import { mapAssistedError, type AssistedRequest } from './assisted-order.js'
import { holdForCustomerReview, openedReview } from './customer-review.js'
import { claimDraft, settleDraft, type DraftClaim } from './draft-claim.js'
import { exceededLimits, fullDiscountFields, givenDiscounts, type ApprovalContext, type AuthorityLimit, type DiscountGiver, type ExceededLimit, type GiverAuthority } from './discount-authority.js'
import { idempotent, type PlacedOrder } from './idempotency.js'
import { sessionActor } from './order-actor.js'
import { placementEvents } from './order-events.js'
import { orderAdjustments, planOrder, type OrderPlan, type PricingPlan, type StaffPlan } from './order-plan.js'
import { insertOrder, type StoredOrder, type StoredOrderItem } from './order-store.js'
import type { WireOrderExtra } from '../wire/wire-order.js'

export type { PlacedOrder } from './idempotency.js'

/** `idempotencyKey`: the key of the idempotency fingerprints (src/derived-keys.ts), not a client's key. */
export type PlaceOrderDeps = { db: Kysely<Database>, clock: Clock, gateway: PaymentGateway, publicUrl: string, catalogCache?: CatalogCache, idempotencyKey: Buffer }

/** One order to place, as the RPC methods receive it (validated). */
export type PlaceOrderInput = {
  merchant: Merchant
  order: Order
  /** a client's key: a retry with it answers the first answer, never a second order (SPEC §5) */
  idempotencyKey?: string | undefined
  /**
   * completeDraft (issue 19): the draft this order completes, at the version the caller saw. The
   * order is placed in a transaction that locks the draft first, gives its stock holds back to be
   * reserved for the order, and marks it COMPLETED with the order; a declined payment stores
   * nothing (DRAFT_PAYMENT_DECLINED) and leaves the draft OPEN. Paid on a payment link's page,
   * the link is checked PENDING under its lock and marked PAID with the order, in the same
   * transaction.
   */
  draft?: DraftClaim | undefined
} & (
  /** placeOrder: the merchant's API session (no user), or a merchant user's session */
  | { user?: MerchantUser | undefined, assisted?: undefined }
  /**
   * placeAssistedOrder: a merchant user places it on a customer's behalf, with what they add;
   * `givers`: a draft's staff discounts are their givers' (completeDraft), the rest the user's
   */
  | { user: MerchantUser, assisted: AssistedRequest, approval?: ApprovalContext | undefined, givers?: ReadonlyMap<string, DiscountGiver> | undefined }
)

/** Builds the pricing cart from a validated Order and its pricing plan; amounts that do not fit the currency are field errors. */
function toCart (order: Order, now: Date, plan: PricingPlan): { cart: Cart, errors: FieldError[] } {
  const errors: FieldError[] = []
  const minor = (amount: number, path: string, code: string): bigint | undefined => {
    const parsed = tryToMinor(amount, order.Currency)
    if (parsed.ok) return parsed.value
    errors.push({ path, error_code: code, message: parsed.message })
    return undefined
  }
  const lines = order.Items.map((item, index): CartLine => {
    const custom = item.Price === undefined ? undefined : minor(item.Price.Amount, `Items.${index}.Price.Amount`, 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID')
    const trialPrice = item.Trial === undefined ? undefined : minor(item.Trial.Price ?? 0, `Items.${index}.Trial.Price`, 'ORDER_TRIAL_INVALID')
    const manualDiscount = plan.lineDiscounts.get(index)
    return {
      code: item.Code,
      quantity: item.Quantity,
      priceOptions: item.PriceOptions,
      ...(custom !== undefined ? { customAmountMinor: custom } : {}),
      ...(item.CrossSell !== undefined ? { crossSell: { parentCode: item.CrossSell.ParentCode, campaignCode: item.CrossSell.CampaignCode } } : {}),
      ...(item.Trial !== undefined && trialPrice !== undefined ? { trial: { periodDays: item.Trial.Period, priceMinor: trialPrice } } : {}),
      ...(manualDiscount !== undefined ? { manualDiscount } : {})
    }
  })
  // Custom lines after the Order's own, at cart index Order.Items.length + i.
  for (const [i, line] of (plan.customLines ?? []).entries()) {
    lines.push({
      code: line.code,
      quantity: line.quantity,
      customAmountMinor: line.unitMinor,
      custom: { name: line.name, taxExempt: line.taxExempt, path: `CustomItems.${i}` },
      ...(line.manualDiscount !== undefined ? { manualDiscount: line.manualDiscount } : {})
    })
  }
  const shippingMethodCode = order.DeliveryInformation?.ShippingMethod?.Code
  return {
    errors,
    cart: {
      currency: order.Currency,
      billingCountry: order.BillingDetails.CountryCode,
      taxExempt: order.BillingDetails.TaxExemptionId !== undefined,
      lines,
      promotionCodes: order.Promotions,
      ...(shippingMethodCode !== undefined ? { shippingMethodCode } : {}),
      now,
      ...(plan.orderDiscount !== undefined ? { orderDiscount: plan.orderDiscount } : {}),
      ...(plan.allowUnpublished ? { allowUnpublished: true } : {})
    }
  }
}

function toStoredItems (priced: PricedCart, order: Order): StoredOrderItem[] {
  return priced.lines.map((line) => {
    const item = order.Items[line.index]
    return {
      lineNo: line.index + 1,
      productCode: line.code,
      productName: line.name,
      sku: item?.SKU ?? null,
      quantity: line.quantity,
      unitNetPriceMinor: line.unitNetMinor,
      netPriceMinor: line.netMinor,
      discountMinor: line.discountMinor,
      vatMinor: line.vatMinor,
      grossPriceMinor: line.grossMinor,
      vatPercentBp: line.vatBasisPoints,
      details: {
        PriceType: line.priceType,
        PriceOptions: line.priceOptions.map((option) => option.optionCode),
        CrossSell: item?.CrossSell ?? null,
        Trial: item?.Trial ?? null,
        AdditionalFields: item?.AdditionalFields ?? [],
        SubscriptionStartDate: item?.SubscriptionStartDate ?? null,
        SubscriptionCustomSettings: item?.SubscriptionCustomSettings ?? null,
        Promotions: line.promotions.map((p) => p.code),
        // A custom (non-catalog) line: its tax class, as staff gave it.
        ...(line.custom !== undefined ? { CustomItem: { TaxClass: line.custom.taxExempt ? 'EXEMPT' : 'STANDARD' } } : {})
      } satisfies Partial<WireOrderItem> & { PriceType: WireOrderItem['Price']['Type'], CustomItem?: { TaxClass: 'STANDARD' | 'EXEMPT' } }
    }
  })
}

/**
 * Prices the Order as placeOrder will (quote uses this very function): the cart from the Order
 * and its pricing plan (level prices, staff discounts), the catalog it needs, `priceCart`, and
 * the delivery rule. Reads only; refusals are thrown.
 */
export async function priceOrder (deps: Pick<PlaceOrderDeps, 'db' | 'catalogCache'>, merchant: Merchant, order: Order, now: Date, plan: PricingPlan, catalogVersion?: bigint): Promise<PricedCart> {
  const { cart, errors } = toCart(order, now, plan)
  if (errors.length > 0) throw businessError(errors)

  const request = {
    productCodes: order.Items.map((item) => item.Code),
    promotionCodes: order.Promotions,
    ...(cart.shippingMethodCode !== undefined ? { shippingMethodCode: cart.shippingMethodCode } : {}),
    currency: order.Currency,
    billingCountry: order.BillingDetails.CountryCode
  }
  const catalog = deps.catalogCache !== undefined
    ? await deps.catalogCache.load(deps.db, merchant.id, request, catalogVersion)
    : await loadCatalogForCart(deps.db, merchant.id, request)
  const pricing = priceCart(applyLevelPrices(catalog, plan.level), { ...cart, promotionUses: catalog.promotionUses })
  if (!pricing.ok) throw businessError(pricing.errors)
  const priced = pricing.cart

  if (priced.lines.some((line) => line.isPhysical) && order.DeliveryDetails === undefined) {
    throw businessError([{ path: 'DeliveryDetails', error_code: 'ORDER_DELIVERY_DETAILS_REQUIRED', message: 'DeliveryDetails (at least FirstName, LastName, CountryCode) are required when the order has a physical product' }])
  }
  return priced
}

/**
 * placeOrder (SPEC §4, §5): one use case for the merchant's API orders, a merchant user's
 * placeOrder and the assisted sale (placeAssistedOrder). Plans the order (`planOrder`: the
 * customer, their level, staff discounts, a replacement), prices it from this merchant's catalog
 * in minor units, runs the payment strategy of PaymentDetails.Type (or none, for a replacement
 * whose payment is not required) and stores order, lines, payment, history and what the plan
 * adds atomically. Answers the stored order. A refusal stores nothing; a declined payment is
 * stored (PENDING, Errors.PAYMENT_ERROR) as 2Checkout does. With `idempotencyKey`, a retry
 * answers the first answer (src/orders/idempotency.ts).
 *
 * Most orders (a card or another payment that needs no database work, no coupon, no stock) are
 * stored by ONE statement after one read: no transaction round trips. The rest run in a
 * transaction (coupon uses, stock reservations and database-backed payments stay atomic with
 * the order). Both paths store the same rows through `insertOrder`, which writes the plan's
 * parts (who placed it, the adjustments, the idempotency key) in the order's own statement.
 */
export async function placeOrder (deps: PlaceOrderDeps, input: PlaceOrderInput, log: Log): Promise<PlacedOrder> {
  const key = input.idempotencyKey
  if (key === undefined) return { kind: 'order', order: await place(deps, input, log, undefined) }
  // The parsed Order (and Assisted), not the raw params: the fingerprint sees only known fields.
  const request = input.assisted === undefined
    ? { method: 'placeOrder', params: { Order: input.order } }
    : { method: 'placeAssistedOrder', params: { Order: input.order, Assisted: input.assisted } }
  return await idempotent(deps, { merchantId: input.merchant.id, key, ...request }, async (claimed) => await place(deps, input, log, claimed))
}

async function place (deps: PlaceOrderDeps, input: PlaceOrderInput, log: Log, idempotencyKey: string | undefined): Promise<StoredOrder> {
  try {
    const { merchant, order, user } = input
    const now = deps.clock.now()
    // Staff pricing and what the sale adds only on placeAssistedOrder; a user's plain placeOrder
    // is priced as the merchant's own (the customer's level and B2B apply to both).
    const plan = await planOrder(deps.db, merchant, input.assisted === undefined ? undefined : input.user, order, input.assisted, {
      now,
      ...(input.assisted !== undefined && input.approval !== undefined ? { approval: input.approval } : {}),
      ...(input.assisted !== undefined && input.givers !== undefined ? { givers: input.givers } : {})
    })
    const billing = order.BillingDetails
    // The shopper as the order names them, created with the order when new.
    const shopper: NewCustomer = {
      customerReference: order.CustomerReference === undefined ? null : BigInt(order.CustomerReference),
      firstName: billing.FirstName,
      lastName: billing.LastName,
      email: billing.Email,
      company: billing.Company ?? null
    }
    const planned: OrderCustomer | undefined = plan.customer === undefined ? undefined : { id: plan.customer.id, customerReference: plan.customer.customerReference, fraudReview: plan.customer.fraudReview }
    const context = await readOrderContext(deps.db, merchant.id, planned === undefined ? shopper : undefined)
    const priced = await priceOrder(deps, merchant, order, now, plan.pricing, context.catalogVersion)
    const approved = plan.staff === undefined ? new Map<string, ApprovalContext>() : requireDiscountAuthority(input.user, priced, plan.staff.authority)
    await requireFreeOrderPrivilege(deps, merchant, user, order, plan, priced, now, context.catalogVersion)
    const type = order.PaymentDetails.Type
    // The registry is keyed by type, so this strategy's details are the ones of `type`.
    const strategy = PAYMENT_STRATEGIES[type] as unknown as PaymentStrategy
    const gatewayDeps = { clock: deps.clock, gateway: deps.gateway, publicUrl: deps.publicUrl }
    const request = { merchant, order, details: order.PaymentDetails, priced, amountMinor: priced.grossDiscountedPrice, currency: order.Currency, paymentTerms: plan.staff?.paymentTerms }
    const notRequired = plan.staff?.paymentNotRequired
    const staffPlan = plan.staff
    // As the order reads back (order_adjustments joined to the users): the answer and a replay agree.
    const staffAdjustments = staffPlan === undefined ? [] : orderAdjustments(priced, staffPlan, approved)
    const staff = staffPlan === undefined ? {} : { placedByUserId: staffPlan.userId, adjustments: staffAdjustments }

    // An assisted sale keeps the card only with the customer's consent (issue 19 item 5), whatever
    // else asks for it (RecurringEnabled): not now, and not after a 3-D Secure page (keepCard).
    const keepCard = plan.staff === undefined || plan.staff.cardConsent === true
    const consent = plan.staff?.cardConsent

    const store = async (db: Kysely<Database>, customer: OrderCustomer | NewCustomer, paid: PaymentOutcome): Promise<StoredOrder | undefined> => {
      const { outcome, nextStatus } = await holdForCustomerReview(db, 'id' in customer ? customer : { fraudReview: false }, paid)
      const cardConsent = consent !== undefined && outcome.card !== undefined ? { given: consent, card: outcome.card } : undefined
      // A purchase order's terms (its own or the merchant's), else an offline payment's assisted terms.
      const paymentTerms = outcome.paymentTerms ?? plan.staff?.paymentTerms
      const record = { ...storedRecord(merchant, order, priced, outcome, now, customer.customerReference, plan.staff, paymentTerms), staffAdjustments, attachments: [] }
      const ids = await insertOrder(db, {
        ...record,
        merchantId: merchant.id,
        customer: 'id' in customer ? { id: customer.id } : { create: customer },
        events: placementEvents({ at: now, placedBy: sessionActor(merchant, user), status: outcome.status, paymentType: type, paymentStatus: outcome.paymentStatus, declineReason: outcome.declineReason, fraudReason: outcome.fraud?.reason, cardConsent }),
        payment: {
          type,
          status: outcome.paymentStatus,
          amountMinor: request.amountMinor,
          currency: order.Currency,
          card: outcome.card,
          processorReference: outcome.processorReference,
          declineReason: outcome.declineReason,
          details: keepCard || outcome.card === undefined ? outcome.details : { ...outcome.details, [KEEP_CARD]: false }
        },
        storedCard: keepCard ? outcome.storedCard : undefined,
        ...(paymentTerms !== undefined ? { paymentDueAt: paymentTerms.dueAt } : {}),
        fraudReview: openedReview(outcome, nextStatus),
        ...staff,
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {})
      })
      return ids === undefined ? undefined : { ...record, id: ids.id, refNo: ids.refNo, orderNo: ids.orderNo, notificationsQueued: ids.notificationsQueued }
    }

    let stored: StoredOrder
    const draft = input.draft
    if (draft === undefined && strategy.database === 'none' && priced.promotions.length === 0 && !keepsStock(priced.lines)) {
      // One statement, no transaction: the customer (created with the order when new), the order,
      // its lines, payment, history, kept card and the plan's rows. The payment touches no database.
      const paid = notRequired !== undefined ? paymentNotRequired(notRequired) : await strategy.pay(gatewayDeps, request)
      let customer: OrderCustomer | undefined = planned ?? context.customer
      for (let attempt = 1; ; attempt++) {
        const result = await store(deps.db, customer ?? shopper, paid)
        if (result !== undefined) { stored = result; break }
        // A racing first order of the same shopper created the customer: use it, store again.
        if (attempt === 3) throw new Error('the order\'s new customer exists but cannot be read')
        customer = (await readOrderContext(deps.db, merchant.id, shopper)).customer
      }
    } else {
      stored = await deps.db.transaction().execute(async (trx) => {
        // A draft first: racing completions of one draft take turns here, the second finds it COMPLETED.
        if (draft !== undefined) await claimDraft(trx, merchant.id, draft, now)
        // Coupon uses are counted only when the order is placed, atomically against max_uses, and
        // before the payment runs, so a used-up coupon refuses the order without charging it.
        const used = await incrementPromotionUses(trx, merchant.id, priced.promotions.map((p) => p.code))
        if (used.exhausted.length > 0) {
          throw businessError(used.exhausted.map((code) => ({
            path: `Promotions.${order.Promotions.findIndex((c) => c.toUpperCase() === code.toUpperCase())}`,
            error_code: 'PROMOTION_CODE_INVALID',
            message: `promotion ${code} has no uses left`
          })))
        }
        // Stock is reserved before the payment runs: an order that cannot be filled is never charged.
        const reservation = await reserveInventory(trx, merchant.id, priced.lines)
        const customer = planned ?? context.customer ?? await createOrderCustomer(trx, merchant.id, shopper)
        const paid = notRequired !== undefined
          ? paymentNotRequired(notRequired)
          : strategy.database === 'none'
            ? await strategy.pay(gatewayDeps, request)
            : await strategy.pay({ ...gatewayDeps, trx, customerId: customer.id }, request)
        if (draft !== undefined && paid.paymentStatus === 'DECLINED') {
          // Nothing stored: the draft stays OPEN with its holds (the rollback restores them).
          throw new AppError('DRAFT_PAYMENT_DECLINED', { fields: [{ path: 'PaymentDetails', error_code: 'DRAFT_PAYMENT_DECLINED', message: `the payment was declined${paid.declineReason !== null && paid.declineReason !== undefined ? ` (${paid.declineReason})` : ''}: the draft stays open` }] })
        }
        const result = await store(trx, customer, paid)
        if (result === undefined) throw new Error('an order of a known customer was not stored')
        await reservation.settle(result.id, paid.paymentStatus === 'DECLINED')
        if (draft !== undefined) {
          if (user === undefined) throw new Error('a draft is completed by a merchant user')
          await settleDraft(trx, draft, result.id, user.id, now)
        }
        return result
      })
    }
    const placedLog = input.assisted === undefined ? log : log.child({ userId: String(input.user.id) })
    placedLog.info({ refNo: String(stored.refNo), status: stored.status, paymentType: type, amountMinor: String(request.amountMinor), currency: order.Currency }, 'order placed')
    return stored
  } catch (err) {
    throw mapAssistedError(err)
  }
}

/**
 * An assisted sale's staff discounts within the authority of who gave each (the user, or on a
 * draft's order the discount's giver: `authority.givers`): a 100 % discount (a line or the order
 * for nothing) needs REPLACEMENT_ORDERS, of its giver and of the user placing the order; one above the giver's role's limits needs a supervisor's
 * approval (given with the discount, or the call's, from another user than the giver), else
 * DISCOUNT_LIMIT_EXCEEDED names the limit and the field. Answers the approval of each field
 * (…Discount.Value) an approval covered.
 */
export function requireDiscountAuthority (user: MerchantUser | undefined, priced: PricedCart, authority: StaffPlan['authority']): Map<string, ApprovalContext> {
  const approved = new Map<string, ApprovalContext>()
  if (user === undefined) return approved
  const own: GiverAuthority = { user, ...(authority.limit !== undefined ? { limit: authority.limit } : {}), ...(authority.approval !== undefined ? { approval: authority.approval } : {}) }
  const given = givenDiscounts(priced).map((g) => ({ g, giver: authority.givers?.get(g.path) ?? own }))
  // A line or order given away is a replacement: the user who places it needs the privilege as
  // well as the one who gave it (an agent completing a supervisor's 100 % draft places a free line).
  const allFull = fullDiscountFields(given.map((d) => d.g))
  if (allFull.length > 0) requirePrivileges(user, ['REPLACEMENT_ORDERS'], allFull)
  for (const giver of new Set(given.map((d) => d.giver))) {
    const full = fullDiscountFields(given.filter((d) => d.giver === giver).map((d) => d.g))
    if (full.length > 0) requirePrivileges(giver.user, ['REPLACEMENT_ORDERS'], full)
  }
  const exceeded: Array<ExceededLimit & { role: string }> = []
  for (const { g, giver } of given) {
    if (giver.limit === undefined) continue
    const limit: AuthorityLimit = giver.limit
    const approval = giver.approval ?? (authority.approval !== undefined && authority.approval.approverId !== giver.user.id ? authority.approval : undefined)
    for (const e of exceededLimits([g], limit)) {
      if (approval !== undefined) approved.set(e.path, approval)
      else exceeded.push({ ...e, role: limit.role })
    }
  }
  if (exceeded.length === 0) return approved
  const figure = (e: ExceededLimit) => (e.unit === 'bp' ? `${basisPointsToPercent(Number(e.max))} %` : `${formatMinor(e.max, priced.currency)} ${priced.currency}`)
  const first = exceeded[0] as ExceededLimit & { role: string }
  throw new AppError('DISCOUNT_LIMIT_EXCEEDED', {
    message: `A staff discount exceeds the ${first.role} limit ${first.limit} (${figure(first)}) at ${first.path}: a supervisor's approval (Assisted.Approval) is needed`,
    fields: exceeded.map((e) => ({ path: e.path, error_code: 'DISCOUNT_LIMIT_EXCEEDED', message: `above the ${e.role} limit ${e.limit} of ${figure(e)}` })),
    data: {
      role: first.role,
      limits: exceeded.map((e) => ({ field: e.path, limit: e.limit, max: e.unit === 'bp' ? basisPointsToPercent(Number(e.max)) : fromMinor(e.max, priced.currency) }))
    }
  })
}

/**
 * A total that staff discounts, price overrides or a customer level bring to 0 (from above 0), in
 * any mix, is a free order: like a "payment not required" replacement it needs
 * REPLACEMENT_ORDERS when a staff user places it (on placeAssistedOrder or plain placeOrder; the
 * merchant's own API session is the merchant). Checked before anything is written; priced by the
 * same code as the order itself.
 */
async function requireFreeOrderPrivilege (deps: PlaceOrderDeps, merchant: Merchant, user: MerchantUser | undefined, order: Order, plan: OrderPlan, priced: PricedCart, now: Date, catalogVersion: bigint | undefined): Promise<void> {
  if (user === undefined || plan.unadjustedPricing === undefined || user.privileges.includes('REPLACEMENT_ORDERS')) return
  if (priced.grossDiscountedPrice !== 0n) return
  const before = await priceOrder(deps, merchant, order, now, plan.unadjustedPricing, catalogVersion)
  if (before.grossDiscountedPrice > 0n) requirePrivileges(user, ['REPLACEMENT_ORDERS'])
}

/** A replacement order whose payment is not required: COMPLETE, no charge, linked to the original. */
function paymentNotRequired (notRequired: NonNullable<StaffPlan['paymentNotRequired']>): PaymentOutcome {
  return {
    status: 'COMPLETE',
    approveStatus: 'OK',
    vendorApproveStatus: 'OK',
    paymentStatus: 'NOT_REQUIRED',
    errors: null,
    paymentMethod: null,
    details: { paymentNotRequired: { originalRefNo: notRequired.originalRefNo, reason: notRequired.reason } }
  }
}

/** The order's row data (everything but ids) from the priced cart, the payment outcome and the plan's staff part. */
function storedRecord (merchant: Merchant, order: Order, priced: PricedCart, outcome: PaymentOutcome, now: Date, customerReference: bigint | null, staff: StaffPlan | undefined, paymentTerms: PaymentTerms | undefined): Omit<StoredOrder, 'id' | 'refNo' | 'orderNo' | 'staffAdjustments' | 'attachments'> {
  const billing = order.BillingDetails
  const type = order.PaymentDetails.Type
  const shippingCode = priced.shipping?.methodCode
  return {
    merchantCode: merchant.code,
    customerReference,
    externalReference: order.ExternalReference ?? null,
    status: outcome.status,
    approveStatus: outcome.approveStatus,
    vendorApproveStatus: outcome.vendorApproveStatus,
    fraudStatus: outcome.fraud?.status ?? null,
    paymentType: type,
    currency: order.Currency,
    language: order.Language ?? 'en',
    country: order.Country ?? billing.CountryCode,
    netPriceMinor: priced.netPrice,
    grossPriceMinor: priced.grossPrice,
    netDiscountedPriceMinor: priced.netDiscountedPrice,
    grossDiscountedPriceMinor: priced.grossDiscountedPrice,
    discountMinor: priced.discount,
    vatMinor: priced.vat,
    shippingMinor: priced.shipping?.netMinor ?? 0n,
    // What the Order answers (src/wire/order-output.ts), before its codes are lower-cased.
    billingDetails: { ...billing } satisfies WireBillingDetails,
    deliveryDetails: order.DeliveryDetails === undefined ? null : { ...order.DeliveryDetails } satisfies WireDeliveryDetails,
    deliveryInformation: shippingCode === undefined ? null : { ShippingMethod: { Code: shippingCode } },
    paymentDetails: {
      Type: type,
      Currency: order.Currency,
      CustomerIP: order.PaymentDetails.CustomerIP ?? null,
      PaymentMethod: outcome.paymentMethod
    },
    promotions: priced.promotions.map((p) => p.code),
    additionalFields: order.AdditionalFields,
    giftDetails: order.GiftDetails === undefined ? null : { ...order.GiftDetails } satisfies NonNullable<WireOrder['GiftDetails']>,
    errors: outcome.errors,
    extra: {
      ...(order.Source !== undefined ? { Source: order.Source } : {}),
      ...(order.Affiliate !== undefined ? { Affiliate: order.Affiliate } : {}),
      ...(order.LocalTime !== undefined ? { LocalTime: order.LocalTime } : {}),
      ...(order.WSOrder !== undefined ? { WSOrder: order.WSOrder } : {}),
      ...(order.BillingCycleReset !== undefined ? { BillingCycleReset: order.BillingCycleReset } : {}),
      ...(order.ExtraInformation !== undefined ? { ExtraInformation: order.ExtraInformation } : {}),
      ...(outcome.fraud !== undefined ? { FraudReview: { Status: outcome.fraud.status, Reason: outcome.fraud.reason } } : {}),
      ...outcome.extra,
      ...(staff !== undefined ? { ExtraInformation: staff.extraInformation } : {}),
      ...(paymentTerms !== undefined ? { PaymentTerms: toWirePaymentTerms(paymentTerms) } : {})
    } satisfies WireOrderExtra,
    orderDate: now,
    finishDate: outcome.status === 'COMPLETE' ? now : null,
    items: toStoredItems(priced, order)
  }
}
