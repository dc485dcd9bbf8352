import t from 'tap'
import { createMerchantUser } from '../../src/auth/merchant-users.js'
import { loadCatalogFile } from '../../src/catalog/catalog-store.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { METHODS } from '../../src/rpc/methods/index.js'
import { createTestApp } from '../helpers/app.js'
import { FIXTURE_HASH_PARAMS, STAFF_PASSWORD, staffMerchant } from '../helpers/assisted.js'
import { testCardOrder } from '../helpers/orders.js'

// Merchant B, with a supervisor session holding every privilege, aims every session method at
// merchant A's orders, customers and attachments: it must see, change and validate nothing.
const NOT_FOUND = new Set(['ORDER_NOT_FOUND', 'CUSTOMER_NOT_FOUND', 'STORED_PAYMENT_DATA_NOT_FOUND', 'ATTACHMENT_NOT_FOUND', 'ADDRESS_NOT_FOUND', 'PRODUCT_NOT_FOUND', 'ORDER_PRODUCT_CODE_INVALID', 'DRAFT_NOT_FOUND', 'PAYMENT_LINK_NOT_FOUND'])
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64')

t.test('every session method refuses another merchant\'s data', async (t) => {
  const ta = await createTestApp(t)
  const a = await staffMerchant(ta)
  const b = await staffMerchant(ta)

  // A's catalog has what B's has not: a product (priced in CHF too) and a shipping method.
  t.ok((await loadCatalogFile(ta.db.db, a.merchantId, {
    ...DEMO_CATALOG,
    products: [...DEMO_CATALOG.products, { code: 'A-ONLY-BOOK', name: 'A only book', kind: 'PHYSICAL', prices: { USD: '9.00', CHF: '8.00' } }],
    shippingMethods: [...(DEMO_CATALOG.shippingMethods ?? []), { code: 'A-COURIER', name: 'A courier', prices: { USD: '3.00' } }]
  })).ok, 'A\'s own product and shipping method')
  const customer = await ta.rpc('createCustomer', [a.staffSession, { CustomerReference: 777001, FirstName: 'Ann', LastName: 'Aye', Email: 'ann@a.example' }])
  t.notOk(customer.error, JSON.stringify(customer.error))
  const customerId = customer.result.CustomerId as number
  t.notOk((await ta.rpc('setIpnSettings', [a.apiSession, { Urls: ['https://a-shop.example/ipn'] }])).error, 'A has an IPN listener')
  t.notOk((await ta.rpc('setPaymentTerms', [a.apiSession, { Type: 'NET', Days: 50 }])).error, 'A has its PO terms')
  const order = (await ta.rpc('placeOrder', [a.apiSession, testCardOrder({ CustomerReference: 777001 })])).result
  const po = (await ta.rpc('placeOrder', [a.apiSession, testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, Company: 'A Co' }, PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-1', AutoApprove: false } } })])).result
  const shipped = (await ta.rpc('placeOrder', [a.apiSession, testCardOrder({ Items: [{ Code: 'BOOK-PRINT', Quantity: 1 }], DeliveryDetails: { FirstName: 'Ann', LastName: 'Aye', CountryCode: 'us', State: 'CA', City: 'Los Angeles', Address1: '1 Main St', Zip: '90210' } })])).result
  const attachment = await ta.rpc('addOrderAttachment', [a.staffSession, order.RefNo, 'po.pdf', PDF])
  t.notOk(attachment.error, JSON.stringify(attachment.error))
  const attachmentId = attachment.result.AttachmentId
  // The order as A sees it before B tries anything: it lists its attachment (Attachments).
  const orderBefore = (await ta.rpc('getOrder', [a.apiSession, order.RefNo])).result
  t.match(orderBefore, { Attachments: [{ AttachmentId: attachmentId, FileName: 'po.pdf' }] })
  const { PaymentDetails: draftPayment, ...draftOrder } = testCardOrder({ BillingDetails: { ...testCardOrder().BillingDetails, FirstName: 'Ann', LastName: 'Aye', Email: 'ann@a.example' } })
  const draft = await ta.rpc('createDraft', [a.staffSession, draftOrder, { CustomerId: customerId }])
  t.notOk(draft.error, JSON.stringify(draft.error))
  const link = await ta.rpc('createPaymentLink', [a.staffSession, draft.result.DraftId, 1])
  t.notOk(link.error, JSON.stringify(link.error))
  t.notOk((await ta.rpc('setDiscountLimits', [a.apiSession, [{ Role: 'AGENT', MaxLinePercent: 15 }]])).error, 'A has discount limits')
  t.notOk((await ta.rpc('setDiscountReasons', [a.apiSession, [{ Code: 'A_ONLY', Name: 'A only reason' }]])).error, 'A has reason codes')
  t.match(order, { Status: 'AUTHRECEIVED' })
  t.match(po, { Status: 'UNFINISHED' })
  t.match(shipped, { Status: 'AUTHRECEIVED' })

  const s = b.staffSession
  const calls: Record<string, unknown[]> = {
    placeOrder: [s, testCardOrder({ PaymentDetails: { Type: 'PREVIOUS_ORDER', Currency: 'USD', PaymentMethod: { RefNo: order.RefNo } } })],
    isValidOrderReference: [s, order.RefNo],
    getOrder: [s, order.RefNo],
    searchOrders: [s, { ExternalRefNo: order.ExternalReference, CustomerReference: 777001 }],
    getCustomerTransientToken: [s, 777001],
    approvePurchaseOrder: [s, po.RefNo],
    cancelPurchaseOrder: [s, po.RefNo],
    markOrderPaid: [s, po.RefNo],
    confirmDelivery: [s, shipped.RefNo],
    placeAssistedOrder: [s, testCardOrder(), { CustomerId: customerId }],
    quote: [s, testCardOrder(), { CustomerId: customerId }],
    createCustomer: [s, { CustomerReference: 777001, FirstName: 'Bob', LastName: 'Bee', Email: 'bob@b.example' }],
    updateCustomer: [s, customerId, { FirstName: 'Hijacked', LastName: 'Aye', Email: 'ann@a.example' }],
    getCustomer: [s, customerId],
    searchCustomers: [s, { Text: 'Ann' }],
    saveCustomerAddress: [s, customerId, { FirstName: 'X', LastName: 'Y', Address1: '1 St', City: 'LA', Zip: '1', CountryCode: 'US', State: 'CA' }],
    deleteCustomerAddress: [s, customerId, 1],
    saveCustomerLevel: [s, { Code: 'GOLD', Name: 'Gold', PercentOff: 10 }],
    searchCatalog: [s, { Text: 'my_subscription_1' }],
    cancelOrder: [s, order.RefNo, 'not yours'],
    reviewCustomer: [s, customerId, 'REJECTED'],
    addOrderAttachment: [s, order.RefNo, 'x.pdf', PDF],
    listOrderAttachments: [s, order.RefNo],
    getOrderAttachment: [s, order.RefNo, attachmentId],
    getOrderHistory: [s, order.RefNo],
    setIpnSettings: [s, { Urls: ['https://b.example/ipn'] }],
    getIpnSettings: [s],
    resendIpn: [s, order.RefNo],
    issueRefund: [s, order.RefNo, 1, [], 'not yours', 'Duplicate purchase'],
    getProductByCode: [s, 'A-ONLY-BOOK'],
    searchProducts: [s, { Codes: ['A-ONLY-BOOK', 'BOOK-PRINT'] }],
    getShippingPrice: [s, [{ Code: 'A-ONLY-BOOK' }], { CountryCode: 'US' }, { CountryCode: 'US' }, 'USD'],
    getAvailableCountries: [s],
    getAvailableCurrencies: [s],
    rotateSecretKey: [s],
    setMerchantUserActive: [s, 'agent1', false],
    getSessionUser: [s],
    createDraft: [s, draftOrder, { CustomerId: customerId }],
    updateDraft: [s, draft.result.DraftId, 1, draftOrder],
    getDraft: [s, draft.result.DraftId],
    searchDrafts: [s, { CustomerId: customerId }],
    abandonDraft: [s, draft.result.DraftId],
    completeDraft: [s, draft.result.DraftId, 1, draftPayment],
    createPaymentLink: [s, draft.result.DraftId, 1],
    getPaymentLink: [s, link.result.LinkId],
    cancelPaymentLink: [s, link.result.LinkId],
    setPaymentTerms: [s, { Type: 'NET', Days: 5 }],
    getPaymentTerms: [s],
    getDiscountLimits: [s],
    setDiscountLimits: [s, [{ Role: 'AGENT', MaxLinePercent: 30 }]],
    getDiscountReasons: [s],
    setDiscountReasons: [s, [{ Code: 'B_ONLY', Name: 'B reason' }]]
  }
  const sessionMethods = METHODS.filter((m) => m.session).map((m) => m.name).sort()
  t.same(Object.keys(calls).sort(), sessionMethods, 'every session method is probed (a new method must be added here)')

  for (const [method, params] of Object.entries(calls)) {
    const reply = await ta.rpc(method, params)
    const code = reply.error?.data?.error_code as string | undefined
    const json = JSON.stringify(reply)
    const leaks = json.includes('ann@a.example') || json.includes('"Ann"') || json.includes('"Aye"') || json.includes('a-shop.example') ||
      json.includes('A only book') || json.includes('A-COURIER') || json.includes('CHF') || json.includes('A_ONLY')
    switch (method) {
      case 'isValidOrderReference':
        t.equal(reply.result, false, `${method}: false`)
        break
      case 'placeOrder':
        t.match(reply.error, { code: 55200, data: { error_code: 'PAYMENT_ERROR' } }, `${method}: A's order cannot pay for B`)
        break
      case 'createCustomer':
        t.notOk(reply.error, 'B may create its own customer with the same CustomerReference')
        t.not(reply.result?.CustomerId, customerId, 'a different customer')
        break
      case 'searchOrders':
        t.same(reply.result, { Items: [], Pagination: { Page: 1, Limit: 10, Count: 0 } }, `${method}: none of A's orders, and no count of them`)
        break
      case 'searchDrafts':
        t.same(reply.result, { Items: [], Pagination: { Page: 1, Limit: 10, Count: 0 } }, `${method}: none of A's drafts, and no count of them`)
        break
      case 'searchCustomers':
      case 'searchCatalog':
        t.notOk(reply.error)
        t.notOk(json.includes('ann@a.example'), `${method}: none of A's customers`)
        if (method === 'searchCatalog') t.ok((reply.result.Products ?? reply.result.products ?? []).every((p: { MerchantCode?: string }) => p.MerchantCode === undefined || p.MerchantCode === b.code), 'only B\'s catalog')
        break
      case 'saveCustomerLevel':
        t.notOk(reply.error, 'B may define its own level')
        break
      case 'searchProducts':
        t.same(reply.result?.Items?.map((p: { ProductCode: string }) => p.ProductCode), ['BOOK-PRINT'], 'B\'s own BOOK-PRINT only, not A\'s product')
        break
      case 'getSessionUser':
        t.match(reply.result, { Username: 'agent1', MerchantCode: b.code }, `${method}: B's own user and merchant, nothing of A's`)
        t.not(reply.result?.MerchantCode, a.code)
        break
      case 'getDiscountLimits':
      case 'getDiscountReasons':
        t.same(reply.result, [], `${method}: B has none; nothing of A's`)
        break
      case 'setDiscountLimits':
        t.same(reply.result, [{ Role: 'AGENT', MaxLinePercent: 30, MaxOrderPercent: null, Amounts: [] }], `${method}: B's own limits`)
        break
      case 'setDiscountReasons':
        t.same(reply.result, [{ Code: 'B_ONLY', Name: 'B reason' }], `${method}: B's own reason codes`)
        break
      case 'getAvailableCountries':
        t.equal(reply.result?.length, 249, 'the countries (no merchant data)')
        break
      case 'getAvailableCurrencies':
        t.same(reply.result?.map((c: { Code: string }) => c.Code), ['EUR', 'GBP', 'USD'], 'B\'s currencies: not A\'s CHF')
        break
      case 'rotateSecretKey':
      case 'setMerchantUserActive':
      case 'setIpnSettings':
      case 'getIpnSettings':
      case 'setPaymentTerms':
      case 'getPaymentTerms':
        t.match(reply.error, { code: 10004, data: { error_code: 'NOT_ALLOWED' } }, `${method}: for the merchant's API session only`)
        break
      default:
        t.ok(code !== undefined && NOT_FOUND.has(code), `${method}: not found (${code})`)
    }
    t.notOk(leaks, `${method}: nothing of A's customer in the answer`)
  }

  // B's shipping methods for a cart of its own: not A's courier.
  const ships = await ta.rpc('getShippingPrice', [b.apiSession, [{ Code: 'BOOK-PRINT' }], { CountryCode: 'US' }, { CountryCode: 'US' }, 'USD'])
  t.same(ships.result?.map((p: { Code: string }) => p.Code), ['STANDARD', 'EXPRESS'], 'B\'s shipping methods only, not A-COURIER')

  // B's API session may (de)activate B's users only: a user of A's is not found.
  await createMerchantUser(ta.db.db, a.merchantId, { username: 'only-at-a', password: STAFF_PASSWORD, privileges: [] })
  t.match((await ta.rpc('setMerchantUserActive', [b.apiSession, 'only-at-a', false])).error, { code: 55201, data: { error_code: 'USER_NOT_FOUND' } })
  t.match(await ta.rpc('loginUser', [a.code, 'only-at-a', STAFF_PASSWORD]), { result: /^[0-9a-f]{64}$/ }, 'A\'s user still logs in')

  // B's API session (not a user's) on A's order history and IPN: not found, and B's settings are B's.
  const outbox = async () => await ta.db.db.selectFrom('ipn_notifications').select(['id', 'url', 'state', 'resend_of']).orderBy('id').execute()
  const outboxBefore = await outbox()
  t.equal(outboxBefore.length, 3, 'A\'s three orders were notified')
  for (const method of ['getOrderHistory', 'resendIpn']) {
    const reply = await ta.rpc(method, [b.apiSession, order.RefNo])
    t.match(reply.error, { code: 55201, message: `Order not found: RefNo: no order ${order.RefNo} for this merchant`, data: { error_code: 'ORDER_NOT_FOUND' } }, `${method} by B's API session: not found`)
    t.notOk(JSON.stringify(reply).includes('a-shop.example'), `${method}: nothing of A's IPN`)
  }
  const refund = await ta.rpc('issueRefund', [b.apiSession, order.RefNo, 1, [], 'not yours', 'Duplicate purchase'])
  t.match(refund.error, { code: 55201, data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'RefNo' }] } }, 'issueRefund by B\'s API session: A\'s order not found')
  t.equal((await ta.db.db.selectFrom('refunds').select('id').execute()).length, 0, 'no refund stored')
  t.same((await ta.rpc('getIpnSettings', [b.apiSession])).result?.Urls, [], 'B reads its own settings (none), not A\'s')
  t.same((await ta.rpc('setIpnSettings', [b.apiSession, { Urls: ['https://b-shop.example/ipn'] }])).result?.Urls, ['https://b-shop.example/ipn'])
  t.same((await ta.rpc('getIpnSettings', [a.apiSession])).result?.Urls, ['https://a-shop.example/ipn'], 'A\'s settings unchanged')
  t.same(await outbox(), outboxBefore, 'no notification queued for A\'s orders')

  // B's API session on payment terms: B's own (NET 30, never set), and setting them leaves A's.
  t.same((await ta.rpc('getPaymentTerms', [b.apiSession])).result, { Type: 'NET', Days: 30 }, 'B reads its own PO terms, not A\'s')
  t.same((await ta.rpc('setPaymentTerms', [b.apiSession, { Type: 'NET', Days: 20 }])).result, { Type: 'NET', Days: 20 })
  t.same((await ta.rpc('getPaymentTerms', [a.apiSession])).result, { Type: 'NET', Days: 50 }, 'A\'s PO terms unchanged')

  // A's data is exactly as it was.
  t.same((await ta.rpc('getOrder', [a.apiSession, order.RefNo])).result, orderBefore, 'A\'s order unchanged')
  t.same((await ta.rpc('getDraft', [a.staffSession, draft.result.DraftId])).result, draft.result, 'A\'s draft unchanged: not updated, abandoned or completed by B')
  const { Url: _url, ...linkBefore } = link.result
  t.same((await ta.rpc('getPaymentLink', [a.staffSession, link.result.LinkId])).result, linkBefore, 'A\'s payment link unchanged: still PENDING, not cancelled by B')
  t.same((await ta.rpc('searchDrafts', [b.staffSession])).result.Pagination.Count, 0, 'B has no draft: its createDraft for A\'s customer was refused')
  t.match((await ta.rpc('getOrder', [a.apiSession, po.RefNo])).result, { Status: 'UNFINISHED' }, 'A\'s PO unchanged')
  t.same((await ta.rpc('getOrder', [a.apiSession, shipped.RefNo])).result, shipped, 'A\'s physical order unchanged: its delivery not confirmed by B')
  t.match((await ta.rpc('getCustomer', [a.staffSession, customerId])).result, { FirstName: 'Ann', Email: 'ann@a.example' }, 'A\'s customer unchanged')
  t.equal((await ta.rpc('listOrderAttachments', [a.staffSession, order.RefNo])).result.length, 1, 'A\'s attachments unchanged')
  t.same((await ta.rpc('getDiscountLimits', [a.apiSession])).result, [{ Role: 'AGENT', MaxLinePercent: 15, MaxOrderPercent: null, Amounts: [] }], 'A\'s discount limits unchanged')
  t.same((await ta.rpc('getDiscountReasons', [a.apiSession])).result, [{ Code: 'A_ONLY', Name: 'A only reason' }], 'A\'s reason codes unchanged')

  // completeDraft as a replacement order: B neither completes A's draft so, nor replaces A's order from a draft of its own.
  const free = { Type: 'FREE', Currency: 'usd' }
  const replacing = { OriginalRefNo: order.RefNo, Reason: 'not yours' }
  t.match((await ta.rpc('completeDraft', [s, draft.result.DraftId, 1, free, null, replacing])).error, { data: { error_code: 'DRAFT_NOT_FOUND' } }, 'B completing A\'s draft as a replacement: DRAFT_NOT_FOUND')
  const { PaymentDetails: _free, ...bOrder } = testCardOrder()
  const bDraft = await ta.rpc('createDraft', [s, bOrder])
  t.notOk(bDraft.error, JSON.stringify(bDraft.error))
  const replaced = await ta.rpc('completeDraft', [s, bDraft.result.DraftId, 1, free, null, replacing])
  t.match(replaced.error, { data: { error_code: 'ORDER_NOT_FOUND', fields: [{ path: 'PaymentNotRequired.OriginalRefNo', error_code: 'ORDER_NOT_FOUND' }] } }, 'B\'s draft as a replacement of A\'s order: ORDER_NOT_FOUND')
  t.equal((await ta.rpc('getDraft', [s, bDraft.result.DraftId])).result?.Status, 'OPEN', 'B\'s draft stays OPEN')
  t.same((await ta.rpc('getDraft', [a.staffSession, draft.result.DraftId])).result, draft.result, 'A\'s draft still unchanged')
  t.same((await ta.rpc('getOrder', [a.apiSession, order.RefNo])).result, orderBefore, 'A\'s order still unchanged')

  // A discount above A's limits is not approved by a supervisor of B's (a username only B has, the same password).
  await createMerchantUser(ta.db.db, b.merchantId, { username: 'only-at-b', password: STAFF_PASSWORD, privileges: ['APPROVE_DISCOUNTS'] }, FIXTURE_HASH_PARAMS)
  const aAgent = await a.userSession(['AGENT' as never])
  const aOrders = async () => await ta.db.db.selectFrom('orders').select('id').where('merchant_id', '=', a.merchantId).execute()
  const aOrdersBefore = await aOrders()
  const approved = await ta.rpc('placeAssistedOrder', [aAgent, testCardOrder(), { Items: [{ Discount: { Type: 'PERCENT', Value: 20, Reason: 'bundle' } }], ReasonCode: 'A_ONLY', Approval: { Username: 'only-at-b', Password: STAFF_PASSWORD } }])
  t.match(approved.error, { code: 55201, data: { error_code: 'DISCOUNT_APPROVAL_FAILED', fields: [{ path: 'Assisted.Approval', message: 'unknown supervisor or wrong password' }] } }, 'A\'s agent with B\'s supervisor as approver: DISCOUNT_APPROVAL_FAILED')
  t.same(await aOrders(), aOrdersBefore, 'no order placed for A')
})
