import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/privileges.js'
import { checkInventory } from '../catalog/inventory.js'
import type { PricedCart } from '../catalog/pricing.js'
import { businessError } from '../errors.js'
import type { Order } from '../wire/order-schema.js'
import { mapAssistedError, type AssistedRequest } from './assisted-order.js'
import type { ApprovalContext } from './discount-authority.js'
import { planOrder, type PlanOptions } from './order-plan.js'
import { priceOrder, requireDiscountAuthority, type PlaceOrderDeps } from './place-order.js'

/**
 * The Order priced as placeOrder would price it; `amountDueMinor` is 0 for a replacement whose
 * payment is not required; `approved`: the approval of each staff discount (…Discount.Value) one covered.
 */
export type Quote = { priced: PricedCart, amountDueMinor: bigint, approved: ReadonlyMap<string, ApprovalContext> }

/**
 * The Order priced exactly as placeOrder would price it (the same plan, the same `priceOrder`),
 * without the stock check: quote adds the check, a draft holds its stock instead (issue 19).
 * Reads only. `user` and `assisted` come together (staff pricing); `authority.approval`, a
 * supervisor's approval verified before (as placeAssistedOrder verifies it), lets discounts above
 * the user's limits through as it would on the placed order; `authority.givers`, a draft's
 * discounts are held to their givers' authority, as completeDraft holds them.
 */
export async function priceQuote (deps: Pick<PlaceOrderDeps, 'db' | 'clock' | 'catalogCache'>, merchant: Merchant, user: MerchantUser | undefined, order: Order, assisted: AssistedRequest | undefined, authority: Pick<PlanOptions, 'approval' | 'givers'> = {}): Promise<Quote> {
  try {
    const now = deps.clock.now()
    const plan = await planOrder(deps.db, merchant, user, order, assisted, { now, ...(assisted !== undefined ? authority : {}) })
    const priced = await priceOrder(deps, merchant, order, now, plan.pricing)
    const approved = plan.staff === undefined ? new Map<string, ApprovalContext>() : requireDiscountAuthority(user, priced, plan.staff.authority)
    return { priced, amountDueMinor: plan.staff?.paymentNotRequired !== undefined ? 0n : priced.grossDiscountedPrice, approved }
  } catch (err) {
    throw mapAssistedError(err)
  }
}

/**
 * quote: `priceQuote` and the stock check, without writing anything. `user` and `assisted` come
 * together (staff pricing), `approval` with them.
 */
export async function quoteOrder (deps: Pick<PlaceOrderDeps, 'db' | 'clock' | 'catalogCache'>, merchant: Merchant, user: MerchantUser | undefined, order: Order, assisted: AssistedRequest | undefined, approval?: ApprovalContext): Promise<Quote> {
  const quote = await priceQuote(deps, merchant, user, order, assisted, approval === undefined ? {} : { approval })
  const stock = await checkInventory(deps.db, merchant.id, quote.priced.lines)
  if (stock.length > 0) throw businessError(stock)
  return quote
}
