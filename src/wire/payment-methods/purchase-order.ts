// PURCHASEORDER (seed 004): InternalPONumber and AutoApprove, under PurchaseOrderPaymentDetails
// or directly under PaymentMethod as seed 004's PHP sample sends them. The order-level rule
// "BillingDetails.Company required" lives in the Order schema.
import { z } from 'zod'
import { boolLike, textOrNumber } from '../field-schemas.js'
import { withCode } from '../order-field-errors.js'
import { paymentMethodInput } from './method-input.js'

export const PurchaseOrderPaymentMethodSchema = z.preprocess(paymentMethodInput('PURCHASEORDER'), z.object({
  // PHP's json_encode sends `84864848` as a number; the output is always the string "84864848".
  InternalPONumber: textOrNumber().pipe(z.string().min(1).refine((v) => v.length <= 100, withCode('PURCHASE_ORDER_NUMBER_INVALID'))),
  AutoApprove: boolLike().nullish().transform((v) => v ?? false)
}))

export type PurchaseOrderPaymentMethod = z.output<typeof PurchaseOrderPaymentMethodSchema>
