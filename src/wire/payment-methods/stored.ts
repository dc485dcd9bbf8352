// Payment data the merchant already holds: a previous order's card (PREVIOUS_ORDER) or a card
// the customer stored (EXISTING_PAYMENT_DATA, by the TransientToken of getCustomerInformation).
import { z } from 'zod'
import { checkedStr, httpUrl, opt, reqStr, textOrNumber } from '../field-schemas.js'
import { withCode } from '../order-field-errors.js'
import { paymentMethodInput } from './method-input.js'

/** RefNo is a numeric string; a JSON number is accepted and written as a string. */
export const PreviousOrderPaymentMethodSchema = z.preprocess(paymentMethodInput('PREVIOUS_ORDER'), z.object({
  RefNo: textOrNumber().pipe(z.string().min(1).refine((v) => /^\d{1,20}$/.test(v), withCode('PREVIOUS_ORDER_REFNO_INVALID')))
}))

export const ExistingPaymentDataMethodSchema = z.preprocess(paymentMethodInput('EXISTING_PAYMENT_DATA'), z.object({
  TransientToken: reqStr(1024),
  // The CVV collected again for the stored card (2Checkout's 1-click flow), when the merchant asks it.
  CCID: opt(textOrNumber().pipe(checkedStr(4, (v) => /^\d{3,4}$/.test(v), 'CARD_CCID_INVALID'))),
  Vendor3DSReturnURL: opt(httpUrl()),
  Vendor3DSCancelURL: opt(httpUrl())
}))

export type PreviousOrderPaymentMethod = z.output<typeof PreviousOrderPaymentMethodSchema>
export type ExistingPaymentDataMethod = z.output<typeof ExistingPaymentDataMethodSchema>
