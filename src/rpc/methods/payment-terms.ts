import { z } from 'zod'
import { MAX_NET_DAYS } from '../../payments/payment-terms.js'
import { readMerchantPaymentTerms, saveMerchantPaymentTerms, type MerchantPaymentTerms } from '../../payments/payment-terms-store.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

// 2Checkout sets payment terms in its control panel, not its API: these names and shapes are ordergate's.

const MerchantTermsSchema = z.object({
  Type: z.literal('NET').describe('days after the order date'),
  Days: z.number().int().describe(`1-${MAX_NET_DAYS}`)
}).describe('the merchant\'s purchase-order payment terms')

const toWire = (terms: MerchantPaymentTerms): z.output<typeof MerchantTermsSchema> => ({ Type: 'NET', Days: terms.days })

/** setPaymentTerms(sessionID, PaymentTerms {Type NET, Days}) → the merchant's PO terms as stored (merchant API session only). */
export const setPaymentTermsMethod = defineMethod({
  name: 'setPaymentTerms',
  summary: `Sets the merchant's purchase-order payment terms, NET Days (1-${MAX_NET_DAYS}) after the order date, for orders placed from now on (merchant API session only)`,
  params: z.object({ sessionID: z.string(), PaymentTerms: z.strictObject({ Type: z.literal('NET'), Days: z.number() }) }),
  result: MerchantTermsSchema,
  session: true,
  // An account setting (seed 004: terms agreed with the merchant): its API session only.
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'PAYMENT_TERMS_INVALID'],
  handler: async (params, ctx) => {
    const saved = await saveMerchantPaymentTerms(ctx.deps.db, ctx.merchant.id, params.PaymentTerms.Days, 'PaymentTerms.Days')
    ctx.log.info({ days: saved.days }, 'payment terms changed')
    return toWire(saved)
  }
})

/** getPaymentTerms(sessionID) → the merchant's PO terms (30 days unless set). */
export const getPaymentTermsMethod = defineMethod({
  name: 'getPaymentTerms',
  summary: 'Returns the merchant\'s purchase-order payment terms (NET 30 unless set) (merchant API session only)',
  params: z.object({ sessionID: z.string() }),
  result: MerchantTermsSchema,
  session: true,
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (_params, ctx) => toWire(await readMerchantPaymentTerms(ctx.deps.db, ctx.merchant.id))
})
