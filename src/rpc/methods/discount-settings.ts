import { z } from 'zod'
import { ROLE_NAMES } from '../../auth/privileges.js'
import { basisPointsToPercent, fromMinor, tryPercentToBasisPoints, tryToMinor } from '../../catalog/money.js'
import { AppError, type FieldError } from '../../errors.js'
import { getDiscountLimits, getDiscountReasons, setDiscountLimits, setDiscountReasons, type DiscountLimit } from '../../orders/discount-settings.js'
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

const ReasonSchema = z.strictObject({ Code: z.string().regex(/^[A-Z0-9_]{1,64}$/).describe('A-Z, 0-9, _'), Name: z.string().min(1).max(255) }).describe('DiscountReason')

function toDomain (limits: Array<z.output<typeof LimitParam>>): DiscountLimit[] {
  const errors: FieldError[] = []
  const percent = (value: number | string | null, path: string): number | null => {
    if (value === null) return null
    const bp = tryPercentToBasisPoints(value)
    if (!bp.ok || bp.value > 10000) { errors.push({ path, error_code: 'DISCOUNT_LIMIT_INVALID', message: bp.ok ? 'a percentage is 0-100' : bp.message }); return null }
    return bp.value
  }
  const money = (value: number | string | null, currency: string, path: string): bigint | null => {
    if (value === null) return null
    const minor = tryToMinor(value, currency)
    if (!minor.ok) { errors.push({ path, error_code: 'DISCOUNT_LIMIT_INVALID', message: minor.message }); return null }
    return minor.value
  }
  const domain = limits.map((l, i) => ({
    role: l.Role,
    linePercentBp: percent(l.MaxLinePercent, `Limits.${i}.MaxLinePercent`),
    orderPercentBp: percent(l.MaxOrderPercent, `Limits.${i}.MaxOrderPercent`),
    amounts: l.Amounts.map((a, j) => ({ currency: a.Currency, lineMinor: money(a.MaxLineAmount, a.Currency, `Limits.${i}.Amounts.${j}.MaxLineAmount`), orderMinor: money(a.MaxOrderAmount, a.Currency, `Limits.${i}.Amounts.${j}.MaxOrderAmount`) }))
  }))
  if (errors.length > 0) throw new AppError('DISCOUNT_LIMIT_INVALID', { fields: errors })
  return domain
}

const toWire = (limits: DiscountLimit[]): Array<z.output<typeof LimitResult>> => limits.map((l) => ({
  Role: l.role,
  MaxLinePercent: l.linePercentBp === null ? null : basisPointsToPercent(l.linePercentBp),
  MaxOrderPercent: l.orderPercentBp === null ? null : basisPointsToPercent(l.orderPercentBp),
  Amounts: l.amounts.map((a) => ({ Currency: a.currency, MaxLineAmount: a.lineMinor === null ? null : fromMinor(a.lineMinor, a.currency), MaxOrderAmount: a.orderMinor === null ? null : fromMinor(a.orderMinor, a.currency) }))
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
