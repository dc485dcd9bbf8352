import { chargeCard } from './card.js'
import { paymentError } from './payment-error.js'
import type { PaymentStrategy } from './payment-strategy.js'
import { findReusableOrder } from './reusable-order.js'

/**
 * PREVIOUS_ORDER: charges the card (or PayPal account) of this merchant's earlier order that
 * isValidOrderReference accepts (same look-up); anything else is 55200 PAYMENT_ERROR.
 */
export const PREVIOUS_ORDER_STRATEGY: PaymentStrategy<'PREVIOUS_ORDER'> = {
  type: 'PREVIOUS_ORDER',
  database: 'transaction',
  async pay (deps, request) {
    const refNo = request.details.PaymentMethod.RefNo
    const previous = await findReusableOrder(deps.trx, request.merchant.id, refNo)
    if (previous === undefined) {
      throw paymentError('PaymentDetails.PaymentMethod.RefNo', `order ${refNo} cannot pay this order: it must be this merchant's AUTHRECEIVED or COMPLETE order paid by card or PayPal, not fraud`)
    }
    const billing = request.order.BillingDetails
    const card = previous.card
    const [year, month] = card?.expiry.split('-') ?? []
    return await chargeCard(deps, request, {
      source: { cardToken: previous.paymentToken },
      holderName: previous.holderName ?? `${billing.FirstName} ${billing.LastName}`,
      ...(card !== null ? { card } : {}),
      paymentMethod: card === null
        ? { RefNo: refNo, PreviousPaymentType: previous.paymentType }
        : { RefNo: refNo, CardType: card.brand, FirstDigits: card.first6, LastDigits: card.last4, ExpirationMonth: month ?? null, ExpirationYear: year ?? null },
      merchantInitiated: true
    })
  }
}
