import { randomBytes } from 'node:crypto'

/**
 * The gateway interface a real processor would implement, and the built-in sandbox behind it:
 * deterministic by the test data of SPEC §6, like the Stripe and 2Checkout sandboxes.
 *   4111111111111111 (visa), 5555555555554444 (mastercard), 378282246310005 (amex): approve
 *   4000000000000002: declined          4000000000003220: requires 3-D Secure
 *   holder name "FRAUD REVIEW": approved, then held for fraud review
 *   4000000000000259: approved, then its authorization is reversed (REVERSED, by the sweep
 *   SANDBOX_COMPLETE_AFTER_MS after approval, instead of completing)
 * Any other valid number approves. A refund of 13.13 (1313 minor units) is declined, any other
 * refund approved. Nothing leaves the process.
 *
 * Wallet and client-side tokens (ENCRYPTED_PAYMENT_DATA, EES_TOKEN_PAYMENT, APPLE_PAY,
 * GOOGLE_PAY) are read by the processor, as 2Pay.js and wallet tokens are; the sandbox decides
 * by the token text (SANDBOX_WALLET_TOKENS): `sandbox-decline`, `sandbox-3ds`, `sandbox-fraud`,
 * `sandbox-invalid` (unreadable: the payment cannot be attempted); any other token approves.
 *
 * Cards the processor saw come back as a card token (as a Stripe payment method id): ordergate
 * keeps that token, never the number, and charges it again for PREVIOUS_ORDER,
 * EXISTING_PAYMENT_DATA and after 3-D Secure.
 */
export type CardAuthorization = {
  /** a new card: the full number (never stored by ordergate) … */
  cardNumber?: string
  /** … or a card token the processor issued earlier */
  cardToken?: string
  holderName: string
  amountMinor: bigint
  currency: string
  /** true once the shopper passed 3-D Secure for this payment */
  authenticated?: boolean
  /** a charge of a stored card by the merchant (no shopper present: no 3-D Secure step) */
  merchantInitiated?: boolean
}

export type AuthorizationResult =
  | { outcome: 'APPROVED', reference: string, cardToken: string, fraudReview?: string }
  | { outcome: 'DECLINED', reference: string, reason: string }
  | { outcome: 'REQUIRES_3DS', reference: string, cardToken: string }

/** What the processor tells about the card inside a wallet or client-side token. */
export type WalletCard = {
  cardToken: string
  brand: string
  first6: string
  last4: string
  expiryMonth: string
  expiryYear: string
  holderName?: string
}

export type PaymentGateway = {
  authorizeCard: (request: CardAuthorization) => Promise<AuthorizationResult>
  /** the card behind a wallet / client-side token, or undefined when the token cannot be read */
  readWalletToken: (request: { type: string, token: string }) => Promise<WalletCard | undefined>
  /** a payment at a redirect provider (PayPal, iDEAL, …): the provider's reference */
  startRedirect: (request: { type: string, amountMinor: bigint, currency: string }) => Promise<{ reference: string }>
  /** the shopper approved at the provider; PayPal also gives a token for later charges */
  completeRedirect: (request: { type: string, reference: string, amountMinor: bigint, currency: string }) => Promise<{ reference: string, paymentToken?: string }>
  /** a direct-debit mandate (SEPA or ACH): the processor keeps the account, we keep the reference */
  registerBankAccount: (request: { kind: 'SEPA' | 'ACH', holderName: string, accountNumber: string, bankCode?: string | undefined }) => Promise<{ mandateReference: string }>
  /** gives back part or all of a collected payment (issueRefund); `paymentReference`: the payment's processor reference, if it had one */
  refundPayment: (request: { paymentReference: string | null, amountMinor: bigint, currency: string }) => Promise<RefundResult>
}

export type RefundResult = { outcome: 'APPROVED', reference: string } | { outcome: 'DECLINED', reason: string }

/**
 * The sandbox declines a refund of exactly this many minor units (13.13 in a currency with cents,
 * 1313 JPY, 1.313 BHD) so merchants can test a refused refund; any other refund is approved.
 */
export const SANDBOX_REFUND_DECLINE_MINOR = 1313n

export const SANDBOX_CARDS = {
  APPROVE_VISA: '4111111111111111',
  APPROVE_MASTERCARD: '5555555555554444',
  APPROVE_AMEX: '378282246310005',
  DECLINE: '4000000000000002',
  REQUIRE_3DS: '4000000000003220',
  REVERSE: '4000000000000259'
} as const

export const SANDBOX_FRAUD_HOLDER = 'FRAUD REVIEW'

export const SANDBOX_WALLET_TOKENS = {
  APPROVE: 'sandbox-approve',
  DECLINE: 'sandbox-decline',
  REQUIRE_3DS: 'sandbox-3ds',
  FRAUD: 'sandbox-fraud',
  INVALID: 'sandbox-invalid'
} as const

// The sandbox's card tokens carry the behaviour of the card (never its digits):
// sbx_card_<ok|3ds|decline|reverse>_<random>.
type CardBehaviour = 'ok' | '3ds' | 'decline' | 'reverse'

function issueCardToken (behaviour: CardBehaviour): string {
  return `sbx_card_${behaviour}_${randomBytes(12).toString('hex')}`
}

function tokenBehaviour (token: string): CardBehaviour | undefined {
  const match = /^sbx_card_(ok|3ds|decline|reverse)_[0-9a-f]{24}$/.exec(token)
  return match?.[1] as CardBehaviour | undefined
}

/**
 * Whether the sandbox reverses the authorization of a payment made with this card token (the
 * REVERSE test card, also when charged again by PREVIOUS_ORDER or a stored card).
 */
export function sandboxReversesAuthorization (cardToken: string): boolean {
  return tokenBehaviour(cardToken) === 'reverse'
}

/** The start of the reversal card's tokens, for a query that looks for them. */
export const SANDBOX_REVERSE_TOKEN_PREFIX = 'sbx_card_reverse_'

function numberBehaviour (cardNumber: string): CardBehaviour {
  if (cardNumber === SANDBOX_CARDS.DECLINE) return 'decline'
  if (cardNumber === SANDBOX_CARDS.REQUIRE_3DS) return '3ds'
  if (cardNumber === SANDBOX_CARDS.REVERSE) return 'reverse'
  return 'ok'
}

function reference (prefix: string): string {
  return prefix + randomBytes(8).toString('hex').toUpperCase()
}

export function createSandboxGateway (): PaymentGateway {
  return {
    async authorizeCard (request) {
      const ref = reference('SBX')
      const behaviour = request.cardNumber !== undefined
        ? numberBehaviour(request.cardNumber)
        : request.cardToken !== undefined ? tokenBehaviour(request.cardToken) : undefined
      if (behaviour === undefined) return { outcome: 'DECLINED', reference: ref, reason: 'Unknown card token (sandbox)' }
      if (behaviour === 'decline') return { outcome: 'DECLINED', reference: ref, reason: 'Card declined by the issuer (sandbox test card)' }
      const cardToken = request.cardToken ?? issueCardToken(behaviour)
      if (behaviour === '3ds' && request.authenticated !== true && request.merchantInitiated !== true) return { outcome: 'REQUIRES_3DS', reference: ref, cardToken }
      if (request.holderName.trim().toUpperCase() === SANDBOX_FRAUD_HOLDER) return { outcome: 'APPROVED', reference: ref, cardToken, fraudReview: 'Sandbox rule: holder name FRAUD REVIEW' }
      return { outcome: 'APPROVED', reference: ref, cardToken }
    },
    async readWalletToken ({ token }) {
      const t = token.trim().toLowerCase()
      if (t === SANDBOX_WALLET_TOKENS.INVALID) return undefined
      const behaviour: CardBehaviour = t === SANDBOX_WALLET_TOKENS.DECLINE ? 'decline' : t === SANDBOX_WALLET_TOKENS.REQUIRE_3DS ? '3ds' : 'ok'
      const last4 = behaviour === 'decline' ? '0002' : behaviour === '3ds' ? '3220' : '1111'
      return {
        cardToken: issueCardToken(behaviour),
        brand: 'visa',
        first6: behaviour === 'ok' ? '411111' : '400000',
        last4,
        expiryMonth: '12',
        expiryYear: '2030',
        ...(t === SANDBOX_WALLET_TOKENS.FRAUD ? { holderName: SANDBOX_FRAUD_HOLDER } : {})
      }
    },
    async startRedirect () {
      return { reference: reference('SBXR') }
    },
    async completeRedirect ({ type, reference: ref }) {
      // PayPal payments can be charged again (PREVIOUS_ORDER): the sandbox issues a token for them.
      const reusable = type === 'PAYPAL' || type === 'PAYPAL_EXPRESS'
      return { reference: ref, ...(reusable ? { paymentToken: issueCardToken('ok') } : {}) }
    },
    async registerBankAccount ({ kind }) {
      return { mandateReference: reference(`SBXM-${kind}-`) }
    },
    async refundPayment ({ amountMinor }) {
      if (amountMinor === SANDBOX_REFUND_DECLINE_MINOR) return { outcome: 'DECLINED', reason: 'Refund declined by the processor (sandbox test amount 13.13)' }
      return { outcome: 'APPROVED', reference: reference('SBXF') }
    }
  }
}
