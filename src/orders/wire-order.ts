import { basisPointsToPercent, fromMinor } from '../catalog/money.js'
import type { StoredOrder } from './order-store.js'

/** `YYYY-MM-DD HH:mm:ss` (UTC), 2Checkout's date format. */
export function formatWireDate (date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ')
}

const lowerCodes = (details: Record<string, unknown> | null): Record<string, unknown> | null =>
  details === null ? null : { ...details, ...(typeof details.CountryCode === 'string' ? { CountryCode: details.CountryCode.toLowerCase() } : {}) }

/**
 * The stored order in 2Checkout's Order shape (SPEC §4): the result of placeOrder and getOrder.
 * Money is a decimal number with the currency's precision; codes are lower-case; dates UTC.
 */
export function toWireOrder (order: StoredOrder): Record<string, unknown> {
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
