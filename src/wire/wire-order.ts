import { basisPointsToPercent, fromMinor } from '../catalog/money.js'
import type { PricedCart } from '../catalog/pricing.js'
import type { StoredOrder } from '../orders/order-store.js'
import { formatWireDate } from './wire-date.js'

const lowerCodes = (details: Record<string, unknown> | null): Record<string, unknown> | null =>
  details === null ? null : { ...details, ...(typeof details.CountryCode === 'string' ? { CountryCode: details.CountryCode.toLowerCase() } : {}) }

/** An Order in 2Checkout's shape, as placeOrder and getOrder answer it. */
export type WireOrder = Record<string, unknown>

/**
 * The stored order in 2Checkout's Order shape (SPEC §4): the result of placeOrder and getOrder.
 * Money is a decimal number with the currency's precision; codes are lower-case; dates UTC.
 */
export function toWireOrder (order: StoredOrder): WireOrder {
  const money = (minor: bigint) => fromMinor(minor, order.currency)
  const currency = order.currency.toLowerCase()
  const extra = order.extra
  return {
    RefNo: String(order.refNo),
    OrderNo: Number(order.orderNo),
    ExternalReference: order.externalReference,
    MerchantCode: order.merchantCode,
    CustomerReference: order.customerReference === null ? null : Number(order.customerReference),
    Status: order.status,
    ApproveStatus: order.approveStatus,
    VendorApproveStatus: order.vendorApproveStatus,
    OrderDate: formatWireDate(order.orderDate),
    FinishDate: order.finishDate === null ? null : formatWireDate(order.finishDate),
    Currency: currency,
    Language: order.language,
    Country: order.country?.toLowerCase() ?? null,
    Source: extra.Source ?? null,
    Affiliate: extra.Affiliate ?? null,
    LocalTime: extra.LocalTime ?? null,
    WSOrder: extra.WSOrder ?? null,
    BillingCycleReset: extra.BillingCycleReset ?? null,
    ExtraInformation: extra.ExtraInformation ?? null,
    NetPrice: money(order.netPriceMinor),
    GrossPrice: money(order.grossPriceMinor),
    NetDiscountedPrice: money(order.netDiscountedPriceMinor),
    GrossDiscountedPrice: money(order.grossDiscountedPriceMinor),
    Discount: money(order.discountMinor),
    VAT: money(order.vatMinor),
    ShippingPrice: money(order.shippingMinor),
    Items: order.items.map((item) => {
      const netDiscounted = item.netPriceMinor - item.discountMinor
      return {
        Code: item.productCode,
        Name: item.productName,
        Quantity: item.quantity,
        SKU: item.sku,
        PriceOptions: item.details.PriceOptions ?? [],
        Price: {
          Currency: currency,
          UnitNetPrice: money(item.unitNetPriceMinor),
          NetPrice: money(item.netPriceMinor),
          GrossPrice: money(item.grossPriceMinor),
          NetDiscountedPrice: money(netDiscounted),
          GrossDiscountedPrice: money(netDiscounted + item.vatMinor),
          Discount: money(item.discountMinor),
          VAT: money(item.vatMinor),
          VATPercent: basisPointsToPercent(item.vatPercentBp),
          Type: item.details.PriceType ?? 'LIST'
        },
        CrossSell: item.details.CrossSell ?? null,
        Trial: item.details.Trial ?? null,
        AdditionalFields: item.details.AdditionalFields ?? [],
        SubscriptionStartDate: item.details.SubscriptionStartDate ?? null,
        SubscriptionCustomSettings: item.details.SubscriptionCustomSettings ?? null,
        Promotions: item.details.Promotions ?? []
      }
    }),
    BillingDetails: lowerCodes(order.billingDetails),
    DeliveryDetails: lowerCodes(order.deliveryDetails),
    DeliveryInformation: order.deliveryInformation,
    PaymentDetails: { ...order.paymentDetails, Currency: currency },
    Promotions: order.promotions,
    AdditionalFields: order.additionalFields,
    GiftDetails: order.giftDetails,
    FraudReview: extra.FraudReview ?? null,
    PODetails: extra.PODetails ?? null,
    Errors: order.errors
  }
}

/** quote's answer: the Order's money fields as placeOrder would answer them, and what is due. */
export function toWireQuote ({ priced, amountDueMinor }: { priced: PricedCart, amountDueMinor: bigint }): Record<string, unknown> {
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
    AmountDue: money(amountDueMinor),
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
