// The Order as ordergate sends it (placeOrder, placeAssistedOrder, getOrder, the lifecycle
// methods, cancelOrder): 2Checkout API 6.0's catalog order object ("Order with catalog products",
// the response of placeOrder and getOrder) with the fields ordergate fills. One Zod definition
// feeds both the OpenRPC document (schemas/openrpc.json) and the types of the code that builds the
// answer (src/orders/wire-order.ts, the payment strategies' masked PaymentMethod), so the
// document cannot say one thing while the code sends another.
//
// Every object is closed: the keys listed are the keys sent. Optional keys are the ones the
// shopper's Order may leave out (an address's State, a Trial's Price); `null` stands where the
// field is always sent but has no value (2Checkout's NULL).
import { PaymentTermsOutputSchema } from './payment-terms.js'
import { z } from 'zod'
import { APPROVE_STATUSES, FRAUD_STATUSES, ORDER_STATUSES, VENDOR_APPROVE_STATUSES } from '../orders/order.js'

/** `YYYY-MM-DD HH:mm:ss` in UTC (2Checkout's format; ordergate's dates are UTC). */
export const WireDateSchema = z.string().describe('YYYY-MM-DD HH:mm:ss (UTC)')
const Money = z.number().describe('a decimal amount in the order currency (its precision)')
const LowerCurrency = z.string().describe('ISO 4217 code, lower-case')
const Url = z.string().describe('absolute http(s) URL')

// ---------------------------------------------------------------------------------------------
// PaymentMethod, per PaymentDetails.Type: the masked, non-secret view (no card number, CVV, IBAN
// or token is ever sent back).

/** The 3-D Secure page the shopper must open (the order is PENDING until they finish it). */
export const Authorize3DSSchema = z.object({
  Href: Url.describe('the sandbox 3-D Secure page'),
  Method: z.literal('GET'),
  Params: z.object({ avng8apitoken: z.string().describe('single-use page token (30 minutes)') })
})

/** A card charged by number or by a wallet / client-side token (CC, TEST, ENCRYPTED_PAYMENT_DATA, EES_TOKEN_PAYMENT, APPLE_PAY, GOOGLE_PAY). */
export const CardPaymentMethodOutputSchema = z.object({
  CardType: z.string(),
  FirstDigits: z.string().describe('the first 6 digits'),
  LastDigits: z.string().describe('the last 4 digits'),
  ExpirationMonth: z.string(),
  ExpirationYear: z.string(),
  HolderName: z.string(),
  RecurringEnabled: z.boolean(),
  Vendor3DSReturnURL: Url,
  Vendor3DSCancelURL: Url,
  Authorize3DS: Authorize3DSSchema.optional().describe('present when the card asked for 3-D Secure')
})

/** A stored card as shown (EXISTING_PAYMENT_DATA, getCustomerTransientToken, getCustomer StoredCards). */
export const StoredCardOutputSchema = z.object({
  CardType: z.string(),
  FirstDigits: z.string().describe('the first 6 digits'),
  LastDigits: z.string().describe('the last 4 digits'),
  ExpirationMonth: z.string().nullable(),
  ExpirationYear: z.string().nullable(),
  HolderName: z.string()
})

/** PREVIOUS_ORDER: the earlier order charged again, with its card (or its payment type when it had no card: PayPal). */
export const PreviousOrderPaymentMethodOutputSchema = z.union([
  z.object({
    RefNo: z.string(),
    CardType: z.string(),
    FirstDigits: z.string(),
    LastDigits: z.string(),
    ExpirationMonth: z.string().nullable(),
    ExpirationYear: z.string().nullable()
  }),
  z.object({ RefNo: z.string(), PreviousPaymentType: z.string().describe('the earlier order\'s PaymentDetails.Type') })
])

const RedirectURL = Url.describe('the sandbox provider page the shopper is sent to (single-use token, 30 minutes)')

/** PayPal: the shopper's e-mail when given, and where to send them. */
export const PayPalPaymentMethodOutputSchema = z.object({
  Email: z.string().optional(),
  ReturnURL: Url,
  CancelURL: Url.nullable(),
  RecurringEnabled: z.boolean().optional(),
  RedirectURL
})

export const PayPalExpressPaymentMethodOutputSchema = z.object({
  Email: z.string(),
  ReturnURL: Url,
  CancelURL: Url,
  FundingSource: z.enum(['Standard', 'Credit']).optional(),
  RedirectURL
})

/** WE_CHAT_PAY, TRUSTLY, ALIPAY, UNIONPAY, DIRECT_EBANKING. */
export const RedirectPaymentMethodOutputSchema = z.object({
  ReturnURL: Url,
  CancelURL: Url.nullable(),
  RecurringEnabled: z.boolean().optional(),
  RedirectURL
})

export const IdealPaymentMethodOutputSchema = z.object({
  BankCode: z.string(),
  ReturnURL: Url,
  CancelURL: Url,
  RedirectURL
})

const OfflineAmount = { Amount: Money.describe('what the shopper pays'), Currency: LowerCurrency }

export const WirePaymentMethodOutputSchema = z.object({
  ...OfflineAmount,
  PaymentReference: z.string().describe('to quote with the transfer'),
  BankAccounts: z.array(z.object({
    Bank: z.string(),
    Country: z.string(),
    City: z.string(),
    Address: z.string(),
    AccountHolder: z.string(),
    AccountNumber: z.string(),
    RoutingNumber: z.string(),
    SwiftCode: z.string(),
    Iban: z.string()
  })).describe('the beneficiary accounts to pay into')
})

export const CheckPaymentMethodOutputSchema = z.object({
  ...OfflineAmount,
  PaymentReference: z.string(),
  PayableTo: z.string(),
  MailingAddress: z.string()
})

export const BoletoPaymentMethodOutputSchema = z.object({
  ...OfflineAmount,
  ReturnURL: Url,
  CancelURL: Url.nullable(),
  PaymentReference: z.string(),
  BoletoNumber: z.string().describe('the sandbox boleto\'s 47-digit line'),
  DueDate: z.string().describe('YYYY-MM-DD')
})

export const DirectDebitPaymentMethodOutputSchema = z.object({
  ...OfflineAmount,
  FirstName: z.string(),
  LastName: z.string(),
  Iban: z.string().describe('masked: country, check digits and the last 4'),
  Swift: z.string().nullable(),
  MandateReference: z.string()
})

export const DirectDebitAchPaymentMethodOutputSchema = z.object({
  ...OfflineAmount,
  AccountHolderName: z.string(),
  BankRoutingNumber: z.string(),
  AccountNumber: z.string().describe('masked: the last 4 digits'),
  AccountType: z.enum(['S', 'C']),
  MandateReference: z.string()
})

export const PurchaseOrderPaymentMethodOutputSchema = z.object({ InternalPONumber: z.string(), AutoApprove: z.boolean() })

export const StoredCreditPaymentMethodOutputSchema = z.object({
  Amount: Money.describe('taken from the store credit'),
  RemainingCredit: Money.describe('the balance left in the order currency')
})

const details = <const T extends string, M extends z.ZodType>(type: T, method: M) => z.object({
  Type: z.literal(type),
  Currency: LowerCurrency,
  CustomerIP: z.string().nullable(),
  PaymentMethod: method
})

/** PaymentDetails as sent: the canonical Type and the masked PaymentMethod of that type. */
export const PaymentDetailsOutputSchema = z.discriminatedUnion('Type', [
  details('CC', CardPaymentMethodOutputSchema),
  details('TEST', CardPaymentMethodOutputSchema),
  details('ENCRYPTED_PAYMENT_DATA', CardPaymentMethodOutputSchema),
  details('EES_TOKEN_PAYMENT', CardPaymentMethodOutputSchema),
  details('APPLE_PAY', CardPaymentMethodOutputSchema),
  details('GOOGLE_PAY', CardPaymentMethodOutputSchema),
  details('EXISTING_PAYMENT_DATA', StoredCardOutputSchema),
  details('PREVIOUS_ORDER', PreviousOrderPaymentMethodOutputSchema),
  details('PAYPAL', PayPalPaymentMethodOutputSchema),
  details('PAYPAL_EXPRESS', PayPalExpressPaymentMethodOutputSchema),
  details('DIRECT_EBANKING', RedirectPaymentMethodOutputSchema),
  details('WE_CHAT_PAY', RedirectPaymentMethodOutputSchema),
  details('TRUSTLY', RedirectPaymentMethodOutputSchema),
  details('ALIPAY', RedirectPaymentMethodOutputSchema),
  details('UNIONPAY', RedirectPaymentMethodOutputSchema),
  details('IDEAL', IdealPaymentMethodOutputSchema),
  details('WIRE', WirePaymentMethodOutputSchema),
  details('CHECK', CheckPaymentMethodOutputSchema),
  details('BOLETO', BoletoPaymentMethodOutputSchema),
  details('DIRECTDEBIT', DirectDebitPaymentMethodOutputSchema),
  details('DIRECT_DEBIT_ACH', DirectDebitAchPaymentMethodOutputSchema),
  details('PURCHASEORDER', PurchaseOrderPaymentMethodOutputSchema),
  details('STORED_CREDIT', StoredCreditPaymentMethodOutputSchema),
  details('FREE', z.null().describe('FREE, and a replacement order whose payment is not required: nothing is charged'))
])

export type WirePaymentDetails = z.output<typeof PaymentDetailsOutputSchema>
/** Any type's PaymentMethod as sent (what a payment strategy answers). */
export type WirePaymentMethod = NonNullable<WirePaymentDetails['PaymentMethod']>
/** the masked card a CC or TEST order answers */
export type WireCardPaymentMethod = z.output<typeof CardPaymentMethodOutputSchema>

// ---------------------------------------------------------------------------------------------
// The Order's other parts

export const ItemPriceOutputSchema = z.object({
  Currency: LowerCurrency,
  UnitNetPrice: Money,
  NetPrice: Money,
  GrossPrice: Money,
  NetDiscountedPrice: Money,
  GrossDiscountedPrice: Money,
  Discount: Money,
  VAT: Money,
  VATPercent: z.number(),
  Type: z.enum(['LIST', 'CUSTOM', 'TRIAL'])
})

/** The Items[].SubscriptionCustomSettings given (assisted sale), with the correct spellings. */
export const SubscriptionCustomSettingsOutputSchema = z.object({
  CycleAmountType: z.enum(['NET', 'GROSS']),
  CycleUnit: z.enum(['DAY', 'MONTH']),
  CycleAmount: z.number(),
  CycleLength: z.number().int(),
  ContractLength: z.number().int().optional(),
  MerchantDealAutoRenewal: z.boolean().optional(),
  ClientDealAutoRenewal: z.boolean().optional()
})

/** ordergate's: a custom (non-catalog) line's tax class (Assisted.CustomItems[i].TaxClass); absent on catalog lines. */
export const CustomItemOutputSchema = z.object({
  TaxClass: z.enum(['STANDARD', 'EXEMPT']).describe('STANDARD: the order\'s VAT rate; EXEMPT: no VAT on this line')
}).describe('a custom line (Assisted.CustomItems), coded CUSTOM-N')

export const OrderItemOutputSchema = z.object({
  Code: z.string().describe('the product code'),
  Name: z.string(),
  Quantity: z.number().int(),
  SKU: z.string().nullable(),
  PriceOptions: z.array(z.string()).describe('the price option codes applied'),
  Price: ItemPriceOutputSchema,
  CrossSell: z.object({ ParentCode: z.string(), CampaignCode: z.string() }).nullable(),
  Trial: z.object({ Period: z.number().int(), Price: z.number().optional() }).nullable(),
  AdditionalFields: z.array(z.object({ Code: z.string(), Value: z.string() })),
  SubscriptionStartDate: z.string().nullable().describe('YYYY-MM-DD HH:mm:ss'),
  SubscriptionCustomSettings: SubscriptionCustomSettingsOutputSchema.nullable(),
  Promotions: z.array(z.string()).describe('the promotion codes applied to this line'),
  CustomItem: CustomItemOutputSchema.optional()
})

export const BillingDetailsOutputSchema = z.object({
  FirstName: z.string(),
  LastName: z.string(),
  CountryCode: z.string().describe('ISO 3166 code, lower-case'),
  State: z.string().optional(),
  City: z.string(),
  Address1: z.string(),
  Address2: z.string().optional(),
  Zip: z.string(),
  Email: z.string(),
  Phone: z.string().optional(),
  Company: z.string().optional(),
  FiscalCode: z.string().optional(),
  TaxExemptionId: z.string().optional()
})

export const DeliveryDetailsOutputSchema = z.object({
  FirstName: z.string(),
  LastName: z.string(),
  CountryCode: z.string().describe('ISO 3166 code, lower-case'),
  State: z.string().optional(),
  City: z.string().optional(),
  Address1: z.string().optional(),
  Address2: z.string().optional(),
  Zip: z.string().optional(),
  Email: z.string().optional(),
  Phone: z.string().optional(),
  Company: z.string().optional()
})

const StaffUser = z.object({ UserId: z.number().int(), Username: z.string() }).describe('the merchant user (staff)')

/** ExtraInformation: as the Order gave it, and what an assisted sale adds. */
export const ExtraInformationOutputSchema = z.object({
  AssistedSale: z.boolean().optional(),
  PlacedBy: StaffUser.optional().describe('placeAssistedOrder: who placed it'),
  CustomerId: z.number().int().optional().describe('placeAssistedOrder: the customer it was placed for'),
  ReplacementOf: z.string().optional().describe('a replacement order: the RefNo it replaces'),
  ReplacementReason: z.string().optional().describe('a replacement order: why (Assisted.PaymentNotRequired.Reason)')
})

/** One staff discount or price override on the order (SPEC §5: recorded with the staff user, the old and the new value); getOrderHistory's names. */
export const AdjustmentOutputSchema = z.object({
  Kind: z.enum(['LINE_DISCOUNT', 'ORDER_DISCOUNT', 'PAYMENT_NOT_REQUIRED']),
  LineNo: z.number().int().nullable().describe('the Items line (1-based) of a LINE_DISCOUNT; null for the order'),
  DiscountType: z.enum(['AMOUNT', 'PERCENT', 'UNIT_PRICE']).nullable().describe('the Discount.Type given; null for PAYMENT_NOT_REQUIRED'),
  Value: z.string().describe('the Discount.Value as given; the replaced order\'s RefNo for PAYMENT_NOT_REQUIRED'),
  OldAmount: Money.describe('before the adjustment: the line\'s net price, or the order\'s total'),
  NewAmount: Money.describe('after it'),
  Reason: z.string(),
  ReasonCode: z.string().nullable().describe('the merchant\'s reason code it was given with (Assisted.ReasonCode)'),
  User: StaffUser.describe('who gave it'),
  ApprovedBy: StaffUser.nullable().describe('the supervisor who approved it above the user\'s limit; null when no approval was needed')
}).describe('Adjustment')

/** A canceled order's record: who canceled it, when and why, whichever way it was canceled. */
export const CancellationOutputSchema = z.object({
  By: StaffUser.nullable().describe('the staff user who canceled it; null when no staff user did (Source)'),
  Source: z.enum(['STAFF', 'MERCHANT_API', 'SHOPPER', 'SYSTEM']).describe('STAFF: a user\'s session (cancelOrder, cancelPurchaseOrder, a rejected fraud review); MERCHANT_API: the merchant\'s API session (cancelPurchaseOrder); SHOPPER: on the 3-D Secure or payment provider\'s page; SYSTEM: ordergate (a purchase order past its terms, a payment page not completed in time)'),
  At: WireDateSchema,
  Reason: z.string().describe('the reason given (cancelOrder\'s Reason, cancelPurchaseOrder\'s, a rejected review\'s Note), else why ordergate canceled it')
}).describe('Cancellation')

/** An order attachment's metadata, with who attached it. */
export const AttachmentOutputSchema = z.object({
  AttachmentId: z.number().int(),
  FileName: z.string(),
  Size: z.number().int().describe('bytes'),
  Sha256: z.string().describe('hex SHA-256 of the content'),
  AddedAt: WireDateSchema,
  AddedBy: StaffUser.describe('who attached it')
}).describe('OrderAttachmentSummary')

export const FraudReviewOutputSchema = z.object({
  Status: z.enum(FRAUD_STATUSES),
  Reason: z.string(),
  ClosedBy: StaffUser.optional(),
  ClosedAt: WireDateSchema.optional(),
  Note: z.string().optional()
})

export const PO_STATUSES = ['AWAITING_UPLOAD', 'APPROVED', 'CANCELED', 'PAID', 'EXPIRED'] as const

export const PODetailsOutputSchema = z.object({
  Status: z.enum(PO_STATUSES),
  InternalPONumber: z.string(),
  AutoApprove: z.boolean(),
  PaymentTermDays: z.number().int(),
  DueDate: WireDateSchema
})

/** The Order as placeOrder, placeAssistedOrder and getOrder answer it (and the methods that change one). */
export const OrderOutputSchema = z.object({
  RefNo: z.string().describe('2Checkout\'s order reference'),
  OrderNo: z.number().int().describe('the consecutive order number; 0 until the order is COMPLETE'),
  ExternalReference: z.string().nullable(),
  MerchantCode: z.string(),
  CustomerReference: z.number().int().nullable(),
  Status: z.enum(ORDER_STATUSES),
  ApproveStatus: z.enum(APPROVE_STATUSES),
  VendorApproveStatus: z.enum(VENDOR_APPROVE_STATUSES),
  OrderDate: WireDateSchema,
  FinishDate: WireDateSchema.nullable().describe('set when the order is COMPLETE'),
  Currency: LowerCurrency,
  Language: z.string(),
  Country: z.string().nullable().describe('ISO 3166 code, lower-case'),
  Source: z.string().nullable(),
  Affiliate: z.object({ AffiliateCode: z.string(), AffiliateSource: z.string().optional() }).nullable(),
  LocalTime: z.string().nullable(),
  WSOrder: z.string().nullable(),
  BillingCycleReset: z.boolean().nullable(),
  ExtraInformation: ExtraInformationOutputSchema.nullable(),
  NetPrice: Money,
  GrossPrice: Money,
  NetDiscountedPrice: Money,
  GrossDiscountedPrice: Money.describe('what the shopper pays'),
  Discount: Money,
  VAT: Money,
  ShippingPrice: Money,
  Items: z.array(OrderItemOutputSchema),
  BillingDetails: BillingDetailsOutputSchema,
  DeliveryDetails: DeliveryDetailsOutputSchema.nullable(),
  DeliveryInformation: z.object({ ShippingMethod: z.object({ Code: z.string() }) }).nullable(),
  PaymentDetails: PaymentDetailsOutputSchema,
  Promotions: z.array(z.string()).describe('the promotion codes applied to the order'),
  AdditionalFields: z.array(z.object({ Code: z.string(), Text: z.string().optional(), Value: z.string() })).nullable(),
  GiftDetails: z.object({ FirstName: z.string().optional(), LastName: z.string().optional(), Email: z.string().optional(), GiftNote: z.string().optional() }).nullable(),
  FraudReview: FraudReviewOutputSchema.nullable().describe('null: never held for fraud review'),
  PODetails: PODetailsOutputSchema.nullable().describe('PURCHASEORDER only'),
  Errors: z.object({ PAYMENT_ERROR: z.string() }).nullable().describe('null on success; PAYMENT_ERROR: why the payment was declined'),
  Adjustments: z.array(AdjustmentOutputSchema).optional().describe('an assisted sale\'s staff discounts, price overrides and payment-not-required, oldest first; absent when there are none'),
  Cancellation: CancellationOutputSchema.optional().describe('a canceled order, however it was canceled: who, when, why (orders canceled before this field existed have none)'),
  Attachments: z.array(AttachmentOutputSchema).optional().describe('the order\'s PDF attachments (without content: getOrderAttachment); absent when there are none'),
  PaymentTerms: PaymentTermsOutputSchema.optional().describe('an order paid later (PURCHASEORDER; WIRE or CHECK with Assisted.PaymentTerms): NET Days or FIXED_DATE, and the DueDate; absent otherwise')
}).describe('Order')

/** An Order in 2Checkout's shape, as placeOrder and getOrder answer it. */
export type WireOrder = z.output<typeof OrderOutputSchema>
export type WireOrderItem = z.output<typeof OrderItemOutputSchema>
export type WireBillingDetails = z.output<typeof BillingDetailsOutputSchema>
export type WireDeliveryDetails = z.output<typeof DeliveryDetailsOutputSchema>
export type WireExtraInformation = z.output<typeof ExtraInformationOutputSchema>
export type WireFraudReview = z.output<typeof FraudReviewOutputSchema>
export type WirePODetails = z.output<typeof PODetailsOutputSchema>
export type WireStoredCard = z.output<typeof StoredCardOutputSchema>
export type WireAdjustment = z.output<typeof AdjustmentOutputSchema>
export type WireCancellation = z.output<typeof CancellationOutputSchema>

// ---------------------------------------------------------------------------------------------
// quote: the Order's money fields as placeOrder would answer them

const StaffDiscount = z.object({ Type: z.enum(['AMOUNT', 'PERCENT', 'UNIT_PRICE']), Amount: Money.describe('the discount it gives'), Reason: z.string() })

export const QuoteOutputSchema = z.object({
  Currency: LowerCurrency,
  NetPrice: Money,
  GrossPrice: Money,
  NetDiscountedPrice: Money,
  GrossDiscountedPrice: Money,
  Discount: Money,
  VAT: Money,
  ShippingPrice: Money,
  OrderDiscount: StaffDiscount.nullable().describe('Assisted.Discount: the staff discount on the transaction total'),
  AmountDue: Money.describe('what placeOrder would charge'),
  Items: z.array(z.object({
    Code: z.string(),
    Name: z.string(),
    Quantity: z.number().int(),
    PriceOptions: z.array(z.string()),
    Price: ItemPriceOutputSchema,
    ManualDiscount: StaffDiscount.nullable().describe('Assisted.Items[i].Discount: the staff discount on this line'),
    Promotions: z.array(z.string()),
    CustomItem: CustomItemOutputSchema.optional()
  })),
  Promotions: z.array(z.object({ Code: z.string(), Name: z.string(), Discount: Money }))
}).describe('Quote')

export type WireQuote = z.output<typeof QuoteOutputSchema>
