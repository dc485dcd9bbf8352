import { AppError } from '../errors.js'

/** 55200 PAYMENT_ERROR: the payment could not even be attempted (SPEC §2), naming the field. */
export function paymentError (path: string, message: string): AppError {
  return new AppError('PAYMENT_ERROR', { fields: [{ path, error_code: 'PAYMENT_ERROR', message }] })
}
