import { CC_STRATEGY, TEST_STRATEGY } from './card.js'
import { FREE_STRATEGY } from './free.js'
import type { PaymentStrategy } from './payment-strategy.js'
import type { PaymentType } from './payment-types.js'

/**
 * One strategy per PaymentDetails.Type. Typed as a full Record once every type has one.
 * TODO(issue 6): the remaining types; until then they are refused with PAYMENT_TYPE_NOT_SUPPORTED.
 */
export const PAYMENT_STRATEGIES: Partial<{ [T in PaymentType]: PaymentStrategy<T> }> = {
  CC: CC_STRATEGY,
  TEST: TEST_STRATEGY,
  FREE: FREE_STRATEGY
}
