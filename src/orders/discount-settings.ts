/**
 * A merchant's discount settings (issue 19 item 3): per role, the largest line and order discount
 * a user may give without a supervisor's approval (percent; amount per currency), and the reason
 * codes staff discounts are given with. Set and read whole (setDiscountLimits, setDiscountReasons).
 */
import type { Kysely } from 'kysely'
import type { Role } from '../auth/privileges.js'
import type { Database } from '../db/schema.js'
import { AppError, type FieldError } from '../errors.js'
import { readDiscountLimits, readDiscountReasons, replaceDiscountLimits, replaceDiscountReasons } from './discount-settings-store.js'

/** One role's limits; null: no limit. Percentages in basis points, amounts in minor units. */
export type DiscountLimit = {
  role: Role
  linePercentBp: number | null
  orderPercentBp: number | null
  amounts: Array<{ currency: string, lineMinor: bigint | null, orderMinor: bigint | null }>
}

export type DiscountReason = { code: string, name: string }

/** setDiscountLimits: replaces every role's limits; a role twice, or a currency twice in a role, is DISCOUNT_LIMIT_INVALID at its path. */
export async function setDiscountLimits (db: Kysely<Database>, merchantId: bigint, limits: readonly DiscountLimit[]): Promise<DiscountLimit[]> {
  const errors: FieldError[] = []
  const roles = new Set<string>()
  limits.forEach((limit, i) => {
    if (roles.has(limit.role)) errors.push({ path: `Limits.${i}.Role`, error_code: 'DISCOUNT_LIMIT_INVALID', message: `role ${limit.role} is given twice` })
    roles.add(limit.role)
    const currencies = new Set<string>()
    limit.amounts.forEach((a, j) => {
      if (currencies.has(a.currency)) errors.push({ path: `Limits.${i}.Amounts.${j}.Currency`, error_code: 'DISCOUNT_LIMIT_INVALID', message: `currency ${a.currency} is given twice for ${limit.role}` })
      currencies.add(a.currency)
    })
  })
  if (errors.length > 0) throw new AppError('DISCOUNT_LIMIT_INVALID', { fields: errors })
  await replaceDiscountLimits(db, merchantId, limits)
  return await readDiscountLimits(db, merchantId)
}

export async function getDiscountLimits (db: Kysely<Database>, merchantId: bigint): Promise<DiscountLimit[]> {
  return await readDiscountLimits(db, merchantId)
}

/** setDiscountReasons: replaces the merchant's reason codes; a code twice is DISCOUNT_REASON_INVALID at its path. */
export async function setDiscountReasons (db: Kysely<Database>, merchantId: bigint, reasons: readonly DiscountReason[]): Promise<DiscountReason[]> {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  reasons.forEach((r, i) => {
    if (seen.has(r.code)) errors.push({ path: `Reasons.${i}.Code`, error_code: 'DISCOUNT_REASON_INVALID', message: `reason code ${r.code} is given twice` })
    seen.add(r.code)
  })
  if (errors.length > 0) throw new AppError('DISCOUNT_REASON_INVALID', { fields: errors })
  await replaceDiscountReasons(db, merchantId, reasons)
  return await readDiscountReasons(db, merchantId)
}

export async function getDiscountReasons (db: Kysely<Database>, merchantId: bigint): Promise<DiscountReason[]> {
  return await readDiscountReasons(db, merchantId)
}
