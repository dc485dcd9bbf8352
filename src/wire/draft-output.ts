// A draft order on the wire (issue 19 item 1): createDraft, updateDraft, getDraft, searchDrafts
// and abandonDraft answer it. Its Order is the placeOrder Order as the draft keeps it (normalised,
// without PaymentDetails); its Price is what quote answers for it now.
import { z } from 'zod'
import type { DraftView } from '../orders/drafts.js'
import { DRAFT_STATUSES } from '../orders/order.js'
import { BillingDetailsOutputSchema, DeliveryDetailsOutputSchema, QuoteOutputSchema, SubscriptionCustomSettingsOutputSchema, WireDateSchema } from './order-output.js'
import { formatWireDate } from './wire-date.js'
import { toWireQuote } from './wire-order.js'

const DraftItemSchema = z.object({
  Code: z.string(),
  Quantity: z.number().int(),
  PriceOptions: z.array(z.string()),
  SKU: z.string().optional(),
  Price: z.object({ Type: z.literal('CUSTOM'), Amount: z.number() }).optional(),
  CrossSell: z.object({ ParentCode: z.string(), CampaignCode: z.string() }).optional(),
  Trial: z.object({ Period: z.number().int(), Price: z.number().optional() }).optional(),
  AdditionalFields: z.array(z.object({ Code: z.string(), Value: z.string() })),
  SubscriptionStartDate: z.string().optional(),
  SubscriptionCustomSettings: SubscriptionCustomSettingsOutputSchema.optional()
})

/** The draft's Order: placeOrder's Order without PaymentDetails, as validated (codes upper-case, Currency set). */
export const DraftOrderOutputSchema = z.object({
  Currency: z.string().describe('ISO 4217 code, upper-case'),
  Country: z.string().optional(),
  Language: z.string().optional(),
  ExternalReference: z.string().optional(),
  Source: z.string().optional(),
  CustomerReference: z.number().int().optional(),
  Affiliate: z.object({ AffiliateCode: z.string(), AffiliateSource: z.string().optional() }).optional(),
  Items: z.array(DraftItemSchema),
  BillingDetails: BillingDetailsOutputSchema,
  DeliveryDetails: DeliveryDetailsOutputSchema.optional(),
  DeliveryInformation: z.object({ ShippingMethod: z.object({ Code: z.string() }).optional() }).optional(),
  Promotions: z.array(z.string()),
  AdditionalFields: z.array(z.object({ Code: z.string(), Text: z.string().optional(), Value: z.string() })),
  LocalTime: z.string().optional(),
  GiftDetails: z.object({ FirstName: z.string().optional(), LastName: z.string().optional(), Email: z.string().optional(), GiftNote: z.string().optional() }).optional(),
  BillingCycleReset: z.boolean().optional(),
  WSOrder: z.string().optional(),
  ExtraInformation: z.object({ AssistedSale: z.boolean().optional() }).optional()
}).describe('DraftOrder')

const Discount = z.object({ Type: z.string(), Value: z.union([z.number(), z.string()]), Reason: z.string() })

export const DraftAssistedOutputSchema = z.object({
  CustomerId: z.number().int().optional(),
  CustomerReference: z.number().int().optional(),
  Items: z.array(z.object({ Discount: Discount.nullable().optional() }).nullable()).optional(),
  CustomItems: z.array(z.object({
    Name: z.string(),
    Price: z.union([z.number(), z.string()]).describe('the unit net price as given'),
    Quantity: z.number().int(),
    TaxClass: z.enum(['STANDARD', 'EXEMPT']),
    Discount: Discount.nullable().optional()
  })).optional().describe('the custom (non-catalog) lines, placed after Order.Items as CUSTOM-1, CUSTOM-2, …'),
  Discount: Discount.optional()
}).describe('what staff added: the customer, line and order discounts, custom lines')

const StaffUser = z.object({ UserId: z.number().int(), Username: z.string() })

export const DraftOutputSchema = z.object({
  DraftId: z.number().int(),
  Version: z.number().int().min(1).describe('give it to updateDraft, abandonDraft and completeDraft: a change since is refused (DRAFT_VERSION_CONFLICT)'),
  Status: z.enum(DRAFT_STATUSES),
  Order: DraftOrderOutputSchema,
  Assisted: DraftAssistedOutputSchema,
  Price: QuoteOutputSchema.nullable().describe('the draft priced now exactly as placeOrder would price it (quote\'s answer); null when it is not OPEN or cannot be priced now (PriceErrors)'),
  PriceErrors: z.array(z.object({ path: z.string(), error_code: z.string(), message: z.string() })).describe('why an OPEN draft cannot be priced now (the catalog changed under it): update it'),
  CustomerId: z.number().int().nullable(),
  RefNo: z.string().nullable().describe('the order a COMPLETED draft became'),
  CreatedBy: StaffUser,
  UpdatedBy: StaffUser,
  CreatedAt: WireDateSchema,
  UpdatedAt: WireDateSchema,
  ExpiresAt: WireDateSchema,
  ClosedAt: WireDateSchema.nullable()
}).describe('Draft')

export type WireDraft = z.output<typeof DraftOutputSchema>

export function toWireDraft (view: DraftView): WireDraft {
  const { draft } = view
  return {
    DraftId: Number(draft.id),
    Version: draft.version,
    Status: draft.status,
    // the stored content is the validated Order and Assisted part (drafts.ts toContent)
    Order: draft.content.Order as WireDraft['Order'],
    Assisted: draft.content.Assisted as WireDraft['Assisted'],
    Price: view.price === null ? null : toWireQuote(view.price),
    PriceErrors: view.priceErrors,
    CustomerId: draft.customerId === null ? null : Number(draft.customerId),
    RefNo: draft.refNo === null ? null : String(draft.refNo),
    CreatedBy: { UserId: Number(draft.createdBy.id), Username: draft.createdBy.username },
    UpdatedBy: { UserId: Number(draft.updatedBy.id), Username: draft.updatedBy.username },
    CreatedAt: formatWireDate(draft.createdAt),
    UpdatedAt: formatWireDate(draft.updatedAt),
    ExpiresAt: formatWireDate(draft.expiresAt),
    ClosedAt: draft.closedAt === null ? null : formatWireDate(draft.closedAt)
  }
}
