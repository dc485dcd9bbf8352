// Payment links (issue 19 item 2): thin adapters over src/orders/payment-links.ts.
import { z } from 'zod'
import { cancelPaymentLink, createPaymentLink, getPaymentLink } from '../../orders/payment-links.js'
import { CreatedPaymentLinkOutputSchema, PaymentLinkOutputSchema, toWirePaymentLink } from '../../wire/payment-link-output.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

// The drafts' privilege: a link is how a draft is paid.
const ACCESS = { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] } as const
const LinkId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('the payment link (createPaymentLink\'s LinkId)')

/** createPaymentLink(sessionID, DraftId, Version[, ExpiresInMinutes]) → the PENDING link with its Url (the only time the token is answered). */
export const createPaymentLinkMethod = defineMethod({
  name: 'createPaymentLink',
  summary: 'Makes a payment link for an OPEN draft at Version (privilege PLACE_ORDERS_ON_BEHALF): a hosted page where the customer pays on their own, so the card never reaches the agent. Expires in ExpiresInMinutes (PAYMENT_LINK_TTL_MINUTES unless given), never after the draft; cancels the draft\'s previous PENDING link. The Url is answered only here',
  params: z.object({
    sessionID: z.string(),
    DraftId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('the draft (createDraft\'s DraftId)'),
    Version: z.number().int().min(1).max(2_147_483_647).describe('the draft\'s Version as the caller last saw it: the link pays that version, a later change makes it unusable'),
    ExpiresInMinutes: z.number().int().min(1).max(525_600).optional().describe('the link expires this many minutes from now (PAYMENT_LINK_TTL_MINUTES unless given, cut to the draft\'s expiry); past the draft\'s expiry is refused')
  }),
  result: CreatedPaymentLinkOutputSchema,
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DRAFT_NOT_FOUND', 'DRAFT_NOT_OPEN', 'DRAFT_VERSION_CONFLICT'],
  handler: async (params, ctx) => {
    const created = await createPaymentLink(ctx.deps, ctx.merchant, ctx.user, BigInt(params.DraftId), params.Version, params.ExpiresInMinutes)
    return { ...toWirePaymentLink(created), Url: `${ctx.deps.publicUrl}/pay/${encodeURIComponent(ctx.merchant.code)}?token=${created.token}` }
  }
})

/** getPaymentLink(sessionID, LinkId) → the link with its status now (poll it to see the payment). */
export const getPaymentLinkMethod = defineMethod({
  name: 'getPaymentLink',
  summary: 'A payment link of this merchant with its Status now, and once PAID the order (RefNo, OrderStatus); agents poll it to see the customer pay. Never the Url or token',
  params: z.object({ sessionID: z.string(), LinkId }),
  result: PaymentLinkOutputSchema,
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'PAYMENT_LINK_NOT_FOUND'],
  handler: async (params, ctx) => toWirePaymentLink(await getPaymentLink(ctx.deps, ctx.merchant, BigInt(params.LinkId)))
})

/** cancelPaymentLink(sessionID, LinkId) → the link, CANCELLED: its page refuses to pay. */
export const cancelPaymentLinkMethod = defineMethod({
  name: 'cancelPaymentLink',
  summary: 'Cancels a PENDING payment link: its page refuses to pay from now on. A link PAID, EXPIRED or CANCELLED already: PAYMENT_LINK_NOT_PENDING with its Status',
  params: z.object({ sessionID: z.string(), LinkId }),
  result: PaymentLinkOutputSchema,
  session: true,
  access: ACCESS,
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'PAYMENT_LINK_NOT_FOUND', 'PAYMENT_LINK_NOT_PENDING'],
  handler: async (params, ctx) => toWirePaymentLink(await cancelPaymentLink(ctx.deps, ctx.merchant, BigInt(params.LinkId)))
})
