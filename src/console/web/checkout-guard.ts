/**
 * Before an order is placed (issue 19 item 6): a discount or coupon typed but not applied is
 * flagged beside its field and blocks placing, so an order never goes out without what the agent
 * promised the customer. Pure (no DOM): the page passes what its inputs show.
 */
import type { FieldProblem } from './field-errors.js'
import type { Discount } from './order-draft.js'

/** What a discount row's inputs show. */
export type TypedDiscount = { type: string, value: string, reason: string }

const same = (typed: TypedDiscount, applied: Discount | undefined): boolean => {
  if (applied === undefined) return typed.type === '' && typed.value.trim() === '' && typed.reason.trim() === ''
  return typed.type === applied.Type && Number(typed.value) === applied.Value && typed.value.trim() !== '' && typed.reason.trim() === applied.Reason
}

const NOT_APPLIED = 'This discount is typed but not applied: press Apply discount, or clear it.'
const CHANGED = 'This discount was changed but not applied: press Apply discount to use it, or put it back.'

/** Problems for each discount row whose inputs differ from the discount applied. */
export function unappliedDiscounts (
  lines: ReadonlyArray<{ typed: TypedDiscount, applied: Discount | undefined }>,
  order: { typed: TypedDiscount, applied: Discount | undefined },
  coupon: string
): FieldProblem[] {
  const problems: FieldProblem[] = []
  const check = (typed: TypedDiscount, applied: Discount | undefined, path: string): void => {
    if (same(typed, applied)) return
    problems.push({ path: `${path}.Value`, error_code: 'DISCOUNT_NOT_APPLIED', message: applied === undefined ? NOT_APPLIED : CHANGED })
  }
  lines.forEach((line, index) => { check(line.typed, line.applied, `Assisted.Items.${index}.Discount`) })
  check(order.typed, order.applied, 'Assisted.Discount')
  if (coupon.trim() !== '') problems.push({ path: 'Promotions', error_code: 'COUPON_NOT_APPLIED', message: 'This coupon is typed but not applied: press Apply coupon, or clear it.' })
  return problems
}
