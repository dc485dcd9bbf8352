/**
 * Assisted sale (SPEC §5; seeds 000, 001, 003): a merchant user places an order on behalf of a
 * customer. The Order is the placeOrder Order; what staff add travels beside it in `Assisted`:
 * the customer (CustomerId or CustomerReference), typed and explained discounts per line and
 * on the transaction total, "payment not required" for a replacement order, the customer's
 * consent to keep the card, an idempotency key.
 * `planOrder` (order-plan.ts) turns it into the order's plan, which placeOrder's own pricing reads.
 */
import { z } from 'zod'
import { AppError, type FieldError } from '../errors.js'
import { PaymentTermsInputSchema } from '../wire/payment-terms.js'
import { RefNoSchema } from './order-reference.js'

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

/** Custom lines are coded CUSTOM-1, CUSTOM-2, … in their order; at most this many per order. */
export const MAX_CUSTOM_ITEMS = 100

export const CustomItemSchema = z.object({
  Name: z.string().trim().min(1).max(255).describe('what the line is called on the order'),
  Price: decimal.describe('the unit net price in the order currency (at least 0)'),
  Quantity: z.number().int().min(1).max(100_000).default(1),
  TaxClass: z.enum(['STANDARD', 'EXEMPT']).default('STANDARD').describe('STANDARD: the order\'s VAT rate; EXEMPT: no VAT on this line'),
  Discount: LineDiscountSchema.nullable().optional().describe('a staff discount on this line, as Assisted.Items[i].Discount')
})

export const AssistedSchema = z.object({
  CustomerId: z.number().int().positive().optional().describe('the customer (searchCustomers / createCustomer) the order is for'),
  CustomerReference: z.number().int().nonnegative().optional().describe('or the customer by 2Checkout CustomerReference (AV_CUSTOMERID)'),
  Items: z.array(z.object({ Discount: LineDiscountSchema.nullable().optional() }).nullable()).max(1000).optional()
    .describe('per Order.Items index: a staff discount on that line'),
  CustomItems: z.array(CustomItemSchema).max(MAX_CUSTOM_ITEMS).optional()
    .describe('custom (non-catalog) lines after Order.Items, coded CUSTOM-1, CUSTOM-2, … (privilege CUSTOM_LINE_ITEMS); priced like catalog lines: VAT by TaxClass, staff discount, coupons that name no products'),
  Discount: OrderDiscountSchema.optional().describe('a discount on the transaction total, after tax and shipping'),
  PaymentNotRequired: z.object({
    OriginalRefNo: RefNoSchema,
    Reason: z.string().min(1).max(255)
  }).optional().describe('a replacement order: COMPLETE with no charge, linked to the original order (privilege REPLACEMENT_ORDERS; PaymentDetails.Type FREE)'),
  CardConsent: z.object({
    Given: z.boolean().describe('true: the customer agreed to keep the card for later orders; false: they did not')
  }).optional().describe('whether the customer agreed to keep the card they pay with (card payments only): only with Given true is it kept (getCustomerTransientToken); recorded in the order history (CARD_CONSENT_RECORDED) with the agent and the card\'s brand and last 4 digits. Absent: not asked, not kept'),
  PaymentTerms: PaymentTermsInputSchema.optional().describe('B2B payment terms for an order paid later (PaymentDetails.Type PURCHASEORDER, WIRE or CHECK): NET Days after the order, or a FIXED_DATE; the Order answers PaymentTerms with its DueDate. A purchase order without them has the merchant\'s PO terms (setPaymentTerms)'),
  ReasonCode: z.string().min(1).max(64).optional()
    .describe('the merchant\'s reason code for the staff discounts (getDiscountReasons); required when the merchant has reason codes and a discount is given, beside each Discount\'s free-text Reason'),
  Approval: z.object({
    Username: z.string().min(1).max(255),
    Password: z.string().min(1).max(1024).describe('never stored, logged or echoed')
  }).optional().describe('a supervisor\'s credentials (privilege APPROVE_DISCOUNTS) approving discounts above the user\'s limit; a wrong password counts as a failed login'),
  IdempotencyKey: z.string().min(1).max(255).optional().describe('a retry with the same key answers the first answer (kept 24 hours)')
}).describe('what the staff member adds to the Order')

export type Assisted = z.output<typeof AssistedSchema>

/**
 * What staff add to the order: Assisted without the key (the key makes the call idempotent, it is
 * not part of the order) and without the approval's credentials (verified before, never kept).
 */
export type AssistedRequest = Omit<Assisted, 'IdempotencyKey' | 'Approval'>

/** Pricing names staff discounts `Items.N.ManualDiscount` / `ManualDiscount`; the wire names them under Assisted. */
function toWirePath (field: FieldError): FieldError {
  const line = /^Items\.(\d+)\.ManualDiscount\.(.+)$/.exec(field.path)
  if (line !== null) return { ...field, path: `Assisted.Items.${line[1]}.Discount.${line[2]}` }
  const custom = /^CustomItems\.(\d+)\.ManualDiscount\.(.+)$/.exec(field.path)
  if (custom !== null) return { ...field, path: `Assisted.CustomItems.${custom[1]}.Discount.${custom[2]}` }
  if (field.path.startsWith('CustomItems.')) return { ...field, path: `Assisted.${field.path}` }
  if (field.path.startsWith('ManualDiscount.')) return { ...field, path: `Assisted.Discount.${field.path.slice('ManualDiscount.'.length)}` }
  return field
}

/** A refusal with pricing's names for staff discounts, renamed to their Assisted params. */
export function mapAssistedError (err: unknown): unknown {
  if (err instanceof AppError && err.fields !== undefined && err.fields.some((f) => f.path.includes('ManualDiscount') || f.path.startsWith('CustomItems.'))) {
    return new AppError(err.reason, { fields: err.fields.map(toWirePath), ...(err.data !== undefined ? { data: err.data } : {}), cause: err })
  }
  return err
}

/**
 * What staff add to a draft order (issue 19 item 1), as the draft keeps it: Assisted without the
 * idempotency key (a draft is versioned instead), without PaymentNotRequired (a replacement is
 * decided with the payment, at completeDraft), without CardConsent (asked with the card, at
 * completeDraft) and without Approval (verified with the change, never kept: its approver is
 * recorded on the discounts it approved). CustomItems are kept and placed by completeDraft as given.
 */
export const DraftAssistedSchema = AssistedSchema.omit({ IdempotencyKey: true, PaymentNotRequired: true, CardConsent: true, Approval: true }).strict()
  .describe('what the staff member adds to the draft\'s Order: the customer, line and order discounts, custom lines')

export type DraftAssisted = z.output<typeof DraftAssistedSchema>

/** createDraft's and updateDraft's Assisted: the draft's, and a supervisor's Approval of the discounts above the user's limits. */
export const DraftAssistedParamSchema = DraftAssistedSchema.extend({ Approval: AssistedSchema.shape.Approval })
  .describe('what the staff member adds to the draft\'s Order: the customer, line and order discounts, custom lines; Approval: a supervisor\'s credentials approving the discounts above the user\'s limits, verified as placeAssistedOrder verifies them and never kept (the approver is recorded on the discounts it approved)')
