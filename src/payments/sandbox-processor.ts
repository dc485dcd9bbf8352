import { createHash } from 'node:crypto'

/**
 * The gateway interface a real processor would implement, and the built-in sandbox behind it:
 * deterministic by the test data of SPEC §6, like the Stripe and 2Checkout sandboxes.
 *   4111111111111111 (visa), 5555555555554444 (mastercard), 378282246310005 (amex): approve
 *   4000000000000002: declined          4000000000003220: requires 3-D Secure
 *   holder name "FRAUD REVIEW": approved, then held for fraud review
 * Any other valid number approves. Nothing leaves the process.
 */
export type CardAuthorization = {
  cardNumber: string
  holderName: string
  amountMinor: bigint
  currency: string
  /** true once the shopper passed 3-D Secure for this payment */
  authenticated?: boolean
}

export type AuthorizationResult =
  | { outcome: 'APPROVED', reference: string, fraudReview?: string }
  | { outcome: 'DECLINED', reference: string, reason: string }
  | { outcome: 'REQUIRES_3DS', reference: string }

export type PaymentGateway = {
  authorizeCard: (request: CardAuthorization) => Promise<AuthorizationResult>
}

export const SANDBOX_CARDS = {
  APPROVE_VISA: '4111111111111111',
  APPROVE_MASTERCARD: '5555555555554444',
  APPROVE_AMEX: '378282246310005',
  DECLINE: '4000000000000002',
  REQUIRE_3DS: '4000000000003220'
} as const

export const SANDBOX_FRAUD_HOLDER = 'FRAUD REVIEW'

function reference (request: CardAuthorization): string {
  // Deterministic per card and amount, never containing the number itself.
  return 'SBX' + createHash('sha256').update(`${request.cardNumber}|${request.amountMinor}|${request.currency}`).digest('hex').slice(0, 16).toUpperCase()
}

export function createSandboxGateway (): PaymentGateway {
  return {
    async authorizeCard (request) {
      const ref = reference(request)
      if (request.cardNumber === SANDBOX_CARDS.DECLINE) return { outcome: 'DECLINED', reference: ref, reason: 'Card declined by the issuer (sandbox test card)' }
      if (request.cardNumber === SANDBOX_CARDS.REQUIRE_3DS && request.authenticated !== true) return { outcome: 'REQUIRES_3DS', reference: ref }
      if (request.holderName.trim().toUpperCase() === SANDBOX_FRAUD_HOLDER) return { outcome: 'APPROVED', reference: ref, fraudReview: 'Sandbox rule: holder name FRAUD REVIEW' }
      return { outcome: 'APPROVED', reference: ref }
    }
  }
}
