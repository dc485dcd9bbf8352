import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { CatalogCache } from '../catalog/catalog-cache.js'
import { incrementPromotionUses, loadCatalogForCart } from '../catalog/catalog-store.js'
import { keepsStock, reserveInventory } from '../catalog/inventory.js'
import { tryToMinor } from '../catalog/money.js'
import { priceCart, type Cart, type CartLine, type PricedCart } from '../catalog/pricing.js'
import type { Clock } from '../clock.js'
import { createOrderCustomer, readOrderContext, type NewCustomer, type OrderCustomer } from '../customers/customer-store.js'
import type { Database } from '../db/schema.js'
import { businessError, type FieldError } from '../errors.js'
import type { Log } from '../logger.js'
import { PAYMENT_STRATEGIES } from '../payments/payment-strategies.js'
import type { PaymentOutcome, PaymentStrategy } from '../payments/payment-strategy.js'
import type { PaymentGateway } from '../payments/sandbox-processor.js'
import type { Order } from './order-schema.js'
import { holdForCustomerReview, openedReview, type PlaceOrderHooks } from './place-order-hooks.js'
import { placementEvents } from './order-events.js'
import { insertOrder, type StoredOrder, type StoredOrderItem } from './order-store.js'
import { toWireOrder } from './wire-order.js'

export type PlaceOrderDeps = { db: Kysely<Database>, clock: Clock, gateway: PaymentGateway, publicUrl: string, catalogCache?: CatalogCache }

/** Builds the pricing cart from a validated Order; amounts that do not fit the currency are field errors. */
function toCart (order: Order, now: Date): { cart: Cart, errors: FieldError[] } {
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
    return {
      code: item.Code,
      quantity: item.Quantity,
      priceOptions: item.PriceOptions,
      ...(custom !== undefined ? { customAmountMinor: custom } : {}),
      ...(item.CrossSell !== undefined ? { crossSell: { parentCode: item.CrossSell.ParentCode, campaignCode: item.CrossSell.CampaignCode } } : {}),
      ...(item.Trial !== undefined && trialPrice !== undefined ? { trial: { periodDays: item.Trial.Period, priceMinor: trialPrice } } : {})
    }
  })
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
      now
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
        Promotions: line.promotions.map((p) => p.code)
      }
    }
  })
}

/**
 * Prices the Order as placeOrder will (quote uses this very function): the cart from the Order,
 * the catalog it needs, `priceCart`, and the delivery rule. Reads only; refusals are thrown.
 */
export async function priceOrder (deps: Pick<PlaceOrderDeps, 'db' | 'catalogCache'>, merchant: Merchant, order: Order, now: Date, hooks: PlaceOrderHooks = {}, catalogVersion?: bigint): Promise<PricedCart> {
  const { cart, errors } = toCart(order, now)
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
  const pricing = priceCart(hooks.catalog?.(catalog) ?? catalog, { ...(hooks.cart?.(cart) ?? cart), promotionUses: catalog.promotionUses })
  if (!pricing.ok) throw businessError(pricing.errors)
  const priced = pricing.cart

  if (priced.lines.some((line) => line.isPhysical) && order.DeliveryDetails === undefined) {
    throw businessError([{ path: 'DeliveryDetails', error_code: 'ORDER_DELIVERY_DETAILS_REQUIRED', message: 'DeliveryDetails (at least FirstName, LastName, CountryCode) are required when the order has a physical product' }])
  }
  return priced
}

/**
 * placeOrder (SPEC §4): price the Order from this merchant's catalog in minor units, resolve the
 * customer, run the payment strategy of PaymentDetails.Type and store order, lines and payment
 * atomically. Returns the stored Order in 2Checkout's shape. A refusal stores nothing; a declined
 * payment is stored (PENDING, Errors.PAYMENT_ERROR) as 2Checkout does. `hooks` are the assisted
 * sale's (customer level, staff discounts, payment not required).
 *
 * Most orders (a card or another payment that needs no database work, no coupon, no stock) are
 * stored by ONE statement after one read: no transaction round trips. The rest run in a
 * transaction (coupon uses, stock reservations and database-backed payments stay atomic with
 * the order). Both paths store the same rows through `insertOrder`.
 */
export async function placeOrder (deps: PlaceOrderDeps, merchant: Merchant, order: Order, log: Log, hooks: PlaceOrderHooks = {}): Promise<Record<string, unknown>> {
  const now = deps.clock.now()
  const billing = order.BillingDetails
  // The shopper as the order names them, created with the order when new.
  const shopper: NewCustomer = {
    customerReference: order.CustomerReference === undefined ? null : BigInt(order.CustomerReference),
    firstName: billing.FirstName,
    lastName: billing.LastName,
    email: billing.Email,
    company: billing.Company ?? null
  }
  const context = await readOrderContext(deps.db, merchant.id, hooks.customer === undefined ? shopper : undefined)
  const priced = await priceOrder(deps, merchant, order, now, hooks, context.catalogVersion)
  const type = order.PaymentDetails.Type
  // The registry is keyed by type, so this strategy's details are the ones of `type`.
  const strategy = PAYMENT_STRATEGIES[type] as unknown as PaymentStrategy
  const gatewayDeps = { clock: deps.clock, gateway: deps.gateway, publicUrl: deps.publicUrl }
  const request = { merchant, order, details: order.PaymentDetails, priced, amountMinor: priced.grossDiscountedPrice, currency: order.Currency }

  const store = async (db: Kysely<Database>, customer: OrderCustomer | NewCustomer, paid: PaymentOutcome) => {
    const { outcome, nextStatus } = await holdForCustomerReview(db, 'id' in customer ? customer : { fraudReview: false }, paid)
    const record = storedRecord(merchant, order, priced, outcome, now, customer.customerReference, hooks)
    const ids = await insertOrder(db, {
      ...record,
      merchantId: merchant.id,
      customer: 'id' in customer ? { id: customer.id } : { create: customer },
      events: placementEvents({ at: now, actor: `merchant:${merchant.code}`, status: outcome.status, paymentType: type, paymentStatus: outcome.paymentStatus, declineReason: outcome.declineReason, fraudReason: outcome.fraud?.reason }),
      payment: {
        type,
        status: outcome.paymentStatus,
        amountMinor: request.amountMinor,
        currency: order.Currency,
        card: outcome.card,
        processorReference: outcome.processorReference,
        declineReason: outcome.declineReason,
        details: outcome.details
      },
      storedCard: outcome.storedCard,
      fraudReview: openedReview(outcome, nextStatus)
    })
    return ids === undefined ? undefined : { stored: { ...record, ...ids }, outcome }
  }

  let placed: { stored: StoredOrder, outcome: PaymentOutcome }
  if (strategy.database === 'none' && !hasHooks(hooks) && priced.promotions.length === 0 && !keepsStock(priced.lines)) {
    // One statement, no transaction: the customer (created with the order when new), the order,
    // its lines, payment, history and kept card. The payment itself touches no database.
    const paid = await strategy.pay(gatewayDeps, request)
    let customer: OrderCustomer | undefined = context.customer
    for (let attempt = 1; ; attempt++) {
      const result = await store(deps.db, customer ?? shopper, paid)
      if (result !== undefined) { placed = result; break }
      // A racing first order of the same shopper created the customer: use it, store again.
      if (attempt === 3) throw new Error('the order\'s new customer exists but cannot be read')
      customer = (await readOrderContext(deps.db, merchant.id, shopper)).customer
    }
  } else {
    placed = await deps.db.transaction().execute(async (trx) => {
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
      const customer = await (hooks.customer?.(trx) ?? context.customer ?? createOrderCustomer(trx, merchant.id, shopper))
      const paid = hooks.pay?.(priced) ?? (strategy.database === 'none'
        ? await strategy.pay(gatewayDeps, request)
        : await strategy.pay({ ...gatewayDeps, trx, customerId: customer.id }, request))
      const result = await store(trx, customer, paid)
      if (result === undefined) throw new Error('an order of a known customer was not stored')
      await reservation.settle(result.stored.id, result.outcome.paymentStatus === 'DECLINED')
      await hooks.placed?.(trx, { orderId: result.stored.id, priced })
      return result
    })
  }
  const { stored } = placed
  log.info({ refNo: String(stored.refNo), status: stored.status, paymentType: type, amountMinor: String(request.amountMinor), currency: order.Currency }, 'order placed')
  return toWireOrder(stored)
}

const hasHooks = (hooks: PlaceOrderHooks): boolean => Object.values(hooks).some((hook) => hook !== undefined)

/** The order's row data (everything but ids) from the priced cart and the payment outcome. */
function storedRecord (merchant: Merchant, order: Order, priced: PricedCart, outcome: PaymentOutcome, now: Date, customerReference: bigint | null, hooks: PlaceOrderHooks): Omit<StoredOrder, 'id' | 'refNo' | 'orderNo'> {
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
    billingDetails: { ...billing },
    deliveryDetails: order.DeliveryDetails === undefined ? null : { ...order.DeliveryDetails },
    deliveryInformation: shippingCode === undefined ? null : { ShippingMethod: { Code: shippingCode } },
    paymentDetails: {
      Type: type,
      Currency: order.Currency,
      CustomerIP: order.PaymentDetails.CustomerIP ?? null,
      PaymentMethod: outcome.paymentMethod
    },
    promotions: priced.promotions.map((p) => p.code),
    additionalFields: order.AdditionalFields,
    giftDetails: order.GiftDetails === undefined ? null : { ...order.GiftDetails },
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
      ...hooks.extra
    },
    orderDate: now,
    finishDate: outcome.status === 'COMPLETE' ? now : null,
    items: toStoredItems(priced, order)
  }
}
