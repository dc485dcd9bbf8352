import { redeemTransientToken } from '../customers/stored-cards.js'
import { chargeCard } from './card.js'
import { paymentError } from './payment-error.js'
import type { PaymentStrategy } from './payment-strategy.js'

/**
 * EXISTING_PAYMENT_DATA: charges the stored card behind a TransientToken that
 * getCustomerTransientToken issued (single use, short-lived, this merchant's only).
 */
export const EXISTING_PAYMENT_DATA_STRATEGY: PaymentStrategy<'EXISTING_PAYMENT_DATA'> = {
  type: 'EXISTING_PAYMENT_DATA',
  database: 'transaction',
  async pay (deps, request) {
    const method = request.details.PaymentMethod
    const stored = await redeemTransientToken(deps.trx, request.merchant.id, method.TransientToken, deps.clock.now())
    if (stored === undefined) {
      throw paymentError('PaymentDetails.PaymentMethod.TransientToken', 'the TransientToken is unknown, used or expired; get a new one with getCustomerTransientToken')
    }
    const [year, month] = stored.expiry.split('-')
    return await chargeCard(deps, request, {
      source: { cardToken: stored.processorToken },
      holderName: stored.holderName,
      card: { brand: stored.brand, first6: stored.first6, last4: stored.last4, expiry: stored.expiry },
      paymentMethod: {
        CardType: stored.brand,
        FirstDigits: stored.first6,
        LastDigits: stored.last4,
        ExpirationMonth: month ?? null,
        ExpirationYear: year ?? null,
        HolderName: stored.holderName
      },
      merchantInitiated: true
    })
  }
}
