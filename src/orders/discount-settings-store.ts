import type { Kysely } from 'kysely'
import { isRole, type Role } from '../auth/privileges.js'
import { lockMerchantRow } from '../db/merchant-lock.js'
import type { Database } from '../db/schema.js'
import type { DiscountLimit, DiscountReason } from './discount-settings.js'

// Every discount-settings write first locks the merchant's row (lockMerchantRow says why).

/** Replaces the merchant's discount limits, atomically. */
export async function replaceDiscountLimits (db: Kysely<Database>, merchantId: bigint, limits: readonly DiscountLimit[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockMerchantRow(trx, merchantId)
    await trx.deleteFrom('discount_limits').where('merchant_id', '=', merchantId).execute()
    if (limits.length === 0) return
    await trx.insertInto('discount_limits').values(limits.map((l) => ({ merchant_id: merchantId, role: l.role, line_percent_bp: l.linePercentBp, order_percent_bp: l.orderPercentBp }))).execute()
    const amounts = limits.flatMap((l) => l.amounts.map((a) => ({ merchant_id: merchantId, role: l.role, currency: a.currency, line_amount_minor: a.lineMinor, order_amount_minor: a.orderMinor })))
    if (amounts.length > 0) await trx.insertInto('discount_amount_limits').values(amounts).execute()
  })
}

/** Replaces one role's limits (its amounts with it), the other roles' untouched, atomically. */
export async function replaceRoleDiscountLimit (db: Kysely<Database>, merchantId: bigint, limit: DiscountLimit): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockMerchantRow(trx, merchantId)
    await trx.deleteFrom('discount_limits').where('merchant_id', '=', merchantId).where('role', '=', limit.role).execute()
    await trx.insertInto('discount_limits').values({ merchant_id: merchantId, role: limit.role, line_percent_bp: limit.linePercentBp, order_percent_bp: limit.orderPercentBp }).execute()
    const amounts = limit.amounts.map((a) => ({ merchant_id: merchantId, role: limit.role, currency: a.currency, line_amount_minor: a.lineMinor, order_amount_minor: a.orderMinor }))
    if (amounts.length > 0) await trx.insertInto('discount_amount_limits').values(amounts).execute()
  })
}

/** The merchant's discount limits, by role (AGENT, SUPERVISOR, ADMIN), currencies in code order. */
export async function readDiscountLimits (db: Kysely<Database>, merchantId: bigint): Promise<DiscountLimit[]> {
  const rows = await db.selectFrom('discount_limits').selectAll().where('merchant_id', '=', merchantId).execute()
  const amounts = await db.selectFrom('discount_amount_limits').selectAll().where('merchant_id', '=', merchantId).orderBy('currency').execute()
  const order: Role[] = ['AGENT', 'SUPERVISOR', 'ADMIN']
  return rows.filter((r) => isRole(r.role))
    .sort((a, b) => order.indexOf(a.role as Role) - order.indexOf(b.role as Role))
    .map((r) => ({
      role: r.role as Role,
      linePercentBp: r.line_percent_bp,
      orderPercentBp: r.order_percent_bp,
      amounts: amounts.filter((a) => a.role === r.role).map((a) => ({ currency: a.currency, lineMinor: a.line_amount_minor, orderMinor: a.order_amount_minor }))
    }))
}

/** One role's limits in one currency; undefined: the role has none. */
export async function readRoleLimit (db: Kysely<Database>, merchantId: bigint, role: Role, currency: string): Promise<RoleLimit | undefined> {
  const row = await db.selectFrom('discount_limits as l')
    .leftJoin('discount_amount_limits as a', (join) => join.onRef('a.merchant_id', '=', 'l.merchant_id').onRef('a.role', '=', 'l.role').on('a.currency', '=', currency))
    .select(['l.line_percent_bp', 'l.order_percent_bp', 'a.line_amount_minor', 'a.order_amount_minor'])
    .where('l.merchant_id', '=', merchantId).where('l.role', '=', role).executeTakeFirst()
  if (row === undefined) return undefined
  return { role, currency, linePercentBp: row.line_percent_bp, orderPercentBp: row.order_percent_bp, lineMinor: row.line_amount_minor, orderMinor: row.order_amount_minor }
}

/** A role's limits as an order in one currency meets them. */
export type RoleLimit = { role: Role, currency: string, linePercentBp: number | null, orderPercentBp: number | null, lineMinor: bigint | null, orderMinor: bigint | null }

export async function replaceDiscountReasons (db: Kysely<Database>, merchantId: bigint, reasons: readonly DiscountReason[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockMerchantRow(trx, merchantId)
    await trx.deleteFrom('discount_reasons').where('merchant_id', '=', merchantId).execute()
    if (reasons.length > 0) await trx.insertInto('discount_reasons').values(reasons.map((r) => ({ merchant_id: merchantId, code: r.code, name: r.name }))).execute()
  })
}

export async function readDiscountReasons (db: Kysely<Database>, merchantId: bigint): Promise<DiscountReason[]> {
  return await db.selectFrom('discount_reasons').select(['code', 'name']).where('merchant_id', '=', merchantId).orderBy('code').execute()
}
