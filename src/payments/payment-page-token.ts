import { randomBytes } from 'node:crypto'

/** How long a 3-D Secure or redirect page token stays usable (single use, SPEC §4). */
export const PAYMENT_PAGE_TTL_MS = 30 * 60_000

/** A page the shopper opens to finish a payment: its token, where to send them back, until when. */
export type PaymentPage = {
  token: string
  returnUrl: string
  cancelUrl: string
  expiresAt: string
}

export function newPaymentPage (now: Date, returnUrl: string, cancelUrl: string): PaymentPage {
  return { token: randomBytes(24).toString('base64url'), returnUrl, cancelUrl, expiresAt: new Date(now.getTime() + PAYMENT_PAGE_TTL_MS).toISOString() }
}
