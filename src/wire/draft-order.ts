// A draft's Order (issue 19 item 1): the placeOrder Order without PaymentDetails, and with no
// card data anywhere. The card comes only with completeDraft and is never stored with a draft
// (SPEC: card numbers and CVV never in the database), so a draft that carries a card number,
// a CVV or a payment method is refused naming the field, before anything is written.
import type { FieldError } from '../errors.js'
import { isRecord } from './field-schemas.js'
import { luhnValid, stripCardNumber } from './field-checks.js'
import { validateOrder, type Order } from './order-schema.js'

/** Keys that only ever hold card data. */
const CARD_KEYS = /^(?:CardNumber|CCID|CVV|CVV2|CVC|CardCode|SecurityCode|CardNumberToken)$/i
/** A run of 13-19 digits, spaces or dashes between them, as a card number is written. */
const DIGIT_RUN = /\d(?:[ -]?\d){12,18}/g

/** The placeholder payment a draft's Order is validated and priced with: FREE names no payment method and no rule of its own applies before the payment runs. */
export const DRAFT_PAYMENT_PLACEHOLDER = { Type: 'FREE' } as const

function looksLikeCardNumber (text: string): boolean {
  for (const run of text.match(DIGIT_RUN) ?? []) {
    const digits = stripCardNumber(run)
    // every window of 13-19 digits: a number written inside a longer run still counts
    for (let length = 13; length <= Math.min(19, digits.length); length++) {
      for (let start = 0; start + length <= digits.length; start++) {
        if (luhnValid(digits.slice(start, start + length))) return true
      }
    }
  }
  return false
}

function findCardData (value: unknown, path: string, out: FieldError[]): void {
  if (typeof value === 'string') {
    if (looksLikeCardNumber(value)) out.push({ path, error_code: 'DRAFT_CARD_DATA_NOT_ALLOWED', message: `${path} looks like a card number: a draft never holds card data (give the card to completeDraft)` })
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => findCardData(item, path === '' ? String(index) : `${path}.${index}`, out))
    return
  }
  if (!isRecord(value)) return
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    if (CARD_KEYS.test(key) && item !== undefined && item !== null) {
      out.push({ path: at, error_code: 'DRAFT_CARD_DATA_NOT_ALLOWED', message: `${at}: a draft never holds card data (give the card to completeDraft)` })
      continue
    }
    findCardData(item, at, out)
  }
}

/** Every card-data finding in a value, at its path under `prefix` (Assisted, …). */
export function cardDataFields (value: unknown, prefix = ''): FieldError[] {
  const out: FieldError[] = []
  findCardData(value, prefix, out)
  return out
}

/**
 * Validates a draft's Order: the Order's own rules (every violation at once, placeOrder's paths),
 * no PaymentDetails, no card data. The Order answered carries the placeholder payment
 * (DRAFT_PAYMENT_PLACEHOLDER), to be priced as placeOrder prices; the store keeps it without.
 */
export function validateDraftOrder (input: unknown, now: Date): { ok: true, order: Order } | { ok: false, fields: FieldError[] } {
  if (!isRecord(input)) return { ok: false, fields: [{ path: '', error_code: 'FIELD_INVALID', message: 'The Order (an object) is required.' }] }
  const fields: FieldError[] = []
  const { PaymentDetails: payment, ...rest } = input
  if (payment !== undefined && payment !== null) {
    fields.push({ path: 'PaymentDetails', error_code: 'DRAFT_PAYMENT_DETAILS_NOT_ALLOWED', message: 'a draft holds no payment details: the payment is given to completeDraft' })
  }
  fields.push(...cardDataFields(rest))
  const validation = validateOrder({ ...rest, PaymentDetails: DRAFT_PAYMENT_PLACEHOLDER }, now)
  if (!validation.ok) fields.push(...validation.fields.filter((f) => !fields.some((g) => g.path === f.path)))
  if (fields.length > 0) return { ok: false, fields }
  return validation
}
