import t, { type Test } from 'tap'
import { loginHash } from '../../src/auth/login.js'
import { PRIVILEGE_NAMES, type Privilege } from '../../src/auth/merchant-users.js'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { createTestApp, gmdate, type RpcReply, type TestApp } from '../helpers/app.js'
import { STAFF_PASSWORD, staffMerchant, type Staff } from '../helpers/assisted.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { orderPaidWith } from '../helpers/payments.js'

// The privilege matrix: every method rpc.discover lists, called with every kind of session,
// must be allowed or refused exactly as its declaration says; and the declarations are the ones
// reviewed here. A new method fails this file until it is declared and listed below.

type Access = { public: true } | { merchantSession: boolean, userPrivileges: Privilege[] | null, conditions: Condition[] }
type Condition = { when: string, merchantSession?: false, userPrivileges: Privilege[] }

const PUBLIC = { public: true } as const
const ON_BEHALF: Privilege = 'PLACE_ORDERS_ON_BEHALF'
const merchantLevel = (...userPrivileges: Privilege[]): Access => ({ merchantSession: true, userPrivileges, conditions: [] })
const staffOnly = (...userPrivileges: Privilege[]): Access => ({ merchantSession: false, userPrivileges, conditions: [] })

const REPLACEMENT: Condition = { when: 'Assisted.PaymentNotRequired is given', userPrivileges: ['REPLACEMENT_ORDERS'] }
const DRAFT_REPLACEMENT: Condition = { when: 'PaymentNotRequired is given', userPrivileges: ['REPLACEMENT_ORDERS'] }
const ASSISTED_QUOTE: Condition = { when: 'Assisted is given', merchantSession: false, userPrivileges: [] }
const CUSTOM_ITEMS: Condition = { when: 'Assisted.CustomItems is given', userPrivileges: ['CUSTOM_LINE_ITEMS'] }
const CUSTOM_ITEMS_CHANGED: Condition = { when: 'Assisted.CustomItems differ from the draft\'s (dropped, added, changed; decided under the draft\'s lock)', userPrivileges: ['CUSTOM_LINE_ITEMS'] }
const CLEAR_FRAUD: Condition = { when: 'Customer.FraudReview is false', userPrivileges: ['APPROVE_FRAUD'] }
const FREE_LEVEL: Condition = { when: 'Level makes a product free (PercentOff 100, or a price of 0)', userPrivileges: ['REPLACEMENT_ORDERS'] }

const EXPECTED: Record<string, Access> = {
  login: PUBLIC,
  loginUser: PUBLIC,
  'rpc.discover': PUBLIC,
  placeOrder: merchantLevel(ON_BEHALF),
  isValidOrderReference: merchantLevel(ON_BEHALF),
  getOrder: merchantLevel(ON_BEHALF),
  searchOrders: merchantLevel(ON_BEHALF),
  getCustomerTransientToken: merchantLevel(ON_BEHALF),
  approvePurchaseOrder: merchantLevel('RECORD_PAYMENTS'),
  markOrderPaid: merchantLevel('RECORD_PAYMENTS'),
  confirmDelivery: merchantLevel('RECORD_PAYMENTS'),
  cancelPurchaseOrder: merchantLevel('CANCEL_ORDERS'),
  quote: { ...merchantLevel(ON_BEHALF), conditions: [ASSISTED_QUOTE, CUSTOM_ITEMS] },
  placeAssistedOrder: { ...staffOnly(ON_BEHALF), conditions: [REPLACEMENT, CUSTOM_ITEMS] },
  createCustomer: staffOnly(ON_BEHALF, 'MANAGE_CUSTOMERS'),
  updateCustomer: { ...staffOnly(ON_BEHALF, 'MANAGE_CUSTOMERS'), conditions: [CLEAR_FRAUD] },
  getCustomer: staffOnly(ON_BEHALF),
  searchCustomers: staffOnly(ON_BEHALF),
  saveCustomerAddress: staffOnly(ON_BEHALF, 'MANAGE_CUSTOMERS'),
  deleteCustomerAddress: staffOnly(ON_BEHALF, 'MANAGE_CUSTOMERS'),
  saveCustomerLevel: { ...staffOnly('MANAGE_CUSTOMERS'), conditions: [FREE_LEVEL] },
  searchCatalog: staffOnly(ON_BEHALF),
  cancelOrder: staffOnly('CANCEL_ORDERS'),
  reviewCustomer: staffOnly('APPROVE_FRAUD'),
  addOrderAttachment: staffOnly(ON_BEHALF),
  listOrderAttachments: staffOnly(ON_BEHALF),
  getOrderAttachment: staffOnly(ON_BEHALF),
  getOrderHistory: merchantLevel(ON_BEHALF),
  setIpnSettings: { merchantSession: true, userPrivileges: null, conditions: [] },
  getIpnSettings: { merchantSession: true, userPrivileges: null, conditions: [] },
  resendIpn: merchantLevel('RESEND_NOTIFICATIONS'),
  // Money given back: staff need the privilege that says so (issue 19 item 6).
  issueRefund: merchantLevel('REFUND_ORDERS'),
  setMerchantUserActive: { merchantSession: true, userPrivileges: null, conditions: [] },
  // Catalog and reference look-ups (issue 18): the merchant's API, and staff who sell (the same
  // catalog searchCatalog shows them)
  getProductByCode: merchantLevel(ON_BEHALF),
  searchProducts: merchantLevel(ON_BEHALF),
  getShippingPrice: merchantLevel(ON_BEHALF),
  getAvailableCountries: merchantLevel(ON_BEHALF),
  getAvailableCurrencies: merchantLevel(ON_BEHALF),
  rotateSecretKey: { merchantSession: true, userPrivileges: null, conditions: [] },
  // The console (issue 19 item 6): any user's session may ask who it is; the API session has no user
  getSessionUser: staffOnly(),
  // Draft orders (issue 19 item 1): staff who sell, not the merchant's API session
  createDraft: { ...staffOnly(ON_BEHALF), conditions: [CUSTOM_ITEMS] },
  updateDraft: { ...staffOnly(ON_BEHALF), conditions: [CUSTOM_ITEMS_CHANGED] },
  getDraft: staffOnly(ON_BEHALF),
  searchDrafts: staffOnly(ON_BEHALF),
  abandonDraft: staffOnly(ON_BEHALF),
  completeDraft: { ...staffOnly(ON_BEHALF), conditions: [DRAFT_REPLACEMENT] },
  createPaymentLink: staffOnly(ON_BEHALF),
  getPaymentLink: staffOnly(ON_BEHALF),
  cancelPaymentLink: staffOnly(ON_BEHALF),
  // Payment terms (issue 19 item 4): an account setting, the merchant's API session only
  setPaymentTerms: { merchantSession: true, userPrivileges: null, conditions: [] },
  getPaymentTerms: { merchantSession: true, userPrivileges: null, conditions: [] },
  // Discount authority (issue 19 item 3): staff who sell read the limits and reason codes; setting them is MANAGE_DISCOUNTS
  setDiscountLimits: merchantLevel('MANAGE_DISCOUNTS'),
  getDiscountLimits: merchantLevel(ON_BEHALF),
  setDiscountReasons: merchantLevel('MANAGE_DISCOUNTS'),
  getDiscountReasons: merchantLevel(ON_BEHALF)
}

const { PaymentDetails: _payment, ...DRAFT_ORDER } = testCardOrder()

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64')

type Fixtures = { order: string, po: string, customerId: number, customerReference: number, attachmentId: number, customDrafts: number[], keptDraft: number }

/** Drafts with a custom line, one per call of 'updateDraft (CustomItems changed)' (one per kind of session): an allowed call changes its draft. */
const CUSTOM_DRAFTS = 20

async function fixtures (ta: TestApp, m: Staff): Promise<Fixtures> {
  const customer = await ta.rpc('createCustomer', [m.staffSession, { CustomerReference: 880001, FirstName: 'Ann', LastName: 'Aye', Email: 'ann@a.example' }])
  const order = await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ CustomerReference: 880001 })])
  const po = await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-1', AutoApprove: false } } })])
  const attachment = await ta.rpc('addOrderAttachment', [m.staffSession, order.result?.RefNo, 'po.pdf', PDF])
  for (const reply of [customer, order, po, attachment]) if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
  const customDrafts: number[] = []
  for (let i = 0; i <= CUSTOM_DRAFTS; i++) {
    const draft = await ta.rpc('createDraft', [m.staffSession, DRAFT_ORDER, { CustomItems: [{ Name: 'Setup', Price: 10 }] }])
    if (draft.error !== undefined) throw new Error(JSON.stringify(draft.error))
    customDrafts.push(draft.result.DraftId)
  }
  return { order: order.result.RefNo, po: po.result.RefNo, customerId: customer.result.CustomerId, customerReference: 880001, attachmentId: attachment.result.AttachmentId, customDrafts: customDrafts.slice(1), keptDraft: customDrafts[0]! }
}

/** Valid-shaped params for every session method (and the variants its conditions depend on). */
function sessionCalls (f: Fixtures): Record<string, { method: string, conditions: Condition[], params: (s: string) => unknown[] }> {
  const plain = (method: string, params: (s: string) => unknown[]) => ({ method, conditions: [], params })
  let customDraft = 0
  return {
    placeOrder: plain('placeOrder', (s) => [s, testCardOrder()]),
    isValidOrderReference: plain('isValidOrderReference', (s) => [s, f.order]),
    getOrder: plain('getOrder', (s) => [s, f.order]),
    searchOrders: plain('searchOrders', (s) => [s, { ExternalRefNo: 'EXT-1' }]),
    getCustomerTransientToken: plain('getCustomerTransientToken', (s) => [s, f.customerReference]),
    approvePurchaseOrder: plain('approvePurchaseOrder', (s) => [s, f.po]),
    markOrderPaid: plain('markOrderPaid', (s) => [s, f.po]),
    // a digital order: allowed callers get ORDER_STATUS_INVALID (it completes by itself), changing nothing
    confirmDelivery: plain('confirmDelivery', (s) => [s, f.order]),
    cancelPurchaseOrder: plain('cancelPurchaseOrder', (s) => [s, f.po]),
    quote: plain('quote', (s) => [s, testCardOrder()]),
    'quote (Assisted)': { method: 'quote', conditions: [ASSISTED_QUOTE], params: (s) => [s, testCardOrder(), { CustomerId: f.customerId }] },
    'quote (CustomItems)': { method: 'quote', conditions: [ASSISTED_QUOTE, CUSTOM_ITEMS], params: (s) => [s, testCardOrder(), { CustomerId: f.customerId, CustomItems: [{ Name: 'Setup', Price: 10 }] }] },
    placeAssistedOrder: plain('placeAssistedOrder', (s) => [s, testCardOrder(), { CustomerId: f.customerId }]),
    'placeAssistedOrder (CustomItems)': { method: 'placeAssistedOrder', conditions: [CUSTOM_ITEMS], params: (s) => [s, testCardOrder(), { CustomerId: f.customerId, CustomItems: [{ Name: 'Setup', Price: 10 }] }] },
    'placeAssistedOrder (PaymentNotRequired)': {
      method: 'placeAssistedOrder',
      conditions: [REPLACEMENT],
      params: (s) => [s, testCardOrder({ PaymentDetails: { Type: 'FREE', Currency: 'usd' } }), { CustomerId: f.customerId, PaymentNotRequired: { OriginalRefNo: f.order, Reason: 'damaged' } }]
    },
    createCustomer: plain('createCustomer', (s) => [s, { FirstName: 'Bob', LastName: 'Bee', Email: `bob.${s.slice(0, 8)}@b.example` }]),
    updateCustomer: plain('updateCustomer', (s) => [s, f.customerId, { Phone: '555-0100' }]),
    'updateCustomer (FraudReview false)': { method: 'updateCustomer', conditions: [CLEAR_FRAUD], params: (s) => [s, f.customerId, { FraudReview: false }] },
    getCustomer: plain('getCustomer', (s) => [s, f.customerId]),
    searchCustomers: plain('searchCustomers', (s) => [s, { Text: 'Ann' }]),
    saveCustomerAddress: plain('saveCustomerAddress', (s) => [s, f.customerId, { FirstName: 'X', LastName: 'Y', Address1: '1 St', City: 'LA', Zip: '1', CountryCode: 'US', State: 'CA' }]),
    deleteCustomerAddress: plain('deleteCustomerAddress', (s) => [s, f.customerId, 999999]),
    saveCustomerLevel: plain('saveCustomerLevel', (s) => [s, { Code: 'GOLD', Name: 'Gold', PercentOff: 10 }]),
    'saveCustomerLevel (PercentOff 100)': { method: 'saveCustomerLevel', conditions: [FREE_LEVEL], params: (s) => [s, { Code: 'FREE', Name: 'Free', PercentOff: 100 }] },
    'saveCustomerLevel (a price of 0)': { method: 'saveCustomerLevel', conditions: [FREE_LEVEL], params: (s) => [s, { Code: 'FREEBOOK', Name: 'Free book', Prices: [{ ProductCode: 'BOOK-PRINT', Currency: 'USD', Amount: 0 }] }] },
    searchCatalog: plain('searchCatalog', (s) => [s, { Text: 'my_subscription_1' }]),
    cancelOrder: plain('cancelOrder', (s) => [s, f.order, 'test']),
    reviewCustomer: plain('reviewCustomer', (s) => [s, f.customerId, 'OKAY']),
    addOrderAttachment: plain('addOrderAttachment', (s) => [s, f.order, 'x.pdf', PDF]),
    listOrderAttachments: plain('listOrderAttachments', (s) => [s, f.order]),
    getOrderAttachment: plain('getOrderAttachment', (s) => [s, f.order, f.attachmentId]),
    getOrderHistory: plain('getOrderHistory', (s) => [s, f.order]),
    setIpnSettings: plain('setIpnSettings', (s) => [s, { Urls: ['https://shop.example/ipn'] }]),
    getIpnSettings: plain('getIpnSettings', (s) => [s]),
    // an order without notification: allowed callers get IPN_NOTIFICATION_NOT_FOUND, queueing nothing
    resendIpn: plain('resendIpn', (s) => [s, f.order]),
    // f.order is AUTHRECEIVED: an allowed caller is answered REFUND_NOT_ALLOWED, refunding nothing
    issueRefund: plain('issueRefund', (s) => [s, f.order, 1, [], 'test', 'Duplicate purchase']),
    getProductByCode: plain('getProductByCode', (s) => [s, 'BOOK-PRINT']),
    searchProducts: plain('searchProducts', (s) => [s, { Name: 'book' }]),
    getShippingPrice: plain('getShippingPrice', (s) => [s, [{ Code: 'BOOK-PRINT' }], { CountryCode: 'US' }, { CountryCode: 'US' }, 'USD']),
    getAvailableCountries: plain('getAvailableCountries', (s) => [s, 'en']),
    getAvailableCurrencies: plain('getAvailableCurrencies', (s) => [s]),
    getSessionUser: plain('getSessionUser', (s) => [s]),
    createDraft: plain('createDraft', (s) => [s, DRAFT_ORDER, { CustomerId: f.customerId }]),
    'createDraft (CustomItems)': { method: 'createDraft', conditions: [CUSTOM_ITEMS], params: (s) => [s, DRAFT_ORDER, { CustomerId: f.customerId, CustomItems: [{ Name: 'Setup', Price: 10 }] }] },
    // no draft 999999: allowed callers get DRAFT_NOT_FOUND, changing nothing
    updateDraft: plain('updateDraft', (s) => [s, 999999, 1, DRAFT_ORDER]),
    // a fresh draft holding 'Setup' at 10.00 each call: an allowed caller changes its price (Version 2), changing no other call's draft
    'updateDraft (CustomItems changed)': {
      method: 'updateDraft',
      conditions: [CUSTOM_ITEMS_CHANGED],
      params: (s) => {
        const id = f.customDrafts[customDraft++]
        if (id === undefined) throw new Error('more calls than CUSTOM_DRAFTS')
        return [s, id, 1, DRAFT_ORDER, { CustomerId: f.customerId, CustomItems: [{ Name: 'Setup', Price: 12 }] }]
      }
    },
    // sent back unchanged the lines need no privilege: the first allowed caller saves the draft (Version 2), the next get DRAFT_VERSION_CONFLICT
    'updateDraft (CustomItems unchanged)': { method: 'updateDraft', conditions: [], params: (s) => [s, f.keptDraft, 1, DRAFT_ORDER, { CustomItems: [{ Name: 'Setup', Price: 10 }] }] },
    getDraft: plain('getDraft', (s) => [s, 999999]),
    searchDrafts: plain('searchDrafts', (s) => [s, { Status: 'OPEN' }]),
    abandonDraft: plain('abandonDraft', (s) => [s, 999999]),
    completeDraft: plain('completeDraft', (s) => [s, 999999, 1, testCardOrder().PaymentDetails]),
    'completeDraft (PaymentNotRequired)': { method: 'completeDraft', conditions: [DRAFT_REPLACEMENT], params: (s) => [s, 999999, 1, { Type: 'FREE', Currency: 'usd' }, null, { OriginalRefNo: f.order, Reason: 'damaged' }] },
    // no draft or link 999999: allowed callers are answered not found (the draft or the link), changing nothing
    createPaymentLink: plain('createPaymentLink', (s) => [s, 999999, 1]),
    getPaymentLink: plain('getPaymentLink', (s) => [s, 999999]),
    cancelPaymentLink: plain('cancelPaymentLink', (s) => [s, 999999]),
    setPaymentTerms: plain('setPaymentTerms', (s) => [s, { Type: 'NET', Days: 30 }]),
    getPaymentTerms: plain('getPaymentTerms', (s) => [s]),
    setDiscountLimits: plain('setDiscountLimits', (s) => [s, []]),
    getDiscountLimits: plain('getDiscountLimits', (s) => [s]),
    setDiscountReasons: plain('setDiscountReasons', (s) => [s, []]),
    getDiscountReasons: plain('getDiscountReasons', (s) => [s]),
    // Last, in this order: rotating the secret ends the merchant's API sessions (the caller's too),
    // so nothing may need the merchant API session after it.
    setMerchantUserActive: plain('setMerchantUserActive', (s) => [s, 'agent1', true]),
    rotateSecretKey: plain('rotateSecretKey', (s) => [s])
  }
}

const SESSION_ERRORS = new Set(['INVALID_SESSION', 'SESSION_EXPIRED'])

/**
 * What the declaration says for a session kind: undefined (allowed) or the refusal, with the
 * privileges it names. The method's own access is checked before its params are looked at, so a
 * refusal there names only the method's privileges; the conditions of the params come after.
 */
type Refusal = { merchantRefused: true, naming: Privilege[] } | { missing: Privilege[] }
function expectedRefusal (access: Exclude<Access, { public: true }>, conditions: Condition[], kind: { merchant: true } | { privileges: readonly Privilege[] }): Refusal | undefined {
  const own = access.userPrivileges ?? []
  const needed = [...own, ...conditions.flatMap((c) => c.userPrivileges)]
  if ('merchant' in kind) {
    if (!access.merchantSession) return { merchantRefused: true, naming: own }
    return conditions.some((c) => c.merchantSession === false) ? { merchantRefused: true, naming: needed } : undefined
  }
  if (access.userPrivileges === null) return { missing: [] }
  const missingOwn = own.filter((p) => !kind.privileges.includes(p))
  if (missingOwn.length > 0) return { missing: missingOwn }
  const missing = needed.filter((p) => !kind.privileges.includes(p))
  return missing.length === 0 ? undefined : { missing }
}

function assertAnswer (t: Test, label: string, reply: RpcReply, refusal: Refusal | undefined): void {
  const reason = reply.error?.data?.error_code as string | undefined
  if (refusal === undefined) {
    t.ok(reason !== 'NOT_ALLOWED' && !SESSION_ERRORS.has(reason ?? ''), `${label}: allowed (${reason ?? 'result'})`)
  } else if ('merchantRefused' in refusal) {
    t.match(reply, { id: 1, error: { code: 10004, message: /loginUser/, data: { error_code: 'NOT_ALLOWED', privilege: refusal.naming[0], privileges: refusal.naming } } }, `${label}: NOT_ALLOWED, a user's session needed`)
  } else {
    t.match(reply, { id: 1, error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: refusal.missing[0], privileges: refusal.missing } } }, `${label}: NOT_ALLOWED naming ${refusal.missing.join(', ')}`)
    for (const p of refusal.missing) t.match(reply.error?.message, p, `${label}: the message names ${p}`)
  }
}

t.test('every method in rpc.discover is allowed or refused, for every kind of session, exactly as it declares', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const f = await fixtures(ta, m)

  const discovered = (await ta.rpc('rpc.discover', [])).result as { methods: Array<{ name: string, 'x-access'?: unknown }> }
  const names = discovered.methods.map((method) => method.name).sort()
  t.same(names, Object.keys(EXPECTED).sort(), 'every method of rpc.discover is in the reviewed matrix (a new method must be added here)')
  for (const method of discovered.methods) {
    t.same(method['x-access'], EXPECTED[method.name], `${method.name}: declares the reviewed access`)
  }

  const calls = sessionCalls(f)
  const sessionMethods = names.filter((name) => !('public' in (EXPECTED[name] ?? PUBLIC)))
  t.same([...new Set(Object.values(calls).map((c) => c.method))].sort(), sessionMethods, 'every session method is called')
  for (const [name, access] of Object.entries(EXPECTED)) {
    if ('public' in access) continue
    for (const condition of access.conditions) {
      t.ok(Object.values(calls).some((c) => c.method === name && c.conditions.includes(condition)), `${name}: the condition "${condition.when}" is called`)
    }
  }

  const kinds: Array<{ label: string, session: string, kind: { merchant: true } | { privileges: readonly Privilege[] } }> = [
    { label: 'merchant API session', session: m.apiSession, kind: { merchant: true } },
    { label: 'user without privileges', session: m.noPrivilegeSession, kind: { privileges: [] } },
    { label: 'user with every privilege', session: m.staffSession, kind: { privileges: PRIVILEGE_NAMES } }
  ]
  for (const privilege of PRIVILEGE_NAMES) {
    kinds.push({ label: `user with only ${privilege}`, session: await m.userSession([privilege]), kind: { privileges: [privilege] } })
  }

  // A deactivated supervisor: its session was just used (and so read into the session cache).
  const deactivated = await m.userSession(['SUPERVISOR' as Privilege])
  t.notOk((await ta.rpc('getOrder', [deactivated, f.order])).error, 'the user\'s session works before deactivation')
  await ta.db.db.updateTable('merchant_users').set({ active: false }).where('merchant_id', '=', m.merchantId).where('username', '=', 'agent' + String(2 + PRIVILEGE_NAMES.length + 1)).execute()

  // The methods without a session: none is refused (loginUser with a real password, login with the
  // right hash). Before the session calls, whose last one (rotateSecretKey) replaces the secret.
  const date = gmdate(ta.clock.now())
  const publicCalls: Record<string, unknown[]> = {
    login: [m.code, date, loginHash(m.secret, m.code, date)],
    loginUser: [m.code, 'agent1', STAFF_PASSWORD],
    'rpc.discover': []
  }
  t.same(Object.keys(publicCalls).sort(), names.filter((name) => 'public' in (EXPECTED[name] ?? {})).sort(), 'every method without a session is called')
  for (const [method, params] of Object.entries(publicCalls)) {
    const reply = await ta.rpc(method, params)
    t.notOk(reply.error, `${method}: answered (${JSON.stringify(reply.error)})`)
  }

  for (const [label, call] of Object.entries(calls)) {
    const access = EXPECTED[call.method]
    if (access === undefined || 'public' in access) continue
    for (const { label: kindLabel, session, kind } of kinds) {
      const reply = await ta.rpc(call.method, call.params(session))
      assertAnswer(t, `${label} by ${kindLabel}`, reply, expectedRefusal(access, call.conditions, kind))
    }
    const reply = await ta.rpc(call.method, call.params(deactivated))
    t.match(reply, { id: 1, error: { code: 10001, data: { error_code: 'INVALID_SESSION' } } }, `${label} by a deactivated user: INVALID_SESSION`)
  }
})

t.test('the holes of the audit: a user without the privilege changes nothing', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const agent = await m.userSession(['AGENT' as Privilege])
  const orderCount = async () => Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const status = async (refNo: string) => (await ta.rpc('getOrder', [m.apiSession, refNo])).result?.Status
  const poOrder = (autoApprove: boolean) => testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-7', AutoApprove: autoApprove } } })
  const waiting = (await ta.rpc('placeOrder', [m.apiSession, poOrder(false)])).result.RefNo as string
  const pending = (await ta.rpc('placeOrder', [m.apiSession, poOrder(true)])).result.RefNo as string
  const card = await ta.rpc('placeOrder', [m.apiSession, withCard(testCardOrder({ CustomerReference: 880002 }), { CardNumber: SANDBOX_CARDS.APPROVE_MASTERCARD, CardType: 'mastercard' })])
  t.equal(await status(waiting), 'UNFINISHED')
  t.equal(await status(pending), 'PURCHASE_PENDING')
  t.equal(card.result.Status, 'AUTHRECEIVED')
  const shipped = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: { FirstName: 'John', LastName: 'Doe', CountryCode: 'us', State: 'CA', City: 'Los Angeles', Address1: '1 Main St', Zip: '90210' } })])).result.RefNo as string
  t.equal(await status(shipped), 'AUTHRECEIVED')

  const refused = (reply: RpcReply, privilege: Privilege, label: string) =>
    t.match(reply, { jsonrpc: '2.0', id: 1, error: { code: 10004, message: new RegExp(privilege), data: { error_code: 'NOT_ALLOWED', privilege, privileges: [privilege] } } }, label)

  refused(await ta.rpc('markOrderPaid', [m.noPrivilegeSession, pending]), 'RECORD_PAYMENTS', 'a user without privileges cannot mark an order paid')
  refused(await ta.rpc('markOrderPaid', [agent, pending]), 'RECORD_PAYMENTS', 'nor can an agent')
  t.equal(await status(pending), 'PURCHASE_PENDING', 'the PO is still unpaid')
  refused(await ta.rpc('confirmDelivery', [m.noPrivilegeSession, shipped]), 'RECORD_PAYMENTS', 'a user without privileges cannot confirm a delivery')
  refused(await ta.rpc('confirmDelivery', [agent, shipped]), 'RECORD_PAYMENTS', 'nor can an agent')
  t.equal(await status(shipped), 'AUTHRECEIVED', 'the physical order still waits for its delivery')
  refused(await ta.rpc('approvePurchaseOrder', [m.noPrivilegeSession, waiting]), 'RECORD_PAYMENTS', 'a user without privileges cannot approve a PO')
  t.equal(await status(waiting), 'UNFINISHED', 'the PO still awaits approval')
  refused(await ta.rpc('cancelPurchaseOrder', [m.noPrivilegeSession, waiting]), 'CANCEL_ORDERS', 'a user without privileges cannot cancel a PO')
  refused(await ta.rpc('cancelPurchaseOrder', [agent, pending]), 'CANCEL_ORDERS', 'an agent without CANCEL_ORDERS cannot cancel a PO')
  t.equal(await status(waiting), 'UNFINISHED')
  t.equal(await status(pending), 'PURCHASE_PENDING')

  // Clearing a customer's fraud flag releases their orders as reviewCustomer OKAY does: APPROVE_FRAUD.
  const flagged = await ta.rpc('createCustomer', [m.staffSession, { FirstName: 'Fr', LastName: 'Aud', Email: 'fraud.flag@example.com', FraudReview: true }])
  t.notOk(flagged.error, JSON.stringify(flagged.error))
  refused(await ta.rpc('updateCustomer', [agent, flagged.result.CustomerId, { FraudReview: false }]), 'APPROVE_FRAUD', 'an agent cannot clear a fraud flag through updateCustomer')
  t.equal((await ta.rpc('getCustomer', [m.staffSession, flagged.result.CustomerId])).result?.FraudReview, true, 'the customer is still in fraud review')
  t.notOk((await ta.rpc('updateCustomer', [agent, flagged.result.CustomerId, { Phone: '555-0101' }])).error, 'other changes need MANAGE_CUSTOMERS only')

  const tokensBefore = await ta.db.db.selectFrom('transient_tokens').select('token_hash').execute()
  refused(await ta.rpc('getCustomerTransientToken', [m.noPrivilegeSession, 880002]), ON_BEHALF, 'a user without privileges gets no transient token')
  t.same(await ta.db.db.selectFrom('transient_tokens').select('token_hash').execute(), tokensBefore, 'no token issued')

  const before = await orderCount()
  refused(await ta.rpc('placeOrder', [m.noPrivilegeSession, orderPaidWith('PREVIOUS_ORDER', { RefNo: card.result.RefNo })]), ON_BEHALF, 'a user without privileges cannot charge a previous order\'s card')
  const token = (await ta.rpc('getCustomerTransientToken', [m.apiSession, 880002])).result.TransientToken as string
  refused(await ta.rpc('placeOrder', [m.noPrivilegeSession, orderPaidWith('EXISTING_PAYMENT_DATA', { TransientToken: token }, { CustomerReference: 880002 })]), ON_BEHALF, 'nor a customer\'s stored card')
  t.equal(await orderCount(), before, 'no order placed')
  const used = await ta.db.db.selectFrom('transient_tokens').select('used_at').where('expires_at', '>', ta.clock.now()).execute()
  t.ok(used.length > 0 && used.every((row) => row.used_at === null), 'the token is still unused')

  // The same calls by users holding the privileges work (the refusals were the privilege, nothing else).
  const payer = await m.userSession(['RECORD_PAYMENTS'])
  t.match((await ta.rpc('markOrderPaid', [payer, pending])).result, { Status: 'COMPLETE' }, 'RECORD_PAYMENTS marks a PO paid')
  t.match((await ta.rpc('confirmDelivery', [payer, shipped])).result, { Status: 'COMPLETE' }, 'and confirms a delivery')
  t.match((await ta.rpc('approvePurchaseOrder', [payer, waiting])).result, { Status: 'PURCHASE_PENDING' }, 'and approves one')
  const canceller = await m.userSession(['CANCEL_ORDERS'])
  t.match((await ta.rpc('cancelPurchaseOrder', [canceller, waiting])).result, { Status: 'CANCELED' }, 'CANCEL_ORDERS cancels a PO')
  const previous = await ta.rpc('placeOrder', [agent, orderPaidWith('PREVIOUS_ORDER', { RefNo: card.result.RefNo })])
  t.match(previous.result, { Status: 'AUTHRECEIVED' }, 'an agent (PLACE_ORDERS_ON_BEHALF) may pay with a previous order')
})

t.test('a user\'s deactivation and privileges take effect on the very next call, cache or not', async (t) => {
  const ta = await createTestApp(t, { SESSION_CACHE_MS: '60000' })
  const m = await staffMerchant(ta)
  const session = await m.userSession(['SUPERVISOR' as Privilege])
  const user = () => ta.db.db.updateTable('merchant_users').where('merchant_id', '=', m.merchantId).where('username', '=', 'agent3')
  const order = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result.RefNo as string
  t.match((await ta.rpc('getOrder', [session, order])).result, { RefNo: order }, 'the session works')

  await user().set({ privileges: ['CANCEL_ORDERS'] }).execute()
  t.match(await ta.rpc('getOrder', [session, order]), { error: { code: 10004, data: { error_code: 'NOT_ALLOWED', privilege: ON_BEHALF } } }, 'a privilege taken away is missing on the next call')

  await user().set({ active: false }).execute()
  for (const [method, params] of [['getOrder', [session, order]], ['markOrderPaid', [session, order]], ['cancelOrder', [session, order, 'x']]] as const) {
    t.match(await ta.rpc(method, [...params]), { error: { code: 10001, data: { error_code: 'INVALID_SESSION' } } }, `${method}: a deactivated user's session is refused`)
  }
  t.equal((await ta.rpc('getOrder', [m.apiSession, order])).result?.Status, 'AUTHRECEIVED', 'nothing was canceled')
  t.notOk((await ta.rpc('getOrder', [m.apiSession, order])).error, 'the merchant API session is unaffected')
})
