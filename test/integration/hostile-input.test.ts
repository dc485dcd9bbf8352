import t from 'tap'
import { METHODS } from '../../src/rpc/methods/index.js'
import { createTestApp, type RpcReply, type TestApp } from '../helpers/app.js'
import { staffMerchant } from '../helpers/assisted.js'
import { testCardOrder } from '../helpers/orders.js'

// Issue 16, findings 4, 8 and 12, through /rpc and the sandbox pages: text PostgreSQL cannot
// store, nesting that overflowed the dispatcher's walk, card numbers typed into free text.

const LONE = 'text must be valid Unicode: a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair) cannot be stored'
const CARD_IN_TEXT = 'Do not type a card number in this field: card numbers are accepted only in PaymentDetails.PaymentMethod.CardNumber.'
const SURROGATES = { 'high alone': 'Jo\ud83dhn', 'low alone': 'Jo\ude00hn', 'reversed pair': 'Jo\ude00\ud83dhn' } as const

type Field = { path: string, error_code: string, message: string }

/** The whole -32602 answer naming `fields` (requestId aside, checked to be there). */
function invalidParams (t: { same: (actual: unknown, expected: unknown, message: string) => unknown }, reply: RpcReply, fields: Field[], label: string): void {
  const first = fields[0] as Field
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''
  t.same({ ...reply, error: { ...reply.error, data: { ...reply.error?.data, requestId: typeof reply.error?.data?.requestId } } }, {
    jsonrpc: '2.0',
    id: 1,
    error: { code: -32602, message: `Invalid params: ${first.path}: ${first.message}${more}`, data: { error_code: 'INVALID_PARAMS', reason: 'INVALID_PARAMS', fields, requestId: 'string' } }
  }, label)
}

/** A full Order: every free-text field of the wire format set, so each can be spoilt in turn. */
function fullOrder (overrides: Record<string, unknown> = {}): Record<string, any> {
  return testCardOrder({
    Source: 'web shop',
    WSOrder: 'ws-1',
    Affiliate: { AffiliateCode: 'AFF1', AffiliateSource: 'newsletter' },
    Items: [{ Code: 'my_subscription_1', Quantity: 1, PriceOptions: ['BASIC'], AdditionalFields: [{ Code: 'seat', Value: 'Ann Smith' }] }],
    DeliveryDetails: { FirstName: 'Ann', LastName: 'Smith', CountryCode: 'US', State: 'CA', City: 'San Diego', Address1: '2 Ocean Ave', Address2: 'Apt 4', Zip: '92101', Phone: '+1 619 555 0100', Email: 'ann@example.com', Company: 'Acme' },
    GiftDetails: { FirstName: 'Ann', LastName: 'Smith', Email: 'ann@example.com', GiftNote: 'Happy birthday' },
    AdditionalFields: [{ Code: 'note', Text: 'Call first', Value: 'yes' }],
    ...overrides
  })
}

/** The paths of every string in `value` (dotted, as the Order's errors name them). */
function stringPaths (value: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (typeof value === 'string') out.push(at)
  else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) stringPaths(child, [...at, key], out)
  return out
}

function setAt (order: Record<string, any>, path: readonly string[], value: unknown): Record<string, any> {
  const copy = structuredClone(order)
  let node: any = copy
  for (const key of path.slice(0, -1)) node = node[key]
  node[path[path.length - 1] as string] = value
  return copy
}

type Rows = { orders: number, payments: number, customers: number, addresses: number, idempotency: number }

async function countRows (ta: TestApp): Promise<Rows> {
  const count = async (table: 'orders' | 'customers' | 'customer_addresses' | 'idempotency_keys' | 'payments') =>
    Number((await ta.db.db.selectFrom(table).select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n)
  return { orders: await count('orders'), payments: await count('payments'), customers: await count('customers'), addresses: await count('customer_addresses'), idempotency: await count('idempotency_keys') }
}

const errorLines = (ta: TestApp) => ta.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)

t.test('a lone surrogate in any string or key of any method\'s params is -32602 naming the field, and nothing is stored', async (t) => {
  const ta = await createTestApp(t)
  const staff = await staffMerchant(ta)
  const before = await countRows(ta)

  // every param of every method
  let calls = 0
  for (const method of METHODS) {
    for (const name of Object.keys(method.params.shape)) {
      const reply = await ta.rpc(method.name, { ...(method.session && name !== 'sessionID' ? { sessionID: staff.staffSession } : {}), [name]: SURROGATES['high alone'] })
      invalidParams(t, reply, [{ path: name, error_code: 'FIELD_INVALID', message: LONE }], `${method.name} ${name}`)
      calls++
    }
  }
  // every string of a full Order (card, PO, names, addresses, phone, HolderName, URLs, gift note,
  // additional fields), in placeOrder, placeAssistedOrder and quote, by position as 2Checkout sends it
  const po = testCardOrder({ BillingDetails: { ...fullOrder().BillingDetails, Company: 'Acme' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'usd', PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: 'PO-77' } } } })
  for (const base of [fullOrder(), po]) {
    for (const path of stringPaths(base)) {
      for (const [index, method] of ['placeOrder', 'placeAssistedOrder', 'quote'].entries()) {
        const [variant, text] = Object.entries(SURROGATES)[(calls + index) % 3] as [string, string]
        const reply = await ta.rpc(method, [staff.staffSession, setAt(base, path, text)])
        invalidParams(t, reply, [{ path: path.join('.'), error_code: 'FIELD_INVALID', message: LONE }], `${method} ${path.join('.')} (${variant})`)
        calls++
      }
    }
  }
  // keys that reach the database or a query: an additional field's, a catalog attribute's
  const keyed = await ta.rpc('placeOrder', [staff.apiSession, setAt(fullOrder(), ['AdditionalFields', '0'], { 'Co\udc00de': 'note', Value: 'x' })])
  invalidParams(t, keyed, [{ path: 'AdditionalFields.0.Co\uFFFDde', error_code: 'FIELD_INVALID', message: `the field name: ${LONE}` }], 'a key of an additional field')
  const attribute = await ta.rpc('searchCatalog', [staff.staffSession, { Attributes: { 'col\ud800or': 'red' } }])
  invalidParams(t, attribute, [{ path: 'Query.Attributes.col\uFFFDor', error_code: 'FIELD_INVALID', message: `the field name: ${LONE}` }], 'a key of a catalog search')
  const withKey = await ta.rpc('placeOrder', { sessionID: staff.apiSession, Order: fullOrder({ ExternalReference: 'E\udc00' }), IdempotencyKey: 'key-\ud800' })
  invalidParams(t, withKey, [{ path: 'ExternalReference', error_code: 'FIELD_INVALID', message: LONE }, { path: 'IdempotencyKey', error_code: 'FIELD_INVALID', message: LONE }], 'every field at once')

  t.same(await countRows(ta), before, 'no order, payment, customer, address or idempotency key was written')
  t.same(errorLines(ta), [], 'no internal error was logged')
  t.comment(`${calls + 3} calls with lone surrogates: all -32602`)
})

t.test('params nested thousands of levels deep are -32602 NESTING_TOO_DEEP, before login and in Orders, and log nothing', async (t) => {
  const ta = await createTestApp(t)
  const staff = await staffMerchant(ta)
  const before = await countRows(ta)
  const logLines = ta.logs.length
  const zeros = (n: number) => Array.from({ length: n }, () => '0').join('.')
  const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
  const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`

  // the audit's request: 2,000 arrays, about 4 KB, before login
  const login = await ta.post(`{"jsonrpc":"2.0","id":1,"method":"login","params":${arrays(2_000)}}`)
  t.equal(login.body.length < 1024, true, 'a short answer')
  invalidParams(t, login.json as RpcReply, [{ path: `merchantCode.${zeros(31)}`, error_code: 'NESTING_TOO_DEEP', message: 'Arrays and objects are nested too deep here. (at most 32 levels)' }], 'login params 2,000 arrays deep')
  const deepObjects = await ta.post(`{"jsonrpc":"2.0","id":1,"method":"loginUser","params":{"merchantCode":${objects(100_000)}}}`)
  invalidParams(t, deepObjects.json as RpcReply, [{ path: `merchantCode${'.a'.repeat(31)}`, error_code: 'NESTING_TOO_DEEP', message: 'Arrays and objects are nested too deep here. (at most 32 levels)' }], 'loginUser params 100,000 objects deep')

  // an Order nested 10,000 deep (a gift note), with an idempotency key: the hash never sees it
  const order = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'placeOrder', params: { sessionID: staff.apiSession, Order: fullOrder({ GiftDetails: { GiftNote: '@' } }), IdempotencyKey: 'deep-1' } })
    .replace('"GiftNote":"@"', `"GiftNote":${arrays(10_000)}`)
  invalidParams(t, (await ta.post(order)).json as RpcReply, [{ path: `GiftDetails.GiftNote.${zeros(29)}`, error_code: 'NESTING_TOO_DEEP', message: 'Arrays and objects are nested too deep here. (at most 32 levels)' }], 'an Order 10,000 deep')

  // a batch: each deep element gets its own -32602, the valid one its answer
  const batch = await ta.post(`[{"jsonrpc":"2.0","id":1,"method":"getOrder","params":[${JSON.stringify(staff.apiSession)},${arrays(20_000)}]},{"jsonrpc":"2.0","id":2,"method":"isValidOrderReference","params":[${JSON.stringify(staff.apiSession)},"100000001"]},{"jsonrpc":"2.0","id":3,"method":"quote","params":{"sessionID":${JSON.stringify(staff.apiSession)},"Order":${objects(50_000)}}}]`)
  const answers = batch.json as RpcReply[]
  t.same(answers.map((a) => [a.id, a.error?.code ?? 'result', a.error?.data?.fields?.[0]?.error_code]), [[1, -32602, 'NESTING_TOO_DEEP'], [2, 'result', undefined], [3, -32602, 'NESTING_TOO_DEEP']], 'a batch with deep elements')
  t.equal(answers[1]?.result, false)

  // deep JSON outside params: the whole body (a batch of one array: -32600), an envelope member (ignored)
  const body = await ta.post(arrays(100_000))
  t.same(body.json, [{ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } }], 'a body 100,000 arrays deep is an invalid request')
  const member = await ta.post(`{"jsonrpc":"2.0","id":1,"method":"isValidOrderReference","params":[${JSON.stringify(staff.apiSession)},"100000001"],"extra":${arrays(100_000)}}`)
  t.same(member.json, { jsonrpc: '2.0', id: 1, result: false }, 'a deep member outside params is not walked')

  t.same(await countRows(ta), before, 'nothing was written')
  t.same(errorLines(ta), [], 'no internal error was logged')
  t.ok(ta.logs.slice(logLines).every((line) => line.length < 600), 'no log line carries the nested params')
})

t.test('a card number typed into any free-text field is refused with CARD_NUMBER_IN_TEXT; phones and references are not', async (t) => {
  const ta = await createTestApp(t)
  const staff = await staffMerchant(ta)
  const before = await countRows(ta)
  const refused = (path: string) => [{ path, error_code: 'CARD_NUMBER_IN_TEXT', message: CARD_IN_TEXT }]

  const po = testCardOrder({ BillingDetails: { ...fullOrder().BillingDetails, Company: 'Acme' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'usd', PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: 'PO-77' } } } })
  const cases: Array<[string, string, Record<string, any>, string]> = [
    ['placeOrder', 'a phone, spaced', setAt(fullOrder(), ['BillingDetails', 'Phone'], '4111 1111 1111 1111'), 'BillingDetails.Phone'],
    ['placeOrder', 'a name, dashed', setAt(fullOrder(), ['BillingDetails', 'FirstName'], '5555-5555-5555-4444'), 'BillingDetails.FirstName'],
    ['placeOrder', 'a delivery address', setAt(fullOrder(), ['DeliveryDetails', 'Address1'], 'card 3782 822463 10005'), 'DeliveryDetails.Address1'],
    ['placeOrder', 'a gift note', setAt(fullOrder(), ['GiftDetails', 'GiftNote'], 'my card is 6011111111111117 exp 12/30'), 'GiftDetails.GiftNote'],
    ['placeOrder', 'the holder name', setAt(fullOrder(), ['PaymentDetails', 'PaymentMethod', 'HolderName'], '4111111111111111'), 'PaymentDetails.PaymentMethod.HolderName'],
    ['placeOrder', 'ExternalReference', setAt(fullOrder(), ['ExternalReference'], '4000 0000 0000 0002'), 'ExternalReference'],
    ['placeOrder', 'an additional field', setAt(fullOrder(), ['AdditionalFields', '0', 'Value'], '4111 1111 1111 1111'), 'AdditionalFields.0.Value'],
    ['placeOrder', 'a PO number sent as a JSON number', setAt(po, ['PaymentDetails', 'PaymentMethod', 'PurchaseOrderPaymentDetails', 'InternalPONumber'], 4111111111111111), 'PaymentDetails.PaymentMethod.PurchaseOrderPaymentDetails.InternalPONumber'],
    // Stored as String(value): a fraction still carries the card's digits.
    ['placeOrder', 'a PO number sent as a JSON fraction', setAt(po, ['PaymentDetails', 'PaymentMethod', 'PurchaseOrderPaymentDetails', 'InternalPONumber'], 4111111111111111.5), 'PaymentDetails.PaymentMethod.PurchaseOrderPaymentDetails.InternalPONumber'],
    ['placeAssistedOrder', 'an assisted order\'s address', setAt(fullOrder(), ['BillingDetails', 'Address1'], '4111 1111 1111 1111'), 'BillingDetails.Address1']
  ]
  for (const [method, label, order, path] of cases) {
    invalidParams(t, await ta.rpc(method, [staff.staffSession, order]), refused(path), `${method}: ${label}`)
  }
  const discount = await ta.rpc('placeAssistedOrder', [staff.staffSession, fullOrder(), { Discount: { Type: 'PERCENT', Value: 10, Reason: 'card 4111 1111 1111 1111' } }])
  invalidParams(t, discount, refused('Assisted.Discount.Reason'), 'a staff discount reason')
  const customer = { FirstName: 'Ann', LastName: '4111-1111-1111-1111', Email: 'ann@example.com' }
  invalidParams(t, await ta.rpc('createCustomer', [staff.staffSession, customer]), refused('Customer.LastName'), 'createCustomer: a name')
  invalidParams(t, await ta.rpc('updateCustomer', [staff.staffSession, 1, { Phone: '5555 5555 5555 4444' }]), refused('Customer.Phone'), 'updateCustomer: a phone')
  invalidParams(t, await ta.rpc('saveCustomerAddress', [staff.staffSession, 1, { FirstName: 'A', LastName: 'B', Address1: '4111 1111 1111 1111', City: 'C', Zip: '1', CountryCode: 'US' }]), refused('Address.Address1'), 'saveCustomerAddress: an address')
  invalidParams(t, await ta.rpc('cancelOrder', [staff.staffSession, '100000001', 'refund to 4111 1111 1111 1111']), refused('Reason'), 'cancelOrder: the reason')
  invalidParams(t, await ta.rpc('addOrderAttachment', [staff.staffSession, '100000001', '4111111111111111.pdf', 'JVBERi0=']), refused('FileName'), 'addOrderAttachment: the file name')
  t.same(await countRows(ta), before, 'nothing was written')

  // not refused: the card in its own field, phones (a Brazilian mobile has 13 digits and starts with 55), references
  const accepted = await ta.rpc('placeOrder', [staff.apiSession, fullOrder({
    ExternalReference: '100000001',
    BillingDetails: { FirstName: 'João', LastName: 'Silva', CountryCode: 'BR', State: 'SP', City: 'São Paulo', Address1: 'Rua 1, 100', Zip: '01000-000', Email: 'joao@example.com', Phone: '+55 11 98765-4325', FiscalCode: '056.027.963-98' },
    DeliveryDetails: { FirstName: 'Jan', LastName: 'Meyer', CountryCode: 'DE', City: 'Berlin', Address1: 'Hauptstr. 5', Zip: '10115', Phone: '+49 1511 2345678' },
    GiftDetails: { GiftNote: 'Call 5511987654325 or 0049 1511 2345678' }
  })])
  t.match(accepted, { result: { RefNo: /^\d+$/, BillingDetails: { Phone: '+55 11 98765-4325' } } }, 'the card in CardNumber, phones and references pass')
  const created = await ta.rpc('createCustomer', [staff.staffSession, { FirstName: 'Ann', LastName: 'Smith', Email: 'ann@example.com', Phone: '55 11 98765-4325' }])
  t.match(created, { result: { CustomerId: Number } })
  t.same(await countRows(ta), { ...before, orders: before.orders + 1, payments: before.payments + 1, customers: before.customers + 2 }, 'the accepted order (and its customer) and the customer were written')
  t.same(errorLines(ta), [], 'no internal error was logged')
  t.notOk(ta.logs.some((line) => /4111[ -]?1111|5555[ -]?5555|3782 822463|6011111111111117/.test(line)), 'no card number typed into text reached a log line')
})

t.test('the sandbox payment pages answer an unknown page for tokens PostgreSQL cannot compare, never a 500', async (t) => {
  const ta = await createTestApp(t)
  for (const [path, query] of [['/sandbox/3ds', 'avng8apitoken=%00'], ['/sandbox/3ds', 'avng8apitoken=a%00b'], ['/sandbox/redirect', 'token=%ED%A0%80'], ['/sandbox/redirect', 'token=%00']]) {
    const page = await ta.app.inject({ method: 'GET', url: `${path}?${query}` })
    t.equal(page.statusCode, 404, `GET ${path}?${query}`)
    t.match(page.body, 'This payment page does not exist.')
    const form = await ta.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${query}&action=complete` })
    t.equal(form.statusCode, 404, `POST ${path} ${query}`)
    t.notMatch(form.body, /22021|invalid byte sequence|UTF8/, 'no database message')
  }
  t.same(errorLines(ta), [], 'no internal error was logged')
})
