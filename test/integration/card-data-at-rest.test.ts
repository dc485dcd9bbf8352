// Issue 16, finding 1: card data must not be recoverable from a database dump. The test places
// card, ACH, DIRECTDEBIT and assisted orders with IdempotencyKeys (and some refused ones), dumps
// every table, and plays the attacker who holds the dump and the log but not the server's key:
// every stored value that looks like a digest is attacked by trying candidates for the PAN, CVV,
// IBAN and account number, through the derivations an implementer could plausibly have stored.
//
// The attacker is given more than a real one has, so a pass means more: the exact shape of each
// request, as sent and as parsed (a client's requests share one shape, the stored order gives
// back every other field, and the code is public), and which stored mask belongs to which
// request. What the attacker must find is only what the masks hide.
//
// Why a bounded search still proves the point: every search below includes the true value
// (asserted), and every derivation is tried on it; a stored digest of any tried form would be
// found. The bounds only cut a linear factor that costs the attacker time, not feasibility:
// - PAN: the middle digits are enumerated upwards, Luhn-filtered, PAN_BUDGET candidates per card
//   (12% of a 16-digit card's 10^6 middles; the whole space is 8 times more, the auditor's
//   minute). The test cards' middles lie inside it (4111111111111111: 111111, the 11,112th
//   Luhn-valid one; 378282246310005: 24631; 400000…: 000000). 5555555555554444 (middle 555555)
//   would be 4.6 times beyond, so the mastercard here is 2221000000000009 (the 2-series test
//   number, any valid number approves in the sandbox).
// - CVV: a fixed set of 2 per length containing the real ones where the CVV is hashed together
//   with the PAN (the whole space is 500 or 5,000 times more: minutes to hours on 2 cores, not
//   out of reach); a CVV hashed alone is searched through all 1,000 / 10,000.
// - ACH: ACH_BUDGET of the 10^5 accounts consistent with the mask `*****dddd`.
// - IBAN: the bank code follows from the stored BIC (COBADEFFXXX is 37040044 in the Bundesbank's
//   public directory), so only the 6 hidden account digits remain; IBAN_BUDGET of them,
//   filtered by the mod-97 check digits.
import { hash } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { validateOrder } from '../../src/wire/order-schema.js'
import { createTestApp, TEST_START, type RpcReply, type TestApp } from '../helpers/app.js'
import { staffMerchant } from '../helpers/assisted.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { orderPaidWith } from '../helpers/payments.js'

const PAN_BUDGET = 12_000
const ACH_BUDGET = 10_000
const IBAN_BUDGET = 100_000
const CVV_CANDIDATES: Readonly<Record<3 | 4, readonly string[]>> = { 3: ['123', '321'], 4: ['1234', '4321'] }
const ALGORITHMS = ['sha256', 'sha1', 'md5'] as const
/** The bank codes the attacker looks up from a stored BIC (a public directory). */
const BIC_DIRECTORY: Readonly<Record<string, string>> = { COBADEFFXXX: '37040044' }

type Secret =
  | { kind: 'card', number: string, cvv: string, brand: string }
  | { kind: 'ach', account: string, routing: string }
  | { kind: 'iban', iban: string, swift: string }

type Scenario = {
  name: string
  method: 'placeOrder' | 'placeAssistedOrder'
  key: string
  order: Record<string, any>
  assisted?: Record<string, unknown>
  secret: Secret
  /** the scenario whose stored payment row shows this one's mask (itself unless refused) */
  maskFrom?: string
  expect: (reply: RpcReply) => boolean
}

type CardSecret = Secret & { kind: 'card' }
const card = (number: string, cvv: string, brand: string): CardSecret => ({ kind: 'card', number, cvv, brand })
const cardOrder = (s: CardSecret, overrides: Record<string, unknown> = {}) =>
  withCard(testCardOrder(overrides), { CardNumber: s.number, CCID: s.cvv, CardType: s.brand })
const achOrder = (s: Secret & { kind: 'ach' }) =>
  orderPaidWith('DIRECT_DEBIT_ACH', { AccountHolderName: 'John Doe', BankRoutingNumber: s.routing, AccountNumber: s.account, AccountType: 'C' })
const ibanOrder = (s: Secret & { kind: 'iban' }) =>
  orderPaidWith('DIRECTDEBIT', { FirstName: 'John', LastName: 'Doe', Iban: s.iban, Swift: s.swift })
const ok = (status: string) => (reply: RpcReply) => reply.result?.Status === status
const refused = (reason: string) => (reply: RpcReply) => reply.error?.data?.error_code === reason

function scenarios (): Scenario[] {
  const visa = card('4111111111111111', '123', 'visa')
  const amex = card('378282246310005', '1234', 'amex')
  const mastercard = card('2221000000000009', '321', 'mastercard')
  const declined = card('4000000000000002', '123', 'visa')
  const threeDs = card('4000000000003220', '321', 'visa')
  const visaOtherCvv = card('4111111111111111', '321', 'visa')
  const assistedVisa = card('4111111111111111', '123', 'visa')
  const ach = { kind: 'ach', account: '003141592', routing: '011000015' } as const
  const assistedAch = { kind: 'ach', account: '000271828', routing: '011000015' } as const
  const iban = { kind: 'iban', iban: 'DE89370400440532013000', swift: 'COBADEFFXXX' } as const
  return [
    { name: 'visa', method: 'placeOrder', key: 'key-visa', order: cardOrder(visa), secret: visa, expect: ok('AUTHRECEIVED') },
    { name: 'amex', method: 'placeOrder', key: 'key-amex', order: cardOrder(amex), secret: amex, expect: ok('AUTHRECEIVED') },
    { name: 'mastercard', method: 'placeOrder', key: 'key-mc', order: cardOrder(mastercard), secret: mastercard, expect: ok('AUTHRECEIVED') },
    { name: 'declined card', method: 'placeOrder', key: 'key-declined', order: cardOrder(declined), secret: declined, expect: ok('PENDING') },
    { name: '3-D Secure card', method: 'placeOrder', key: 'key-3ds', order: cardOrder(threeDs), secret: threeDs, expect: ok('PENDING') },
    {
      name: 'refused card order (unknown product)',
      method: 'placeOrder',
      key: 'key-refused',
      order: cardOrder(visaOtherCvv, { Items: [{ Code: 'NO-SUCH-PRODUCT', Quantity: 1 }] }),
      secret: visaOtherCvv,
      maskFrom: 'visa',
      expect: refused('ORDER_PRODUCT_CODE_INVALID')
    },
    { name: 'ACH', method: 'placeOrder', key: 'key-ach', order: achOrder(ach), secret: ach, expect: ok('PENDING') },
    { name: 'DIRECTDEBIT (IBAN)', method: 'placeOrder', key: 'key-iban', order: ibanOrder(iban), secret: iban, expect: ok('PENDING') },
    {
      name: 'assisted card',
      method: 'placeAssistedOrder',
      key: 'key-assisted-card',
      order: cardOrder(assistedVisa),
      assisted: { Items: [{ Discount: { Type: 'PERCENT', Value: 10, Reason: 'loyal customer' } }] },
      secret: assistedVisa,
      expect: ok('AUTHRECEIVED')
    },
    { name: 'assisted ACH', method: 'placeAssistedOrder', key: 'key-assisted-ach', order: achOrder(assistedAch), assisted: {}, secret: assistedAch, expect: ok('PENDING') },
    {
      name: 'refused assisted amex (unknown customer)',
      method: 'placeAssistedOrder',
      key: 'key-assisted-refused',
      order: cardOrder(amex),
      assisted: { CustomerId: 987654 },
      secret: amex,
      maskFrom: 'amex',
      expect: refused('CUSTOMER_NOT_FOUND')
    }
  ]
}

// ---------------------------------------------------------------------------------------------
// The attacker's tools.

/** JSON with object keys sorted at every level, as today's requestHash builds it. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record).sort().filter((k) => record[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * Every digest-like value in `texts`: runs of 32–128 hex digits and base64 / base64url runs
 * decoding to 16–64 bytes, keyed by their first 16 bytes (so a truncated digest is found too).
 */
function digestsIn (texts: Iterable<string>): Set<string> {
  const found = new Set<string>()
  for (const text of texts) {
    for (const [run] of text.matchAll(/[0-9a-fA-F]{32,128}/g)) found.add(run.slice(0, 32).toLowerCase())
    for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{22,88}={0,2}/g)) {
      const bytes = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      if (bytes.length >= 16 && bytes.length <= 64) found.add(bytes.subarray(0, 16).toString('hex'))
    }
  }
  return found
}

/** Tries every algorithm on every text; answers the first text whose digest is stored. */
function firstStored<T> (digests: Set<string>, candidates: Iterable<[string, T]>): T | undefined {
  for (const [text, found] of candidates) {
    for (const algorithm of ALGORITHMS) {
      if (digests.has(hash(algorithm, text, 'buffer').subarray(0, 16).toString('hex'))) return found
    }
  }
  return undefined
}

function luhnValid (digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

function * panCandidates (first6: string, last4: string, brand: string): Generator<string> {
  const middle = (brand === 'amex' ? 15 : 16) - 10
  let n = 0
  for (let m = 0; m < 10 ** middle && n < PAN_BUDGET; m++) {
    const pan = first6 + String(m).padStart(middle, '0') + last4
    if (luhnValid(pan)) { n++; yield pan }
  }
}

function * accountCandidates (mask: string): Generator<string> {
  const hidden = mask.length - 4
  for (let m = 0; m < Math.min(10 ** hidden, ACH_BUDGET); m++) yield String(m).padStart(hidden, '0') + mask.slice(-4)
}

function mod97 (digits: string): number {
  let rest = 0
  for (let i = 0; i < digits.length; i += 7) rest = Number(String(rest) + digits.slice(i, i + 7)) % 97
  return rest
}

function * ibanCandidates (mask: string, bankCode: string): Generator<string> {
  const country = mask.slice(0, 2)
  const checks = mask.slice(2, 4)
  const hidden = mask.length - 4 - bankCode.length - 4
  const letters = [...country].map((c) => String(c.charCodeAt(0) - 55)).join('')
  for (let m = 0; m < Math.min(10 ** hidden, IBAN_BUDGET); m++) {
    const bban = bankCode + String(m).padStart(hidden, '0') + mask.slice(-4)
    if (mod97(bban + letters + checks) === 1) yield country + checks + bban
  }
}

const printedIban = (iban: string): string => iban.replace(/(.{4})(?=.)/g, '$1 ')

/**
 * The request with a placeholder where each hidden value goes, in the two forms an implementer
 * could have hashed: as the client sent it, and as the server parsed it (the code is public).
 */
function requestTemplates (s: Scenario): string[][] {
  const parsed = validateOrder(s.order, TEST_START)
  if (!parsed.ok) throw new Error(`${s.name}: the test's Order is invalid`)
  return [requestTemplate(s, s.order), requestTemplate(s, parsed.order as Record<string, any>)]
}

function requestTemplate (s: Scenario, order: Record<string, any>): string[] {
  const placeholders: Record<string, string> = {}
  const method = order.PaymentDetails.PaymentMethod as Record<string, string>
  if (s.secret.kind === 'card') {
    placeholders[s.secret.number] = '@@PAN@@'
    placeholders[s.secret.cvv] = '@@CVV@@'
  } else if (s.secret.kind === 'ach') placeholders[s.secret.account] = '@@ACCOUNT@@'
  else placeholders[s.secret.iban] = '@@IBAN@@'
  const blanked = { ...order, PaymentDetails: { ...order.PaymentDetails, PaymentMethod: Object.fromEntries(Object.entries(method).map(([k, v]) => [k, placeholders[v] ?? v])) } }
  const params = s.method === 'placeOrder' ? { Order: blanked } : { Order: blanked, Assisted: s.assisted }
  return `${s.method}\n${canonical(params)}`.split(/@@([A-Z]+)@@/)
}

const fill = (template: string[], values: Record<string, string>): string =>
  template.map((part, i) => (i % 2 === 1 ? values[part] ?? '' : part)).join('')

type StoredMask = { first6?: string, last4?: string, account?: string, iban?: string, swift?: string }

/** What the attacker reads from the dump for the order of `refNo`: the masked card or account. */
function maskOf (tables: Record<string, Array<Record<string, any>>>, refNo: string | undefined): StoredMask {
  const order = tables.orders?.find((o) => String(o.ref_no) === refNo)
  const payment = tables.payments?.find((p) => order !== undefined && p.order_id === order.id)
  if (order === undefined || payment === undefined) return {}
  const method = order.payment_details?.PaymentMethod ?? {}
  return {
    ...(payment.card_first6 !== null ? { first6: payment.card_first6, last4: payment.card_last4 } : {}),
    ...(typeof payment.details?.offline?.accountMasked === 'string' ? { account: payment.details.offline.accountMasked } : {}),
    ...(typeof payment.details?.offline?.ibanMasked === 'string' ? { iban: payment.details.offline.ibanMasked, swift: method.Swift } : {})
  }
}

type Attack = { recovered: string | undefined, coversTruth: boolean }

const digitsCvvs = (length: 3 | 4): string[] => Array.from({ length: 10 ** length }, (_, i) => String(i).padStart(length, '0'))

/**
 * The attacker's search, one per stored mask (raw values: the PAN, the PAN with a CVV, a CVV
 * alone, the account, the IBAN) and one per request (its canonical form as today's requestHash
 * builds it, method prefix included), each by every algorithm. The raw searches of a mask are
 * shared by the requests that show it.
 */
function createAttacker (digests: Set<string>) {
  const rawDone = new Map<string, string | undefined>()
  const once = (key: string, search: () => string | undefined): string | undefined => {
    if (!rawDone.has(key)) rawDone.set(key, search())
    return rawDone.get(key)
  }
  return function attack (s: Scenario, mask: StoredMask): Attack {
    const templates = requestTemplates(s)
    const secret = s.secret
    if (secret.kind === 'card') {
      if (mask.first6 === undefined || mask.last4 === undefined) return { recovered: undefined, coversTruth: false }
      const pans = [...panCandidates(mask.first6, mask.last4, secret.brand)]
      const length = secret.brand === 'amex' ? 4 : 3
      const cvvs = CVV_CANDIDATES[length]
      const coversTruth = pans.includes(secret.number) && cvvs.includes(secret.cvv)
      const recovered = once(`cvv:${length}`, () => firstStored(digests, digitsCvvs(length).map((cvv): [string, string] => [cvv, `the CVV ${cvv} (its digest)`]))) ??
        once(`pan:${mask.first6}:${mask.last4}:${secret.brand}`, () => firstStored(digests, (function * (): Generator<[string, string]> {
          for (const pan of pans) {
            yield [pan, `the PAN …${pan.slice(-4)} (its digest)`]
            for (const cvv of cvvs) yield [pan + cvv, `the PAN …${pan.slice(-4)} and CVV (digest of both)`]
          }
        })())) ??
        firstStored(digests, (function * (): Generator<[string, string]> {
          for (const template of templates) {
            for (const pan of pans) {
              for (const cvv of cvvs) yield [fill(template, { PAN: pan, CVV: cvv }), `the PAN …${pan.slice(-4)} and CVV ${cvv} (the request's digest)`]
            }
          }
        })())
      return { recovered, coversTruth }
    }
    if (secret.kind === 'ach') {
      if (mask.account === undefined) return { recovered: undefined, coversTruth: false }
      const accounts = [...accountCandidates(mask.account)]
      const recovered = once(`ach:${mask.account}:${secret.routing}`, () => firstStored(digests, (function * (): Generator<[string, string]> {
        for (const account of accounts) {
          yield [account, `the account number ${account}`]
          yield [secret.routing + account, `the account number ${account}`]
        }
      })())) ?? firstStored(digests, templates.flatMap((template) => accounts.map((account): [string, string] => [fill(template, { ACCOUNT: account }), `the account number ${account} (the request's digest)`])))
      return { recovered, coversTruth: accounts.includes(secret.account) }
    }
    const bankCode = mask.swift === undefined ? undefined : BIC_DIRECTORY[mask.swift]
    if (mask.iban === undefined || bankCode === undefined) return { recovered: undefined, coversTruth: false }
    const ibans = [...ibanCandidates(mask.iban, bankCode)]
    const forms = ibans.flatMap((iban) => [iban, printedIban(iban)])
    const recovered = once(`iban:${mask.iban}`, () => firstStored(digests, forms.map((form): [string, string] => [form, `the IBAN ${form}`]))) ??
      firstStored(digests, templates.flatMap((template) => forms.map((form): [string, string] => [fill(template, { IBAN: form }), `the IBAN ${form} (the request's digest)`])))
    return { recovered, coversTruth: ibans.includes(secret.iban) }
  }
}

async function dumpTables (ta: TestApp): Promise<Record<string, Array<Record<string, any>>>> {
  const names = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(ta.db.db)
  const tables: Record<string, Array<Record<string, any>>> = {}
  for (const { table_name: table } of names.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(ta.db.db)
    tables[table] = rows.rows.map((r) => JSON.parse(r.row) as Record<string, any>)
  }
  return tables
}

/** Every string and number of a parsed JSON value, as text (jsonb columns included). */
function leaves (value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value)
    if (/^[[{]/.test(value)) {
      try { leaves(JSON.parse(value), out) } catch { /* not JSON text */ }
    }
  } else if (typeof value === 'number') out.push(String(value))
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out))
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, out))
  return out
}

// ---------------------------------------------------------------------------------------------

t.test('after card, ACH, DIRECTDEBIT and assisted orders with idempotency keys, no stored value or log line gives back a PAN, CVV, IBAN or account number, even by trying candidates', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const all = scenarios()
  const refNos = new Map<string, string>()
  for (const s of all) {
    const reply = s.method === 'placeOrder'
      ? await ta.rpc('placeOrder', [m.apiSession, s.order, s.key])
      : await ta.rpc('placeAssistedOrder', [m.staffSession, s.order, { ...s.assisted, IdempotencyKey: s.key }])
    t.ok(s.expect(reply), `${s.name}: placed as expected (${JSON.stringify(reply.result?.Status ?? reply.error?.data?.error_code)})`)
    if (reply.result?.RefNo !== undefined) refNos.set(s.name, String(reply.result.RefNo))
  }
  // Refused before the key is taken (an invalid card), and a key reused with another Order.
  const invalid = await ta.rpc('placeOrder', [m.apiSession, withCard(testCardOrder(), { CardNumber: '4111111111111112', CCID: '123' }), 'key-invalid'])
  t.equal(invalid.error?.code, -32602, 'an invalid card number is refused')
  const reused = await ta.rpc('placeOrder', [m.apiSession, withCard(testCardOrder(), { CardNumber: '5105105105105100', CCID: '123', CardType: 'mastercard' }), 'key-visa'])
  t.equal(reused.error?.data?.error_code, 'IDEMPOTENCY_KEY_REUSED', 'a key reused with another card is refused')

  // Card numbers and an IBAN typed where a product code and coupons go: the refusal's message
  // names the code, and that answer is what the key row keeps for its replays.
  const typed = ['4012888888881881', '6011111111111117', 'DE75512108001245126199']
  const typedOrder = testCardOrder({ Items: [{ Code: typed[0], Quantity: 1 }], Promotions: [`${typed[1]}`, typed[2]] })
  const typedReply = await ta.rpc('placeOrder', [m.apiSession, typedOrder, 'key-typed'])
  t.ok(typedReply.error !== undefined, `numbers typed as a product code and coupons are refused (${JSON.stringify(typedReply.error?.data?.error_code)})`)

  const tables = await dumpTables(ta)
  t.ok(Object.keys(tables).length >= 30, `every table is dumped (${Object.keys(tables).length})`)
  t.same((tables.idempotency_keys ?? []).map((r) => r.key).filter((k) => k !== 'key-typed').sort(), all.map((s) => s.key).sort(), 'one key row per keyed request that reached the store, none for the refused ones')
  t.ok((tables.payments ?? []).some((p) => p.card_first6 === '411111' && p.card_last4 === '1111'), 'the dump holds the masked cards the attacker starts from')

  const stored = leaves(tables)
  const logLines = ta.logs
  t.ok(logLines.length > 20, 'the log was captured')
  const logged = logLines.flatMap((line) => leaves(JSON.parse(line)))

  // (a) No stored string or log value holds a full PAN, IBAN or account number, or a CVV.
  const secrets = [...new Set(all.flatMap((s) => s.secret.kind === 'card'
    ? [s.secret.number]
    : s.secret.kind === 'ach' ? [s.secret.account] : [s.secret.iban, printedIban(s.secret.iban)])), '4111111111111112', '5105105105105100', ...typed]
  for (const secret of secrets) {
    t.notOk(stored.some((v) => v.includes(secret)), `no table holds …${secret.slice(-4)}`)
    t.notOk(logLines.some((line) => line.includes(secret)), `no log line holds …${secret.slice(-4)}`)
  }
  const cvvs = new Set(all.flatMap((s) => (s.secret.kind === 'card' ? [s.secret.cvv] : [])))
  t.notOk(stored.some((v) => cvvs.has(v)), 'no stored value is a CVV')
  t.notOk(logged.some((v) => cvvs.has(v)), 'no logged value is a CVV')

  // (b) The brute force on every digest-like value of the dump and the log.
  const digests = digestsIn([...stored, ...logged])
  t.ok(digests.size >= all.length, `the attacker has ${digests.size} digest-like values to attack`)
  const attack = createAttacker(digests)
  const started = Date.now()
  const cpu = process.cpuUsage()
  for (const s of all) {
    const mask = maskOf(tables, refNos.get(s.maskFrom ?? s.name))
    const result = attack(s, mask)
    t.ok(result.coversTruth, `${s.name}: the search space holds the real value (so finding nothing means something)`)
    t.equal(result.recovered, undefined, `${s.name}: nothing stored gives back ${result.recovered ?? 'the hidden digits'}`)
  }
  const used = process.cpuUsage(cpu)
  t.comment(`brute force over ${digests.size} digest-like values: ${Date.now() - started} ms, ${Math.round((used.user + used.system) / 1000)} ms CPU`)
})

t.test('a card typed on a payment link\'s page (issue 19 item 2) is in no table and no log line: approved, 3-D Secure and declined', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const { PaymentDetails: _payment, ...order } = testCardOrder()
  const cards = [
    { CardNumber: '4111111111111111', CCID: '987', status: 200 },
    { CardNumber: '4000000000003220', CCID: '654', status: 303 },
    { CardNumber: '4000000000000002', CCID: '321', status: 402 }
  ]
  for (const c of cards) {
    const draft = (await ta.rpc('createDraft', [m.staffSession, order])).result
    const link = (await ta.rpc('createPaymentLink', [m.staffSession, draft.DraftId, draft.Version])).result
    const url = new URL(link.Url)
    const form = new URLSearchParams({ token: url.searchParams.get('token') ?? '', HolderName: 'John Doe', CardNumber: c.CardNumber, ExpirationMonth: '12', ExpirationYear: '2030', CCID: c.CCID })
    const reply = await ta.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() })
    t.equal(reply.statusCode, c.status, `…${c.CardNumber.slice(-4)}: answered ${reply.statusCode}`)
  }
  const tables = await dumpTables(ta)
  t.ok((tables.payment_links ?? []).length === 3 && (tables.payments ?? []).some((p) => p.card_last4 === '3220'), 'the links and the 3-D Secure payment are stored')
  const stored = leaves(tables)
  const logged = ta.logs.flatMap((line) => leaves(JSON.parse(line)))
  for (const c of cards) {
    t.notOk(stored.some((v) => v.includes(c.CardNumber)), `no table holds …${c.CardNumber.slice(-4)}`)
    t.notOk(ta.logs.some((line) => line.includes(c.CardNumber)), `no log line holds …${c.CardNumber.slice(-4)}`)
    t.notOk(stored.some((v) => v === c.CCID), `no stored value is the CVV of …${c.CardNumber.slice(-4)}`)
    t.notOk(logged.some((v) => v === c.CCID), `no logged value is the CVV of …${c.CardNumber.slice(-4)}`)
  }
})
