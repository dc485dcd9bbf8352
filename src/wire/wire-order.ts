import type { WirePaymentTerms } from './payment-terms.js'
import { basisPointsToPercent, fromMinor } from '../catalog/money.js'
import type { PricedCart } from '../catalog/pricing.js'
import type { StaffRef, StoredOrder } from '../orders/order-store.js'
import { formatWireDate } from './wire-date.js'
import type {
  WireAdjustment, WireBillingDetails, WireCancellation, WireDeliveryDetails, WireExtraInformation, WireFraudReview, WireOrder, WireOrderItem, WirePaymentDetails, WirePODetails, WireQuote
} from './order-output.js'

export type { WireOrder } from './order-output.js'

const lowerCode = <T extends { CountryCode: string }>(details: T): T => ({ ...details, CountryCode: details.CountryCode.toLowerCase() })

// The JSON parts of a stored order hold what placeOrder stored from the validated Order and the
// payment outcome, typed against these same wire types where they are built (place-order.ts
// storedRecord, PaymentOutcome.paymentMethod); the lifecycle only replaces them with updated
// copies (PODetails.Status, FraudReview closed). Read back from jsonb they are typed here.
type Item = StoredOrder['items'][number]
const itemDetails = (item: Item) => item.details as Partial<Pick<WireOrderItem, 'PriceOptions' | 'CrossSell' | 'Trial' | 'AdditionalFields' | 'SubscriptionStartDate' | 'SubscriptionCustomSettings' | 'Promotions' | 'CustomItem'>> & { PriceType?: WireOrderItem['Price']['Type'] }
/** orders.extra: the Order's fields kept aside and what the order gathered (fraud review, PO details). */
export type WireOrderExtra = {
  Source?: string
  Affiliate?: WireOrder['Affiliate']
  LocalTime?: string
  WSOrder?: string
  BillingCycleReset?: boolean
  ExtraInformation?: WireExtraInformation
  FraudReview?: WireFraudReview
  PODetails?: WirePODetails
  Cancellation?: WireCancellation
  PaymentTerms?: WirePaymentTerms
}

const staffUser = (user: StaffRef) => ({ UserId: Number(user.id), Username: user.username })

/**
 * The stored order in 2Checkout's Order shape (SPEC §4): the result of placeOrder and getOrder.
 * Money is a decimal number with the currency's precision; codes are lower-case; dates UTC.
 */
export function toWireOrder (order: StoredOrder): WireOrder {
  const money = (minor: bigint) => fromMinor(minor, order.currency)
  const currency = order.currency.toLowerCase()
  const extra = order.extra as WireOrderExtra
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
    Items: order.items.map((item): WireOrderItem => {
      const details = itemDetails(item)
      const netDiscounted = item.netPriceMinor - item.discountMinor
      return {
        Code: item.productCode,
        Name: item.productName,
        Quantity: item.quantity,
        SKU: item.sku,
        PriceOptions: details.PriceOptions ?? [],
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
          Type: details.PriceType ?? 'LIST'
        },
        CrossSell: details.CrossSell ?? null,
        Trial: details.Trial ?? null,
        AdditionalFields: details.AdditionalFields ?? [],
        SubscriptionStartDate: details.SubscriptionStartDate ?? null,
        SubscriptionCustomSettings: details.SubscriptionCustomSettings ?? null,
        Promotions: details.Promotions ?? [],
        ...(details.CustomItem !== undefined ? { CustomItem: details.CustomItem } : {})
      }
    }),
    BillingDetails: lowerCode(order.billingDetails as WireBillingDetails),
    DeliveryDetails: order.deliveryDetails === null ? null : lowerCode(order.deliveryDetails as WireDeliveryDetails),
    DeliveryInformation: order.deliveryInformation as WireOrder['DeliveryInformation'],
    PaymentDetails: { ...order.paymentDetails as WirePaymentDetails, Currency: currency },
    Promotions: order.promotions as string[],
    AdditionalFields: order.additionalFields as WireOrder['AdditionalFields'],
    GiftDetails: order.giftDetails as WireOrder['GiftDetails'],
    FraudReview: extra.FraudReview ?? null,
    PODetails: extra.PODetails ?? null,
    Errors: order.errors as WireOrder['Errors'],
    ...(order.staffAdjustments.length > 0
      ? {
          Adjustments: order.staffAdjustments.map((a): WireAdjustment => ({
            Kind: a.kind,
            LineNo: a.lineNo,
            DiscountType: a.discountType as WireAdjustment['DiscountType'],
            Value: a.value,
            OldAmount: money(a.oldMinor),
            NewAmount: money(a.newMinor),
            Reason: a.reason,
            ReasonCode: a.reasonCode,
            User: staffUser(a.user),
            ApprovedBy: a.approvedBy === null ? null : staffUser(a.approvedBy)
          }))
        }
      : {}),
    ...(extra.Cancellation !== undefined ? { Cancellation: extra.Cancellation } : {}),
    ...(extra.PaymentTerms !== undefined ? { PaymentTerms: extra.PaymentTerms } : {}),
    ...(order.attachments.length > 0
      ? {
          Attachments: order.attachments.map((f) => ({
            AttachmentId: Number(f.id), FileName: f.fileName, Size: f.sizeBytes, Sha256: f.sha256, AddedAt: formatWireDate(f.addedAt), AddedBy: staffUser(f.addedBy)
          }))
        }
      : {})
  }
}

/** quote's answer: the Order's money fields as placeOrder would answer them, and what is due. */
export function toWireQuote ({ priced, amountDueMinor }: { priced: PricedCart, amountDueMinor: bigint }): WireQuote {
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
      Promotions: line.promotions.map((p) => p.code),
      ...(line.custom !== undefined ? { CustomItem: { TaxClass: line.custom.taxExempt ? 'EXEMPT' as const : 'STANDARD' as const } } : {})
    })),
    Promotions: priced.promotions.map((p) => ({ Code: p.code, Name: p.name, Discount: money(p.discountMinor) }))
  }
}
