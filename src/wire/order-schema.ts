// The placeOrder Order object (SPEC §3, seed 002, seed 004): Zod schemas over the wire form, and
// validateOrder, which reports every violation at once with its field path and a stable code.
//
// Normalisation (the output `Order`):
// - Currency, Country, country codes and PaymentDetails.Currency upper-case; Language lower-case.
// - Unknown fields are stripped. Optional fields sent as null or '' are left out.
// - Currency is always set: the order's, or PaymentDetails.Currency when only that one is given;
//   PaymentDetails.Currency is set to the same value.
// - Items[].Quantity defaults to 1; Trial false/null is left out; PriceOptions, AdditionalFields
//   and Promotions are always arrays ([] when absent or null).
// - SubscriptionStartDate is always 'YYYY-MM-DD HH:mm:ss': a date alone gets 00:00:01 as
//   2Checkout documents. The time zone (GMT+02:00 by default) is applied by the service layer.
// - SubscriptionCustomSettings: CycleLenght/ContractLenght (2Checkout's spelling) → CycleLength/
//   ContractLength.
// - PaymentDetails.Type canonical ("APPLE PAY" → APPLE_PAY); PaymentMethod one flat object per
//   type, whether the client sent the fields directly or under seed 002's named sub-object.
// - CustomerReference, Quantity and other integers may arrive as digit strings ("1", as
//   2Checkout's own samples send Quantity); the output holds numbers.
import { z } from 'zod'
import { normalisePaymentType } from '../payments/payment-types.js'
import {
  brazilFiscalCodeValid, cardExpired, COMPANY_FISCAL_CODE_COUNTRIES, dateTimeValid, dateValid,
  fieldCodeValid, findState, isCountryCode, isCurrencyCode, isStateCountry, parseExpiryMonth,
  parseExpiryYear
} from './field-checks.js'
import {
  boolLike, caseInsensitiveEnum, checkedStr, countryCode, currencyCode, dateTime, email, intLike,
  isRecord, languageCode, numberLike, opt, optStr, reqStr, textOrNumber
} from './field-schemas.js'
import {
  ORDER_FIELD_ERROR_CODES, withCode, type FieldError, type OrderFieldErrorCode
} from './order-field-errors.js'
import {
  CARD_PAYMENT_TYPES, flattenPaymentMethod, PaymentDetailsSchema, usedSubObject
} from './payment-method-schemas.js'

export { ORDER_FIELD_ERROR_CODES, type FieldError, type OrderFieldErrorCode } from './order-field-errors.js'

export const MAX_ITEMS = 1000
export const MAX_QUANTITY = 10_000

const present = (value: unknown): boolean =>
  value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')

const validCountry = (value: unknown): string | undefined =>
  typeof value === 'string' && isCountryCode(value.trim()) ? value.trim().toUpperCase() : undefined

const validCurrency = (value: unknown): string | undefined =>
  typeof value === 'string' && isCurrencyCode(value.trim()) ? value.trim().toUpperCase() : undefined

/** An array that may be sent as null or left out; the output is always an array. */
const listOf = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => v ?? undefined, z.array(item).max(max).default(() => []))

const additionalFieldCode = () => checkedStr(100, fieldCodeValid, 'ORDER_ADDITIONAL_FIELD_CODE_INVALID')

// ---------------------------------------------------------------------------------------------
// Items

const maxThreeDecimals = (n: number): boolean => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6

export const PriceSchema = z.object({
  Type: caseInsensitiveEnum(['CUSTOM'], 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID'),
  Amount: numberLike().pipe(z.number().min(0).max(1e12).refine(maxThreeDecimals, withCode('ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID')))
})

export const CrossSellSchema = z.object({
  ParentCode: reqStr(256),
  CampaignCode: reqStr(255)
})

export const TrialSchema = z.object({
  Period: intLike().pipe(z.number().int().min(1).max(3650)),
  Price: opt(numberLike().pipe(z.number().min(0)))
})

export const ItemAdditionalFieldSchema = z.object({
  Code: additionalFieldCode(),
  Value: textOrNumber().pipe(z.string().max(1024))
})

const SUBSCRIPTION_START = /^\d{4}-\d{2}-\d{2}$/

// 2Checkout documents CycleLenght/ContractLenght; the correct spelling wins when both are sent.
function renameMisspelt (raw: unknown): unknown {
  if (!isRecord(raw)) return raw
  const { CycleLenght, ContractLenght, ...rest } = raw
  return {
    ...rest,
    CycleLength: rest.CycleLength ?? CycleLenght,
    ContractLength: rest.ContractLength ?? ContractLenght
  }
}

export const SubscriptionCustomSettingsSchema = z.preprocess(renameMisspelt, z.object({
  CycleAmountType: caseInsensitiveEnum(['NET', 'GROSS'], 'FIELD_INVALID'),
  CycleUnit: caseInsensitiveEnum(['DAY', 'MONTH'], 'FIELD_INVALID'),
  CycleAmount: numberLike().pipe(z.number().min(0)),
  CycleLength: intLike().pipe(z.number().int().min(1).max(3650)),
  ContractLength: opt(intLike().pipe(z.number().int().min(1).max(36_500))),
  MerchantDealAutoRenewal: opt(boolLike()),
  ClientDealAutoRenewal: opt(boolLike())
}).superRefine((value, ctx) => {
  const v: unknown = value
  if (!isRecord(v)) return
  const { CycleLength: cycle, ContractLength: contract } = v
  if (typeof cycle === 'number' && typeof contract === 'number' && Number.isInteger(cycle) && cycle >= 1 &&
      Number.isInteger(contract) && contract % cycle !== 0) {
    ctx.addIssue({ code: 'custom', path: ['ContractLength'], ...withCode('ORDER_CONTRACT_LENGTH_INVALID') })
  }
}, { when: () => true }))

export const ItemSchema = z.object({
  Code: reqStr(256),
  Quantity: z.preprocess((v) => v ?? undefined, intLike().pipe(z.number().int().min(1).max(MAX_QUANTITY)).default(1)),
  PriceOptions: listOf(reqStr(255), 100),
  SKU: optStr(255),
  Price: opt(PriceSchema),
  CrossSell: opt(CrossSellSchema),
  // seed 004 sends `Trial: false` for "no trial".
  Trial: z.union([z.literal(false), TrialSchema]).nullish()
    .transform((v) => (v === false || v === null ? undefined : v))
    .optional(),
  AdditionalFields: listOf(ItemAdditionalFieldSchema, 100),
  SubscriptionStartDate: opt(z.string().trim()
    .refine((v) => dateValid(v) || dateTimeValid(v), withCode('ORDER_SUBSCRIPTION_START_DATE_INVALID'))
    .transform((v) => (SUBSCRIPTION_START.test(v) ? `${v} 00:00:01` : v))),
  SubscriptionCustomSettings: opt(SubscriptionCustomSettingsSchema)
})

// ---------------------------------------------------------------------------------------------
// Addresses

type AddressKind = 'BILLING' | 'DELIVERY'

// State, Phone and fiscal-code rules (SPEC §3). They run even when a field failed its own
// check, reading the values defensively, so that all problems come back in one answer.
function checkAddress (kind: AddressKind, value: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(value)) return
  const country = validCountry(value.CountryCode)
  if (country === undefined) return
  const issue = (field: string, code: OrderFieldErrorCode, message?: string) =>
    ctx.addIssue({ code: 'custom', path: [field], ...withCode(code, message) })

  if (isStateCountry(country)) {
    if (!present(value.State)) {
      issue('State', `${kind}_STATE_REQUIRED`, `State is required when CountryCode is ${country}.`)
    } else if (typeof value.State === 'string' && findState(country, value.State) === undefined) {
      issue('State', `${kind}_STATE_INVALID`, `State is not a known state of ${country} (full name or code).`)
    }
  }
  if (country === 'BR' && !present(value.Phone)) issue('Phone', `${kind}_PHONE_REQUIRED`)
  if (kind === 'DELIVERY') return

  const hasCompany = present(value.Company)
  const hasFiscalCode = present(value.FiscalCode)
  if (country === 'BR') {
    if (!hasFiscalCode) {
      issue('FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED', 'FiscalCode (CPF or CNPJ) is required when CountryCode is BR.')
    } else if (typeof value.FiscalCode === 'string' && !brazilFiscalCodeValid(value.FiscalCode)) {
      issue('FiscalCode', 'BILLING_FISCAL_CODE_INVALID')
    }
    return
  }
  if (hasCompany && !hasFiscalCode && COMPANY_FISCAL_CODE_COUNTRIES.has(country)) {
    issue('FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED', `FiscalCode (the company's tax id) is required with Company when CountryCode is ${country}.`)
  }
  if (hasFiscalCode && !hasCompany) {
    issue('Company', 'BILLING_COMPANY_REQUIRED', 'Company is required when FiscalCode is given.')
  }
}

export const BillingDetailsSchema = z.object({
  FirstName: reqStr(255),
  LastName: reqStr(255),
  CountryCode: countryCode('BILLING_COUNTRY_INVALID'),
  State: optStr(255),
  City: reqStr(255),
  Address1: reqStr(255),
  Address2: optStr(255),
  Zip: reqStr(32),
  Email: email('BILLING_EMAIL_INVALID'),
  Phone: optStr(64),
  Company: optStr(255),
  FiscalCode: optStr(64),
  TaxExemptionId: optStr(64)
}).superRefine((v, ctx) => checkAddress('BILLING', v, ctx), { when: () => true })

export const DeliveryDetailsSchema = z.object({
  FirstName: reqStr(255),
  LastName: reqStr(255),
  CountryCode: countryCode('DELIVERY_COUNTRY_INVALID'),
  State: optStr(255),
  City: optStr(255),
  Address1: optStr(255),
  Address2: optStr(255),
  Zip: optStr(32),
  Email: opt(email('DELIVERY_EMAIL_INVALID')),
  Phone: optStr(64),
  Company: optStr(255)
}).superRefine((v, ctx) => checkAddress('DELIVERY', v, ctx), { when: () => true })

// ---------------------------------------------------------------------------------------------
// Order

export const AffiliateSchema = z.object({
  AffiliateCode: reqStr(100),
  AffiliateSource: optStr(255)
})

export const OrderAdditionalFieldSchema = z.object({
  Code: additionalFieldCode(),
  Text: optStr(1024),
  Value: textOrNumber().pipe(z.string().max(1024))
})

export const GiftDetailsSchema = z.object({
  FirstName: optStr(255),
  LastName: optStr(255),
  Email: opt(email('GIFT_EMAIL_INVALID')),
  GiftNote: optStr(1024)
})

// 2Checkout's own samples send `"Affiliate": {}` for "no affiliate".
const emptyObjectToUndefined = (v: unknown): unknown => (isRecord(v) && Object.keys(v).length === 0 ? undefined : v)

// Rules across sections; defensive like checkAddress, for the same reason.
function checkOrder (value: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(value)) return
  const issue = (path: Array<string | number>, code: OrderFieldErrorCode, message?: string) =>
    ctx.addIssue({ code: 'custom', path, ...withCode(code, message) })
  const payment = isRecord(value.PaymentDetails) ? value.PaymentDetails : {}
  const billing = isRecord(value.BillingDetails) ? value.BillingDetails : {}
  const method = isRecord(payment.PaymentMethod) ? payment.PaymentMethod : {}
  const type = normalisePaymentType(payment.Type)

  // Currency: the order's and the payment's must agree; at least one is needed.
  const orderCurrency = validCurrency(value.Currency)
  const paymentCurrency = validCurrency(payment.Currency)
  if (!present(value.Currency) && !present(payment.Currency) && isRecord(value.PaymentDetails)) {
    issue(['Currency'], 'FIELD_REQUIRED', 'Currency is required (on the order or in PaymentDetails.Currency).')
  }
  if (orderCurrency !== undefined && paymentCurrency !== undefined && orderCurrency !== paymentCurrency) {
    issue(['PaymentDetails', 'Currency'], 'ORDER_CURRENCY_MISMATCH')
  }

  // SubscriptionCustomSettings need an assisted sale (seed 002).
  const extra = isRecord(value.ExtraInformation) ? value.ExtraInformation : {}
  if (extra.AssistedSale !== true && Array.isArray(value.Items)) {
    value.Items.forEach((item: unknown, index) => {
      if (isRecord(item) && present(item.SubscriptionCustomSettings)) {
        issue(['Items', index, 'SubscriptionCustomSettings'], 'ORDER_SUBSCRIPTION_CUSTOM_SETTINGS_NOT_ALLOWED')
      }
    })
  }

  // A purchase order is placed by a company (seed 004).
  if (type === 'PURCHASEORDER' && isRecord(value.BillingDetails) && !present(billing.Company)) {
    issue(['BillingDetails', 'Company'], 'BILLING_COMPANY_REQUIRED', 'Company is required for PURCHASEORDER payments.')
  }

  const billingCountry = validCountry(billing.CountryCode)
  // Boleto is a Brazilian payment method.
  if (type === 'BOLETO' && billingCountry !== undefined && billingCountry !== 'BR') {
    issue(['PaymentDetails', 'Type'], 'PAYMENT_TYPE_COUNTRY_INVALID', 'BOLETO is only available when BillingDetails.CountryCode is BR.')
  }

  // Installments: Brazil, visa or mastercard, BRL (seed 002); 1 means a full payment.
  const installments = method.InstallmentsNumber
  if ((type === 'CC' || type === 'TEST') && typeof installments === 'number' && installments > 1) {
    const cardType = typeof method.CardType === 'string' ? method.CardType.toLowerCase() : ''
    const currency = orderCurrency ?? paymentCurrency
    if (billingCountry !== 'BR' || (cardType !== 'visa' && cardType !== 'mastercard') || currency !== 'BRL') {
      issue(['PaymentDetails', 'PaymentMethod', 'InstallmentsNumber'], 'CARD_INSTALLMENTS_INVALID')
    }
  }
}

const OrderObjectSchema = z.object({
  Currency: opt(currencyCode()),
  Country: opt(countryCode()),
  Language: opt(languageCode()),
  ExternalReference: optStr(100),
  Source: optStr(255),
  CustomerReference: opt(intLike().pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))),
  Affiliate: z.preprocess(emptyObjectToUndefined, opt(AffiliateSchema)),
  Items: z.array(ItemSchema).min(1).max(MAX_ITEMS),
  BillingDetails: BillingDetailsSchema,
  DeliveryDetails: opt(DeliveryDetailsSchema),
  DeliveryInformation: opt(z.object({
    ShippingMethod: opt(z.object({ Code: reqStr(100) }))
  })),
  PaymentDetails: PaymentDetailsSchema,
  Promotions: listOf(reqStr(100), 100),
  AdditionalFields: listOf(OrderAdditionalFieldSchema, 100),
  LocalTime: opt(dateTime()),
  GiftDetails: opt(GiftDetailsSchema),
  BillingCycleReset: opt(boolLike()),
  WSOrder: optStr(255),
  ExtraInformation: opt(z.object({
    AssistedSale: opt(boolLike())
  }))
}).superRefine(checkOrder, { when: () => true })

/** The placeOrder Order object: wire form in (z.input), normalised Order out (z.output). */
export const OrderSchema = OrderObjectSchema.transform((order) => {
  // checkOrder guarantees one of the two is present when parsing succeeds.
  const currency = order.Currency ?? order.PaymentDetails.Currency ?? ''
  return { ...order, Currency: currency, PaymentDetails: { ...order.PaymentDetails, Currency: currency } }
})

/** The normalised Order (see the header of this file). */
export type Order = z.output<typeof OrderSchema>
export type OrderInput = z.input<typeof OrderSchema>

export type OrderValidation = { ok: true, order: Order } | { ok: false, fields: FieldError[] }

// ---------------------------------------------------------------------------------------------
// From Zod issues to FieldErrors

type Segment = PropertyKey
type Rule = { path: RegExp, code: OrderFieldErrorCode, required?: boolean, onlyRequired?: boolean }

const methodField = (...fields: string[]) =>
  new RegExp(`^PaymentDetails\\.PaymentMethod\\.(?:[A-Za-z_]+\\.)?(?:${fields.join('|')})$`)

// Codes of fields whose generic problems (wrong type, format, range) have a specific name.
// `required: true` also renames a missing value; `onlyRequired: true` renames nothing else.
const FIELD_RULES: readonly Rule[] = [
  { path: /^Items$/, code: 'ORDER_PRODUCTS_EMPTY', required: true },
  { path: /^Items\.\d+\.Quantity$/, code: 'ORDER_ITEMS_QUANTITY_INVALID', required: true },
  { path: /^Items\.\d+\.Price(?:\.|$)/, code: 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID', required: true },
  { path: /^Items\.\d+\.SubscriptionStartDate$/, code: 'ORDER_SUBSCRIPTION_START_DATE_INVALID' },
  { path: /^(?:PaymentDetails\.)?Currency$/, code: 'ORDER_CURRENCY_INVALID' },
  { path: /^Country$/, code: 'ORDER_COUNTRY_INVALID' },
  { path: /^Language$/, code: 'ORDER_LANGUAGE_INVALID' },
  { path: /^LocalTime$/, code: 'ORDER_DATE_TIME_INVALID' },
  { path: /^BillingDetails\.CountryCode$/, code: 'BILLING_COUNTRY_INVALID' },
  { path: /^DeliveryDetails\.CountryCode$/, code: 'DELIVERY_COUNTRY_INVALID' },
  { path: /^BillingDetails\.Email$/, code: 'BILLING_EMAIL_INVALID' },
  { path: /^DeliveryDetails\.Email$/, code: 'DELIVERY_EMAIL_INVALID' },
  { path: /^GiftDetails\.Email$/, code: 'GIFT_EMAIL_INVALID' },
  { path: /^PaymentDetails\.Type$/, code: 'PAYMENT_TYPE_INVALID' },
  { path: /^PaymentDetails\.PaymentMethod$/, code: 'PAYMENT_METHOD_REQUIRED', required: true, onlyRequired: true },
  { path: /^PaymentDetails\.CustomerIP$/, code: 'CUSTOMER_IP_INVALID' },
  { path: methodField('CardNumber'), code: 'CARD_NUMBER_INVALID' },
  { path: methodField('CardType'), code: 'CARD_TYPE_INVALID' },
  { path: methodField('ExpirationYear', 'ExpirationMonth'), code: 'CARD_EXPIRATION_INVALID' },
  { path: methodField('CCID'), code: 'CARD_CCID_INVALID' },
  { path: methodField('InstallmentsNumber'), code: 'CARD_INSTALLMENTS_INVALID' },
  { path: methodField('Vendor3DSReturnURL', 'Vendor3DSCancelURL', 'ReturnURL', 'CancelURL'), code: 'URL_INVALID' },
  { path: methodField('Email'), code: 'EMAIL_INVALID' },
  { path: methodField('Iban'), code: 'IBAN_INVALID' },
  { path: methodField('Swift'), code: 'SWIFT_INVALID' },
  { path: methodField('BankCode'), code: 'IDEAL_BANK_CODE_INVALID' },
  { path: methodField('BankRoutingNumber'), code: 'ACH_ROUTING_NUMBER_INVALID' },
  { path: methodField('AccountNumber'), code: 'ACH_ACCOUNT_NUMBER_INVALID' },
  { path: methodField('AccountType'), code: 'ACH_ACCOUNT_TYPE_INVALID' },
  { path: methodField('RefNo'), code: 'PREVIOUS_ORDER_REFNO_INVALID' },
  { path: methodField('InternalPONumber'), code: 'PURCHASE_ORDER_NUMBER_INVALID' }
]

// Misspellings the client may have used; the path names the field as it was sent.
const SENT_AS: Readonly<Record<string, string>> = { CycleLength: 'CycleLenght', ContractLength: 'ContractLenght' }

/** The dotted path as the client sent it (named payment sub-object, 2Checkout's misspellings). */
function wirePath (segments: readonly Segment[], input: unknown): string {
  const out = segments.map((s) => (typeof s === 'number' ? s : String(s)))
  const [first, second, field] = out
  if (first === 'PaymentDetails' && second === 'PaymentMethod' && typeof field === 'string' && isRecord(input) &&
      isRecord(input.PaymentDetails)) {
    const type = normalisePaymentType(input.PaymentDetails.Type)
    const rawMethod = input.PaymentDetails.PaymentMethod
    const sub = type === undefined ? undefined : usedSubObject(type, rawMethod)
    if (sub !== undefined && isRecord(rawMethod) && field !== sub) {
      const inSub = isRecord(rawMethod[sub]) && field in rawMethod[sub]
      if (inSub || !(field in rawMethod)) out.splice(2, 0, sub)
    }
  }
  // Walk the raw input to spell misspelt fields as sent.
  let node: unknown = input
  for (let i = 0; i < out.length; i++) {
    const key = out[i] as string | number
    if (!isRecord(node) && !Array.isArray(node)) break
    const container = node as Record<string | number, unknown>
    const alias = typeof key === 'string' ? SENT_AS[key] : undefined
    if (alias !== undefined && !(key in container) && alias in container) out[i] = alias
    node = container[out[i] as string | number]
  }
  return out.join('.')
}

type RawIssue = z.core.$ZodIssue & { input?: unknown, params?: Record<string, unknown> }

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  int: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'an object', array: 'an array'
}

const isShallow = (issues: readonly RawIssue[]): boolean =>
  issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'))

function toFieldErrors (issue: RawIssue, prefix: readonly Segment[], input: unknown, out: FieldError[]): void {
  const segments = [...prefix, ...issue.path]
  if (issue.code === 'invalid_union') {
    if (issue.discriminator !== undefined && issue.errors.length === 0) {
      const sentType = isRecord(issue.input) ? issue.input.Type : undefined
      const code: OrderFieldErrorCode = present(sentType) ? 'PAYMENT_TYPE_INVALID' : 'FIELD_REQUIRED'
      push(out, segments, input, code, code === 'FIELD_REQUIRED' ? undefined : ORDER_FIELD_ERROR_CODES.PAYMENT_TYPE_INVALID, issue)
      return
    }
    // Union of a value's accepted forms: report the branch that got furthest with the value.
    const branch = (issue.errors as RawIssue[][]).find((branchIssues) => !isShallow(branchIssues))
    if (branch !== undefined) {
      for (const inner of branch) toFieldErrors(inner, segments, input, out)
      return
    }
    const missing = issue.input === undefined || issue.input === null
    push(out, segments, input, missing ? 'FIELD_REQUIRED' : 'FIELD_TYPE_INVALID', undefined, issue)
    return
  }
  const custom = issue.code === 'custom' ? issue.params?.error_code : undefined
  if (typeof custom === 'string' && custom in ORDER_FIELD_ERROR_CODES) {
    push(out, segments, input, custom as OrderFieldErrorCode, issue.message, issue)
    return
  }
  push(out, segments, input, genericCode(issue), undefined, issue)
}

function genericCode (issue: RawIssue): OrderFieldErrorCode {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? 'FIELD_REQUIRED' : 'FIELD_TYPE_INVALID'
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) === 1 ? 'FIELD_REQUIRED' : 'FIELD_INVALID'
    case 'too_big':
      return issue.origin === 'string' ? 'FIELD_TOO_LONG' : 'FIELD_INVALID'
    default:
      return 'FIELD_INVALID'
  }
}

// Messages are built from the path and the schema's limits only: never from the submitted value,
// so no card number, CCID or IBAN can leak into an answer or a log line.
function genericMessage (code: OrderFieldErrorCode, path: string, issue: RawIssue): string {
  switch (code) {
    case 'FIELD_REQUIRED':
      return `${path} is required.`
    case 'FIELD_TYPE_INVALID':
      return issue.code === 'invalid_type' && EXPECTED_NAMES[issue.expected] !== undefined
        ? `${path} must be ${EXPECTED_NAMES[issue.expected]}.`
        : `${path} has the wrong type.`
    case 'FIELD_TOO_LONG':
      return issue.code === 'too_big' ? `${path} must be at most ${String(issue.maximum)} characters.` : `${path} is too long.`
    default:
      break
  }
  if (issue.code === 'too_small') {
    return issue.origin === 'array'
      ? `${path} must contain at least ${String(issue.minimum)} item(s).`
      : `${path} must be at least ${String(issue.minimum)}.`
  }
  if (issue.code === 'too_big') {
    return issue.origin === 'array'
      ? `${path} must contain at most ${String(issue.maximum)} items.`
      : `${path} must be at most ${String(issue.maximum)}.`
  }
  if (issue.code === 'invalid_type' && issue.expected === 'int') return `${path} must be an integer.`
  return `${path} is not valid.`
}

function push (
  out: FieldError[], segments: readonly Segment[], input: unknown, code: OrderFieldErrorCode,
  customMessage: string | undefined, issue: RawIssue
): void {
  const path = wirePath(segments, input)
  const name = path === '' ? 'The Order' : path
  let finalCode = code
  if (customMessage === undefined || code === 'FIELD_INVALID') {
    const rule = FIELD_RULES.find((r) => r.path.test(path))
    const applies = code === 'FIELD_REQUIRED' ? rule?.required === true : rule?.onlyRequired !== true
    if (rule !== undefined && applies) finalCode = rule.code
  }
  let message: string
  if (customMessage !== undefined && finalCode === code) {
    message = customMessage
  } else if (finalCode !== code) {
    message = code === 'FIELD_REQUIRED'
      ? `${name} is required. ${ORDER_FIELD_ERROR_CODES[finalCode]}`
      : `${genericMessage(code, name, issue)} ${ORDER_FIELD_ERROR_CODES[finalCode]}`
  } else {
    message = genericMessage(code, name, issue)
  }
  out.push({ path, error_code: finalCode, message })
}

// ---------------------------------------------------------------------------------------------
// Time-dependent checks, after parsing (the schema is built once and knows no clock).

const MAX_CARD_YEARS_AHEAD = 20

function checkCardDates (input: unknown, now: Date, out: FieldError[]): void {
  if (!isRecord(input) || !isRecord(input.PaymentDetails)) return
  const type = normalisePaymentType(input.PaymentDetails.Type)
  if (type === undefined || !(CARD_PAYMENT_TYPES as readonly string[]).includes(type)) return
  const method = flattenPaymentMethod(type, input.PaymentDetails.PaymentMethod)
  if (!isRecord(method)) return
  const year = parseExpiryYear(method.ExpirationYear)
  const month = parseExpiryMonth(method.ExpirationMonth)
  if (year === undefined || month === undefined) return
  const field = (name: string) => wirePath(['PaymentDetails', 'PaymentMethod', name], input)
  if (cardExpired(year, month, now)) {
    const path = field(year < now.getUTCFullYear() ? 'ExpirationYear' : 'ExpirationMonth')
    out.push({ path, error_code: 'CARD_EXPIRED', message: ORDER_FIELD_ERROR_CODES.CARD_EXPIRED })
  } else if (year > now.getUTCFullYear() + MAX_CARD_YEARS_AHEAD) {
    out.push({
      path: field('ExpirationYear'),
      error_code: 'CARD_EXPIRATION_INVALID',
      message: `ExpirationYear is more than ${MAX_CARD_YEARS_AHEAD} years ahead.`
    })
  }
}

/** Removes keys whose value is undefined (optional fields the client sent as null or ''). */
function dropUndefined<T> (value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) out[key] = dropUndefined(v)
  }
  return out as T
}

/**
 * Validates and normalises a placeOrder Order. Every violation is reported at once, one per
 * field path (the first reason found for that field). `now` drives the card-expiry rule.
 */
export function validateOrder (input: unknown, now: Date): OrderValidation {
  const result = OrderSchema.safeParse(input, { reportInput: true })
  const found: FieldError[] = []
  if (!result.success) {
    for (const issue of result.error.issues as RawIssue[]) toFieldErrors(issue, [], input, found)
  }
  checkCardDates(input, now, found)
  const fields: FieldError[] = []
  const seen = new Set<string>()
  for (const field of found) {
    if (seen.has(field.path)) continue
    seen.add(field.path)
    fields.push(field)
  }
  if (!result.success && fields.length === 0) {
    fields.push({ path: '', error_code: 'FIELD_INVALID', message: 'The Order is not valid.' })
  }
  if (!result.success || fields.length > 0) return { ok: false, fields }
  return { ok: true, order: dropUndefined(result.data) }
}
