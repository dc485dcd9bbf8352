import { z } from 'zod'

// Payment terms on the wire (issue 19 item 4; ordergate's: 2Checkout keeps terms in its control
// panel): Assisted.PaymentTerms as given, and the Order's PaymentTerms. The rules are in
// src/payments/payment-terms.ts.

export const PAYMENT_TERMS_TYPES = ['NET', 'FIXED_DATE'] as const
export type PaymentTermsType = typeof PAYMENT_TERMS_TYPES[number]

export const PaymentTermsInputSchema = z.object({
  Type: z.enum(PAYMENT_TERMS_TYPES).describe('NET: Days after the order date; FIXED_DATE: on DueDate'),
  Days: z.number().int().optional().describe('NET only: 1-365'),
  DueDate: z.string().optional().describe('FIXED_DATE only: YYYY-MM-DD (UTC), after today and at most 366 days ahead; due by the end of that day')
}).describe('when the order must be paid')
export type PaymentTermsInput = z.output<typeof PaymentTermsInputSchema>

export const PaymentTermsOutputSchema = z.object({
  Type: z.enum(PAYMENT_TERMS_TYPES),
  Days: z.number().int().optional().describe('NET: days after the order date'),
  DueDate: z.string().describe('YYYY-MM-DD HH:mm:ss (UTC): paid by then, else overdue')
}).describe('PaymentTerms')
export type WirePaymentTerms = z.output<typeof PaymentTermsOutputSchema>
