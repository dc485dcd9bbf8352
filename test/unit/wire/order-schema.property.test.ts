import fc from 'fast-check'
import t from 'tap'
import { PAYMENT_TYPES } from '../../../src/payments/payment-types.js'
import { statesOf, type StateCountry } from '../../../src/wire/field-checks.js'
import { validateOrder } from '../../../src/wire/order-schema.js'
import { NOW, THREE_DS, VALID_METHODS, type Wire } from './order-helpers.js'

const RUNS = 300

// Any casing of a code: the wire accepts "usd", "Usd", "USD".
const anyCase = (g: fc.GeneratorValue, value: string): string =>
  g(fc.boolean) ? value.toLowerCase() : g(fc.boolean) ? value.toUpperCase() : value

const CARDS = [
  { CardNumber: '4111111111111111', CardType: 'visa', CCID: '123' },
  { CardNumber: '4111 1111 1111 1111', CardType: 'VISA', CCID: '321' },
  { CardNumber: '5555555555554444', CardType: 'mastercard', CCID: '456' },
  { CardNumber: '378282246310005', CardType: 'amex', CCID: '1234' },
  { CardNumber: '6011111111111117', CardType: 'discover', CCID: '789' },
  { CardNumber: '3530111333300000', CardType: 'jcb', CCID: '012' },
  { CardNumber: '36227206271667', CardType: 'maestro', CCID: '555' }
] as const

const STATE_COUNTRIES: readonly StateCountry[] = ['US', 'CA', 'BR', 'TR', 'IN', 'RO']
const COUNTRIES = [...STATE_COUNTRIES, 'DE', 'GB', 'FR', 'NL', 'JP', 'AU', 'MX'] as const
const FISCAL_COUNTRIES = new Set(['DE', 'GB', 'FR', 'NL', 'RO', 'IN'])
const FISCAL_CODES = { BR: ['056.027.963-98', '11.222.333/0001-81', '12345678909'], other: ['DE123456789', 'GB123456789', '29ABCDE1234F1Z5'] }
const CURRENCIES = ['USD', 'EUR', 'GBP', 'BRL', 'RON', 'JPY'] as const
const name = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '')
const code = fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/)

function address (g: fc.GeneratorValue, country: string, kind: 'billing' | 'delivery'): Wire {
  const out: Wire = { FirstName: g(() => name), LastName: g(() => name), CountryCode: anyCase(g, country) }
  if ((STATE_COUNTRIES as readonly string[]).includes(country)) {
    const state = g(fc.constantFrom, ...statesOf(country as StateCountry))
    out.State = g(fc.boolean) ? anyCase(g, state.code) : anyCase(g, state.name)
  }
  if (country === 'BR') out.Phone = '556133127400'
  if (kind === 'billing') {
    Object.assign(out, { City: g(() => name), Address1: g(() => name), Zip: g(fc.stringMatching, /^[0-9A-Z -]{3,10}$/).trim() || '00000', Email: g(fc.emailAddress) })
  }
  return out
}

function paymentMethod (g: fc.GeneratorValue, type: string): Wire | null {
  if (type === 'CC' || type === 'TEST') {
    const card = g(fc.constantFrom, ...CARDS)
    const fields: Wire = {
      ...card,
      ExpirationYear: String(g(fc.integer, { min: 2027, max: 2040 })),
      ExpirationMonth: String(g(fc.integer, { min: 1, max: 12 })),
      HolderName: g(() => name),
      ...THREE_DS
    }
    if (g(fc.boolean)) fields.HolderNameTime = g(fc.double, { min: 0, max: 100, noNaN: true })
    if (g(fc.boolean)) fields.RecurringEnabled = g(fc.boolean)
    return g(fc.boolean) ? { CardPayment: fields } : fields
  }
  return VALID_METHODS[type]?.() ?? null
}

/** A valid wire Order: varying payment types, countries (incl. the six State countries), items. */
const validOrder = fc.gen().map((g): Wire => {
  const type = g(fc.constantFrom, ...PAYMENT_TYPES)
  const country = type === 'BOLETO' ? 'BR' : g(fc.constantFrom, ...COUNTRIES)
  const currency = type === 'BOLETO' ? 'BRL' : g(fc.constantFrom, ...CURRENCIES)
  const billing = address(g, country, 'billing')
  const wantsCompany = type === 'PURCHASEORDER' || g(fc.boolean)
  if (country === 'BR') {
    billing.FiscalCode = g(fc.constantFrom, ...FISCAL_CODES.BR)
    if (wantsCompany) billing.Company = g(() => name)
  } else if (wantsCompany) {
    billing.Company = g(() => name)
    if (FISCAL_COUNTRIES.has(country) || g(fc.boolean)) billing.FiscalCode = g(fc.constantFrom, ...FISCAL_CODES.other)
  }

  const items = g(fc.array, fc.gen().map((gi): Wire => {
    const item: Wire = { Code: gi(() => code) }
    const quantity = gi(fc.integer, { min: 1, max: 10_000 })
    if (gi(fc.boolean)) item.Quantity = gi(fc.boolean) ? String(quantity) : quantity
    if (gi(fc.boolean)) item.PriceOptions = gi(fc.array, code, { maxLength: 3 })
    if (gi(fc.boolean)) item.Price = gi(fc.boolean) ? null : { Type: 'CUSTOM', Amount: gi(fc.integer, { min: 0, max: 1_000_000 }) / 100 }
    if (gi(fc.boolean)) item.Trial = gi(fc.constantFrom, false, null, { Period: 7 }, { Period: 30, Price: 1.5 })
    if (gi(fc.boolean)) item.SubscriptionStartDate = gi(fc.constantFrom, '2027-01-15', '2027-02-28 22:22:22', '', null)
    return item
  }), { minLength: 1, maxLength: 4 })

  const order: Wire = {
    Items: items,
    BillingDetails: billing,
    PaymentDetails: { Type: anyCase(g, type), PaymentMethod: paymentMethod(g, type) }
  }
  // At least one of the two currencies; when both, they agree (case aside).
  const where = g(fc.constantFrom, 'order', 'payment', 'both')
  if (where !== 'payment') order.Currency = anyCase(g, currency)
  if (where !== 'order') order.PaymentDetails.Currency = anyCase(g, currency)
  if (g(fc.boolean)) order.Country = anyCase(g, country)
  if (g(fc.boolean)) order.Language = anyCase(g, g(fc.constantFrom, 'en', 'ro', 'pt', 'de', 'ja'))
  if (g(fc.boolean)) order.ExternalReference = g(fc.string, { maxLength: 100 })
  if (g(fc.boolean)) order.CustomerReference = g(fc.nat, { max: 1_000_000_000 })
  if (g(fc.boolean)) order.Promotions = g(fc.array, code, { maxLength: 3 })
  if (g(fc.boolean)) order.LocalTime = '2026-11-23 11:59:59'
  if (g(fc.boolean)) order.DeliveryDetails = g(fc.boolean) ? null : address(g, g(fc.constantFrom, ...COUNTRIES), 'delivery')
  if (g(fc.boolean)) order.GiftDetails = { FirstName: g(() => name), Email: g(fc.emailAddress) }
  if (g(fc.boolean)) order.PaymentDetails.CustomerIP = g(fc.boolean) ? g(fc.ipV4) : g(fc.ipV6)
  if (g(fc.boolean)) Object.assign(order, { RefNo: null, AffiliateId: null, CustomerIP: '91.220.121.21' })
  return order
})

t.test('generated valid Orders are all accepted', async (t) => {
  fc.assert(fc.property(validOrder, (order) => {
    const result = validateOrder(order, NOW)
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.fields)}`)
    const o = result.order
    return o.Currency === o.PaymentDetails.Currency && o.Currency === o.Currency.toUpperCase() &&
      o.BillingDetails.CountryCode === o.BillingDetails.CountryCode.toUpperCase() &&
      o.Items.every((item) => Number.isInteger(item.Quantity) && item.Quantity >= 1)
  }), { numRuns: RUNS })
  t.pass(`${RUNS} generated Orders accepted`)
})

// ---------------------------------------------------------------------------------------------
// Single-rule mutations: each breaks one rule and names the path (and code) it must be refused on.

type Mutation = { name: string, applies: (o: Wire) => boolean, apply: (o: Wire) => [path: string, code: string] }

const typeOf = (o: Wire): string => String(o.PaymentDetails.Type).toUpperCase()
const isCard = (o: Wire): boolean => ['CC', 'TEST'].includes(typeOf(o))
/** The object holding the method fields, and the wire path prefix of its fields. */
function methodFields (o: Wire): [Wire, string] {
  const method = o.PaymentDetails.PaymentMethod
  return method.CardPayment !== undefined
    ? [method.CardPayment, 'PaymentDetails.PaymentMethod.CardPayment']
    : [method, 'PaymentDetails.PaymentMethod']
}

const MUTATIONS: readonly Mutation[] = [
  ...(['FirstName', 'LastName', 'City', 'Address1', 'Zip', 'Email'] as const).map((field): Mutation => ({
    name: `remove BillingDetails.${field}`,
    applies: () => true,
    apply: (o) => { delete o.BillingDetails[field]; return [`BillingDetails.${field}`, 'FIELD_REQUIRED'] }
  })),
  { name: 'remove the last item Code', applies: () => true, apply: (o) => { const i = o.Items.length - 1; delete o.Items[i].Code; return [`Items.${i}.Code`, 'FIELD_REQUIRED'] } },
  { name: 'set the first item Quantity to 0', applies: () => true, apply: (o) => { o.Items[0].Quantity = 0; return ['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID'] } },
  { name: 'empty the Items', applies: () => true, apply: (o) => { o.Items = []; return ['Items', 'ORDER_PRODUCTS_EMPTY'] } },
  { name: 'make a custom Price negative', applies: () => true, apply: (o) => { o.Items[0].Price = { Type: 'CUSTOM', Amount: -5 }; return ['Items.0.Price.Amount', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID'] } },
  { name: 'remove PaymentDetails.Type', applies: () => true, apply: (o) => { delete o.PaymentDetails.Type; return ['PaymentDetails.Type', 'FIELD_REQUIRED'] } },
  { name: 'use an unknown payment Type', applies: () => true, apply: (o) => { o.PaymentDetails.Type = 'CASH'; return ['PaymentDetails.Type', 'PAYMENT_TYPE_INVALID'] } },
  { name: 'break the billing Email', applies: () => true, apply: (o) => { o.BillingDetails.Email = 'not-an-email'; return ['BillingDetails.Email', 'BILLING_EMAIL_INVALID'] } },
  {
    name: 'use an unknown Currency',
    applies: () => true,
    apply: (o) => {
      if (o.Currency !== undefined) { o.Currency = 'ZZZ'; return ['Currency', 'ORDER_CURRENCY_INVALID'] }
      o.PaymentDetails.Currency = 'ZZZ'
      return ['PaymentDetails.Currency', 'ORDER_CURRENCY_INVALID']
    }
  },
  {
    name: 'make the two currencies disagree',
    applies: (o) => o.Currency !== undefined,
    apply: (o) => { o.PaymentDetails.Currency = String(o.Currency).toUpperCase() === 'EUR' ? 'USD' : 'EUR'; return ['PaymentDetails.Currency', 'ORDER_CURRENCY_MISMATCH'] }
  },
  {
    name: 'drop the billing State of a State country',
    applies: (o) => o.BillingDetails.State !== undefined,
    apply: (o) => { delete o.BillingDetails.State; return ['BillingDetails.State', 'BILLING_STATE_REQUIRED'] }
  },
  {
    name: 'drop the billing Phone in Brazil',
    applies: (o) => String(o.BillingDetails.CountryCode).toUpperCase() === 'BR',
    apply: (o) => { o.BillingDetails.Phone = null; return ['BillingDetails.Phone', 'BILLING_PHONE_REQUIRED'] }
  },
  {
    name: 'break Luhn',
    applies: isCard,
    apply: (o) => {
      const [fields, prefix] = methodFields(o)
      const digits = String(fields.CardNumber).replace(/\D/g, '')
      fields.CardNumber = digits.slice(0, -1) + String((Number(digits.slice(-1)) + 1) % 10)
      return [`${prefix}.CardNumber`, 'CARD_NUMBER_INVALID']
    }
  },
  {
    name: 'expire the card',
    applies: isCard,
    apply: (o) => { const [fields, prefix] = methodFields(o); fields.ExpirationYear = '2025'; return [`${prefix}.ExpirationYear`, 'CARD_EXPIRED'] }
  },
  {
    name: 'give the CCID the wrong length',
    applies: isCard,
    apply: (o) => {
      const [fields, prefix] = methodFields(o)
      fields.CCID = String(fields.CardType).toLowerCase() === 'amex' ? '123' : '1234'
      return [`${prefix}.CCID`, 'CARD_CCID_INVALID']
    }
  },
  {
    name: 'declare a card of another brand',
    applies: (o) => isCard(o) && String(methodFields(o)[0].CardType).toLowerCase() !== 'maestro',
    apply: (o) => {
      const [fields, prefix] = methodFields(o)
      // The CCID's length follows the declared brand: an amex card's 4 digits would break a
      // second rule under the new brand, so it gets the 3 digits the new brand takes.
      if (String(fields.CardType).toLowerCase() === 'amex') fields.CCID = '123'
      fields.CardType = String(fields.CardType).toLowerCase() === 'jcb' ? 'visa' : 'jcb'
      return [`${prefix}.CardType`, 'CARD_TYPE_MISMATCH']
    }
  },
  {
    name: 'remove the 3DS return URL',
    applies: (o) => isCard(o) || ['EES_TOKEN_PAYMENT', 'ENCRYPTED_PAYMENT_DATA', 'APPLE_PAY', 'GOOGLE_PAY'].includes(typeOf(o)),
    apply: (o) => { const [fields, prefix] = methodFields(o); delete fields.Vendor3DSReturnURL; return [`${prefix}.Vendor3DSReturnURL`, 'FIELD_REQUIRED'] }
  },
  {
    name: 'break the IBAN checksum',
    applies: (o) => typeOf(o) === 'DIRECTDEBIT',
    apply: (o) => { o.PaymentDetails.PaymentMethod.Iban = 'DE89 3704 0044 0532 0130 01'; return ['PaymentDetails.PaymentMethod.Iban', 'IBAN_INVALID'] }
  },
  {
    name: 'make a redirect ReturnURL relative',
    applies: (o) => ['PAYPAL', 'PAYPAL_EXPRESS', 'WE_CHAT_PAY', 'TRUSTLY', 'ALIPAY', 'UNIONPAY', 'DIRECT_EBANKING', 'BOLETO', 'IDEAL'].includes(typeOf(o)),
    apply: (o) => { o.PaymentDetails.PaymentMethod.ReturnURL = '/return'; return ['PaymentDetails.PaymentMethod.ReturnURL', 'URL_INVALID'] }
  },
  {
    name: 'remove the purchase order Company',
    applies: (o) => typeOf(o) === 'PURCHASEORDER',
    apply: (o) => {
      delete o.BillingDetails.Company
      // Elsewhere a FiscalCode needs a Company; in Brazil it is required on its own (an
      // individual's CPF), so it stays and only the purchase order's rule is broken.
      if (String(o.BillingDetails.CountryCode).toUpperCase() !== 'BR') delete o.BillingDetails.FiscalCode
      return ['BillingDetails.Company', 'BILLING_COMPANY_REQUIRED']
    }
  },
  {
    name: 'give the ACH account 8 digits',
    applies: (o) => typeOf(o) === 'DIRECT_DEBIT_ACH',
    apply: (o) => { o.PaymentDetails.PaymentMethod.AccountNumber = '12345678'; return ['PaymentDetails.PaymentMethod.AccountNumber', 'ACH_ACCOUNT_NUMBER_INVALID'] }
  }
]

t.test('single-rule mutations of valid Orders are refused on the mutated path', async (t) => {
  const used = new Set<string>()
  fc.assert(fc.property(validOrder, fc.nat(), (order, pick) => {
    const applicable = MUTATIONS.filter((m) => m.applies(order))
    const mutation = applicable[pick % applicable.length]
    if (mutation === undefined) throw new Error('no mutation applies')
    used.add(mutation.name)
    const [path, code] = mutation.apply(order)
    const result = validateOrder(order, NOW)
    if (result.ok) throw new Error(`"${mutation.name}" was accepted`)
    const got = result.fields.map((f) => [f.path, f.error_code])
    if (JSON.stringify(got) !== JSON.stringify([[path, code]])) {
      throw new Error(`"${mutation.name}": expected only ${path} ${code}, got ${JSON.stringify(got)}`)
    }
  }), { numRuns: RUNS })
  t.ok(used.size >= 15, `${used.size} kinds of mutation exercised`)
})
