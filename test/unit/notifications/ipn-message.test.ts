import { createHmac } from 'node:crypto'
import t from 'tap'
import {
  buildIpnFields, checkReadReceipt, encodeIpnForm, formatIpnDate, IPN_ORDER_STATUS, IPN_PAYMENT_METHOD_NAMES, ipnSourceString,
  READ_RECEIPT_MAX_CHARS, readReceiptFor, signIpn, type IpnAlgorithm, type IpnField, type IpnSource
} from '../../../src/notifications/ipn-message.js'
import { ORDER_STATUSES } from '../../../src/orders/order.js'
import { PAYMENT_TYPES } from '../../../src/payments/payment-types.js'
import { containsCardNumber } from '../../../src/wire/field-checks.js'
import { IPN_TEST_AT, testIpnSource } from '../../helpers/ipn-source.js'

const SECRET = 'AABBCCDDEEFF'
const AT = IPN_TEST_AT

const source = testIpnSource

const value = (fields: readonly IpnField[], name: string): string | undefined => fields.find(([n]) => n === name)?.[1]
const values = (fields: readonly IpnField[], name: string): string[] => fields.filter(([n]) => n === name).map(([, v]) => v)

t.test('buildIpnFields', async (t) => {
  t.test('sends 2Checkout\'s field names in 2Checkout\'s order, each array\'s elements together', async (t) => {
    const names = buildIpnFields(source(), AT).map(([name]) => name)
    const items = (name: string) => [name, name]
    t.same(names, [
      'GIFT_ORDER', 'SALEDATE', 'PAYMENTDATE', 'REFNO', 'REFNOEXT', 'ORDERNO', 'ORDERSTATUS', 'PAYMETHOD', 'PAYMETHOD_CODE',
      'FIRSTNAME', 'LASTNAME', 'COMPANY', 'REGISTRATIONNUMBER', 'FISCALCODE', 'CBANKNAME', 'ADDRESS1', 'ADDRESS2', 'CITY', 'STATE',
      'ZIPCODE', 'COUNTRY', 'COUNTRY_CODE', 'PHONE', 'FAX', 'CUSTOMEREMAIL',
      'FIRSTNAME_D', 'LASTNAME_D', 'COMPANY_D', 'ADDRESS1_D', 'ADDRESS2_D', 'CITY_D', 'STATE_D', 'ZIPCODE_D', 'COUNTRY_D',
      'COUNTRY_D_CODE', 'PHONE_D', 'EMAIL_D',
      'IPADDRESS', 'COMPLETE_DATE', 'CURRENCY', 'LANGUAGE',
      ...['IPN_PID[]', 'IPN_PNAME[]', 'IPN_PCODE[]', 'IPN_INFO[]', 'IPN_QTY[]', 'IPN_PRICE[]', 'IPN_VAT[]', 'IPN_VAT_RATE[]', 'IPN_VER[]',
        'IPN_DISCOUNT[]', 'IPN_PROMONAME[]', 'IPN_PROMOCODE[]', 'IPN_SKU[]', 'IPN_DELIVEREDCODES[]', 'IPN_TOTAL[]'].flatMap(items),
      'IPN_TOTALGENERAL', 'IPN_SHIPPING', 'AVANGATE_CUSTOMER_REFERENCE', 'IPN_COMMISSION', 'TEST_ORDER', 'FRAUD_STATUS', 'IPN_DATE', 'VENDOR_CODE'
    ])
  })

  t.test('maps the order, its addresses and its lines to the values 2Checkout sends', async (t) => {
    const fields = buildIpnFields(source(), AT)
    const expected: Record<string, string> = {
      GIFT_ORDER: '0',
      SALEDATE: '2026-11-23 09:59:00',
      PAYMENTDATE: '2026-11-23 09:59:01',
      REFNO: '1000037',
      REFNOEXT: 'EXT-1',
      ORDERNO: '0',
      ORDERSTATUS: 'PAYMENT_AUTHORIZED',
      PAYMETHOD: 'Test card',
      PAYMETHOD_CODE: 'TEST',
      FIRSTNAME: 'Jürgen',
      COMPANY: 'Müller GmbH',
      REGISTRATIONNUMBER: '',
      FISCALCODE: 'DE123456789',
      ADDRESS2: '',
      STATE: '',
      COUNTRY: 'Germany',
      COUNTRY_CODE: 'de',
      PHONE: '',
      FAX: '',
      CUSTOMEREMAIL: 'j.mueller@example.com',
      FIRSTNAME_D: 'José',
      COMPANY_D: '',
      COUNTRY_D: 'France',
      COUNTRY_D_CODE: 'fr',
      PHONE_D: '+33 1 23 45 67 89',
      EMAIL_D: 'jose@example.com',
      IPADDRESS: '10.0.0.1',
      COMPLETE_DATE: '',
      CURRENCY: 'EUR',
      LANGUAGE: 'de',
      IPN_TOTALGENERAL: '31.87',
      IPN_SHIPPING: '4.50',
      AVANGATE_CUSTOMER_REFERENCE: '42',
      IPN_COMMISSION: '0.00',
      TEST_ORDER: '1',
      FRAUD_STATUS: '',
      IPN_DATE: '20261123100000',
      VENDOR_CODE: 'M1234'
    }
    for (const [name, v] of Object.entries(expected)) t.equal(value(fields, name), v, name)
    t.same(values(fields, 'IPN_PID[]'), ['7', 'CUSTOM-LINE'], 'the catalog product id, else the line\'s code')
    t.same(values(fields, 'IPN_PNAME[]'), ['Abonnement Élite', 'Setup'])
    t.same(values(fields, 'IPN_PCODE[]'), ['my_subscription_1', 'CUSTOM-LINE'])
    t.same(values(fields, 'IPN_QTY[]'), ['2', '1'])
    t.same(values(fields, 'IPN_PRICE[]'), ['10.00', '5.00'], 'unit net price')
    t.same(values(fields, 'IPN_VAT[]'), ['3.42', '0.95'])
    t.same(values(fields, 'IPN_VAT_RATE[]'), ['19.00', '19.00'])
    t.same(values(fields, 'IPN_DISCOUNT[]'), ['2.00', '0.00'])
    t.same(values(fields, 'IPN_PROMONAME[]'), ['Welcome 10%', ''])
    t.same(values(fields, 'IPN_PROMOCODE[]'), ['WELCOME10', ''])
    t.same(values(fields, 'IPN_SKU[]'), ['SKU-1', ''])
    t.same(values(fields, 'IPN_TOTAL[]'), ['21.42', '5.95'], 'net − discount + VAT')
  })

  t.test('an order without delivery details sends the delivery block empty', async (t) => {
    const fields = buildIpnFields(source({ delivery: null }), AT)
    for (const name of ['FIRSTNAME_D', 'LASTNAME_D', 'ADDRESS1_D', 'COUNTRY_D', 'COUNTRY_D_CODE', 'EMAIL_D']) t.equal(value(fields, name), '', name)
  })

  t.test('reports the change\'s to-status, and OrderNo and COMPLETE_DATE only once completed', async (t) => {
    const completed = source({ completedAt: AT, change: { eventId: 10n, event: 'PAYMENT_RECEIVED', at: AT, fromStatus: 'AUTHRECEIVED', toStatus: 'COMPLETE' } })
    const fields = buildIpnFields(completed, AT)
    t.equal(value(fields, 'ORDERSTATUS'), 'COMPLETE')
    t.equal(value(fields, 'ORDERNO'), '13')
    t.equal(value(fields, 'COMPLETE_DATE'), '2026-11-23 10:00:00')
    const pending = buildIpnFields(source({ paidAt: null, change: { eventId: 1n, event: 'PLACED', at: AT, fromStatus: null, toStatus: 'UNFINISHED' } }), AT)
    t.equal(value(pending, 'ORDERSTATUS'), 'PENDING')
    t.equal(value(pending, 'PAYMENTDATE'), '')
  })

  t.test('a refund\'s IPN says REFUND with the refund\'s amount negative, a partial refund (order still COMPLETE) too', async (t) => {
    const partial = buildIpnFields(source({ completedAt: AT, totalMinor: 11900n, change: { eventId: 11n, event: 'PARTIALLY_REFUNDED', at: AT, fromStatus: 'COMPLETE', toStatus: 'COMPLETE', refundMinor: 1050n } }), AT)
    t.same([value(partial, 'ORDERSTATUS'), value(partial, 'IPN_TOTALGENERAL')], ['REFUND', '-10.50'])
    const last = buildIpnFields(source({ completedAt: AT, currency: 'JPY', change: { eventId: 12n, event: 'REFUNDED', at: AT, fromStatus: 'COMPLETE', toStatus: 'REFUND', refundMinor: 3187n } }), AT)
    t.same([value(last, 'ORDERSTATUS'), value(last, 'IPN_TOTALGENERAL')], ['REFUND', '-3187'])
    const completed = buildIpnFields(source({ totalMinor: 11900n, change: { eventId: 10n, event: 'PAYMENT_RECEIVED', at: AT, fromStatus: 'PURCHASE_PENDING', toStatus: 'COMPLETE', refundMinor: null } }), AT)
    t.same([value(completed, 'ORDERSTATUS'), value(completed, 'IPN_TOTALGENERAL')], ['COMPLETE', '119.00'], 'not a refund: the order\'s total')
  })

  t.test('formats money with the currency\'s minor digits (JPY none, BHD three)', async (t) => {
    const jpy = buildIpnFields(source({ currency: 'jpy', totalMinor: 3187n }), AT)
    t.equal(value(jpy, 'IPN_TOTALGENERAL'), '3187')
    t.equal(value(jpy, 'CURRENCY'), 'JPY')
    t.same(values(jpy, 'IPN_PRICE[]'), ['1000', '500'])
    const bhd = buildIpnFields(source({ currency: 'BHD', totalMinor: 3187n }), AT)
    t.equal(value(bhd, 'IPN_TOTALGENERAL'), '3.187')
    t.equal(value(bhd, 'IPN_COMMISSION'), '0.000')
  })

  t.test('names fraud statuses the IPN way and flags gift and real orders', async (t) => {
    const fields = (o: Partial<IpnSource>) => buildIpnFields(source(o), AT)
    t.equal(value(fields({ fraudStatus: 'OKAY' }), 'FRAUD_STATUS'), 'APPROVED')
    t.equal(value(fields({ fraudStatus: 'REJECTED' }), 'FRAUD_STATUS'), 'DENIED')
    t.equal(value(fields({ fraudStatus: 'OPEN' }), 'FRAUD_STATUS'), 'UNDER REVIEW')
    t.equal(value(fields({ gift: true }), 'GIFT_ORDER'), '1')
    t.equal(value(fields({ testOrder: false, paymentType: 'CC' }), 'TEST_ORDER'), '0')
    t.equal(value(fields({ testOrder: false, paymentType: 'CC' }), 'PAYMETHOD'), 'Credit card')
  })

  t.test('a card order sends no card, CVV or bank account field and nothing shaped like a card number', async (t) => {
    // IpnSource has no place for card data (the integration test places a real card order).
    const fields = buildIpnFields(source({ paymentType: 'CC', testOrder: false }), AT)
    for (const [name, v] of fields) {
      t.notMatch(name, /CARD|CVV|CCID|IBAN|ACCOUNT|EXPIR|DIGITS/, name)
      t.notOk(containsCardNumber(v), `${name} holds no card number`)
    }
  })
})

t.test('every API status and every payment type has its IPN name', async (t) => {
  t.same(Object.keys(IPN_ORDER_STATUS).sort(), [...ORDER_STATUSES].sort())
  t.same(IPN_ORDER_STATUS, {
    PENDING: 'PENDING',
    AUTHRECEIVED: 'PAYMENT_AUTHORIZED',
    COMPLETE: 'COMPLETE',
    CANCELED: 'CANCELED',
    REVERSED: 'REVERSED',
    REFUND: 'REFUND',
    PURCHASE_PENDING: 'PURCHASE_PENDING',
    UNFINISHED: 'PENDING',
    PENDING_APPROVAL: 'PENDING_APPROVAL'
  })
  for (const type of PAYMENT_TYPES) t.type(IPN_PAYMENT_METHOD_NAMES[type], 'string', type)
})

t.test('ipnSourceString', async (t) => {
  t.test('reproduces the source string of 2Checkout\'s "Calculate the IPN HASH signature" example', async (t) => {
    // The example's fields and values, in its order. Up to PHONE_D as the docs' table shows them;
    // from IPADDRESS on as the docs' earlier revision of the example continues.
    const fields: IpnField[] = [
      ['SALEDATE', '2016-06-01 12:22:09'], ['REFNO', '1000037'], ['REFNOEXT', ''], ['ORDERNO', '13'], ['ORDERSTATUS', 'COMPLETE'],
      ['PAYMETHOD', 'Wire transfer'], ['FIRSTNAME', 'John'], ['LASTNAME', 'Smith'], ['COMPANY', ''], ['REGISTRATIONNUMBER', ''],
      ['FISCALCODE', ''], ['CBANKNAME', ''], ['CBANKACCOUNT', ''], ['ADDRESS1', '101 Main Street'], ['ADDRESS2', ''], ['CITY', 'New York'],
      ['STATE', 'New York'], ['ZIPCODE', '500365'], ['COUNTRY', 'United States of America'], ['PHONE', '951-121-2121'], ['FAX', ''],
      ['CUSTOMEREMAIL', 'johnsmith@email.com'], ['FIRSTNAME_D', 'John'], ['LASTNAME_D', 'Smith'], ['COMPANY_D', ''],
      ['ADDRESS1_D', '101 Main Street'], ['ADDRESS2_D', ''], ['CITY_D', 'New York'], ['STATE_D', 'New York'], ['ZIPCODE_D', '500365'],
      ['COUNTRY_D', 'United States of America'], ['PHONE_D', '951-121-2121'],
      ['IPADDRESS', '213.233.121.50'], ['CURRENCY', 'USD'], ['IPN_PID[]', '1'], ['IPN_PNAME[]', 'Software program'], ['IPN_PCODE[]', 'PM_11'],
      ['IPN_INFO[]', ''], ['IPN_QTY[]', '1'], ['IPN_PRICE[]', '29.00'], ['IPN_VAT[]', '0.00'], ['IPN_VER[]', ''], ['IPN_DISCOUNT[]', '0.00'],
      ['IPN_PROMONAME[]', ''], ['IPN_DELIVEREDCODES[]', ''], ['IPN_TOTAL[]', '29.00'], ['IPN_TOTALGENERAL', '34.00'], ['IPN_SHIPPING', '5.00'],
      ['IPN_COMMISSION', '3.38'], ['IPN_DATE', '20050303123434']
    ]
    // The docs' "Field length" column, each length followed by its value.
    const expected = '192016-06-01 12:22:09' + '71000037' + '0' + '213' + '8COMPLETE' + '13Wire transfer' + '4John' + '5Smith' +
      '0' + '0' + '0' + '0' + '0' + '15101 Main Street' + '0' + '8New York' + '8New York' + '6500365' + '24United States of America' +
      '12951-121-2121' + '0' + '19johnsmith@email.com' + '4John' + '5Smith' + '0' + '15101 Main Street' + '0' + '8New York' +
      '8New York' + '6500365' + '24United States of America' + '12951-121-2121' +
      '14213.233.121.50' + '3USD' + '11' + '16Software program' + '5PM_11' + '0' + '11' + '529.00' + '40.00' + '0' + '40.00' + '0' + '0' +
      '529.00' + '534.00' + '45.00' + '43.38' + '1420050303123434'
    t.equal(ipnSourceString(fields), expected)
    // Signed with the docs' secret. These values were computed with OpenSSL's HMAC over the string
    // above (the docs' own HASH did not load): a guard against regressions, not a docs quote.
    t.same(signIpn(fields, SECRET).slice(fields.length), [
      ['HASH', '921142e097d20a0ec0d6cbc250c70fe0'],
      ['SIGNATURE_SHA2_256', '8d3ec2663bb3d84dab7682ceaef203de76ddc216dee65b1024344f971ef070df'],
      ['SIGNATURE_SHA3_256', '0263f6e714562b269fafd3d29b88e2bf6e01e12c70a431912514f5ccb4e857c4']
    ])
  })

  t.test('counts UTF-8 bytes, not characters: ü, é and € count 2, 2 and 3', async (t) => {
    t.equal(ipnSourceString([['LASTNAME', 'Müller']]), '7Müller')
    t.equal(ipnSourceString([['FIRSTNAME', 'José']]), '5José')
    t.equal(ipnSourceString([['IPN_PNAME[]', '10 €']]), '610 €')
  })

  t.test('an empty value is "0"; the value "0" is "10"', async (t) => {
    t.equal(ipnSourceString([['REFNOEXT', ''], ['TEST_ORDER', '0'], ['ADDRESS2', '']]), '0100')
  })

  t.test('array elements count in turn, and HASH and SIGNATURE_* are left out', async (t) => {
    const fields: IpnField[] = [['IPN_PID[]', '7'], ['IPN_PID[]', '12'], ['IPN_PNAME[]', 'A'], ['IPN_PNAME[]', 'BC'], ['HASH', 'x'], ['SIGNATURE_SHA2_256', 'y'], ['SIGNATURE_SHA3_256', 'z']]
    t.equal(ipnSourceString(fields), '17' + '212' + '1A' + '2BC')
  })
})

t.test('signIpn', async (t) => {
  const fields = buildIpnFields(source(), AT)

  t.test('appends HASH, SIGNATURE_SHA2_256 and SIGNATURE_SHA3_256, HMACs of the source string with the secret', async (t) => {
    const signed = signIpn(fields, SECRET)
    t.same(signed.slice(0, fields.length), fields)
    const source = ipnSourceString(fields)
    t.same(signed.slice(fields.length), [
      ['HASH', createHmac('md5', SECRET).update(source).digest('hex')],
      ['SIGNATURE_SHA2_256', createHmac('sha256', SECRET).update(source).digest('hex')],
      ['SIGNATURE_SHA3_256', createHmac('sha3-256', SECRET).update(source).digest('hex')]
    ])
    t.not(value(signIpn(fields, 'another secret'), 'HASH'), value(signed, 'HASH'))
  })

  t.test('signing signed fields again replaces the signatures instead of hashing them', async (t) => {
    t.same(signIpn(signIpn(fields, SECRET), SECRET), signIpn(fields, SECRET))
  })

  t.test('refuses fields a PHP listener would regroup (an array split in two, a name twice)', async (t) => {
    t.throws(() => signIpn([['IPN_PID[]', '1'], ['IPN_PNAME[]', 'A'], ['IPN_PID[]', '2']], SECRET), /IPN_PID\[\] is not contiguous/)
    t.throws(() => signIpn([['REFNO', '1'], ['REFNO', '2']], SECRET), /REFNO is not contiguous/)
  })
})

t.test('encodeIpnForm', async (t) => {
  t.test('writes arrays as repeated NAME[]= and encodes values as a PHP form post', async (t) => {
    const body = encodeIpnForm([['REFNO', '1'], ['IPN_PID[]', '7'], ['IPN_PID[]', '12'], ['IPN_PNAME[]', 'Abonnement Élite & Co=1+1'], ['ADDRESS2', '']])
    t.equal(body, 'REFNO=1&IPN_PID[]=7&IPN_PID[]=12&IPN_PNAME[]=Abonnement+%C3%89lite+%26+Co%3D1%2B1&ADDRESS2=')
  })

  t.test('a form parser reads back every value, in order, byte for byte', async (t) => {
    const signed = signIpn(buildIpnFields(source(), AT), SECRET)
    t.same([...new URLSearchParams(encodeIpnForm(signed))], signed)
  })
})

t.test('readReceiptFor', async (t) => {
  const docsFields: IpnField[] = [['IPN_PID[]', '1'], ['IPN_PNAME[]', 'Software program'], ['IPN_DATE', '20050303123434']]

  t.test('reproduces the read receipt of 2Checkout\'s example (HMAC-MD5, secret AABBCCDDEEFF)', async (t) => {
    t.equal(readReceiptFor(docsFields, SECRET, 'md5', '20050303123434'), '<EPAYMENT>20050303123434|7bf97ed39681027d0c45aa45e3ea98f0</EPAYMENT>')
  })

  t.test('writes the <sig> receipt for SHA-256 and SHA3-256 over the same source', async (t) => {
    // Expected values computed with OpenSSL's HMAC over the docs' source string
    // "1116Software program14200503031234341420050303123434" (the docs page's own values did not load).
    t.equal(readReceiptFor(docsFields, SECRET, 'sha256', '20050303123434'),
      '<sig algo="sha256" date="20050303123434">ea6f44c39b3d204b59500998fcb9221c92744d9721a94b45fc6d5cda99980176</sig>')
    t.equal(readReceiptFor(docsFields, SECRET, 'sha3-256', '20050303123434'),
      '<sig algo="sha3-256" date="20050303123434">85180497aaaa4844a278b52b1ce257d2820dbf5857470a5f678fef2266d0d4a8</sig>')
  })

  t.test('uses the first product only, and counts its name in bytes', async (t) => {
    const fields = buildIpnFields(source(), AT)
    const hash = createHmac('md5', SECRET).update('17' + '17Abonnement Élite' + '1420261123100000' + '1420261123100005').digest('hex')
    t.equal(readReceiptFor(fields, SECRET, 'md5', '20261123100005'), `<EPAYMENT>20261123100005|${hash}</EPAYMENT>`)
  })
})

t.test('checkReadReceipt', async (t) => {
  const fields = signIpn(buildIpnFields(source(), AT), SECRET)
  const DATE = '20261123100002'
  const receipt = (algorithm: IpnAlgorithm, f: readonly IpnField[] = fields, date = DATE) => readReceiptFor(f, SECRET, algorithm, date)

  t.test('accepts the receipt of this notification in the merchant\'s algorithm', async (t) => {
    for (const algorithm of ['md5', 'sha256', 'sha3-256'] as const) t.same(checkReadReceipt(receipt(algorithm), fields, SECRET, algorithm), { valid: true }, algorithm)
  })

  t.test('accepts it amid other output and whitespace, and with an upper-case hash', async (t) => {
    const body = `<html><body>\n  <p>IPN OK</p>\n  ${receipt('sha256')}\n</body></html>\n`
    t.same(checkReadReceipt(body, fields, SECRET, 'sha256'), { valid: true })
    const upper = receipt('md5').replace(/\|([0-9a-f]+)</, (_, hash: string) => `|${hash.toUpperCase()}<`)
    t.same(checkReadReceipt(`  ${upper}  `, fields, SECRET, 'md5'), { valid: true })
  })

  t.test('refuses a receipt whose DATE is not the one it was hashed with', async (t) => {
    const forged = receipt('md5').replace(`<EPAYMENT>${DATE}|`, '<EPAYMENT>20261123100003|')
    t.same(checkReadReceipt(forged, fields, SECRET, 'md5'), { valid: false, reason: 'HASH_MISMATCH' })
    const forgedSig = receipt('sha256').replace(`date="${DATE}"`, 'date="20261123100003"')
    t.same(checkReadReceipt(forgedSig, fields, SECRET, 'sha256'), { valid: false, reason: 'HASH_MISMATCH' })
  })

  t.test('refuses a wrong hash and a receipt made with another secret', async (t) => {
    const flipped = receipt('sha256').replace(/>([0-9a-f])/, (_, c: string) => `>${c === '0' ? '1' : '0'}`)
    t.same(checkReadReceipt(flipped, fields, SECRET, 'sha256'), { valid: false, reason: 'HASH_MISMATCH' })
    t.same(checkReadReceipt(readReceiptFor(fields, 'another secret', 'md5', DATE), fields, SECRET, 'md5'), { valid: false, reason: 'HASH_MISMATCH' })
  })

  t.test('refuses the receipt of another notification (another IPN_DATE, another first product)', async (t) => {
    const resent = signIpn(buildIpnFields(source(), new Date(AT.getTime() + 1000)), SECRET)
    t.same(checkReadReceipt(receipt('md5', resent), fields, SECRET, 'md5'), { valid: false, reason: 'HASH_MISMATCH' })
    const other = signIpn(buildIpnFields(source({ items: source().items.slice(1) }), AT), SECRET)
    t.same(checkReadReceipt(receipt('sha3-256', other), fields, SECRET, 'sha3-256'), { valid: false, reason: 'HASH_MISMATCH' })
  })

  t.test('refuses a receipt in another algorithm than the merchant\'s', async (t) => {
    t.same(checkReadReceipt(receipt('md5'), fields, SECRET, 'sha256'), { valid: false, reason: 'ALGORITHM_MISMATCH' })
    t.same(checkReadReceipt(receipt('sha3-256'), fields, SECRET, 'sha256'), { valid: false, reason: 'ALGORITHM_MISMATCH' })
    t.same(checkReadReceipt(receipt('sha256'), fields, SECRET, 'md5'), { valid: false, reason: 'ALGORITHM_MISMATCH' })
  })

  t.test('refuses garbage, an empty body and malformed tags', async (t) => {
    const bodies = ['', 'OK', '<EPAYMENT>garbage</EPAYMENT>', `<EPAYMENT>${DATE}|</EPAYMENT>`, `<EPAYMENT>2026|${'a'.repeat(32)}</EPAYMENT>`,
      `<sig algo="sha1" date="${DATE}">${'a'.repeat(64)}</sig>`, `<sig algo="sha256" date="${DATE}">${'a'.repeat(63)}</sig>`]
    for (const body of bodies) t.same(checkReadReceipt(body, fields, SECRET, 'md5').valid, false, JSON.stringify(body))
    t.same(checkReadReceipt('<EPAYMENT>garbage</EPAYMENT>', fields, SECRET, 'md5'), { valid: false, reason: 'NO_RECEIPT' })
  })

  t.test('reads no further than READ_RECEIPT_MAX_CHARS', async (t) => {
    const padding = ' '.repeat(READ_RECEIPT_MAX_CHARS - receipt('md5').length)
    t.same(checkReadReceipt(padding + receipt('md5'), fields, SECRET, 'md5'), { valid: true }, 'a receipt ending at the limit is read')
    t.same(checkReadReceipt(`${padding} ${receipt('md5')}`, fields, SECRET, 'md5'), { valid: false, reason: 'NO_RECEIPT' }, 'one character further is not')
  })
})

t.test('formatIpnDate writes YmdHis in UTC', async (t) => {
  t.equal(formatIpnDate(new Date('2005-03-03T12:34:34.999Z')), '20050303123434')
})
