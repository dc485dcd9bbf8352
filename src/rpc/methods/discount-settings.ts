import { z } from 'zod'
import { ROLE_NAMES } from '../../auth/privileges.js'
import { getDiscountLimits, getDiscountReasons, MAX_REASON_NAME, parseDiscountLimits, presentDiscountLimits, REASON_CODE_PATTERN, setDiscountLimits, setDiscountReasons, type DiscountLimit } from '../../orders/discount-settings.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

// Discount authority (issue 19 item 3): 2Checkout has no such API; these names and shapes are ordergate's.
const decimal = z.union([z.number(), z.string().regex(/^[0-9]+(\.[0-9]+)?$/)])
const Currency = z.string().regex(/^[A-Za-z]{3}$/).transform((c) => c.toUpperCase())

const LimitParam = z.strictObject({
  Role: z.enum(ROLE_NAMES),
  MaxLinePercent: decimal.nullable().default(null).describe('the largest line discount in percent (0-100); null: no limit'),
  MaxOrderPercent: decimal.nullable().default(null).describe('the largest order discount in percent of the total; null: no limit'),
  Amounts: z.array(z.strictObject({
    Currency,
    MaxLineAmount: decimal.nullable().default(null).describe('the largest line discount in this currency; null: no limit'),
    MaxOrderAmount: decimal.nullable().default(null).describe('the largest order discount in this currency; null: no limit')
  })).max(200).default([]).describe('money limits per order currency')
})

const LimitResult = z.object({
  Role: z.enum(ROLE_NAMES),
  MaxLinePercent: z.number().nullable(),
  MaxOrderPercent: z.number().nullable(),
  Amounts: z.array(z.object({ Currency: z.string(), MaxLineAmount: z.number().nullable(), MaxOrderAmount: z.number().nullable() }))
}).describe('DiscountLimit')

const ReasonSchema = z.strictObject({ Code: z.string().regex(REASON_CODE_PATTERN).describe('A-Z, 0-9, _'), Name: z.string().min(1).max(MAX_REASON_NAME) }).describe('DiscountReason')

/** The wire's limits → the domain's, each refusal at its Limits.N… path. */
const toDomain = (limits: Array<z.output<typeof LimitParam>>): DiscountLimit[] => parseDiscountLimits(
  limits.map((l) => ({ role: l.Role, linePercent: l.MaxLinePercent, orderPercent: l.MaxOrderPercent, amounts: l.Amounts.map((a) => ({ currency: a.Currency, lineAmount: a.MaxLineAmount, orderAmount: a.MaxOrderAmount })) })),
  (field, i, j) => field === 'MaxLinePercent' || field === 'MaxOrderPercent' ? `Limits.${i}.${field}` : `Limits.${i}.Amounts.${j ?? 0}.${field}`)

const toWire = (limits: DiscountLimit[]): Array<z.output<typeof LimitResult>> => presentDiscountLimits(limits).map((l) => ({
  Role: l.role,
  MaxLinePercent: l.maxLinePercent,
  MaxOrderPercent: l.maxOrderPercent,
  Amounts: l.amounts.map((a) => ({ Currency: a.currency, MaxLineAmount: a.maxLineAmount, MaxOrderAmount: a.maxOrderAmount }))
}))

/** setDiscountLimits(sessionID, Limits) → every role's limits as stored (replaces them all). */
export const setDiscountLimitsMethod = defineMethod({
  name: 'setDiscountLimits',
  summary: 'Replaces the merchant\'s staff discount limits per role (AGENT, SUPERVISOR, ADMIN): above them a supervisor\'s approval is needed (privilege MANAGE_DISCOUNTS)',
  params: z.object({ sessionID: z.string(), Limits: z.array(LimitParam).max(ROLE_NAMES.length) }),
  result: z.array(LimitResult),
  session: true,
  access: { merchantSession: true, userPrivileges: ['MANAGE_DISCOUNTS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DISCOUNT_LIMIT_INVALID'],
  handler: async (params, ctx) => toWire(await setDiscountLimits(ctx.deps.db, ctx.merchant.id, toDomain(params.Limits)))
})

/** getDiscountLimits(sessionID) → every role's limits. */
export const getDiscountLimitsMethod = defineMethod({
  name: 'getDiscountLimits',
  summary: 'The merchant\'s staff discount limits per role; a role not listed has none (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string() }),
  result: z.array(LimitResult),
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (_params, ctx) => toWire(await getDiscountLimits(ctx.deps.db, ctx.merchant.id))
})

/** setDiscountReasons(sessionID, Reasons) → the reason codes as stored (replaces them all). */
export const setDiscountReasonsMethod = defineMethod({
  name: 'setDiscountReasons',
  summary: 'Replaces the merchant\'s discount reason codes; once there are any, every staff discount names one (Assisted.ReasonCode) (privilege MANAGE_DISCOUNTS)',
  params: z.object({ sessionID: z.string(), Reasons: z.array(ReasonSchema).max(200) }),
  result: z.array(z.object({ Code: z.string(), Name: z.string() }).describe('DiscountReason')),
  session: true,
  access: { merchantSession: true, userPrivileges: ['MANAGE_DISCOUNTS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DISCOUNT_REASON_INVALID'],
  handler: async (params, ctx) => (await setDiscountReasons(ctx.deps.db, ctx.merchant.id, params.Reasons.map((r) => ({ code: r.Code, name: r.Name })))).map((r) => ({ Code: r.code, Name: r.name }))
})

/** getDiscountReasons(sessionID) → the merchant's reason codes. */
export const getDiscountReasonsMethod = defineMethod({
  name: 'getDiscountReasons',
  summary: 'The merchant\'s discount reason codes, by code (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string() }),
  result: z.array(z.object({ Code: z.string(), Name: z.string() }).describe('DiscountReason')),
  session: true,
  access: { merchantSession: true, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (_params, ctx) => (await getDiscountReasons(ctx.deps.db, ctx.merchant.id)).map((r) => ({ Code: r.code, Name: r.name }))
})
