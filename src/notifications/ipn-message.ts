/**
 * The 2Checkout IPN (Instant Payment Notification) message: its fields, their signature and the
 * read receipt a merchant's listener answers with. Pure: no database, no clock, no protocol.
 *
 * Sources (2Checkout's IPN documentation): "IPN parameters" (names; "2Checkout sends IPN
 * parameters in the exact order exemplified"), "Calculate the IPN HASH signature" (the
 * length-prefixed source string and its example), "IPN read receipt response for 2Checkout"
 * (`<EPAYMENT>` and `<sig>` and their example), "IPN triggers" (the ORDERSTATUS values). Where
 * the parameter page could not be read in full, the order is the one of the IPNs in 2Checkout's
 * own SDK test fixtures (2checkout-php, 2checkout-dotnet-sdk), which also show that a real IPN
 * carries HASH, SIGNATURE_SHA2_256 and SIGNATURE_SHA3_256, in that order, at its end.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { formatMinor } from '../catalog/money.js'
import type { FraudStatus, OrderStatus } from '../orders/order.js'
import type { StoredOrderItem } from '../orders/order-store.js'
import { formatWireDate } from '../wire/wire-date.js'

/** One form field as sent: array fields carry their `[]` (`IPN_PID[]`) and repeat, in order. */
export type IpnField = [name: string, value: string]

export type IpnAlgorithm = 'md5' | 'sha256' | 'sha3-256'
export const IPN_ALGORITHMS: readonly IpnAlgorithm[] = ['md5', 'sha256', 'sha3-256']

/** An address as ordergate stores it (2Checkout's BillingDetails / DeliveryDetails names). */
export type IpnAddress = Readonly<Partial<Record<IpnAddressKey, string>>>
export const IPN_ADDRESS_KEYS = ['FirstName', 'LastName', 'Company', 'FiscalCode', 'Address1', 'Address2', 'City', 'State', 'Zip', 'CountryCode', 'Phone', 'Email'] as const
export type IpnAddressKey = typeof IPN_ADDRESS_KEYS[number]

/**
 * One order line as stored (its names and money, in the order currency's minor units;
 * `netPriceMinor` is all units before the line discount), with what only the IPN adds.
 */
export type IpnItem = Pick<StoredOrderItem, 'productCode' | 'productName' | 'sku' | 'quantity' | 'unitNetPriceMinor' | 'netPriceMinor' | 'discountMinor' | 'vatMinor' | 'vatPercentBp'> & {
  /** the catalog product's id (2Checkout's numeric product id); null when the line has no catalog product */
  productId: bigint | null
  promotions: ReadonlyArray<{ code: string, name: string }>
}

/** Everything one IPN says: the order as it is and the status change the notification is for. */
export type IpnSource = {
  /** the merchant's code (2Checkout's VENDOR_CODE) */
  merchantCode: string
  refNo: bigint
  externalReference: string | null
  /** 2Checkout's OrderNo: 0 until the order completed */
  orderNo: bigint
  orderDate: Date
  /** when the payment was first authorized or received, as of the change; null before */
  paidAt: Date | null
  /** when the order completed (FinishDate), as of the change; null before */
  completedAt: Date | null
  paymentType: string
  /** a sandbox (PaymentDetails.Type TEST) order */
  testOrder: boolean
  currency: string
  language: string
  fraudStatus: FraudStatus | null
  gift: boolean
  customerIp: string | null
  /** 2Checkout's CustomerReference (AV_CUSTOMERID) */
  customerReference: bigint | null
  billing: IpnAddress
  delivery: IpnAddress | null
  items: readonly IpnItem[]
  shippingMinor: bigint
  /** what the customer pays: GrossDiscountedPrice, shipping included */
  totalMinor: bigint
  /** the status change (an order_events row) the notification reports */
  change: { eventId: bigint, event: string, at: Date, fromStatus: OrderStatus | null, toStatus: OrderStatus, refundMinor?: bigint | null }
}

/**
 * What a refund's IPN says (2Checkout, "Instant Refund Notification": once a refund is done "we
 * send you ... an IPN notification containing the status ... REFUND ... We display the total
 * canceled amount as a negative value"): ORDERSTATUS REFUND for every refund, partial ones too
 * (the order's API Status stays COMPLETE until the last), and IPN_TOTALGENERAL minus this
 * refund's amount.
 */
const refundOf = (change: IpnSource['change']): bigint | null => change.refundMinor ?? null

/**
 * The IPN's ORDERSTATUS for each API Status (IPN triggers page). The IPN names an authorized
 * payment PAYMENT_AUTHORIZED where the API says AUTHRECEIVED; an order placed but not yet paid
 * (API UNFINISHED, e.g. waiting for 3-D Secure or a redirect) is a "pending order": PENDING, as
 * 2Checkout sends for a PO order still "Unfinished" in its Control Panel. The others keep their
 * names.
 */
export const IPN_ORDER_STATUS: Readonly<Record<OrderStatus, string>> = Object.freeze({
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

/** FRAUD_STATUS: 2Checkout's IPN says APPROVED / DENIED (UNDER REVIEW while a review is open). */
export const IPN_FRAUD_STATUS: Readonly<Record<FraudStatus, string>> = Object.freeze({
  OKAY: 'APPROVED',
  REJECTED: 'DENIED',
  OPEN: 'UNDER REVIEW'
})

/** PAYMETHOD, the payment method's name, per PaymentDetails.Type; an unlisted type sends its own name. */
export const IPN_PAYMENT_METHOD_NAMES: Readonly<Record<string, string>> = Object.freeze({
  CC: 'Credit card',
  ENCRYPTED_PAYMENT_DATA: 'Credit card',
  EES_TOKEN_PAYMENT: 'Credit card',
  EXISTING_PAYMENT_DATA: 'Credit card',
  PREVIOUS_ORDER: 'Credit card',
  TEST: 'Test card',
  PAYPAL: 'PayPal',
  PAYPAL_EXPRESS: 'PayPal Express',
  DIRECT_EBANKING: 'Direct eBanking',
  WIRE: 'Wire transfer',
  DIRECTDEBIT: 'SEPA Direct Debit',
  DIRECT_DEBIT_ACH: 'ACH Direct Debit',
  CHECK: 'Check',
  WE_CHAT_PAY: 'WeChat Pay',
  IDEAL: 'iDEAL',
  PURCHASEORDER: 'Purchase order',
  FREE: 'Free',
  ALIPAY: 'Alipay',
  UNIONPAY: 'UnionPay',
  TRUSTLY: 'Trustly',
  APPLE_PAY: 'Apple Pay',
  GOOGLE_PAY: 'Google Pay',
  BOLETO: 'Boleto',
  STORED_CREDIT: 'Store credit'
})

const SIGNATURE_FIELDS: Readonly<Record<IpnAlgorithm, string>> = { md5: 'HASH', sha256: 'SIGNATURE_SHA2_256', 'sha3-256': 'SIGNATURE_SHA3_256' }
const SIGNATURE_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(SIGNATURE_FIELDS))

/** `YmdHis` in UTC (IPN_DATE and the receipt's DATE): 2026-11-23 10:00:00 → "20261123100000". */
export function formatIpnDate (date: Date): string {
  return date.toISOString().slice(0, 19).replace(/\D/g, '')
}

// 2Checkout writes the United States as in its examples; other names are ICU's English ones.
const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' })
const COUNTRY_NAME_OVERRIDES: Readonly<Record<string, string>> = { US: 'United States of America' }

function countryName (code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return ''
  const upper = code.toUpperCase()
  return COUNTRY_NAME_OVERRIDES[upper] ?? COUNTRY_NAMES.of(upper) ?? upper
}

const dateOrEmpty = (date: Date | null): string => (date === null ? '' : formatWireDate(date))
const percentText = (bp: number): string => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`

const part = (address: IpnAddress | null, key: IpnAddressKey): string => address?.[key] ?? ''

/** The address lines shared by the billing block and the delivery block (suffix `_D`). */
function placeFields (address: IpnAddress | null, suffix: '' | '_D'): IpnField[] {
  const code = part(address, 'CountryCode')
  return [
    [`ADDRESS1${suffix}`, part(address, 'Address1')],
    [`ADDRESS2${suffix}`, part(address, 'Address2')],
    [`CITY${suffix}`, part(address, 'City')],
    [`STATE${suffix}`, part(address, 'State')],
    [`ZIPCODE${suffix}`, part(address, 'Zip')],
    [`COUNTRY${suffix}`, countryName(code)],
    [`COUNTRY${suffix}_CODE`, code.toLowerCase()],
    [`PHONE${suffix}`, part(address, 'Phone')]
  ]
}

// ordergate knows a company's fiscal code but not its registration number, its bank or a fax
// number: those are sent empty, as in 2Checkout's example. CBANKACCOUNT (a bank account number)
// is never sent.
const billingFields = (billing: IpnAddress): IpnField[] => [
  ['FIRSTNAME', part(billing, 'FirstName')],
  ['LASTNAME', part(billing, 'LastName')],
  ['COMPANY', part(billing, 'Company')],
  ['REGISTRATIONNUMBER', ''],
  ['FISCALCODE', part(billing, 'FiscalCode')],
  ['CBANKNAME', ''],
  ...placeFields(billing, ''),
  ['FAX', ''],
  ['CUSTOMEREMAIL', part(billing, 'Email')]
]

/** An order without DeliveryDetails sends the delivery block empty. */
const deliveryFields = (delivery: IpnAddress | null): IpnField[] => [
  ['FIRSTNAME_D', part(delivery, 'FirstName')],
  ['LASTNAME_D', part(delivery, 'LastName')],
  ['COMPANY_D', part(delivery, 'Company')],
  ...placeFields(delivery, '_D'),
  ['EMAIL_D', part(delivery, 'Email')]
]

/** One array field per item property, all elements of one name together (PHP builds one array of them). */
function itemFields (items: readonly IpnItem[], money: (minor: bigint) => string): IpnField[] {
  const columns: Array<[string, (item: IpnItem) => string]> = [
    ['IPN_PID[]', (i) => (i.productId === null ? i.productCode : String(i.productId))],
    ['IPN_PNAME[]', (i) => i.productName],
    ['IPN_PCODE[]', (i) => i.productCode],
    ['IPN_INFO[]', () => ''],
    ['IPN_QTY[]', (i) => String(i.quantity)],
    ['IPN_PRICE[]', (i) => money(i.unitNetPriceMinor)],
    ['IPN_VAT[]', (i) => money(i.vatMinor)],
    ['IPN_VAT_RATE[]', (i) => percentText(i.vatPercentBp)],
    ['IPN_VER[]', () => ''],
    ['IPN_DISCOUNT[]', (i) => money(i.discountMinor)],
    ['IPN_PROMONAME[]', (i) => i.promotions.map((p) => p.name).join(', ')],
    ['IPN_PROMOCODE[]', (i) => i.promotions.map((p) => p.code).join(', ')],
    ['IPN_SKU[]', (i) => i.sku ?? ''],
    ['IPN_DELIVEREDCODES[]', () => ''],
    ['IPN_TOTAL[]', (i) => money(i.netPriceMinor - i.discountMinor + i.vatMinor)]
  ]
  return columns.flatMap(([name, value]) => items.map((item): IpnField => [name, value(item)]))
}

/**
 * The IPN's fields, unsigned, in the order 2Checkout sends them. `ipnDate` is the moment of this
 * sending (IPN_DATE); ORDERSTATUS is the change's to-status, even if the order moved on since.
 */
export function buildIpnFields (source: IpnSource, ipnDate: Date): IpnField[] {
  const currency = source.currency.toUpperCase()
  const money = (minor: bigint): string => formatMinor(minor, currency)
  const refund = refundOf(source.change)
  return [
    ['GIFT_ORDER', source.gift ? '1' : '0'],
    ['SALEDATE', formatWireDate(source.orderDate)],
    ['PAYMENTDATE', dateOrEmpty(source.paidAt)],
    ['REFNO', String(source.refNo)],
    ['REFNOEXT', source.externalReference ?? ''],
    ['ORDERNO', source.completedAt === null ? '0' : String(source.orderNo)],
    ['ORDERSTATUS', refund !== null ? IPN_ORDER_STATUS.REFUND : IPN_ORDER_STATUS[source.change.toStatus]],
    ['PAYMETHOD', IPN_PAYMENT_METHOD_NAMES[source.paymentType] ?? source.paymentType],
    ['PAYMETHOD_CODE', source.paymentType],
    ...billingFields(source.billing),
    ...deliveryFields(source.delivery),
    ['IPADDRESS', source.customerIp ?? ''],
    ['COMPLETE_DATE', dateOrEmpty(source.completedAt)],
    ['CURRENCY', currency],
    ['LANGUAGE', source.language],
    ...itemFields(source.items, money),
    ['IPN_TOTALGENERAL', money(refund === null ? source.totalMinor : -refund)],
    ['IPN_SHIPPING', money(source.shippingMinor)],
    ['AVANGATE_CUSTOMER_REFERENCE', source.customerReference === null ? '' : String(source.customerReference)],
    // 2Checkout's fee on the order; ordergate takes none.
    ['IPN_COMMISSION', money(0n)],
    ['TEST_ORDER', source.testOrder ? '1' : '0'],
    ['FRAUD_STATUS', source.fraudStatus === null ? '' : IPN_FRAUD_STATUS[source.fraudStatus]],
    ['IPN_DATE', formatIpnDate(ipnDate)],
    ['VENDOR_CODE', source.merchantCode]
  ]
}

/** A value with its length in UTF-8 bytes in front; an empty value is "0" (the HASH rules). */
const lengthPrefixed = (value: string): string => `${Buffer.byteLength(value, 'utf8')}${value}`

/**
 * The HMAC source string: every value in the order sent (each array element in turn),
 * length-prefixed, HASH and SIGNATURE_* left out. What a listener computes from its $_POST.
 */
export function ipnSourceString (fields: readonly IpnField[]): string {
  return fields.filter(([name]) => !SIGNATURE_FIELD_NAMES.has(name)).map(([, value]) => lengthPrefixed(value)).join('')
}

const hmacHex = (algorithm: IpnAlgorithm, secret: string, source: string): string =>
  createHmac(algorithm, secret).update(source, 'utf8').digest('hex')

/**
 * A listener iterates $_POST, where every name is one entry at its first position: the hash covers
 * what it iterates only if each array's elements are contiguous and other names appear once.
 */
function assertPhpOrder (fields: readonly IpnField[]): void {
  const seen = new Set<string>()
  let previous: string | undefined
  for (const [name] of fields) {
    const repeatsArray = name === previous && name.endsWith('[]')
    if (seen.has(name) && !repeatsArray) throw new Error(`IPN field ${name} is not contiguous`)
    seen.add(name)
    previous = name
  }
}

/** The fields with HASH (HMAC-MD5), SIGNATURE_SHA2_256 and SIGNATURE_SHA3_256 appended, as 2Checkout sends all three. */
export function signIpn (fields: readonly IpnField[], secret: string): IpnField[] {
  const unsigned = fields.filter(([name]) => !SIGNATURE_FIELD_NAMES.has(name))
  assertPhpOrder(unsigned)
  const source = ipnSourceString(unsigned)
  return [...unsigned, ...IPN_ALGORITHMS.map((algorithm): IpnField => [SIGNATURE_FIELDS[algorithm], hmacHex(algorithm, secret, source)])]
}

/**
 * application/x-www-form-urlencoded as browsers and PHP write it: values percent-encoded as
 * UTF-8 with spaces as '+', array names with literal brackets (`IPN_PID[]=1&IPN_PID[]=2`).
 */
export function encodeIpnForm (fields: readonly IpnField[]): string {
  return fields.map(([name, value]) => `${name.replace(/[^\w[\]]/g, encodeURIComponent)}=${new URLSearchParams([['', value]]).toString().slice(1)}`).join('&')
}

const firstValue = (fields: readonly IpnField[], name: string): string => fields.find(([n]) => n === name)?.[1] ?? ''

/** The receipt's HMAC: IPN_PID[0], IPN_PNAME[0], IPN_DATE of this notification and the listener's DATE. */
function receiptHash (fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm, date: string): string {
  const source = [firstValue(fields, 'IPN_PID[]'), firstValue(fields, 'IPN_PNAME[]'), firstValue(fields, 'IPN_DATE'), date].map(lengthPrefixed).join('')
  return hmacHex(algorithm, secret, source)
}

/** The read receipt a correct listener prints for this notification; `date` is its own YmdHis. */
export function readReceiptFor (fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm, date: string): string {
  const hash = receiptHash(fields, secret, algorithm, date)
  return algorithm === 'md5' ? `<EPAYMENT>${date}|${hash}</EPAYMENT>` : `<sig algo="${algorithm}" date="${date}">${hash}</sig>`
}

/** The most of a listener's answer that is read: the receipt may sit anywhere in it. */
export const READ_RECEIPT_MAX_CHARS = 64 * 1024

const EPAYMENT_TAG = /<EPAYMENT>(\d{14})\|([0-9A-Fa-f]{32})<\/EPAYMENT>/g
const SIG_TAG = /<sig\s+algo="(sha256|sha3-256)"\s+date="(\d{14})"\s*>([0-9A-Fa-f]{64})<\/sig>/g

type ReceiptTag = { algorithm: IpnAlgorithm, date: string, hash: string }

function receiptTags (body: string): ReceiptTag[] {
  const md5 = [...body.matchAll(EPAYMENT_TAG)].map((m): ReceiptTag => ({ algorithm: 'md5', date: m[1] ?? '', hash: m[2] ?? '' }))
  const sha = [...body.matchAll(SIG_TAG)].map((m): ReceiptTag => ({ algorithm: m[1] as IpnAlgorithm, date: m[2] ?? '', hash: m[3] ?? '' }))
  return [...md5, ...sha]
}

export type ReadReceiptCheck = { valid: true } | { valid: false, reason: 'NO_RECEIPT' | 'ALGORITHM_MISMATCH' | 'HASH_MISMATCH' }

/**
 * Whether a listener's answer holds a valid read receipt for THIS notification, in the merchant's
 * algorithm. The tag may be surrounded by anything (listeners print it inside their own output);
 * its hash is compared case-insensitively ("HASH fields values are case insensitive") and in
 * constant time. A receipt in another algorithm than the merchant's setting is refused: accepting
 * an MD5 receipt from a merchant who chose SHA-256 would let the weaker algorithm back in.
 */
export function checkReadReceipt (body: string, fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm): ReadReceiptCheck {
  const tags = receiptTags(body.slice(0, READ_RECEIPT_MAX_CHARS))
  const ours = tags.filter((tag) => tag.algorithm === algorithm)
  if (ours.length === 0) return { valid: false, reason: tags.length === 0 ? 'NO_RECEIPT' : 'ALGORITHM_MISMATCH' }
  const matches = ours.some((tag) => {
    const expected = Buffer.from(receiptHash(fields, secret, algorithm, tag.date), 'utf8')
    const received = Buffer.from(tag.hash.toLowerCase(), 'utf8')
    return received.length === expected.length && timingSafeEqual(received, expected)
  })
  return matches ? { valid: true } : { valid: false, reason: 'HASH_MISMATCH' }
}
