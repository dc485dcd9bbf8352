// Cards (CC and TEST): seed 002's CardPayment fields, 3DS URLs required (SPEC §3).
import { z } from 'zod'
import type { PaymentType } from '../../payments/payment-types.js'
import {
  CARD_TYPES, cardTypeMatches, luhnValid, parseExpiryMonth, parseExpiryYear, stripCardNumber,
  type CardType
} from '../field-checks.js'
import {
  boolLike, caseInsensitiveEnum, httpUrl, intLike, isRecord, numberLike, opt, reqStr, textOrNumber
} from '../field-schemas.js'
import { withCode } from '../order-field-errors.js'
import { paymentMethodInput } from './method-input.js'

const cardNumber = () => z.string()
  .overwrite(stripCardNumber)
  .min(1)
  .refine((v) => v === '' || (/^\d{12,19}$/.test(v) && luhnValid(v)), withCode('CARD_NUMBER_INVALID'))

const expiryYear = () => textOrNumber().pipe(z.string().min(1)
  .refine((v) => parseExpiryYear(v) !== undefined, withCode('CARD_EXPIRATION_INVALID', 'ExpirationYear must be a 2- or 4-digit year.'))
  .transform((v) => String(parseExpiryYear(v))))

const expiryMonth = () => textOrNumber().pipe(z.string().min(1)
  .refine((v) => parseExpiryMonth(v) !== undefined, withCode('CARD_EXPIRATION_INVALID', 'ExpirationMonth must be a month from 1 to 12.'))
  .transform((v) => String(parseExpiryMonth(v)).padStart(2, '0')))

const ccid = () => textOrNumber().pipe(z.string().min(1).refine((v) => /^\d{3,4}$/.test(v), withCode('CARD_CCID_INVALID')))

const nonNegative = () => opt(numberLike().pipe(z.number().min(0)))

const CARD_TYPE_SET: ReadonlySet<string> = new Set(CARD_TYPES)

// Checks across the card's fields; run also when a field failed, so every problem is reported.
function checkCardConsistency (value: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(value)) return
  const digits = typeof value.CardNumber === 'string' ? stripCardNumber(value.CardNumber) : ''
  const type = typeof value.CardType === 'string' ? value.CardType.trim().toLowerCase() : ''
  if (!CARD_TYPE_SET.has(type)) return
  if (/^\d{12,19}$/.test(digits) && luhnValid(digits) && !cardTypeMatches(digits, type as CardType)) {
    ctx.addIssue({ code: 'custom', path: ['CardType'], ...withCode('CARD_TYPE_MISMATCH') })
  }
  const code = typeof value.CCID === 'string' ? value.CCID.trim() : typeof value.CCID === 'number' ? String(value.CCID) : ''
  const expected = type === 'amex' ? 4 : 3
  if (/^\d{3,4}$/.test(code) && code.length !== expected) {
    ctx.addIssue({ code: 'custom', path: ['CCID'], ...withCode('CARD_CCID_INVALID', `CCID must be ${expected} digits for ${type}.`) })
  }
}

export const cardFieldsSchema = () => z.object({
  CardNumber: cardNumber(),
  CardType: caseInsensitiveEnum(CARD_TYPES, 'CARD_TYPE_INVALID'),
  ExpirationYear: expiryYear(),
  ExpirationMonth: expiryMonth(),
  HolderName: reqStr(255),
  CCID: ccid(),
  Vendor3DSReturnURL: httpUrl(),
  Vendor3DSCancelURL: httpUrl(),
  HolderNameTime: nonNegative(),
  CardNumberTime: nonNegative(),
  InstallmentsNumber: opt(intLike().pipe(z.number().int().min(1).max(99))),
  RecurringEnabled: opt(boolLike())
}).superRefine(checkCardConsistency, { when: () => true })

const cardMethod = (type: PaymentType) => z.preprocess(paymentMethodInput(type), cardFieldsSchema())

/** PaymentMethod for CC: canonical flat card fields; CardType lower-case, years 4 digits, months 2. */
export const CardPaymentMethodSchema = cardMethod('CC')
/** PaymentMethod for TEST orders: same fields as CC. */
export const TestCardPaymentMethodSchema = cardMethod('TEST')

export type CardPaymentMethod = z.output<typeof CardPaymentMethodSchema>
