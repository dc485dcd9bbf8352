// Draft orders (issue 19 item 1): thin adapters over src/orders/drafts.ts and draft-completion.ts.
import { z } from 'zod'
import { verifyApproval } from '../../auth/discount-approval.js'
import type { MerchantUser } from '../../auth/privileges.js'
import { AppError } from '../../errors.js'
import { AssistedSchema, DraftAssistedParamSchema } from '../../orders/assisted-order.js'
import { completeDraft } from '../../orders/draft-completion.js'
import { DRAFT_STATUSES } from '../../orders/order.js'
import { abandonDraft, createDraft, getDraft, searchDrafts, updateDraft, type DraftInput } from '../../orders/drafts.js'
import { PaginationSchema, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from '../../orders/search-orders.js'
import { cardDataFields, validateDraftOrder } from '../../wire/draft-order.js'
import { DraftOutputSchema, toWireDraft } from '../../wire/draft-output.js'
import { OrderOutputSchema } from '../../wire/order-output.js'
import { OrderSchema } from '../../wire/order-schema.js'
import { PaymentDetailsSchema } from '../../wire/payment-method-schemas.js'
import { OrderParam, toWirePlacedOrder } from '../order-params.js'
import { defineMethod, SESSION_ERRORS, type SessionContext } from '../registry.js'
import { CUSTOM_ITEMS_CONDITION, DISCOUNT_ERRORS, PRICING_ERRORS } from './assisted-orders.js'

const ACCESS = { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] } as const
/** createDraft: Assisted.CustomItems needs CUSTOM_LINE_ITEMS, as for placeAssistedOrder and quote. */
const CREATE_ACCESS = { ...ACCESS, conditions: [CUSTOM_ITEMS_CONDITION] } as const
/**
 * updateDraft: changing the draft's custom lines needs CUSTOM_LINE_ITEMS, sending them or not (no
 * CustomItems drops them); sent back unchanged they need nothing. Only the draft's own lines tell,
 * so updateDraft decides under the draft's lock (src/orders/drafts.ts), refusing as this would.
 */
const UPDATE_ACCESS = {
  ...ACCESS,
  conditions: [{ when: 'Assisted.CustomItems differ from the draft\'s (dropped, added, changed; decided under the draft\'s lock)', userPrivileges: ['CUSTOM_LINE_ITEMS'], field: 'Assisted.CustomItems' }]
} as const
const DraftId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('the draft (createDraft\'s DraftId)')
const Version = z.number().int().min(1).max(2_147_483_647).describe('the draft\'s Version as the caller last saw it')
const ExpiresInMinutes = z.number().int().min(1).optional().describe('the draft expires this many minutes from now (DRAFT_TTL_MINUTES unless given; at most DRAFT_MAX_TTL_MINUTES)')
const DraftOrderParam = OrderParam.describe('the placeOrder Order without PaymentDetails: no card data (the payment is given to completeDraft)')

/**
 * The draft's content from the params: every violation of the Order, PaymentDetails or card data
 * at once, naming the field; then Assisted.Approval checked as placeAssistedOrder checks it (a
 * wrong password is a failed login of that user) and only its result passed on: the password is
 * in no draft, answer or log line.
 */
async function draftInput (params: { Order: unknown, Assisted?: z.output<typeof DraftAssistedParamSchema> | undefined, ExpiresInMinutes?: number | undefined }, ctx: SessionContext<MerchantUser>): Promise<DraftInput> {
  const { Approval: credentials, ...assisted } = params.Assisted ?? {}
  const validation = validateDraftOrder(params.Order, ctx.deps.clock.now())
  const fields = [...(validation.ok ? [] : validation.fields), ...cardDataFields(assisted, 'Assisted')]
  if (!validation.ok || fields.length > 0) throw new AppError('INVALID_PARAMS', { fields })
  const approval = credentials === undefined ? undefined : await verifyApproval(ctx.deps, ctx.merchant, ctx.user, credentials, ctx.clientIp, ctx.log)
  return { order: validation.order, assisted, expiresInMinutes: params.ExpiresInMinutes, approval }
}

const CONTENT_ERRORS = [...SESSION_ERRORS, 'NOT_ALLOWED', ...PRICING_ERRORS, ...DISCOUNT_ERRORS, 'DISCOUNT_APPROVAL_FAILED', 'TOO_MANY_REQUESTS'] as const

/** createDraft(sessionID, Order[, Assisted[, ExpiresInMinutes]]) → the new Draft (Version 1), priced, its stock held. */
export const createDraftMethod = defineMethod({
  name: 'createDraft',
  summary: 'Creates a draft order for a customer (privilege PLACE_ORDERS_ON_BEHALF): the Order without payment, staff discounts (the user\'s, within their limits or approved by Assisted.Approval, the approver recorded on them); priced as placeOrder would, its stock held until it expires, is abandoned or completed',
  params: z.object({ sessionID: z.string(), Order: DraftOrderParam, Assisted: DraftAssistedParamSchema.optional(), ExpiresInMinutes }),
  paramDocs: { Order: OrderSchema },
  result: DraftOutputSchema,
  session: true,
  access: CREATE_ACCESS,
  errors: CONTENT_ERRORS,
  handler: async (params, ctx) => toWireDraft(await createDraft(ctx.deps, ctx.merchant, ctx.user, await draftInput(params, ctx)))
})

/** updateDraft(sessionID, DraftId, Version, Order[, Assisted[, ExpiresInMinutes]]) → the Draft at Version + 1. */
export const updateDraftMethod = defineMethod({
  name: 'updateDraft',
  summary: 'Replaces a draft\'s Order and Assisted part from the Version the caller saw (a change since: DRAFT_VERSION_CONFLICT); priced again, the stock held follows the lines. Its custom lines change (are dropped, added or changed) only with CUSTOM_LINE_ITEMS; sent back unchanged they need no privilege. A staff discount sent back as the draft holds it stays its giver\'s (with its approval), held to their authority; one added or changed is the user\'s, within their limits or approved by Assisted.Approval',
  params: z.object({ sessionID: z.string(), DraftId, Version, Order: DraftOrderParam, Assisted: DraftAssistedParamSchema.optional(), ExpiresInMinutes }),
  paramDocs: { Order: OrderSchema },
  result: DraftOutputSchema,
  session: true,
  access: UPDATE_ACCESS,
  errors: [...CONTENT_ERRORS, 'DRAFT_NOT_FOUND', 'DRAFT_NOT_OPEN', 'DRAFT_VERSION_CONFLICT'],
  handler: async (params, ctx) => toWireDraft(await updateDraft(ctx.deps, ctx.merchant, ctx.user, BigInt(params.DraftId), params.Version, await draftInput(params, ctx)))
})

/** getDraft(sessionID, DraftId) → the Draft, priced now while OPEN. */
export const getDraftMethod = defineMethod({
  name: 'getDraft',
  summary: 'A draft order of this merchant, priced now (while OPEN) exactly as placeOrder would price it',
  params: z.object({ sessionID: z.string(), DraftId }),
  result: DraftOutputSchema,
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DRAFT_NOT_FOUND'],
  handler: async (params, ctx) => toWireDraft(await getDraft(ctx.deps, ctx.merchant, ctx.user, BigInt(params.DraftId)))
})

const DraftSearchOptionsSchema = z.strictObject({
  Status: z.enum(DRAFT_STATUSES).optional(),
  CustomerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('the customer the draft is for (Assisted.CustomerId)'),
  CustomerEmail: z.email().max(255).optional().describe('the draft\'s BillingDetails.Email, in any case'),
  CreatedBy: z.string().min(1).max(255).optional().describe('the username of the merchant user who created it'),
  Pagination: PaginationSchema.optional().describe(`Page (from 1) and Limit (1-${SEARCH_MAX_LIMIT}); page 1 of ${SEARCH_DEFAULT_LIMIT} unless given`)
})

/** searchDrafts(sessionID[, SearchOptions]) → {Items, Pagination {Page, Limit, Count}}, newest first. */
export const searchDraftsMethod = defineMethod({
  name: 'searchDrafts',
  summary: 'This merchant\'s draft orders by Status, customer (CustomerId, CustomerEmail) and creator (CreatedBy), newest first, a page at a time with the total',
  params: z.object({ sessionID: z.string(), SearchOptions: DraftSearchOptionsSchema.nullish() }),
  result: z.object({
    Items: z.array(DraftOutputSchema).describe('the drafts of the page, newest first, each as getDraft answers it'),
    Pagination: z.object({ Page: z.number().int().min(1), Limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT), Count: z.number().int().min(0).describe('how many drafts match in all') })
  }),
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    const options = params.SearchOptions ?? {}
    const page = options.Pagination?.Page ?? 1
    const limit = options.Pagination?.Limit ?? SEARCH_DEFAULT_LIMIT
    const filter = {
      status: options.Status,
      customerId: options.CustomerId === undefined ? undefined : BigInt(options.CustomerId),
      email: options.CustomerEmail?.toLowerCase(),
      createdBy: options.CreatedBy
    }
    const found = await searchDrafts(ctx.deps, ctx.merchant, ctx.user, { filter, page, limit })
    return { Items: found.drafts.map(toWireDraft), Pagination: { Page: page, Limit: limit, Count: found.count } }
  }
})

/** abandonDraft(sessionID, DraftId[, Version]) → the Draft, ABANDONED, its stock given back. */
export const abandonDraftMethod = defineMethod({
  name: 'abandonDraft',
  summary: 'Abandons an OPEN draft order (at Version, when given): ABANDONED, its stock given back',
  params: z.object({ sessionID: z.string(), DraftId, Version: Version.optional() }),
  result: DraftOutputSchema,
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DRAFT_NOT_FOUND', 'DRAFT_NOT_OPEN', 'DRAFT_VERSION_CONFLICT'],
  handler: async (params, ctx) => toWireDraft(await abandonDraft(ctx.deps, ctx.merchant, ctx.user, BigInt(params.DraftId), params.Version))
})

/** completeDraft(sessionID, DraftId, Version, PaymentDetails[, CardConsent[, PaymentNotRequired[, Approval]]]) → the Order placed from the draft (again for a COMPLETED draft, to the same completion). */
export const completeDraftMethod = defineMethod({
  name: 'completeDraft',
  summary: 'Places a draft\'s order with the payment given now, through placeOrder (the same price); one order per draft: the same completion again (a lost answer) answers the same order, one of another kind (a replacement of a draft paid by card, a card payment of a replaced one, another original or payment type) is refused DRAFT_NOT_OPEN with Status COMPLETED and the RefNo it became. A declined payment (DRAFT_PAYMENT_DECLINED) leaves the draft OPEN. With PaymentNotRequired (privilege REPLACEMENT_ORDERS, PaymentDetails.Type FREE) the order is a replacement, as placeAssistedOrder\'s. Each staff discount is its giver\'s on the draft (Adjustments User), held to their authority (their role\'s limits now, or the approval recorded with it); Approval approves those above their giver\'s limits now; PlacedBy is the user who completes it',
  params: z.object({
    sessionID: z.string(),
    DraftId,
    Version,
    PaymentDetails: z.unknown().refine((v) => v !== undefined && v !== null, { message: 'PaymentDetails is required', params: { error_code: 'FIELD_REQUIRED' } })
      .describe('placeOrder\'s PaymentDetails (Type, Currency, CustomerIP, PaymentMethod); never stored with the draft'),
    // null as absent: a positional caller skips CardConsent to give PaymentNotRequired
    CardConsent: AssistedSchema.shape.CardConsent.nullable(),
    PaymentNotRequired: AssistedSchema.shape.PaymentNotRequired.nullable()
      .describe('a replacement order, as placeAssistedOrder\'s Assisted.PaymentNotRequired: COMPLETE with no charge, linked to the original order (privilege REPLACEMENT_ORDERS; PaymentDetails.Type FREE)'),
    Approval: AssistedSchema.shape.Approval.nullable()
      .describe('a supervisor\'s credentials (privilege APPROVE_DISCOUNTS, another user than the discount\'s giver) approving the draft\'s discounts above their giver\'s limits now, as placeAssistedOrder\'s Assisted.Approval: a wrong password counts as a failed login; never stored')
  }),
  paramDocs: { PaymentDetails: PaymentDetailsSchema },
  result: OrderOutputSchema.describe('the stored Order; ExtraInformation carries AssistedSale, PlacedBy, CustomerId, and for a replacement ReplacementOf and ReplacementReason'),
  session: true,
  access: {
    ...ACCESS,
    conditions: [{ when: 'PaymentNotRequired is given', applies: (params) => params.PaymentNotRequired !== undefined && params.PaymentNotRequired !== null, userPrivileges: ['REPLACEMENT_ORDERS'], field: 'PaymentNotRequired' }]
  },
  errors: [...CONTENT_ERRORS, 'DRAFT_NOT_FOUND', 'DRAFT_NOT_OPEN', 'DRAFT_VERSION_CONFLICT', 'DRAFT_PAYMENT_DECLINED', 'CARD_CONSENT_INVALID', 'ORDER_FREE_TOTAL_NOT_ZERO', 'PAYMENT_ERROR', 'STORED_PAYMENT_DATA_NOT_FOUND',
    'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => {
    // As placeAssistedOrder's: checked first, only its result passed on, the password in no order or log line.
    const approval = params.Approval === undefined || params.Approval === null ? undefined : await verifyApproval(ctx.deps, ctx.merchant, ctx.user, params.Approval, ctx.clientIp, ctx.log, 'Approval')
    const order = await completeDraft(ctx.deps, ctx.merchant, ctx.user, BigInt(params.DraftId), params.Version, { paymentDetails: params.PaymentDetails, cardConsent: params.CardConsent ?? undefined, paymentNotRequired: params.PaymentNotRequired ?? undefined, approval }, ctx.log)
    return toWirePlacedOrder(ctx.deps.pageKey, { kind: 'order', order })
  }
})
