// The Order at the wire edge, in and out, for the methods that take one (placeOrder,
// placeAssistedOrder, quote).
import { z } from 'zod'
import { AppError } from '../errors.js'
import type { PlacedOrder } from '../orders/place-order.js'
import { openPageTokens } from '../payments/payment-page-token.js'
import { validateOrder, type Order } from '../wire/order-schema.js'
import { toWireOrder, type WireOrder } from '../wire/wire-order.js'

/** The Order param: validated by `parseOrder` (every violation at once), so only its presence here. */
export const OrderParam = z.unknown().refine((v) => v !== undefined && v !== null, { message: 'Order (the order object) is required', params: { error_code: 'FIELD_REQUIRED' } })

/** The Order's own rules, every violation at once, with 2Checkout's names (SPEC §3). */
export function parseOrder (input: unknown, now: Date): Order {
  const validation = validateOrder(input, now)
  if (!validation.ok) throw new AppError('INVALID_PARAMS', { fields: validation.fields })
  return validation.order
}

/**
 * placeOrder's answer on the wire: the order in 2Checkout's shape, or a retry's first answer as
 * it was sent. Both hold page tokens sealed (src/payments/payment-page-token.ts): opened here.
 */
export function toWirePlacedOrder (pageKey: Buffer, placed: PlacedOrder): WireOrder {
  return openPageTokens(pageKey, placed.kind === 'order' ? toWireOrder(placed.order) : placed.answer)
}
