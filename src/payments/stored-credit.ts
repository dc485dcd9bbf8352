import { fromMinor } from '../catalog/money.js'
import { spendStoreCredit } from '../customers/customer-credits.js'
import { paymentError } from './payment-error.js'
import type { PaymentStrategy } from './payment-strategy.js'

/** STORED_CREDIT: the customer's store credit covers the total → COMPLETE, the balance is taken atomically. */
export const STORED_CREDIT_STRATEGY: PaymentStrategy<'STORED_CREDIT'> = {
  type: 'STORED_CREDIT',
  database: 'transaction',
  async pay (deps, request) {
    const balance = await spendStoreCredit(deps.trx, { customerId: deps.customerId, currency: request.currency, amountMinor: request.amountMinor })
    if (balance === undefined) {
      throw paymentError('PaymentDetails.Type', `the customer's store credit in ${request.currency} does not cover ${fromMinor(request.amountMinor, request.currency)}`)
    }
    return {
      status: 'COMPLETE',
      approveStatus: 'OK',
      vendorApproveStatus: 'OK',
      paymentStatus: 'APPROVED',
      errors: null,
      paymentMethod: { Amount: fromMinor(request.amountMinor, request.currency), RemainingCredit: fromMinor(balance, request.currency) },
      details: { storeCredit: { spentMinor: String(request.amountMinor), balanceMinor: String(balance) } }
    }
  }
}
