/**
 * A merchant's discount settings (issue 19 item 3): per role, the largest line and order discount
 * a user may give without a supervisor's approval (percent; amount per currency), and the reason
 * codes staff discounts are given with. Set and read whole (setDiscountLimits, setDiscountReasons).
 */
import type { Kysely } from 'kysely'
import type { Role } from '../auth/privileges.js'
import type { Database } from '../db/schema.js'
import { basisPointsToPercent, fromMinor, isCurrencyCode, tryPercentToBasisPoints, tryToMinor } from '../catalog/money.js'
import { AppError, type FieldError } from '../errors.js'
import { readDiscountLimits, readDiscountReasons, replaceDiscountLimits, replaceDiscountReasons, replaceRoleDiscountLimit } from './discount-settings-store.js'

/** One role's limits; null: no limit. Percentages in basis points, amounts in minor units. */
export type DiscountLimit = {
  role: Role
  linePercentBp: number | null
  orderPercentBp: number | null
  amounts: Array<{ currency: string, lineMinor: bigint | null, orderMinor: bigint | null }>
}

export type DiscountReason = { code: string, name: string }

/** A reason code: A-Z, 0-9 and _, 1-64 characters; its name 1-255 characters. */
export const REASON_CODE_PATTERN = /^[A-Z0-9_]{1,64}$/
export const MAX_REASON_NAME = 255

type Decimal = number | string
/** One role's limits as given, in decimals (the wire's, or the command line's); null: no limit. */
export type GivenLimit = {
  role: Role
  linePercent: Decimal | null
  orderPercent: Decimal | null
  amounts: Array<{ currency: string, lineAmount: Decimal | null, orderAmount: Decimal | null }>
}
export type LimitField = 'MaxLinePercent' | 'MaxOrderPercent' | 'MaxLineAmount' | 'MaxOrderAmount' | 'Currency'
/** Where a figure was given: an RPC param path (Limits.0.MaxLinePercent) or a command-line option. */
export type LimitPath = (field: LimitField, limit: number, amount?: number) => string

/**
 * Given limits → stored ones: a percentage is 0-100 (at most 2 decimals), an amount has at most
 * the currency's decimals; each refusal DISCOUNT_LIMIT_INVALID at its path (setDiscountLimits, CLI).
 */
export function parseDiscountLimits (limits: readonly GivenLimit[], pathOf: LimitPath): DiscountLimit[] {
  const errors: FieldError[] = []
  const percent = (value: Decimal | null, path: string): number | null => {
    if (value === null) return null
    const bp = tryPercentToBasisPoints(value)
    if (!bp.ok || bp.value < 0 || bp.value > 10000) { errors.push({ path, error_code: 'DISCOUNT_LIMIT_INVALID', message: bp.ok ? 'a percentage is 0-100' : bp.message }); return null }
    return bp.value
  }
  const money = (value: Decimal | null, currency: string, path: string): bigint | null => {
    if (value === null) return null
    const minor = tryToMinor(value, currency)
    if (!minor.ok) { errors.push({ path, error_code: 'DISCOUNT_LIMIT_INVALID', message: minor.message }); return null }
    if (minor.value < 0n) { errors.push({ path, error_code: 'DISCOUNT_LIMIT_INVALID', message: 'an amount is at least 0' }); return null }
    return minor.value
  }
  const domain = limits.map((l, i) => ({
    role: l.role,
    linePercentBp: percent(l.linePercent, pathOf('MaxLinePercent', i)),
    orderPercentBp: percent(l.orderPercent, pathOf('MaxOrderPercent', i)),
    amounts: l.amounts.map((a, j) => {
      const currency = a.currency.toUpperCase()
      if (!isCurrencyCode(currency)) errors.push({ path: pathOf('Currency', i, j), error_code: 'DISCOUNT_LIMIT_INVALID', message: `a currency is three letters (ISO 4217), got "${a.currency}"` })
      return { currency, lineMinor: money(a.lineAmount, currency, pathOf('MaxLineAmount', i, j)), orderMinor: money(a.orderAmount, currency, pathOf('MaxOrderAmount', i, j)) }
    })
  }))
  if (errors.length > 0) throw new AppError('DISCOUNT_LIMIT_INVALID', { fields: errors })
  return domain
}

/** Stored limits as decimals again (percent; money in the currency), null: no limit. */
export function presentDiscountLimits (limits: readonly DiscountLimit[]): Array<{ role: Role, maxLinePercent: number | null, maxOrderPercent: number | null, amounts: Array<{ currency: string, maxLineAmount: number | null, maxOrderAmount: number | null }> }> {
  return limits.map((l) => ({
    role: l.role,
    maxLinePercent: l.linePercentBp === null ? null : basisPointsToPercent(l.linePercentBp),
    maxOrderPercent: l.orderPercentBp === null ? null : basisPointsToPercent(l.orderPercentBp),
    amounts: l.amounts.map((a) => ({ currency: a.currency, maxLineAmount: a.lineMinor === null ? null : fromMinor(a.lineMinor, a.currency), maxOrderAmount: a.orderMinor === null ? null : fromMinor(a.orderMinor, a.currency) }))
  }))
}

/** A role twice, or a currency twice in a role, is DISCOUNT_LIMIT_INVALID at its path. */
function checkUnique (limits: readonly DiscountLimit[], pathOf: UniquePath): void {
  const errors: FieldError[] = []
  const roles = new Set<string>()
  limits.forEach((limit, i) => {
    if (roles.has(limit.role)) errors.push({ path: pathOf('Role', i), error_code: 'DISCOUNT_LIMIT_INVALID', message: `role ${limit.role} is given twice` })
    roles.add(limit.role)
    const currencies = new Set<string>()
    limit.amounts.forEach((a, j) => {
      if (currencies.has(a.currency)) errors.push({ path: pathOf('Currency', i, j), error_code: 'DISCOUNT_LIMIT_INVALID', message: `currency ${a.currency} is given twice for ${limit.role}` })
      currencies.add(a.currency)
    })
  })
  if (errors.length > 0) throw new AppError('DISCOUNT_LIMIT_INVALID', { fields: errors })
}
type UniquePath = (field: 'Role' | 'Currency', limit: number, amount?: number) => string

/** setDiscountLimits: replaces every role's limits; a role twice, or a currency twice in a role, is DISCOUNT_LIMIT_INVALID at its path. */
export async function setDiscountLimits (db: Kysely<Database>, merchantId: bigint, limits: readonly DiscountLimit[], pathOf: UniquePath = (field, i, j) => field === 'Role' ? `Limits.${i}.Role` : `Limits.${i}.Amounts.${j ?? 0}.Currency`): Promise<DiscountLimit[]> {
  checkUnique(limits, pathOf)
  await replaceDiscountLimits(db, merchantId, limits)
  return await readDiscountLimits(db, merchantId)
}

/**
 * setRoleDiscountLimit: replaces one role's limits, the other roles' as they are (the CLI's --role),
 * in one write of that role's rows: an admin setting another role at the same moment is not undone.
 */
export async function setRoleDiscountLimit (db: Kysely<Database>, merchantId: bigint, limit: DiscountLimit, pathOf: UniquePath): Promise<DiscountLimit[]> {
  checkUnique([limit], pathOf)
  await replaceRoleDiscountLimit(db, merchantId, limit)
  return await readDiscountLimits(db, merchantId)
}

export async function getDiscountLimits (db: Kysely<Database>, merchantId: bigint): Promise<DiscountLimit[]> {
  return await readDiscountLimits(db, merchantId)
}

/**
 * setDiscountReasons: replaces the merchant's reason codes; a code twice, a code not of
 * REASON_CODE_PATTERN or a name not 1-255 characters is DISCOUNT_REASON_INVALID at its path
 * (`Reasons.N.Code` / `Reasons.N.Name`, or as `pathOf` names it: the CLI's option).
 */
export async function setDiscountReasons (db: Kysely<Database>, merchantId: bigint, reasons: readonly DiscountReason[], pathOf: (field: 'Code' | 'Name', index: number) => string = (field, i) => `Reasons.${i}.${field}`): Promise<DiscountReason[]> {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  reasons.forEach((r, i) => {
    if (!REASON_CODE_PATTERN.test(r.code)) errors.push({ path: pathOf('Code', i), error_code: 'DISCOUNT_REASON_INVALID', message: `a reason code is 1-64 of A-Z, 0-9 and _, got "${r.code}"` })
    else if (seen.has(r.code)) errors.push({ path: pathOf('Code', i), error_code: 'DISCOUNT_REASON_INVALID', message: `reason code ${r.code} is given twice` })
    if (r.name.length < 1 || r.name.length > MAX_REASON_NAME) errors.push({ path: pathOf('Name', i), error_code: 'DISCOUNT_REASON_INVALID', message: `a reason's name is 1-${MAX_REASON_NAME} characters` })
    seen.add(r.code)
  })
  if (errors.length > 0) throw new AppError('DISCOUNT_REASON_INVALID', { fields: errors })
  await replaceDiscountReasons(db, merchantId, reasons)
  return await readDiscountReasons(db, merchantId)
}

export async function getDiscountReasons (db: Kysely<Database>, merchantId: bigint): Promise<DiscountReason[]> {
  return await readDiscountReasons(db, merchantId)
}
