// Zod building blocks shared by the Order and PaymentMethod schemas. Built once at module load.
//
// Conventions (SPEC §3, seed 004): an optional field sent as null — or as an empty string, as
// 2Checkout's own samples do — is treated as absent and left out of the output. A required field
// sent as null or as blank text is missing (FIELD_REQUIRED). Text is trimmed.
import { isIP } from 'node:net'
import { z } from 'zod'
import {
  dateTimeValid, emailValid, httpUrlValid, isCountryCode, isCurrencyCode, isLanguageCode
} from './field-checks.js'
import { withCode, type OrderFieldErrorCode } from './order-field-errors.js'

const blankToUndefined = (value: unknown): unknown =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value

/** Optional field: absent, null or '' → left out of the output. */
export function opt<T extends z.ZodType> (schema: T) {
  return z.preprocess(blankToUndefined, schema.nullish())
    .transform((value) => value ?? undefined)
    .optional()
}

/** Required text, trimmed, 1..max characters. */
export const reqStr = (max: number) => z.string().trim().min(1).max(max)

/** Optional text, trimmed, at most max characters. */
export const optStr = (max: number) => opt(z.string().trim().max(max))

/** A string or a number, as text (PHP clients send numbers where the wire says string). */
export const textOrNumber = () =>
  z.union([z.string(), z.number()]).transform((value) => String(value).trim())

/** Integer, also written as a string of digits ("1", as 2Checkout's samples send Quantity). */
export const intLike = () =>
  z.union([z.number().int(), z.string().trim().regex(/^-?\d{1,15}$/)])
    .transform((value) => Number(value))

/** Number, also written as a decimal string. */
export const numberLike = () =>
  z.union([z.number(), z.string().trim().regex(/^-?\d{1,15}(?:\.\d+)?$/)])
    .transform((value) => Number(value))

/** Boolean; the strings "true"/"false" are accepted too (seed 002 quotes `"true"`). */
export const boolLike = () =>
  z.union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])])
    .transform((value) => value === true || (typeof value === 'string' && value.toLowerCase() === 'true'))

/** A string checked by `predicate`, refused with `code`. */
export const checkedStr = (max: number, predicate: (value: string) => boolean, code: OrderFieldErrorCode) =>
  z.string().trim().min(1).max(max).refine(predicate, withCode(code))

export const currencyCode = () =>
  checkedStr(3, isCurrencyCode, 'ORDER_CURRENCY_INVALID').transform((v) => v.toUpperCase())

export const countryCode = (code: OrderFieldErrorCode = 'ORDER_COUNTRY_INVALID') =>
  checkedStr(2, isCountryCode, code).transform((v) => v.toUpperCase())

export const languageCode = () =>
  checkedStr(2, isLanguageCode, 'ORDER_LANGUAGE_INVALID').transform((v) => v.toLowerCase())

export const email = (code: OrderFieldErrorCode) => checkedStr(254, emailValid, code)

export const httpUrl = () => checkedStr(2048, httpUrlValid, 'URL_INVALID')

export const dateTime = () => checkedStr(19, dateTimeValid, 'ORDER_DATE_TIME_INVALID')

export const ipAddress = () => checkedStr(45, (v) => isIP(v) !== 0, 'CUSTOMER_IP_INVALID')

/** Case-insensitive choice among `values`, output in the listed spelling. */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]> (values: T, code: OrderFieldErrorCode) {
  const byFolded = new Map(values.map((v) => [v.toLowerCase(), v]))
  return z.string().trim()
    .refine((v) => byFolded.has(v.toLowerCase()), withCode(code, `${ORDER_CHOICE_PREFIX}${values.join(', ')}.`))
    .transform((v) => byFolded.get(v.toLowerCase()) as T[number])
}

const ORDER_CHOICE_PREFIX = 'The value must be one of: '

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
