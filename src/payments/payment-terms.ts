/**
 * Payment terms for B2B (issue 19 item 4): when an offline payment (purchase order, wire, check)
 * is due — NET n days from the order, or a FIXED_DATE. Pure: the caller gives the clock.
 */
import type { FieldError } from '../errors.js'
import type { PaymentTermsInput, WirePaymentTerms } from '../wire/payment-terms.js'
import { formatWireDate } from '../wire/wire-date.js'
import type { PaymentType } from './payment-types.js'

export type { PaymentTermsType } from '../wire/payment-terms.js'

/** The payment types paid later, against terms: the ones Assisted.PaymentTerms applies to. */
export const TERMS_PAYMENT_TYPES = ['PURCHASEORDER', 'WIRE', 'CHECK'] as const satisfies readonly PaymentType[]

/** NET days, as the merchants.po_payment_terms_days check allows (migration 202611241030). */
export const MAX_NET_DAYS = 365
/** A FIXED_DATE at most this many days ahead. */
export const MAX_FIXED_DATE_DAYS = 366

const DAY_MS = 86_400_000

/** Terms as an order keeps them: the rule and the moment it is due (orders.payment_due_at). */
export type PaymentTerms = { type: 'NET', days: number, dueAt: Date } | { type: 'FIXED_DATE', dueAt: Date }

export const allowsPaymentTerms = (type: PaymentType): boolean => (TERMS_PAYMENT_TYPES as readonly string[]).includes(type)

const invalid = (path: string, message: string): FieldError => ({ path, error_code: 'PAYMENT_TERMS_INVALID', message })

/** NET n days: a whole number of days, 1 to MAX_NET_DAYS; the field errors otherwise. */
export function netDaysErrors (days: number | undefined, path: string): FieldError[] {
  if (days === undefined) return [invalid(path, 'NET terms need Days')]
  if (!Number.isInteger(days) || days < 1 || days > MAX_NET_DAYS) return [invalid(path, `Days must be a whole number from 1 to ${MAX_NET_DAYS}, got ${days}`)]
  return []
}

/** The terms given at `now`: when they are due, or the field errors naming `path`'s fields. */
export function resolvePaymentTerms (input: PaymentTermsInput, now: Date, path: string): { ok: true, terms: PaymentTerms } | { ok: false, errors: FieldError[] } {
  if (input.Type === 'NET') {
    const errors = [...netDaysErrors(input.Days, `${path}.Days`), ...(input.DueDate !== undefined ? [invalid(`${path}.DueDate`, 'NET terms take Days, not DueDate')] : [])]
    if (errors.length > 0 || input.Days === undefined) return { ok: false, errors }
    return { ok: true, terms: { type: 'NET', days: input.Days, dueAt: new Date(now.getTime() + input.Days * DAY_MS) } }
  }
  const errors: FieldError[] = input.Days !== undefined ? [invalid(`${path}.Days`, 'FIXED_DATE terms take DueDate, not Days')] : []
  const match = input.DueDate === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.DueDate)
  if (match === null) return { ok: false, errors: [...errors, invalid(`${path}.DueDate`, 'FIXED_DATE terms need DueDate as YYYY-MM-DD')] }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const start = Date.UTC(year, month - 1, day)
  const date = new Date(start)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, errors: [...errors, invalid(`${path}.DueDate`, `${input.DueDate ?? ''} is not a calendar date`)] }
  }
  // Due by the end of that day (UTC): the last second of it.
  const dueAt = new Date(start + DAY_MS - 1000)
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  if (start <= today) errors.push(invalid(`${path}.DueDate`, `DueDate must be after today (${new Date(today).toISOString().slice(0, 10)} UTC)`))
  else if (start > today + MAX_FIXED_DATE_DAYS * DAY_MS) errors.push(invalid(`${path}.DueDate`, `DueDate must be at most ${MAX_FIXED_DATE_DAYS} days ahead`))
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, terms: { type: 'FIXED_DATE', dueAt } }
}

/** Whole days from `from` to the due moment, rounded up (a purchase order's PaymentTermDays). */
export const termDays = (terms: PaymentTerms, from: Date): number => (terms.type === 'NET' ? terms.days : Math.ceil((terms.dueAt.getTime() - from.getTime()) / DAY_MS))

export function toWirePaymentTerms (terms: PaymentTerms): WirePaymentTerms {
  return { Type: terms.type, ...(terms.type === 'NET' ? { Days: terms.days } : {}), DueDate: formatWireDate(terms.dueAt) }
}
