// Types whose PaymentMethod carries nothing the client must send: WIRE and CHECK (instructions
// come back in the response), STORED_CREDIT (the customer's balance) and FREE (zero total;
// 2Checkout sends PaymentMethod NULL). Absent, null or an object are accepted; output is {}.
import { z } from 'zod'

const noDetails = () => z.object({}).nullish().transform((): Record<string, never> => ({}))

export const WirePaymentMethodSchema = noDetails()
export const CheckPaymentMethodSchema = noDetails()
export const StoredCreditPaymentMethodSchema = noDetails()
export const FreePaymentMethodSchema = noDetails()

export type EmptyPaymentMethod = z.output<typeof WirePaymentMethodSchema>
