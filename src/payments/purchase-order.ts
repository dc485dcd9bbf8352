import { AppError } from '../errors.js'
import { formatWireDate } from '../wire/wire-date.js'
import type { WirePODetails } from '../wire/order-output.js'
import type { PaymentStrategy } from './payment-strategy.js'
import { termDays, type PaymentTerms } from './payment-terms.js'

/** Payment terms when the merchant set none (days from the order date). */
export const DEFAULT_PO_PAYMENT_TERMS_DAYS = 30

/**
 * PURCHASEORDER (seed 004). AutoApprove=true needs the merchant's PO auto-approve (10004
 * NOT_ALLOWED otherwise) and gives PURCHASE_PENDING; AutoApprove=false gives UNFINISHED with
 * PODetails AWAITING_UPLOAD until the merchant approves or cancels. Either way the order is
 * canceled by the sweep when it is unpaid after the merchant's payment terms.
 */
export const PURCHASEORDER_STRATEGY: PaymentStrategy<'PURCHASEORDER'> = {
  type: 'PURCHASEORDER',
  database: 'transaction',
  async pay (deps, request) {
    const method = request.details.PaymentMethod
    if (method.AutoApprove && !request.merchant.poAutoApprove) {
      throw new AppError('NOT_ALLOWED', {
        message: 'Purchase-order auto-approve is not enabled for this merchant',
        fields: [{ path: 'PaymentDetails.PaymentMethod.AutoApprove', error_code: 'NOT_ALLOWED', message: 'AutoApprove=true needs the PO auto-approve package on this account; send false to approve the order manually' }]
      })
    }
    const now = deps.clock.now()
    // An assisted sale's terms (Assisted.PaymentTerms), else the merchant's PO terms (setPaymentTerms).
    let terms: PaymentTerms | undefined = request.paymentTerms
    if (terms === undefined) {
      const merchant = await deps.trx.selectFrom('merchants').select('po_payment_terms_days').where('id', '=', request.merchant.id).executeTakeFirst()
      const days = merchant?.po_payment_terms_days ?? DEFAULT_PO_PAYMENT_TERMS_DAYS
      terms = { type: 'NET', days, dueAt: new Date(now.getTime() + days * 86_400_000) }
    }
    const termsDays = termDays(terms, now)
    const dueAt = terms.dueAt
    const poDetails = {
      Status: method.AutoApprove ? 'APPROVED' : 'AWAITING_UPLOAD',
      InternalPONumber: method.InternalPONumber,
      AutoApprove: method.AutoApprove,
      PaymentTermDays: termsDays,
      DueDate: formatWireDate(dueAt)
    } satisfies WirePODetails
    return {
      status: method.AutoApprove ? 'PURCHASE_PENDING' : 'UNFINISHED',
      approveStatus: 'WAITING',
      vendorApproveStatus: method.AutoApprove ? 'OK' : 'WAITING',
      paymentStatus: 'PENDING',
      errors: null,
      paymentMethod: { InternalPONumber: method.InternalPONumber, AutoApprove: method.AutoApprove },
      extra: { PODetails: poDetails },
      details: { purchaseOrder: { internalPONumber: method.InternalPONumber, autoApprove: method.AutoApprove, termsDays, dueAt: dueAt.toISOString() } },
      paymentTerms: terms
    }
  }
}
