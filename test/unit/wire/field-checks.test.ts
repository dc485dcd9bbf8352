import t from 'tap'
import { normalisePaymentType, PAYMENT_TYPES } from '../../../src/payments/payment-types.js'
import {
  brazilFiscalCodeValid, cardBrandsOf, cardExpired, cardTypeMatches, cnpjValid, containsCardNumber, COUNTRY_CODES, cpfValid,
  CURRENCY_CODES, dateTimeValid, dateValid, emailValid, EU_VAT_COUNTRIES, fieldCodeValid, findState,
  httpUrlValid, ibanValid, idealBankCodeValid, isCountryCode, isCurrencyCode, isLanguageCode,
  LANGUAGE_CODES, luhnValid, parseExpiryMonth, parseExpiryYear, STATE_COUNTRIES, statesOf, swiftValid
} from '../../../src/wire/field-checks.js'

t.test('reference lists have the sizes of their standards', async (t) => {
  t.equal(COUNTRY_CODES.size, 249, 'ISO 3166-1 alpha-2 has 249 assigned codes')
  t.equal(LANGUAGE_CODES.size, 184, 'ISO 639-1 has 184 codes (bh included)')
  t.ok(CURRENCY_CODES.size > 150, 'ISO 4217 circulating currencies')
  t.equal(EU_VAT_COUNTRIES.size, 27, 'the EU has 27 member states')
  t.equal(statesOf('US').length, 60, '50 states, DC, 5 territories, UM and 3 military codes')
  t.equal(statesOf('CA').length, 13)
  t.equal(statesOf('BR').length, 27)
  t.equal(statesOf('TR').length, 81)
  t.equal(statesOf('IN').length, 36)
  t.equal(statesOf('RO').length, 42)
})

t.test('ISO codes are accepted in any case and unknown codes are refused', async (t) => {
  for (const code of ['USD', 'usd', 'Eur', 'BRL', 'ron']) t.ok(isCurrencyCode(code), code)
  for (const code of ['XAU', 'XXX', 'US', 'DOLLAR', '']) t.notOk(isCurrencyCode(code), code)
  for (const code of ['US', 'us', 'gb', 'RO']) t.ok(isCountryCode(code), code)
  for (const code of ['UK', 'EU', 'XX', 'USA', '']) t.notOk(isCountryCode(code), code)
  for (const code of ['en', 'EN', 'ro', 'pt']) t.ok(isLanguageCode(code), code)
  for (const code of ['eng', 'xx', 'e', '']) t.notOk(isLanguageCode(code), code)
})

t.test('states match by code or full name, case- and accent-insensitively', async (t) => {
  t.same(findState('US', 'California'), { code: 'CA', name: 'California' })
  t.same(findState('US', 'ca'), { code: 'CA', name: 'California' })
  t.same(findState('CA', 'Québec'), { code: 'QC', name: 'Quebec' })
  t.same(findState('BR', 'são paulo'), { code: 'SP', name: 'Sao Paulo' })
  t.same(findState('TR', 'İstanbul'), { code: '34', name: 'Istanbul' })
  t.same(findState('TR', 'Ağrı'), { code: '04', name: 'Agri' })
  t.same(findState('TR', '06'), { code: '06', name: 'Ankara' })
  t.same(findState('IN', 'tamil nadu'), { code: 'TN', name: 'Tamil Nadu' })
  t.same(findState('IN', 'OD'), { code: 'OR', name: 'Odisha' })
  t.same(findState('RO', 'Bistrița-Năsăud'), { code: 'BN', name: 'Bistrita-Nasaud' })
  t.same(findState('RO', 'b'), { code: 'B', name: 'Bucuresti' })
  t.equal(findState('US', 'Narnia'), undefined)
  t.equal(findState('US', 'ON'), undefined, 'a Canadian code is not a US state')
  t.equal(findState('TR', '82'), undefined)
  for (const country of STATE_COUNTRIES) {
    for (const { code, name } of statesOf(country)) {
      t.same(findState(country, code.toLowerCase()), findState(country, name), `${country} ${code} and ${name} agree`)
    }
  }
})

t.test('Luhn accepts the sandbox cards and refuses a changed digit', async (t) => {
  for (const n of ['4111111111111111', '4000000000000002', '4000000000003220', '5555555555554444', '378282246310005']) {
    t.ok(luhnValid(n), n)
  }
  t.notOk(luhnValid('4111111111111112'))
  t.notOk(luhnValid('4111-1111-1111-1111'), 'separators must be stripped first')
  t.notOk(luhnValid(''))
})

t.test('card brands are told where the number tells them, and never guessed', async (t) => {
  t.same([...cardBrandsOf('4111111111111111') ?? []].sort(), ['cartebleue', 'visa', 'visaelectron'])
  t.same([...cardBrandsOf('5555555555554444') ?? []].sort(), ['cartebleue', 'mastercard'])
  t.same([...cardBrandsOf('2221000000000009') ?? []], ['mastercard'])
  t.same([...cardBrandsOf('378282246310005') ?? []], ['amex'])
  t.same([...cardBrandsOf('6011111111111117') ?? []], ['discover'])
  t.same([...cardBrandsOf('3530111333300000') ?? []], ['jcb'])
  t.same([...cardBrandsOf('6062826786276634') ?? []], ['hipercard'])
  t.same([...cardBrandsOf('6362970000457013') ?? []], ['elo'])
  t.ok(cardBrandsOf('5019717010103742')?.has('dankort'))
  t.ok(cardBrandsOf('4571000000000001')?.has('dankort'), 'Visa/Dankort co-badge')
  t.ok(cardBrandsOf('4571000000000001')?.has('visa'), 'Visa/Dankort co-badge')
  t.ok(cardBrandsOf('6759649826438453')?.has('maestro'))
  t.equal(cardBrandsOf('36227206271667'), undefined, 'Diners: cannot tell, so no brand is refused')
  t.ok(cardTypeMatches('36227206271667', 'visa'))
  t.notOk(cardTypeMatches('4111111111111111', 'mastercard'))
  t.notOk(cardTypeMatches('378282246310005', 'visa'))
  t.ok(cardTypeMatches('5555555555554444', 'mastercard'))
})

t.test('expiry dates parse in their wire forms and a card is valid through its month', async (t) => {
  t.equal(parseExpiryYear('29'), 2029)
  t.equal(parseExpiryYear(2029), 2029)
  t.equal(parseExpiryYear(' 2031 '), 2031)
  t.equal(parseExpiryYear('1999'), undefined)
  t.equal(parseExpiryYear('abcd'), undefined)
  t.equal(parseExpiryMonth('3'), 3)
  t.equal(parseExpiryMonth('03'), 3)
  t.equal(parseExpiryMonth(12), 12)
  t.equal(parseExpiryMonth('13'), undefined)
  t.equal(parseExpiryMonth(0), undefined)
  const now = new Date('2026-11-23T10:00:00Z')
  t.notOk(cardExpired(2026, 11, now), 'the current month is still valid')
  t.ok(cardExpired(2026, 10, now))
  t.ok(cardExpired(2025, 12, now))
  t.notOk(cardExpired(2027, 1, now))
  t.ok(cardExpired(2026, 11, new Date('2026-12-01T00:00:00Z')), 'expired at the first instant of the next month')
})

t.test('IBAN checks the country length and the mod-97 checksum, spaces allowed', async (t) => {
  for (const iban of ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'ro49 aaaa 1b31 0075 9384 0000', 'NL91ABNA0417164300', 'BE68539007547034']) {
    t.ok(ibanValid(iban), iban)
  }
  t.notOk(ibanValid('DE89370400440532013001'), 'checksum')
  t.notOk(ibanValid('DE8937040044053201300'), 'length for DE')
  t.notOk(ibanValid('ZZ89370400440532013000'), 'unknown country')
  t.notOk(ibanValid('DE89-3704-0044-0532-0130-00'), 'dashes are not part of the printed form')
})

t.test('SWIFT and iDEAL bank codes', async (t) => {
  t.ok(swiftValid('DEUTDEFF'))
  t.ok(swiftValid('deutdeff500'))
  t.notOk(swiftValid('DEUT'))
  t.notOk(swiftValid('DEUTDEFF5'))
  t.ok(idealBankCodeValid('RABONL2U+RAB'))
  t.ok(idealBankCodeValid('abnanl2a+abn'))
  t.notOk(idealBankCodeValid('RABONL2U'))
  t.notOk(idealBankCodeValid('RABONL2U+RABO'))
})

t.test('Brazilian CPF and CNPJ check digits, punctuation allowed', async (t) => {
  t.ok(cpfValid('056.027.963-98'), 'the CPF of 2Checkout samples')
  t.ok(cpfValid('12345678909'))
  t.notOk(cpfValid('123.456.789-00'))
  t.notOk(cpfValid('111.111.111-11'), 'repeated digits pass the checksum but are not issued')
  t.ok(cnpjValid('11.222.333/0001-81'))
  t.ok(cnpjValid('12.ABC.345/01DE-35'), 'alphanumeric CNPJ (from July 2026)')
  t.notOk(cnpjValid('11.222.333/0001-80'))
  t.ok(brazilFiscalCodeValid('11222333000181'))
  t.notOk(brazilFiscalCodeValid('12345'))
})

t.test('email, URL, date and field-code formats', async (t) => {
  for (const v of ['cosmin.deftu@2checkout.com', 'a+b@example.co.uk', 'x@sub.domain.io']) t.ok(emailValid(v), v)
  for (const v of ['nope', 'a@b', '@example.com', 'a b@example.com', 'a..b@example.com', 'a@-x.com', 'a@example.c0m']) {
    t.notOk(emailValid(v), v)
  }
  for (const v of ['https://example.com', 'http://localhost:8080/return?x=1']) t.ok(httpUrlValid(v), v)
  for (const v of ['www.test.com', '/relative', 'ftp://example.com', 'javascript:alert(1)', 'https://exa mple.com', '']) {
    t.notOk(httpUrlValid(v), v)
  }
  t.ok(dateValid('2028-02-29'))
  t.notOk(dateValid('2027-02-29'))
  t.notOk(dateValid('2027-13-01'))
  t.notOk(dateValid('2027-1-01'))
  t.ok(dateTimeValid('2016-07-02 22:22:22'))
  t.notOk(dateTimeValid('2016-07-02 24:00:00'))
  t.notOk(dateTimeValid('2016-07-02T22:22:22'))
  t.notOk(dateTimeValid('2016-07-02'))
  t.ok(fieldCodeValid('REF_CODE-1'))
  t.notOk(fieldCodeValid('bad code'))
  t.notOk(fieldCodeValid(''))
})

t.test('payment types normalise their aliases and refuse unknown names', async (t) => {
  t.equal(PAYMENT_TYPES.length, 24)
  t.equal(normalisePaymentType('APPLE PAY'), 'APPLE_PAY')
  t.equal(normalisePaymentType('google pay'), 'GOOGLE_PAY')
  t.equal(normalisePaymentType('cc'), 'CC')
  t.equal(normalisePaymentType(' PurchaseOrder '), 'PURCHASEORDER')
  t.equal(normalisePaymentType('BITCOIN'), undefined)
  t.equal(normalisePaymentType(5), undefined)
  for (const type of PAYMENT_TYPES) t.equal(normalisePaymentType(type), type)
})

t.test('containsCardNumber finds a card typed in free text, spaced or dashed, and not phones or references', async (t) => {
  const cards = [
    '4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', '4111 - 1111 - 1111 - 1111', 'card: 5555 5555 5555 4444 exp 12/27',
    '3782 822463 10005', '378282246310005', '6011111111111117', '3530111333300000', '6304000000000000', '4000 0000 0000 0002 123',
    'John 4222222222222 Doe', '+1 4111 1111 1111 1111', 'Ref4111111111111111', '４１１１１１１１１１１１１１１１', '5066 9911 1111 1118'
  ]
  for (const text of cards) t.ok(containsCardNumber(text), `card: ${text}`)
  const notCards = [
    // Brazilian mobiles: 13 digits with a Mastercard prefix (55), Luhn-valid, but Mastercard has 16 digits
    '5511987654325', '55 11 98765-4325', '+55 11 98765-4325', '5521987654324', '+55 11 98765-4321',
    '411111111111116', // Luhn-valid, a Visa prefix, but 15 digits
    '+49 1511 2345678', '+4915112345678', // German mobile: 13 digits, a Visa prefix, written with "+"
    '+1 (415) 555-2671', '0049 1511 2345678', '+44 7911 123456', '+86 139 1099 8888', '+63 917 123 4567',
    '100000001', 'PO-2026-000123', '2026-11-23 10:00:00', '4111111111111112', '1234567890123456', '9111111111111111',
    'DE89370400440532013000', '41111111111111111111', '1 Main St, Los Angeles 90210', 'https://merchant.example/3ds/ok?order=100000001',
    '10.0.0.1', '4111 1111', 'x'.repeat(1000)
  ]
  for (const text of notCards) t.notOk(containsCardNumber(text), `not a card: ${text}`)
})
