import t from 'tap'
import {
  buildIpnFields, checkReadReceipt, encodeIpnForm, IPN_ALGORITHMS, readReceiptFor, signIpn,
  type IpnAlgorithm, type IpnField, type IpnSource
} from '../../src/notifications/ipn-message.js'
import { IPN_TEST_AT, testIpnSource } from '../helpers/ipn-source.js'
import { phpListenerUnavailable, startPhpListener, type PhpListener, type PhpListenerSettings } from '../helpers/php-listener.js'

// samples/php/ipn-listener.php is written from 2Checkout's IPN documentation, not from
// ordergate's code: a notification ordergate signs must pass its check, and the read receipt it
// prints must pass ordergate's check. Each side is an independent reading of the same pages.

const SECRET = 'ipn-listener-secret-ÄÖÜ'
const AT = IPN_TEST_AT

/**
 * The shared test order, with names that are harder on a listener: more multi-byte UTF-8 (bytes ≠
 * characters in the length prefixes, 3-byte CJK) and characters the form encoding must escape.
 */
function source (overrides: Partial<IpnSource> = {}): IpnSource {
  const base = testIpnSource()
  return testIpnSource({
    billing: { ...base.billing, LastName: 'Müller-Łukasiewicz', Address1: 'Hauptstraße 1 & 2', Email: 'j.mueller+ipn@example.com' },
    items: base.items.map((item, i) => i === 0 ? { ...item, productName: 'Abonnement Élite 日本', promotions: [{ code: 'WELCOME10', name: 'Welcome 10% = €2' }] } : item),
    ...overrides
  })
}

const signed = (secret = SECRET, overrides: Partial<IpnSource> = {}): IpnField[] => signIpn(buildIpnFields(source(overrides), AT), secret)

async function post (listener: PhpListener, fields: readonly IpnField[]): Promise<{ status: number, body: string }> {
  const response = await fetch(listener.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeIpnForm(fields)
  })
  return { status: response.status, body: await response.text() }
}

const unavailable = await phpListenerUnavailable()
if (unavailable !== null) {
  t.fail(`the IPN listener sample needs PHP: ${unavailable}`)
} else {
  const listeners: PhpListener[] = []
  const listen = async (settings: PhpListenerSettings): Promise<PhpListener> => {
    const listener = await startPhpListener(settings)
    listeners.push(listener)
    return listener
  }
  t.teardown(async () => { await Promise.all(listeners.map((l) => l.close())) })

  for (const algorithm of IPN_ALGORITHMS) {
    t.test(`with IPN_ALGORITHM=${algorithm} the listener accepts an IPN ordergate signed and prints a receipt ordergate accepts`, async (t) => {
      const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: algorithm })
      const fields = signed()
      const answer = await post(listener, fields)
      t.equal(answer.status, 200, answer.body)
      t.strictSame(checkReadReceipt(answer.body, fields, SECRET, algorithm), { valid: true })
      const tag = algorithm === 'md5' ? /^<EPAYMENT>(\d{14})\|[0-9a-f]{32}<\/EPAYMENT>\n$/ : new RegExp(`^<sig algo="${algorithm}" date="(\\d{14})">[0-9a-f]{64}</sig>\\n$`)
      const date = tag.exec(answer.body)?.[1]
      t.ok(date !== undefined, `the receipt in 2Checkout's ${algorithm} format: ${answer.body}`)
      t.equal(answer.body.trim(), readReceiptFor(fields, SECRET, algorithm, date ?? ''), 'byte for byte what ordergate computes for that date')
      const receiptTime = Date.parse(`${date?.slice(0, 4)}-${date?.slice(4, 6)}-${date?.slice(6, 8)}T${date?.slice(8, 10)}:${date?.slice(10, 12)}:${date?.slice(12, 14)}Z`)
      t.ok(Math.abs(receiptTime - Date.now()) < 60_000, 'DATE is the listener\'s time, in UTC')
      const other: IpnAlgorithm = algorithm === 'md5' ? 'sha256' : 'md5'
      t.strictSame(checkReadReceipt(answer.body, fields, SECRET, other), { valid: false, reason: 'ALGORITHM_MISMATCH' }, 'the receipt is in this algorithm only')
      t.strictSame(checkReadReceipt(answer.body, fields, 'another-secret', algorithm), { valid: false, reason: 'HASH_MISMATCH' }, 'the receipt proves the secret')

      t.strictSame(await listener.log(), [{ REFNO: '1000037', ORDERSTATUS: 'PAYMENT_AUTHORIZED', IPN_DATE: '20261123100000', valid: true, fields: fields.length, status: 200 }],
        'one log line: the IPN\'s REFNO, ORDERSTATUS and IPN_DATE, every value counted')
    })
  }

  t.test('IPN_ALGORITHM unset means md5: HASH checked, <EPAYMENT> receipt', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET })
    const fields = signed()
    const answer = await post(listener, fields)
    t.equal(answer.status, 200, answer.body)
    t.strictSame(checkReadReceipt(answer.body, fields, SECRET, 'md5'), { valid: true })
    // "HASH fields values are case insensitive"
    const upper = fields.map(([name, value]): IpnField => [name, name === 'HASH' ? value.toUpperCase() : value])
    const second = await post(listener, upper)
    t.equal(second.status, 200, `an upper-case HASH is accepted: ${second.body}`)
  })

  t.test('IPNs for later changes (PENDING, COMPLETE, CANCELED, PURCHASE_PENDING) with a fraud status pass the listener\'s check', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: 'sha256' })
    const changes: Array<[IpnSource['change']['toStatus'], string]> = [['PENDING', 'PENDING'], ['COMPLETE', 'COMPLETE'], ['CANCELED', 'CANCELED'], ['PURCHASE_PENDING', 'PURCHASE_PENDING']]
    for (const [toStatus, ipnStatus] of changes) {
      const fields = signed(SECRET, { change: { eventId: 10n, event: 'X', at: AT, fromStatus: 'AUTHRECEIVED', toStatus }, completedAt: toStatus === 'COMPLETE' ? AT : null, fraudStatus: 'OKAY' })
      const answer = await post(listener, fields)
      t.equal(answer.status, 200, `${toStatus}: ${answer.body}`)
      t.strictSame(checkReadReceipt(answer.body, fields, SECRET, 'sha256'), { valid: true }, toStatus)
      t.equal((await listener.log()).at(-1)?.ORDERSTATUS, ipnStatus)
    }
  })

  t.test('a field changed after signing is answered 400 without a receipt', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: 'sha3-256' })
    const fields = signed()
    const tampered = fields.map(([name, value]): IpnField => [name, name === 'IPN_TOTALGENERAL' ? '0.01' : value])
    const answer = await post(listener, tampered)
    t.equal(answer.status, 400)
    t.strictSame(checkReadReceipt(answer.body, fields, SECRET, 'sha3-256'), { valid: false, reason: 'NO_RECEIPT' })
    // a multi-byte name re-spelled with as many characters but fewer bytes fails too: lengths are in bytes
    const respelled = fields.map(([name, value]): IpnField => [name, name === 'FIRSTNAME' ? 'Jurgen' : value])
    const second = await post(listener, respelled)
    t.equal(second.status, 400)
    t.notMatch(second.body, /<sig|<EPAYMENT>/)
    t.same((await listener.log()).map((line) => [line.valid, line.status]), [[false, 400], [false, 400]])
  })

  t.test('an IPN signed with another secret is answered 400 without a receipt, in every algorithm', async (t) => {
    for (const algorithm of IPN_ALGORITHMS) {
      const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: algorithm })
      const fields = signed('not-the-merchant-secret')
      const answer = await post(listener, fields)
      t.equal(answer.status, 400, algorithm)
      t.strictSame(checkReadReceipt(answer.body, fields, SECRET, algorithm), { valid: false, reason: 'NO_RECEIPT' }, algorithm)
      t.strictSame((await listener.log()).map((line) => line.valid), [false], algorithm)
    }
  })

  t.test('a signature field of another algorithm does not stand in for the configured one', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: 'sha256' })
    const withoutSha2 = signed().filter(([name]) => name !== 'SIGNATURE_SHA2_256')
    const answer = await post(listener, withoutSha2)
    t.equal(answer.status, 400, 'HASH and SIGNATURE_SHA3_256 are present and right, but not SIGNATURE_SHA2_256')
  })

  t.test('IPN_FAIL_FIRST=2 answers 500 twice, then the same IPN gets its receipt', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET, IPN_ALGORITHM: 'md5', IPN_FAIL_FIRST: '2' })
    const fields = signed()
    const answers = [await post(listener, fields), await post(listener, fields), await post(listener, fields)]
    t.same(answers.map((a) => a.status), [500, 500, 200])
    t.strictSame(answers.map((a) => checkReadReceipt(a.body, fields, SECRET, 'md5').valid), [false, false, true])
    t.same((await listener.log()).map((line) => [line.REFNO, line.valid, line.status]), [['1000037', true, 500], ['1000037', true, 500], ['1000037', true, 200]])
  })

  t.test('a GET (2Checkout checking the URL) is answered 200 and logs nothing', async (t) => {
    const listener = await listen({ SECRET_KEY: SECRET })
    const response = await fetch(listener.url)
    t.equal(response.status, 200)
    t.equal(await response.text(), '')
    t.strictSame(await listener.log(), [])
  })

  t.test('without SECRET_KEY the listener answers 500 and says why on its output', async (t) => {
    const listener = await listen({ SECRET_KEY: '' })
    const answer = await post(listener, signed())
    t.equal(answer.status, 500)
    t.notMatch(answer.body, /<EPAYMENT>|<sig/)
    // php -S writes the error before it answers, but its output reaches us through a pipe: wait for it
    for (let i = 0; i < 50 && !listener.output().includes('no SECRET_KEY'); i++) await new Promise((resolve) => setTimeout(resolve, 100))
    t.match(listener.output(), /ipn-listener\.php: no SECRET_KEY/)
  })
}
