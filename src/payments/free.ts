import { AppError } from '../errors.js'
import type { PaymentStrategy } from './payment-strategy.js'

/** FREE: no payment details, only for an order whose total is 0 (seed 002). */
export const FREE_STRATEGY: PaymentStrategy<'FREE'> = {
  type: 'FREE',
  database: 'none',
  async pay (_deps, request) {
    if (request.amountMinor !== 0n) {
      throw new AppError('ORDER_FREE_TOTAL_NOT_ZERO', {
        fields: [{ path: 'PaymentDetails.Type', error_code: 'ORDER_FREE_TOTAL_NOT_ZERO', message: 'FREE is only for orders whose total is 0; this order\'s total is not' }]
      })
    }
    return { status: 'COMPLETE', approveStatus: 'OK', vendorApproveStatus: 'OK', paymentStatus: 'NOT_REQUIRED', errors: null, paymentMethod: null }
  }
}
