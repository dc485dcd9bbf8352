import { createHash } from 'node:crypto'
import t from 'tap'
import { canonicalJson, deriveIdempotencyKey, requestFingerprint } from '../../../src/orders/idempotency.js'
import { validateOrder } from '../../../src/wire/order-schema.js'
import { testCardOrder, withCard } from '../../helpers/orders.js'
import { orderPaidWith } from '../../helpers/payments.js'

const NOW = new Date('2026-11-23T10:00:00.000Z')
const KEY = deriveIdempotencyKey(Buffer.alloc(32, 7))

/** The fingerprint of placeOrder's params for this wire Order, parsed as the method parses it. */
function fingerprint (wire: Record<string, unknown>, key = KEY): string {
  const parsed = validateOrder(wire, NOW)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields))
  return requestFingerprint(key, 'placeOrder', { Order: parsed.order })
}

t.test('the idempotency key is its own: 32 bytes derived from the encryption key, neither equal to it nor the same for another key', async (t) => {
  const key = deriveIdempotencyKey(Buffer.alloc(32, 7))
  t.equal(key.length, 32)
  t.same(key, deriveIdempotencyKey(Buffer.alloc(32, 7)), 'the same key on every start and instance')
  t.notSame(key, Buffer.alloc(32, 7))
  t.notSame(key, deriveIdempotencyKey(Buffer.alloc(32, 8)))
})

t.test('the request fingerprint is keyed: no unkeyed hash of the request, another server key gives another fingerprint', async (t) => {
  const order = testCardOrder()
  const parsed = validateOrder(order, NOW)
  if (!parsed.ok) throw new Error('invalid order')
  const mine = fingerprint(order)
  t.match(mine, /^[0-9a-f]{64}$/)
  t.not(mine, fingerprint(order, deriveIdempotencyKey(Buffer.alloc(32, 8))), 'the key changes every fingerprint')
  for (const params of [{ Order: order }, { Order: parsed.order }]) {
    for (const algorithm of ['sha256', 'sha1', 'md5']) {
      t.not(mine.slice(0, 32), createHash(algorithm).update(`placeOrder\n${canonicalJson(params)}`).digest('hex').slice(0, 32), `not ${algorithm} of the request`)
    }
  }
})

t.test('the fingerprint holds no CVV and only the stored masks of card, IBAN and account numbers; every other field counts', async (t) => {
  const base = fingerprint(testCardOrder())
  t.equal(fingerprint(withCard(testCardOrder(), { CCID: '999' })), base, 'another CVV: the same fingerprint (nothing derived from it)')
  t.equal(fingerprint(withCard(testCardOrder(), { CardNumber: '4111110000091111' })), base, 'other hidden digits (same first 6 / last 4): the same fingerprint')
  t.equal(fingerprint(withCard(testCardOrder(), { CardNumber: '4111 1111 1111 1111' })), base, 'the number as printed is the same number')
  t.equal(fingerprint(withCard(testCardOrder(), { CVV2: '123' })), base, 'a field the schema does not know is not fingerprinted')
  t.not(fingerprint(withCard(testCardOrder(), { CardNumber: '4111111111111103' })), base, 'another last 4: another request')
  t.not(fingerprint(withCard(testCardOrder(), { HolderName: 'Jane Doe' })), base, 'another holder: another request')
  t.not(fingerprint(testCardOrder({ ExternalReference: 'EXT-2' })), base, 'another field: another request')

  const iban = (value: string) => fingerprint(orderPaidWith('DIRECTDEBIT', { FirstName: 'John', LastName: 'Doe', Iban: value, Swift: 'COBADEFFXXX' }))
  t.equal(iban('DE89370400440532013000'), iban('DE89 3704 0044 0532 0130 00'))
  t.equal(iban('DE89370400440532013000'), iban('DE89370400440000453000'), 'IBANs alike in their mask (country, check digits, last 4): the same fingerprint')
  t.not(iban('DE89370400440532013000'), iban('DE75512108001245126199'))
  const ach = (account: string) => fingerprint(orderPaidWith('DIRECT_DEBIT_ACH', { AccountHolderName: 'John Doe', BankRoutingNumber: '011000015', AccountNumber: account, AccountType: 'C' }))
  t.equal(ach('003141592'), ach('999991592'), 'accounts alike in their last 4: the same fingerprint')
  t.not(ach('003141592'), ach('003141593'))
})
