/**
 * Discount authority (issue 19 item 3; SPEC §5): what a merchant user may give on an assisted
 * sale. Pure checks over the priced order: a discount that takes a line or the order from above 0
 * to 0 is a replacement order (REPLACEMENT_ORDERS). Each refusal names the Assisted field.
 */
import type { MerchantUser } from '../auth/privileges.js'
import type { PricedCart } from '../catalog/pricing.js'
import type { FieldError } from '../errors.js'

/** A staff discount or price override as priced: what it was given on and what it took off (minor units). */
export type GivenDiscount = {
  /** its Assisted param: Assisted.Items.N.Discount or Assisted.Discount */
  path: string
  scope: 'LINE' | 'ORDER'
  /** the line's net price before it (after cross-sell), or the order's total before it */
  beforeMinor: bigint
  discountMinor: bigint
}

/**
 * Where each priced line's staff discount was given: Assisted.Items.n.Discount for a catalog line,
 * Assisted.CustomItems.n.Discount for a custom line (they come after every Order.Items line).
 */
export function lineDiscountPaths (priced: PricedCart): (line: PricedCart['lines'][number]) => string {
  const catalogLines = priced.lines.filter((line) => line.custom === undefined).length
  return (line) => line.custom === undefined ? `Assisted.Items.${line.index}.Discount` : `Assisted.CustomItems.${line.index - catalogLines}.Discount`
}

/** Every staff discount of the priced order, lines first (in Items order), then the order's. */
export function givenDiscounts (priced: PricedCart): GivenDiscount[] {
  const given: GivenDiscount[] = []
  const pathOf = lineDiscountPaths(priced)
  for (const line of priced.lines) {
    const manual = line.manualDiscount
    if (manual === null) continue
    // As order_adjustments records it (orderAdjustments): the line's price before the staff discount.
    const before = line.netMinor - (line.crossSell?.discountMinor ?? 0n)
    given.push({ path: pathOf(line), scope: 'LINE', beforeMinor: before, discountMinor: manual.discountMinor })
  }
  const d = priced.orderDiscount
  if (d !== null) given.push({ path: 'Assisted.Discount', scope: 'ORDER', beforeMinor: priced.grossDiscountedPrice + d.discountMinor, discountMinor: d.discountMinor })
  return given
}

/**
 * The discounts that give a line or the order away (100 %: from above 0 to 0), as the fields of a
 * refusal for a user without REPLACEMENT_ORDERS ("a 100 % discount is a replacement order").
 */
export function fullDiscountFields (given: readonly GivenDiscount[]): FieldError[] {
  return given.filter((g) => g.beforeMinor > 0n && g.discountMinor >= g.beforeMinor).map((g) => ({
    path: g.path,
    error_code: 'NOT_ALLOWED',
    message: `a 100 % discount (${g.scope === 'LINE' ? 'the line' : 'the order'} for nothing) is a replacement order: it needs the privilege REPLACEMENT_ORDERS`
  }))
}

/** A supervisor's approval, verified (src/auth/discount-approval.ts) before the order is planned. */
export type ApprovalContext = { approverId: bigint, approverUsername: string }

/**
 * Who gave a staff discount before the order is placed, by its Assisted path (…Discount, as
 * GivenDiscount names it): a draft's discount is its giver's, whoever completes the draft, with
 * the supervisor's approval given with it (verified then; the password is never kept).
 */
export type DiscountGiver = { userId: bigint, username: string, approval?: ApprovalContext }

/** A discount's giver as the order is placed: the user as they are now, their role's limits, the approval given with it. */
export type GiverAuthority = { user: MerchantUser, limit?: AuthorityLimit, approval?: ApprovalContext }

/** A role's limits in the order's currency; null: no limit. */
export type AuthorityLimit = { role: string, currency: string, linePercentBp: number | null, orderPercentBp: number | null, lineMinor: bigint | null, orderMinor: bigint | null }

/** A discount above a limit: its field, the limit's name and figure (wire: percent, or decimal money). */
export type ExceededLimit = { path: string, limit: 'MaxLinePercent' | 'MaxLineAmount' | 'MaxOrderPercent' | 'MaxOrderAmount', max: bigint, unit: 'bp' | 'minor' }

/** The discounts above the role's limits; exact (a percentage compared by cross-multiplication, never rounded). */
export function exceededLimits (given: readonly GivenDiscount[], limit: AuthorityLimit): ExceededLimit[] {
  const exceeded: ExceededLimit[] = []
  for (const g of given) {
    const percentBp = g.scope === 'LINE' ? limit.linePercentBp : limit.orderPercentBp
    const amount = g.scope === 'LINE' ? limit.lineMinor : limit.orderMinor
    const path = `${g.path}.Value`
    if (percentBp !== null && g.discountMinor * 10000n > BigInt(percentBp) * g.beforeMinor) {
      exceeded.push({ path, limit: g.scope === 'LINE' ? 'MaxLinePercent' : 'MaxOrderPercent', max: BigInt(percentBp), unit: 'bp' })
    } else if (amount !== null && g.discountMinor > amount) {
      exceeded.push({ path, limit: g.scope === 'LINE' ? 'MaxLineAmount' : 'MaxOrderAmount', max: amount, unit: 'minor' })
    }
  }
  return exceeded
}
