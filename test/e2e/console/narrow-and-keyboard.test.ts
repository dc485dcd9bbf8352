import { readFile } from 'node:fs/promises'
import t from 'tap'
import type { BrowserContext, Page, Response } from 'playwright-core'
import { chooseCustomer, confirmationOf, expect, missingPrerequisite, openConsole, PASSWORD, phoneLayoutProblems, printedConfirmation, signIn, startConsoleServer, tabTo } from '../../helpers/console.js'

// Issue 19 item 6, what the other console tests leave out at 390 px or by keyboard: the order
// list searched, an order opened with its history and acted on (refund, approve PO, release fraud
// hold, cancel) at 390 px, each action offered only with its privilege there too; attachments
// uploaded, listed and opened, the customer edited and the confirmation printed at 390 px; price
// options and the merchant's currencies and shipping methods at 390 px; an order placed with the
// keyboard alone at 1280 and 390 px; the session warning and a reload at 390 px; the page served
// compressed, with validators a reload revalidates.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const document: any, window: any, performance: any, sessionStorage: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const YEAR = String(new Date().getUTCFullYear() + 2)
const billing = (email: string, extra: Record<string, string> = {}) => ({ FirstName: 'Olga', LastName: 'Order', Email: email, Address1: '5 Elm St', City: 'Austin', State: 'TX', Zip: '73301', CountryCode: 'US', ...extra })
const card = { Type: 'CC', Currency: 'USD', PaymentMethod: { CardNumber: '4111111111111111', CardType: 'visa', ExpirationYear: YEAR, ExpirationMonth: '12', HolderName: 'Nora Narrow', CCID: '123', Vendor3DSReturnURL: 'https://merchant.example/ok', Vendor3DSCancelURL: 'https://merchant.example/cancel' } }

async function phonePage (context: BrowserContext, problems: string[], url: string): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  page.on('pageerror', (error) => { problems.push(error.message) })
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  await page.goto(`${url}/console`)
  return page
}

t.test('the console at 390 px and by keyboard: orders, actions, attachments, customer edit, print, cart options, keyboard checkout, session, reload, compression', { skip: skip ?? false, timeout: 240_000 }, async (t) => {
  const app = await startConsoleServer(t)
  const merchant = await app.merchantSession()
  await Promise.all([
    app.createUser('super', ['SUPERVISOR']),
    app.createUser('agent', ['AGENT']),
    app.createUser('cashier', ['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS', 'RECORD_PAYMENTS'])
  ])
  const ok = (reply: { result?: any, error?: unknown }): any => { if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error)); return reply.result }
  ok(await app.rpc('setIpnSettings', { sessionID: merchant, IpnSettings: { Urls: ['https://ipn.example/ipn'] } }))
  const staff = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'super', password: PASSWORD })) as string
  const place = async (order: Record<string, unknown>): Promise<string> => ok(await app.rpc('placeOrder', { sessionID: merchant, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], ...order } })).RefNo
  const nora = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Nora', LastName: 'Narrow', Email: 'nora@example.com' } }))
  const complete = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], BillingDetails: billing('nora@example.com', { FirstName: 'Nora', LastName: 'Narrow' }), PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }, Assisted: { CustomerId: nora.CustomerId, IdempotencyKey: 'narrow-1' } })).RefNo as string
  ok(await app.rpc('markOrderPaid', { sessionID: merchant, RefNo: complete }))
  const po = await place({ BillingDetails: billing('buyer@example.com', { Company: 'Buyer Co' }), PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-390', AutoApprove: false } } })
  const authorised = await place({ BillingDetails: billing('olga@example.com'), PaymentDetails: card })
  const flagged = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Fred', LastName: 'Flagged', Email: 'fred@example.com', FraudReview: true } }))
  const held = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], BillingDetails: billing('fred@example.com', { FirstName: 'Fred', LastName: 'Flagged' }), PaymentDetails: card }, Assisted: { CustomerId: flagged.CustomerId, IdempotencyKey: 'narrow-held' } })).RefNo as string
  const status = async (refNo: string): Promise<string> => ok(await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })).Status
  const ordersNow = async (): Promise<number> => Number((await app.query('select count(*)::int as n from orders'))[0].n)

  const { browser, page, problems } = await openConsole(t, app.url, 'narrow-and-keyboard')
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  t.teardown(async () => await phone.close())

  const openByRefNo = async (small: Page, refNo: string): Promise<string[]> => {
    await small.locator('#nav-orders').click()
    await small.locator('#orders-search-by').selectOption('RefNo')
    await small.getByLabel('Find orders').fill(refNo)
    await small.getByRole('button', { name: 'Search orders' }).click()
    await expect(small.locator('#order-detail-title')).toHaveText(`Order ${refNo}`)
    return await small.locator('#order-actions button').allTextContents()
  }

  await t.test('at 390 px each action is offered only with its privilege', async (t) => {
    const expected: Record<string, Record<string, string[]>> = {
      agent: { [complete]: [], [po]: [], [held]: [] },
      cashier: { [complete]: [], [po]: ['Cancel order', 'Approve purchase order'], [held]: ['Cancel order'] }
    }
    for (const [username, byOrder] of Object.entries(expected)) {
      const small = await phonePage(phone, problems, app.url)
      await signIn(small, username)
      await expect(small.locator('#nav-orders')).toBeVisible()
      for (const [refNo, buttons] of Object.entries(byOrder)) t.same(await openByRefNo(small, refNo), buttons, `${username} at 390 px on ${refNo}: ${buttons.join(', ') || 'no action'} offered`)
      for (const action of ['Refund', 'Release fraud hold', 'Resend IPN']) t.equal(await small.getByRole('button', { name: action }).count(), 0, `${username} at 390 px: no ${action} button`)
      t.equal(await small.locator('#edit-customer-open').count(), username === 'agent' ? 1 : 0, `${username}: Edit customer only with MANAGE_CUSTOMERS`)
      await small.close()
    }
  })

  await t.test('at 390 px the supervisor searches the orders, opens one with its history, refunds, approves, releases, cancels, attaches, edits the customer and prints', async (t) => {
    const small = await phonePage(phone, problems, app.url)
    await signIn(small, 'super')
    await small.locator('#nav-orders').click()
    await small.locator('#orders-search-by').selectOption('CustomerEmail')
    await small.getByLabel('Find orders').fill('nora@example.com')
    await small.getByRole('button', { name: 'Search orders' }).click()
    await expect(small.locator('#orders-count')).toHaveText('1 order found, page 1 of 1.')
    t.same(await small.locator('.order-row .ref').allTextContents(), [complete], 'by the customer\'s e-mail at 390 px')
    t.same(await phoneLayoutProblems(small, '#orders-view'), [], 'the searched list fits and every control is tappable')
    await small.getByLabel('Find orders').fill('not-an-email')
    await small.getByRole('button', { name: 'Search orders' }).click()
    await expect(small.locator('.error[data-error-for="orderSearchOptions.Text"]')).toHaveText('Enter the customer\'s whole e-mail address.')
    t.same(await phoneLayoutProblems(small, '#orders-view'), [], 'the field error does not widen the page')

    // The COMPLETE order: its history, a refund with a field error beside the field first.
    await openByRefNo(small, complete)
    await expect(small.locator('#order-history')).toContainText('PAYMENT_RECEIVED')
    const refund = small.locator('#action-refund')
    await refund.getByLabel('Refund amount (USD)').fill('1000')
    await refund.getByLabel('Refund reason').fill('Damaged box')
    await refund.getByRole('button', { name: 'Refund' }).click()
    await expect(small.locator('.error[data-error-for="Amount"]')).toContainText('is left to refund')
    t.same(await phoneLayoutProblems(small, '#order-detail-view'), [], 'the detail with a field error fits at 390 px')
    small.once('dialog', (dialog) => { dialog.accept().catch(() => {}) })
    await refund.getByLabel('Refund amount (USD)').fill('1.00')
    await refund.getByRole('button', { name: 'Refund' }).click()
    await expect(small.locator('#order-refunds')).toContainText('$1.00 (partial) by super: Damaged box')
    await expect(small.locator('#order-history')).toContainText('PARTIALLY_REFUNDED')

    // Attachments at 390 px: upload, listed with who added it, opened.
    await small.locator('#attachment-upload').getByLabel('PDF file (up to 5 MB)').setInputFiles({ name: 'narrow.pdf', mimeType: 'application/pdf', buffer: PDF })
    await small.getByRole('button', { name: 'Upload' }).click()
    await expect(small.locator('#attachment-list')).toContainText('narrow.pdf')
    await expect(small.locator('#attachment-list')).toContainText('by super')
    t.same(await phoneLayoutProblems(small, '#order-detail-view'), [], 'the attachment list fits and its Open button is tappable')
    const download = small.waitForEvent('download')
    await small.getByRole('button', { name: 'Open narrow.pdf' }).tap()
    const file = await download
    t.equal(file.suggestedFilename(), 'narrow.pdf')
    t.same(await readFile(await file.path()), PDF, 'the same bytes come back')

    // Customer edit at 390 px.
    await small.getByRole('button', { name: 'Edit customer' }).tap()
    t.same(await phoneLayoutProblems(small, '#customer-edit'), [], 'the customer form fits and every field is tappable')
    await small.locator('#customer-edit').getByLabel('Phone').fill('555-0390')
    await small.getByRole('button', { name: 'Save customer' }).tap()
    await expect(small.locator('#notice')).toContainText('Customer Nora Narrow saved.')
    t.equal(ok(await app.rpc('getCustomer', { sessionID: staff, CustomerId: nora.CustomerId })).Phone, '555-0390', 'the customer is updated')

    // The printable confirmation: the Print button prints; on paper the order (RefNo, lines, total), no controls, no overflow.
    await small.evaluate(() => { window.printed = 0; window.print = () => { window.printed++ } })
    await small.getByRole('button', { name: 'Print confirmation' }).tap()
    t.equal(await small.evaluate(() => window.printed), 1, 'Print confirmation opens the print dialog')
    await small.emulateMedia({ media: 'print' })
    t.equal(await small.locator('.confirmation').isVisible(), true, 'the confirmation is printed')
    t.equal(await small.locator('#order-actions').isVisible(), false, 'no actions on paper')
    t.equal(await small.locator('#attachment-upload').isVisible(), false, 'no upload form on paper')
    t.equal(await small.locator('#workspace-nav').isVisible(), false, 'no navigation on paper')
    t.equal(await small.locator('#order-detail-print').isVisible(), false, 'no Print button on paper')
    await expect(small.locator('.confirmation')).toContainText(complete)
    t.same(await printedConfirmation(small), await confirmationOf(app, merchant, complete), 'on paper: the RefNo, each line with its price, the total')
    t.ok(Number(await small.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'the printed confirmation is no wider than the page')
    await small.emulateMedia({ media: 'screen' })

    // Approve the PO, release the fraud hold, cancel the card order: each tapped at 390 px.
    await openByRefNo(small, po)
    await small.getByRole('button', { name: 'Approve purchase order' }).tap()
    await expect(small.locator('#notice')).toContainText(`Purchase order of ${po} approved.`)
    t.equal(await status(po), 'PURCHASE_PENDING')
    await openByRefNo(small, held)
    t.same(await phoneLayoutProblems(small, '#order-detail-view'), [], 'the held order\'s detail fits and every action is tappable')
    await small.locator('#action-release-fraud').getByLabel('Review note (optional)').fill('Called the customer')
    await small.getByRole('button', { name: 'Release fraud hold' }).tap()
    await expect(small.locator('#notice')).toContainText('moves on')
    t.not(await status(held), 'PENDING', 'the held order moved on')
    await openByRefNo(small, authorised)
    await small.getByRole('button', { name: 'Cancel order' }).tap()
    await expect(small.locator('.error[data-error-for="Reason"]')).toContainText('Say why the order is cancelled')
    await small.getByLabel('Cancellation reason').fill('Customer changed their mind')
    await small.getByRole('button', { name: 'Cancel order' }).tap()
    await expect(small.locator('#order-history')).toContainText('Customer changed their mind')
    t.equal(await status(authorised), 'CANCELED')
    const cancellation = ok(await app.rpc('getOrder', { sessionID: merchant, RefNo: authorised })).Cancellation
    t.equal(await small.locator('dd[data-field="Canceled"]').textContent(), `${cancellation.At} by ${cancellation.By.Username}: Customer changed their mind`, 'the order shows who canceled it, when and why (its Cancellation)')
    await small.close()
  })

  await t.test('at 390 px the price options and the merchant\'s currencies and shipping methods, each tappable', async (t) => {
    const small = await phonePage(phone, problems, app.url)
    await signIn(small, 'agent')
    await chooseCustomer(small, 'nora@example.com', 'Nora Narrow')
    await small.getByLabel('Find a product').fill('my_subscription')
    await small.getByLabel('Find a product').press('Enter')
    await small.getByRole('button', { name: 'Add My Subscription 1 to the cart' }).tap()
    await small.getByLabel('Find a product').fill('BOOK')
    await small.getByLabel('Find a product').press('Enter')
    await small.getByRole('button', { name: 'Add Printed book to the cart' }).tap()
    await expect(small.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('1')
    const support = small.getByLabel('Support level for My Subscription 1')
    await expect(support.locator('option')).toHaveTexts(['None', 'Basic support', 'Premium support (+$20.00)'])
    await expect(small.getByLabel('Billing currency').locator('option')).toHaveTexts(['EUR (Euro)', 'GBP (British Pound)', 'USD (US Dollar)'])
    await expect(small.getByLabel('Shipping method').locator('option')).toHaveTexts(["Merchant's default (Standard shipping)", 'Standard shipping (STANDARD): $5.00', 'Express shipping (EXPRESS): $15.00'])
    await support.selectOption('PREMIUM')
    await small.getByLabel('Shipping method').selectOption('EXPRESS')
    // 99.00 + PREMIUM 20.00 + book 25.00 + EXPRESS 15.00, no US VAT.
    await expect(small.locator('#totals tr[data-total="Total"] td')).toHaveText('$159.00')
    t.same(await phoneLayoutProblems(small, '#order-view'), [], 'the cart with options, currency and shipping fits at 390 px; every control tappable')
    await small.close()
  })

  for (const width of [1280, 390]) {
    await t.test(`at ${width} px an order is placed with the keyboard alone: search, choose, add, type, pay, summary, confirm`, async (t) => {
      const context = width === 390 ? phone : page.context()
      const kb = await phonePage(context, problems, app.url)
      if (width !== 390) await kb.setViewportSize({ width, height: 900 })
      const before = await ordersNow()
      await expect(kb.getByLabel('Merchant code')).toBeFocused()
      await kb.keyboard.type('DEMO')
      await kb.keyboard.press('Tab')
      await kb.keyboard.type('agent')
      await kb.keyboard.press('Tab')
      await kb.keyboard.type(PASSWORD)
      await kb.keyboard.press('Enter')
      await expect(kb.getByLabel('Find a customer')).toBeFocused()
      await kb.keyboard.type('Nora')
      await kb.keyboard.press('Enter')
      t.ok(await tabTo(kb, 'button[aria-label="Use customer Nora Narrow"]'), 'Tab reaches Use customer')
      await kb.keyboard.press('Enter')
      await expect(kb.locator('#customer-summary h3')).toContainText('Nora Narrow')
      t.ok(await tabTo(kb, '#catalog-query') || await tabTo(kb, '#catalog-query', 120, true), 'Tab reaches Find a product')
      await kb.keyboard.type('ADDON')
      await kb.keyboard.press('Enter')
      await expect(kb.getByRole('button', { name: 'Add Add-on 1 to the cart' })).toBeVisible()
      t.ok(await tabTo(kb, 'button[aria-label="Add Add-on 1 to the cart"]'), 'Tab reaches Add to the cart')
      await kb.keyboard.press('Enter')
      await expect(kb.getByLabel('Quantity of Add-on 1', { exact: true })).toHaveValue('1')
      const fill = async (label: string, value: string): Promise<void> => {
        const id = await kb.locator('#billing-fields').getByLabel(label, { exact: true }).getAttribute('id')
        t.ok(await tabTo(kb, `#${id ?? ''}`) || await tabTo(kb, `#${id ?? ''}`, 120, true), `Tab reaches ${label}`)
        await kb.keyboard.press('ControlOrMeta+a')
        await kb.keyboard.type(value)
      }
      await fill('Address', '9 Key St')
      await fill('City', 'Albany')
      await fill('State / region', 'NY')
      await fill('ZIP / postcode', '12207')
      await fill('Country (two letters)', 'US')
      // Payment: the radio group by arrow keys, to Check.
      t.ok(await tabTo(kb, 'input[name=payment]:checked') || await tabTo(kb, 'input[name=payment]:checked', 120, true), 'Tab reaches the payment choice')
      for (let i = 0; i < 4 && await kb.evaluate(() => document.activeElement?.id) !== 'pay-check'; i++) await kb.keyboard.press('ArrowDown')
      await expect(kb.locator('#pay-check')).toBeChecked()
      t.ok(await tabTo(kb, '#place-order'), 'Tab reaches Place order…')
      await kb.keyboard.press('Enter')
      const dialog = kb.locator('#place-summary')
      await expect(dialog).toBeVisible()
      t.equal(await ordersNow(), before, 'the summary alone places nothing')
      await expect(dialog.locator('dd[data-summary="Total"]')).toHaveText('$10.00')
      await expect(dialog.locator('dd[data-summary="Payment"]')).toContainText('Check')
      if (width === 390) t.same(await phoneLayoutProblems(kb, '#place-summary'), [], 'the summary fits at 390 px; its buttons are tappable')
      t.ok(await tabTo(kb, '#place-confirm', 10), 'Tab reaches the confirmation inside the summary')
      await kb.keyboard.press('Enter')
      await expect(kb.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
      t.equal(await ordersNow(), before + 1, 'one order, placed by keyboard')
      const refNo = (await kb.locator('dd[data-field="Order reference (RefNo)"]').textContent()) ?? ''
      t.match(ok(await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })), { Status: 'PENDING', PaymentDetails: { Type: 'CHECK' }, BillingDetails: { Address1: '9 Key St', City: 'Albany', State: 'NY' } })
      await kb.close()
    })
  }

  await t.test('at 390 px the session warning shows in the width and its button is tappable; a reload keeps the order in progress', async (t) => {
    const small = await phone.newPage()
    small.on('pageerror', (error) => { problems.push(error.message) })
    await small.clock.install()
    await small.goto(`${app.url}/console`)
    await signIn(small, 'agent')
    await expect(small.locator('#who-text')).toContainText('(agent @ DEMO)')
    await chooseCustomer(small, 'nora@example.com', 'Nora Narrow')
    await small.getByLabel('Find a product').fill('BOOK')
    await small.getByLabel('Find a product').press('Enter')
    await small.getByLabel('Quantity of Printed book to add').fill('2')
    await small.getByRole('button', { name: 'Add Printed book to the cart' }).tap()
    await small.locator('#billing-fields').getByLabel('City').fill('Troy')
    await small.waitForFunction(() => (sessionStorage.getItem('ordergate-console-order') ?? '').includes('Troy'))
    await small.reload()
    await signIn(small, 'agent')
    await expect(small.locator('#notice')).toContainText('The order in progress was restored.')
    await expect(small.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('2')
    await expect(small.locator('#billing-fields').getByLabel('City')).toHaveValue('Troy')
    await expect(small.locator('#customer-summary')).toContainText('nora@example.com')

    const warning = small.locator('#session-warning')
    t.equal(await warning.isVisible(), false, 'no warning just after signing in')
    await small.clock.fastForward('08:10')
    await expect(warning).toBeVisible()
    await expect(small.locator('#session-warning-text')).toContainText('Your session ends in 1 min')
    t.same(await phoneLayoutProblems(small, '#session-warning'), [], 'the warning fits at 390 px; Sign in again now is tappable')
    await small.clock.fastForward('02:00')
    await expect(small.locator('#notice')).toContainText('Your session expired')
    await signIn(small, 'agent')
    await expect(small.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('2')
    await small.close()
  })

  // The page itself (the document of GET /console), its three style sheets and its script, from the real server.
  const SERVED = ['/console', '/console/console.css', '/console/orders.css', '/console/drafts.css', '/console/app/main.js']

  await t.test('the browser gets the page, its styles and its script compressed with an ETag, and a reload revalidates each (304, no body sent again)', async (t) => {
    const fresh = await browser.newContext()
    t.teardown(async () => await fresh.close())
    const tab = await fresh.newPage()
    const firsts = new Map<string, Response>()
    const statuses = new Map<string, number[]>()
    const asked = new Map<string, Array<Promise<string | null>>>()
    let reloading = false
    tab.on('response', (response) => {
      const path = new URL(response.url()).pathname
      if (!SERVED.includes(path)) return
      if (!reloading && !firsts.has(path)) firsts.set(path, response)
      if (!reloading) return
      statuses.set(path, [...(statuses.get(path) ?? []), response.status()])
      asked.set(path, [...(asked.get(path) ?? []), response.request().headerValue('if-none-match')])
    })
    await tab.goto(`${app.url}/console`)
    await expect(tab.getByLabel('Merchant code')).toBeVisible()
    // The document's sizes are its navigation entry's; the others', their resource entries'.
    const sizes = async (): Promise<Record<string, { transfer: number, encoded: number, decoded: number }>> => await tab.evaluate((served: string[]) => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      return Object.fromEntries(served.map((path) => {
        const entry = entries.find((e: any) => new URL(e.name).pathname === path)
        return [path, { transfer: entry?.transferSize ?? -1, encoded: entry?.encodedBodySize ?? -1, decoded: entry?.decodedBodySize ?? -1 }]
      }))
    }, SERVED)
    const loaded = await sizes()
    for (const path of SERVED) {
      const headers = firsts.get(path)?.headers() ?? {}
      t.equal(firsts.get(path)?.status(), 200, `${path} served`)
      t.match(headers['content-encoding'], /^(br|gzip)$/, `${path} sent compressed (${headers['content-encoding'] ?? 'identity'})`)
      t.match(headers.etag, /^"[^"]+"$/, `${path} with a strong ETag`)
      t.equal(headers['cache-control'], 'no-cache', `${path} revalidated on every use`)
      const size = loaded[path]
      t.ok(size !== undefined && size.encoded > 0 && size.encoded < size.decoded, `${path}: fewer bytes on the wire than in the file (${size?.encoded ?? 0} < ${size?.decoded ?? 0})`)
    }
    reloading = true
    await tab.reload()
    await expect(tab.getByLabel('Merchant code')).toBeVisible()
    const again = await sizes()
    for (const path of SERVED) {
      const etag = firsts.get(path)?.headers().etag
      t.same(await Promise.all(asked.get(path) ?? []), [etag], `${path}: the reload asked with the ETag (If-None-Match)`)
      if (path === '/console') {
        // Chrome shows a revalidated navigation to its tools as the cached 200; the server's answer
        // to the same request is a 304, and the navigation's transfer below is headers only.
        const answer = await fetch(`${app.url}${path}`, { headers: { 'accept-encoding': 'br, gzip', 'if-none-match': etag ?? '' } })
        t.equal(answer.status, 304, `${path}: the same request gets 304 Not Modified from the server`)
        t.equal((await answer.arrayBuffer()).byteLength, 0, `${path}: and no body`)
      } else {
        t.same(statuses.get(path), [304], `${path}: the reload asked with the ETag and got 304 Not Modified`)
      }
      const size = again[path]
      t.ok(size !== undefined && size.transfer > 0 && size.transfer < (loaded[path]?.encoded ?? 0), `${path}: the reload moved headers only (${size?.transfer ?? 0} bytes, against ${loaded[path]?.encoded ?? 0} for the body)`)
    }
  })

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
