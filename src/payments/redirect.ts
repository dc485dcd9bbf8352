import { newPaymentPage } from './payment-page-token.js'
import type { GatewayDeps, PaymentOutcome, PaymentRequest, PaymentStrategy } from './payment-strategy.js'
import type { PaymentType } from './payment-types.js'

// Methods that send the shopper to the provider and back (PayPal, iDEAL, WeChat Pay, Alipay,
// UnionPay, Trustly, DIRECT_EBANKING): the order stays PENDING with `RedirectURL`, the sandbox
// provider page served by ordergate. Completing it moves the order to AUTHRECEIVED and sends
// the shopper to ReturnURL?REFNO=…; cancelling cancels the order and sends them to CancelURL
// (ReturnURL when the provider has no cancel URL).

export const REDIRECT_PAGE_PATH = '/sandbox/redirect'

type RedirectMethod = { ReturnURL: string, CancelURL?: string | undefined }

async function payByRedirect (deps: GatewayDeps, request: Omit<PaymentRequest, 'details'>, type: PaymentType, method: RedirectMethod & Record<string, unknown>): Promise<PaymentOutcome> {
  const started = await deps.gateway.startRedirect({ type, amountMinor: request.amountMinor, currency: request.currency })
  // The sealed token is stored; the answer shows the token (src/payments/payment-page-token.ts).
  const { page, sealed } = newPaymentPage(deps.clock.now(), 'REDIRECT', method.ReturnURL, method.CancelURL ?? method.ReturnURL)
  const redirectUrl = `${deps.publicUrl}${REDIRECT_PAGE_PATH}?token=${sealed}`
  return {
    status: 'PENDING',
    approveStatus: 'WAITING',
    vendorApproveStatus: 'OK',
    paymentStatus: 'PENDING',
    errors: null,
    paymentMethod: { ...method, CancelURL: method.CancelURL ?? null, RedirectURL: redirectUrl },
    processorReference: started.reference,
    details: { redirect: page }
  }
}

const redirectStrategy = <T extends 'PAYPAL' | 'PAYPAL_EXPRESS' | 'DIRECT_EBANKING' | 'WE_CHAT_PAY' | 'IDEAL' | 'ALIPAY' | 'UNIONPAY' | 'TRUSTLY'>(type: T): PaymentStrategy<T> => ({
  type,
  database: 'none',
  // Every redirect type's PaymentMethod has ReturnURL (and CancelURL where the provider has one).
  pay: async (deps, request) => await payByRedirect(deps, request, type, (request.details as { PaymentMethod: RedirectMethod & Record<string, unknown> }).PaymentMethod)
})

export const PAYPAL_STRATEGY = redirectStrategy('PAYPAL')
export const PAYPAL_EXPRESS_STRATEGY = redirectStrategy('PAYPAL_EXPRESS')
export const DIRECT_EBANKING_STRATEGY = redirectStrategy('DIRECT_EBANKING')
export const WE_CHAT_PAY_STRATEGY = redirectStrategy('WE_CHAT_PAY')
export const IDEAL_STRATEGY = redirectStrategy('IDEAL')
export const ALIPAY_STRATEGY = redirectStrategy('ALIPAY')
export const UNIONPAY_STRATEGY = redirectStrategy('UNIONPAY')
export const TRUSTLY_STRATEGY = redirectStrategy('TRUSTLY')
