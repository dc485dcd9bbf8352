import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { ROOT } from '../../helpers/process.js'
import { confirmationOf, expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, printedConfirmation, signIn, startConsoleServer, tabTo } from '../../helpers/console.js'

// Issue 19 item 6, the order-management side of the console: the order list and its search, an
// order opened with its history, the actions on it offered exactly to the users whose
// privileges allow them (and taken), customer edit, attachments, the printable confirmation; at
// 1280 px and at 390 px, by keyboard. Screenshots for the README with UPDATE_SCREENSHOTS=true.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const document: any, window: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const ACTIONS = ['Cancel order', 'Refund', 'Approve purchase order', 'Release fraud hold', 'Resend IPN'] as const
const YEAR = String(new Date().getUTCFullYear() + 2)
const billing = (email: string, company?: string) => ({ FirstName: 'Olga', LastName: 'Order', Email: email, Address1: '5 Elm St', City: 'Austin', State: 'TX', Zip: '73301', CountryCode: 'US', ...(company !== undefined ? { Company: company } : {}) })
const card = { Type: 'CC', Currency: 'USD', PaymentMethod: { CardNumber: '4111111111111111', CardType: 'visa', ExpirationYear: YEAR, ExpirationMonth: '12', HolderName: 'Olga Order', CCID: '123', Vendor3DSReturnURL: 'https://merchant.example/ok', Vendor3DSCancelURL: 'https://merchant.example/cancel' } }

/** Opens an order by its RefNo from the Orders screen; answers the action buttons offered. */
async function openByRefNo (page: Page, refNo: string): Promise<string[]> {
  await page.locator('#nav-orders').click()
  await page.locator('#orders-search-by').selectOption('RefNo')
  await page.getByLabel('Find orders').fill(refNo)
  await page.getByRole('button', { name: 'Search orders' }).click()
  await expect(page.locator('#order-detail-title')).toHaveText(`Order ${refNo}`)
  return await page.locator('#order-actions button').allTextContents()
}

t.test('the console\'s order management: list, search, detail, history, actions by privilege, customer, attachments, print', { skip: skip ?? false, timeout: 400_000 }, async (t) => {
  const started = Date.now()
  const app = await startConsoleServer(t)
  const merchant = await app.merchantSession()
  // Every action privilege held by one of cashier / reviewer and not by the other, none by the agent, all by super.
  await Promise.all([
    app.createUser('super', ['SUPERVISOR']),
    app.createUser('agent', ['AGENT']),
    app.createUser('cashier', ['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS', 'RECORD_PAYMENTS']),
    app.createUser('reviewer', ['PLACE_ORDERS_ON_BEHALF', 'REFUND_ORDERS', 'APPROVE_FRAUD', 'RESEND_NOTIFICATIONS']),
    // Reviewers holding only some of the reviewer's action privileges.
    app.createUser('refunder', ['PLACE_ORDERS_ON_BEHALF', 'REFUND_ORDERS', 'RESEND_NOTIFICATIONS']),
    app.createUser('releaser', ['PLACE_ORDERS_ON_BEHALF', 'APPROVE_FRAUD'])
  ])
  t.comment(`set up in ${Date.now() - started} ms`)
  const ok = (reply: { result?: any, error?: unknown }): any => { if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error)); return reply.result }
  ok(await app.rpc('setIpnSettings', { sessionID: merchant, IpnSettings: { Urls: ['https://ipn.example/ipn'] } }))
  const place = async (order: Record<string, unknown>): Promise<string> => ok(await app.rpc('placeOrder', { sessionID: merchant, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], ...order } })).RefNo
  const authorised = await place({ BillingDetails: billing('olga@example.com'), PaymentDetails: card })
  const complete = await place({ BillingDetails: billing('olga@example.com'), PaymentDetails: { Type: 'CHECK', Currency: 'USD' } })
  ok(await app.rpc('markOrderPaid', { sessionID: merchant, RefNo: complete }))
  const po = await place({ BillingDetails: billing('buyer@example.com', 'Buyer Co'), PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-77', AutoApprove: false } } })
  // An assisted order of a customer flagged for review: held (PENDING, FraudReview OPEN).
  const staff = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'super', password: PASSWORD })) as string
  const flagged = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Fred', LastName: 'Flagged', Email: 'fred@example.com', FraudReview: true } }))
  const held = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], BillingDetails: { ...billing('fred@example.com'), FirstName: 'Fred', LastName: 'Flagged' }, PaymentDetails: card }, Assisted: { CustomerId: flagged.CustomerId, IdempotencyKey: 'held-1' } }))
  t.match(held, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } }, 'the flagged customer\'s order is held')
  const status = async (refNo: string): Promise<string> => ok(await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })).Status

  const { browser, page, problems, shot } = await openConsole(t, app.url, 'order-management')
  const screenshots = process.env.UPDATE_SCREENSHOTS === 'true'

  const expected: Record<string, Record<string, string[]>> = {
    agent: { [authorised]: [], [complete]: [], [po]: [], [held.RefNo]: [] },
    cashier: { [authorised]: ['Cancel order'], [complete]: [], [po]: ['Cancel order', 'Approve purchase order'], [held.RefNo]: ['Cancel order'] },
    reviewer: { [authorised]: ['Resend IPN'], [complete]: ['Refund', 'Resend IPN'], [po]: ['Resend IPN'], [held.RefNo]: ['Release fraud hold', 'Resend IPN'] },
    refunder: { [authorised]: ['Resend IPN'], [complete]: ['Refund', 'Resend IPN'], [po]: ['Resend IPN'], [held.RefNo]: ['Resend IPN'] },
    releaser: { [authorised]: [], [complete]: [], [po]: [], [held.RefNo]: ['Release fraud hold'] },
    // Last: the 1280-px page stays signed in as super for the tests after this one.
    super: { [authorised]: ['Cancel order', 'Resend IPN'], [complete]: ['Refund', 'Resend IPN'], [po]: ['Cancel order', 'Approve purchase order', 'Resend IPN'], [held.RefNo]: ['Cancel order', 'Release fraud hold', 'Resend IPN'] }
  }
  for (const width of [1280, 390]) {
    await t.test(`at ${width} px each action is offered only to a user holding its privilege, and only where the order allows it`, async (t) => {
      for (const [username, byOrder] of Object.entries(expected)) {
        // At 390 px a phone of its own per user (openPage); at 1280 px the page the tests after this one use.
        const at = width === 1280 ? page : await openPage(t, browser, `${app.url}/console`, problems, { width })
        if (width === 1280) await page.goto(`${app.url}/console`)
        await signIn(at, username)
        await expect(at.getByText(`${username} @ DEMO`)).toBeVisible()
        await expect(at.locator('#nav-orders')).toBeVisible()
        for (const [refNo, buttons] of Object.entries(byOrder)) {
          t.same(await openByRefNo(at, refNo), buttons, `${username} at ${width} px on ${refNo}: ${buttons.join(', ') || 'no action'} offered`)
        }
        if (username === 'agent') await expect(at.locator('#no-actions')).toContainText('No action on this order is open to you')
        t.equal(await at.locator('#edit-customer-open').count(), username === 'agent' || username === 'super' ? 1 : 0, `${username} at ${width} px: Edit customer only with MANAGE_CUSTOMERS`)
        for (const action of ACTIONS) if (!Object.values(byOrder).some((b) => b.includes(action))) t.equal(await at.getByRole('button', { name: action }).count(), 0, `${username} at ${width} px: no ${action} button anywhere`)
        if (width !== 1280) await at.context().close()
      }
    })
  }

  await t.test('the supervisor lists and searches orders, opens one with its history, and acts on it', async (t) => {
    // Signed in as super (the last of the loop above).
    await page.locator('#nav-orders').click()
    await page.locator('#orders-search-by').selectOption('CustomerEmail')
    await page.getByLabel('Find orders').fill('')
    await page.getByRole('button', { name: 'Search orders' }).click()
    await expect(page.locator('#orders-count')).toHaveText('4 orders found, page 1 of 1.')
    t.same(await page.locator('.order-row .ref').allTextContents(), [held.RefNo, po, complete, authorised], 'every order, newest first')
    if (screenshots) await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'console-order-list.png'), fullPage: true })
    await shot('01-list')
    await page.getByLabel('Find orders').fill('buyer@example.com')
    await page.getByRole('button', { name: 'Search orders' }).click()
    await expect(page.locator('#orders-count')).toHaveText('1 order found, page 1 of 1.')
    t.same(await page.locator('.order-row .ref').allTextContents(), [po], 'by the customer\'s e-mail')
    await page.getByLabel('Find orders').fill('not-an-email')
    await page.getByRole('button', { name: 'Search orders' }).click()
    await expect(page.locator('.error[data-error-for="orderSearchOptions.Text"]')).toHaveText('Enter the customer\'s whole e-mail address.')

    // Refund part of the COMPLETE order: a field error in the agent's words first, then the refund in the history.
    await openByRefNo(page, complete)
    await expect(page.locator('#order-history')).toContainText('PAYMENT_RECEIVED')
    const refund = page.locator('#action-refund')
    await refund.getByLabel('Refund amount (USD)').fill('1000')
    await refund.getByLabel('Refund reason').fill('Damaged box')
    await refund.getByRole('button', { name: 'Refund' }).click()
    await expect(page.locator('.error[data-error-for="Amount"]')).toContainText('is left to refund')
    page.once('dialog', (dialog) => { dialog.accept().catch(() => {}) })
    await refund.getByLabel('Refund amount (USD)').fill('1.00')
    await refund.getByRole('button', { name: 'Refund' }).click()
    await expect(page.locator('#order-refunds')).toContainText('$1.00 (partial) by super: Damaged box')
    await expect(page.locator('#order-history')).toContainText('PARTIALLY_REFUNDED')
    t.equal(await status(complete), 'COMPLETE', 'a partial refund keeps it COMPLETE')
    await page.getByRole('button', { name: 'Resend IPN' }).click()
    await expect(page.locator('#notice')).toContainText('IPN queued again to https://ipn.example/ipn')

    // Attachments: upload, listed with who added it, opened (downloaded as the PDF).
    await page.locator('#attachment-upload').getByLabel('PDF file (up to 5 MB)').setInputFiles({ name: 'proof.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.getByRole('button', { name: 'Upload' }).click()
    await expect(page.locator('#attachment-list')).toContainText('proof.pdf')
    await expect(page.locator('#attachment-list')).toContainText('by super')
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Open proof.pdf' }).click()
    const file = await download
    t.equal(file.suggestedFilename(), 'proof.pdf')
    t.same(await readFile(await file.path()), PDF, 'the same bytes come back')

    // The printable confirmation: the Print button prints; on paper the order (RefNo, lines,
    // total), no controls, no overflow.
    await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed++ } })
    await page.getByRole('button', { name: 'Print confirmation' }).click()
    t.equal(await page.evaluate(() => window.printed), 1, 'Print confirmation opens the print dialog')
    await page.emulateMedia({ media: 'print' })
    t.equal(await page.locator('.confirmation').isVisible(), true, 'the confirmation is printed')
    t.equal(await page.locator('#order-actions').isVisible(), false, 'no actions on paper')
    t.equal(await page.locator('#attachment-upload').isVisible(), false, 'no upload form on paper')
    t.equal(await page.locator('#workspace-nav').isVisible(), false, 'no navigation on paper')
    t.equal(await page.locator('#order-detail-print').isVisible(), false, 'no Print button on paper')
    t.equal(await page.locator('#order-detail-back').isVisible(), false, 'no Back button on paper')
    t.same(await printedConfirmation(page), await confirmationOf(app, merchant, complete), 'on paper: the RefNo, each line with its price, the total')
    t.ok(Number(await page.evaluate(() => document.documentElement.scrollWidth)) <= 1280, 'the printed confirmation is no wider than the page')
    await page.emulateMedia({ media: 'screen' })

    // Approve the PO, release the fraud hold, cancel the card order.
    await openByRefNo(page, po)
    await page.getByRole('button', { name: 'Approve purchase order' }).click()
    await expect(page.locator('#notice')).toContainText(`Purchase order of ${po} approved.`)
    t.equal(await status(po), 'PURCHASE_PENDING')
    await openByRefNo(page, held.RefNo)
    if (screenshots) await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'console-order-detail.png'), fullPage: true })
    await shot('02-detail')
    await page.locator('#action-release-fraud').getByLabel('Review note (optional)').fill('Called the customer')
    await page.getByRole('button', { name: 'Release fraud hold' }).click()
    await expect(page.locator('#notice')).toContainText('moves on')
    t.not(await status(held.RefNo), 'PENDING', 'the held order moved on')
    await openByRefNo(page, authorised)
    await page.getByRole('button', { name: 'Cancel order' }).click()
    await expect(page.locator('.error[data-error-for="Reason"]')).toContainText('Say why the order is cancelled')
    await page.getByLabel('Cancellation reason').fill('Customer changed their mind')
    await page.getByRole('button', { name: 'Cancel order' }).click()
    await expect(page.locator('#order-history')).toContainText('Customer changed their mind')
    t.equal(await status(authorised), 'CANCELED')
    const cancellation = ok(await app.rpc('getOrder', { sessionID: merchant, RefNo: authorised })).Cancellation
    t.equal(await page.locator('dd[data-field="Canceled"]').textContent(), `${cancellation.At} by ${cancellation.By.Username}: Customer changed their mind`, 'the order shows who canceled it, when and why (its Cancellation)')
    t.same(await page.locator('#order-actions button').allTextContents(), ['Resend IPN'], 'a cancelled order offers no cancel')

    // Customer edit on the assisted order.
    await openByRefNo(page, held.RefNo)
    await page.getByRole('button', { name: 'Edit customer' }).click()
    await page.locator('#customer-edit').getByLabel('Phone').fill('555-0199')
    await page.getByRole('button', { name: 'Save customer' }).click()
    await expect(page.locator('#notice')).toContainText('Customer Fred Flagged saved.')
    t.equal(ok(await app.rpc('getCustomer', { sessionID: staff, CustomerId: flagged.CustomerId })).Phone, '555-0199', 'the customer is updated')
  })

  await t.test('at 390 px, by keyboard: no horizontal scroll, every control at least 44 px, the order opened with Enter and an action run with Tab and Enter', async (t) => {
    const small = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { username: 'super' })
    await expect(small.locator('#nav-orders')).toBeVisible()
    await small.locator('#nav-orders').focus()
    await small.keyboard.press('Enter')
    await expect(small.getByLabel('Find orders')).toBeFocused()
    await small.keyboard.press('Enter')
    await expect(small.locator('#orders-count')).toContainText('4 orders found')
    // The README's phone screenshots: a search by e-mail, then every order again for the rest.
    await small.getByLabel('Find orders').fill('olga@example.com')
    await small.keyboard.press('Enter')
    await expect(small.locator('#orders-count')).toHaveText('2 orders found, page 1 of 1.')
    if (screenshots) await small.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'console-order-list-mobile.png'), fullPage: true })
    await small.getByLabel('Find orders').fill('')
    await small.keyboard.press('Enter')
    await expect(small.locator('#orders-count')).toHaveText('4 orders found, page 1 of 1.')
    const fits = async (label: string): Promise<void> => {
      const width = Number(await small.evaluate('document.documentElement.scrollWidth'))
      t.ok(width <= 390, `${label}: no horizontal scroll (${width} px)`)
      const tooSmall = await small.evaluate(`[...document.querySelectorAll('#workspace-nav button, #orders-view button, #orders-view input, #orders-view select, #order-detail-view button, #order-detail-view input:not([type=file])')]
        .filter((el) => el.offsetParent !== null).map((el) => [el.textContent || el.id, el.getBoundingClientRect()]).filter(([, r]) => r.height < 44 || r.right > 390 || r.left < 0).map(([n, r]) => n + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))`)
      t.same(tooSmall, [], `${label}: every control is tappable (at least 44 px high, on screen)`)
    }
    await fits('the order list')
    // Tab to the first order and open it with Enter.
    for (let i = 0; i < 12; i++) {
      await small.keyboard.press('Tab')
      if (await small.evaluate('document.activeElement?.classList.contains(\'order-row\')') === true) break
    }
    await small.keyboard.press('Enter')
    await expect(small.locator('#order-detail-title')).toHaveText(`Order ${held.RefNo}`)
    await expect(small.locator('#order-detail-view')).toBeFocused()
    await fits('the order detail')
    t.ok(Number(await small.evaluate('document.documentElement.scrollWidth')) <= Number(await small.evaluate('window.innerWidth')), 'scrollWidth <= innerWidth')
    await small.screenshot({ path: join(ROOT, 'artifacts', 'console', 'order-management-03-detail-390.png'), fullPage: true })
    if (screenshots) await small.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'console-order-detail-mobile.png'), fullPage: true })
    // An action by keyboard only: Tab to Resend IPN, Enter runs it.
    let reached = false
    for (let i = 0; i < 60 && !reached; i++) {
      await small.keyboard.press('Tab')
      reached = await small.evaluate('document.activeElement?.textContent === \'Resend IPN\'') === true
    }
    t.ok(reached, 'Resend IPN is reached with Tab')
    await small.keyboard.press('Enter')
    await expect(small.locator('#notice')).toContainText('IPN queued again to https://ipn.example/ipn')
  })

  for (const width of [1280, 390]) {
    await t.test(`at ${width} px by keyboard alone (Tab, Shift+Tab, Enter, Space): a refund with its amount and reason, a cancellation with its reason, the customer edited, a PDF attached`, async (t) => {
      const kb = await openPage(t, browser, `${app.url}/console`, problems, { width })
      // Playwright turns on its interception of file choosers when the first listener is added,
      // without waiting: one added by waitForEvent just before the key press can miss the chooser.
      kb.on('filechooser', () => {})
      // Any pointer (mouse or touch) on the page is counted: this test must not need one.
      await kb.evaluate(() => { window.pointers = 0; document.addEventListener('pointerdown', () => { window.pointers++ }, true) })
      const keira = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Keira', LastName: `Keys${width}`, Email: `keira-${width}@example.com` } }))
      const paid = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1' }], BillingDetails: { ...billing(`keira-${width}@example.com`), FirstName: 'Keira', LastName: `Keys${width}` }, PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }, Assisted: { CustomerId: keira.CustomerId, IdempotencyKey: `keys-${width}` } })).RefNo as string
      ok(await app.rpc('markOrderPaid', { sessionID: merchant, RefNo: paid }))
      const pending = await place({ BillingDetails: billing(`kim-${width}@example.com`), PaymentDetails: card })

      await expect(kb.getByLabel('Merchant code')).toBeFocused()
      await kb.keyboard.type('DEMO')
      await kb.keyboard.press('Tab')
      await kb.keyboard.type('super')
      await kb.keyboard.press('Tab')
      await kb.keyboard.type(PASSWORD)
      await kb.keyboard.press('Enter')
      await expect(kb.getByLabel('Find a customer')).toBeFocused()
      const open = async (email: string, refNo: string): Promise<void> => {
        t.ok(await tabTo(kb, '#nav-orders', 60, true), 'Shift+Tab reaches Orders')
        await kb.keyboard.press('Enter')
        await expect(kb.getByLabel('Find orders')).toBeFocused()
        await kb.keyboard.press('ControlOrMeta+a')
        await kb.keyboard.type(email)
        await kb.keyboard.press('Enter')
        await expect(kb.locator('#orders-count')).toHaveText('1 order found, page 1 of 1.')
        t.ok(await tabTo(kb, `.order-row[data-refno="${refNo}"]`, 20), `Tab reaches order ${refNo} in the list`)
        await kb.keyboard.press('Enter')
        await expect(kb.locator('#order-detail-title')).toHaveText(`Order ${refNo}`)
        await expect(kb.locator('#order-detail-view')).toBeFocused()
      }

      // A partial refund: the amount typed over the one offered, the reason, Space on Refund, the confirmation accepted.
      await open(`keira-${width}@example.com`, paid)
      t.ok(await tabTo(kb, '#action-refund input[data-path="Amount"]'), 'Tab reaches the refund amount')
      await kb.keyboard.press('ControlOrMeta+a')
      await kb.keyboard.type('2.50')
      t.ok(await tabTo(kb, '#action-refund input[data-path="Reason"]', 3), 'Tab reaches the refund reason')
      await kb.keyboard.type('Keyboard refund')
      t.ok(await tabTo(kb, '#action-refund button[type=submit]', 3), 'Tab reaches Refund')
      kb.once('dialog', (dialog) => { dialog.accept().catch(() => {}) })
      await kb.keyboard.press('Space')
      await expect(kb.locator('#order-refunds')).toContainText('$2.50 (partial) by super: Keyboard refund')
      t.match(ok(await app.rpc('getOrderHistory', { sessionID: staff, RefNo: paid })).Refunds, [{ Amount: 2.5, Kind: 'PARTIAL', Reason: 'Keyboard refund', Actor: { Type: 'USER', Username: 'super' } }], 'the refund is recorded with its amount and reason')
      t.equal(ok(await app.rpc('getOrderHistory', { sessionID: staff, RefNo: paid })).Refunds.length, 1, 'one refund')
      t.equal(await status(paid), 'COMPLETE', 'a partial refund keeps it COMPLETE')

      // The customer: Edit customer with Enter, the phone typed, Save customer with Enter.
      t.ok(await tabTo(kb, '#edit-customer-open'), 'Tab reaches Edit customer')
      await kb.keyboard.press('Enter')
      await expect(kb.locator('#customer-edit').getByLabel('First name')).toBeFocused()
      t.ok(await tabTo(kb, '#customer-edit input[data-path="Customer.Phone"]', 6), 'Tab reaches Phone')
      await kb.keyboard.type(`555-${width}`)
      t.ok(await tabTo(kb, '#customer-edit button[type=submit]', 4), 'Tab reaches Save customer')
      await kb.keyboard.press('Enter')
      await expect(kb.locator('#notice')).toContainText(`Customer Keira Keys${width} saved.`)
      t.match(ok(await app.rpc('getCustomer', { sessionID: staff, CustomerId: keira.CustomerId })), { Phone: `555-${width}`, FirstName: 'Keira', Email: `keira-${width}@example.com` }, 'the customer is updated')
      await expect(kb.locator('#edit-customer-open')).toBeFocused()

      // A PDF: Space on the file field opens the file chooser, Enter on Upload sends it.
      t.ok(await tabTo(kb, '#attachment-upload input[type=file]'), 'Tab reaches the PDF file field')
      const chooser = kb.waitForEvent('filechooser')
      await kb.keyboard.press('Space')
      await (await chooser).setFiles({ name: `keys-${width}.pdf`, mimeType: 'application/pdf', buffer: PDF })
      t.ok(await tabTo(kb, '#attachment-upload button[type=submit]', 3), 'Tab reaches Upload')
      await kb.keyboard.press('Enter')
      await expect(kb.locator('#attachment-list')).toContainText(`keys-${width}.pdf`)
      const attachments = ok(await app.rpc('listOrderAttachments', { sessionID: staff, RefNo: paid }))
      t.match(attachments, [{ FileName: `keys-${width}.pdf`, Size: PDF.length, AddedBy: { Username: 'super' } }], 'the order has the PDF, added by super')
      t.equal(attachments.length, 1, 'one attachment')
      t.equal(ok(await app.rpc('getOrderAttachment', { sessionID: staff, RefNo: paid, AttachmentId: attachments[0]?.AttachmentId })).Content, PDF.toString('base64'), 'the same bytes')

      // A cancellation: the reason typed, Enter on Cancel order.
      await open(`kim-${width}@example.com`, pending)
      t.ok(await tabTo(kb, '#action-cancel input[data-path="Reason"]'), 'Tab reaches the cancellation reason')
      await kb.keyboard.type('Cancelled by keyboard')
      t.ok(await tabTo(kb, '#action-cancel button[type=submit]', 3), 'Tab reaches Cancel order')
      await kb.keyboard.press('Enter')
      await expect(kb.locator('#order-history')).toContainText('Cancelled by keyboard')
      t.equal(await status(pending), 'CANCELED', 'the order is cancelled')
      t.match(ok(await app.rpc('getOrderHistory', { sessionID: staff, RefNo: pending })).Events.at(-1), { Status: 'CANCELED', Reason: 'Cancelled by keyboard', Actor: { Username: 'super' } }, 'with the reason and who')

      t.equal(await kb.evaluate(() => window.pointers), 0, 'no pointer was used')
      if (width === 390) t.same(await phoneLayoutProblems(kb, '#order-detail-view'), [], 'the cancelled order fits at 390 px')
    })
  }

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})

// The console asks for 20 orders a page (workspace.ts PAGE_SIZE).
const PAGE = 20

t.test('the order list\'s Status and Placed since filters, its customer id, customer reference and product code searches and Next page, at 1280 and 390 px', { skip: skip ?? false, timeout: 300_000 }, async (t) => {
  const app = await startConsoleServer(t)
  const merchant = await app.merchantSession()
  await app.createUser('super', ['SUPERVISOR'])
  const ok = (reply: { result?: any, error?: unknown }): any => { if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error)); return reply.result }
  const staff = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'super', password: PASSWORD })) as string
  const check = (n: number): Record<string, unknown> => ({ Currency: 'USD', BillingDetails: billing(`list-${n}@example.com`), PaymentDetails: { Type: 'CHECK', Currency: 'USD' } })
  let n = 0
  const place = async (items = [{ Code: 'ADDON-1' }]): Promise<string> => ok(await app.rpc('placeOrder', { sessionID: merchant, Order: { ...check(++n), Items: items } })).RefNo
  const ann = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Ann', LastName: 'Account', Email: 'ann@example.com' } }))
  const rita = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Rita', LastName: 'Reference', Email: 'rita@example.com', CustomerReference: 770001 } }))
  const assisted = async (customer: any): Promise<string> => ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { ...check(++n), Items: [{ Code: 'ADDON-1' }] }, Assisted: { CustomerId: customer.CustomerId, IdempotencyKey: `list-${n}` } })).RefNo
  // One at a time, so each is newer than the one before.
  const bulk: string[] = []
  for (let i = 0; i < 18; i++) bulk.push(await place())
  const annOrders = [await assisted(ann), await assisted(ann), await assisted(ann)]
  const ritaOrders = [await assisted(rita), await assisted(rita)]
  const subscriptions = [await place([{ Code: 'my_subscription_1' }]), await place([{ Code: 'my_subscription_1' }, { Code: 'ADDON-1' }])]
  const paid = bulk.slice(0, 3)
  for (const refNo of paid) ok(await app.rpc('markOrderPaid', { sessionID: merchant, RefNo: refNo }))
  const canceled = bulk.slice(3, 5)
  for (const refNo of canceled) ok(await app.rpc('cancelOrder', { sessionID: staff, RefNo: refNo, Reason: 'Listed as cancelled' }))
  // Placed 10 days ago (outside the default last 7 days) and 3 days ago.
  const old = bulk.slice(5, 7)
  const lastWeek = bulk.slice(7, 9)
  await app.query('update orders set order_date = now() - interval \'10 days\' where ref_no = any($1::bigint[])', [old])
  await app.query('update orders set order_date = now() - interval \'3 days\' where ref_no = any($1::bigint[])', [lastWeek])
  const all = [...bulk, ...annOrders, ...ritaOrders, ...subscriptions]
  const recent = all.filter((r) => !old.includes(r))
  t.equal(recent.length, 23, 'more orders of the last 7 days than one page holds')
  // The console lists newest first: the RefNos in the order the database has them.
  const newestFirst = async (refNos: string[]): Promise<string[]> =>
    (await app.query('select ref_no::text as r from orders where ref_no = any($1::bigint[]) order by order_date desc, id desc', [refNos])).map((row) => row.r as string)
  const day = (daysAgo: number): string => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)

  const { browser, problems } = await openConsole(t, app.url, 'order-list')
  for (const width of [1280, 390]) {
    await t.test(`at ${width} px each filter and search lists exactly its orders, and Next page the rest`, async (t) => {
      const page = await openPage(t, browser, `${app.url}/console`, problems, { width, username: 'super' })
      const press = async (name: string): Promise<void> => { const button = page.getByRole('button', { name, exact: true }); await (width === 390 ? button.tap() : button.click()) }
      await expect(page.locator('#nav-orders')).toBeVisible()
      await press('Orders')
      /** Sets the search form and searches; answers after the list shows exactly `expected`, newest first (page 1). */
      const search = async (label: string, form: { by?: string, text?: string, status?: string, since?: string }, expected: string[]): Promise<void> => {
        await page.locator('#orders-search-by').selectOption(form.by ?? 'CustomerEmail')
        await page.getByLabel('Find orders').fill(form.text ?? '')
        await page.getByLabel('Status', { exact: true }).selectOption(form.status ?? '')
        await page.getByLabel('Placed since').fill(form.since ?? '')
        await press('Search orders')
        const ordered = await newestFirst(expected)
        t.equal(ordered.length, expected.length, `${label}: each expected order exists`)
        if (expected.length === 0) {
          await expect(page.locator('#orders-results')).toContainText('No order matches.')
          t.equal(await page.locator('.order-row').count(), 0, `${label} at ${width} px: no order`)
          return
        }
        await expect(page.locator('#orders-count')).toHaveText(`${expected.length} order${expected.length === 1 ? '' : 's'} found, page 1 of ${Math.max(1, Math.ceil(expected.length / PAGE))}.`)
        await expect(page.locator('.order-row .ref')).toHaveTexts(ordered.slice(0, PAGE))
        t.pass(`${label} at ${width} px: exactly ${ordered.slice(0, PAGE).join(', ')}`)
      }

      // Every order of the last 7 days: 20 on page 1, the other 3 on page 2, none twice.
      await search('no filter', {}, recent)
      const first = await page.locator('.order-row .ref').allTextContents()
      t.equal(await page.getByRole('button', { name: 'Previous page' }).count(), 0, 'no Previous page on page 1')
      await press('Next page')
      await expect(page.locator('#orders-count')).toHaveText('23 orders found, page 2 of 2.')
      const second = await newestFirst(recent)
      await expect(page.locator('.order-row .ref')).toHaveTexts(second.slice(PAGE))
      const next = await page.locator('.order-row .ref').allTextContents()
      t.same([...first, ...next].sort(), [...recent].sort(), 'the two pages hold every order of the last 7 days, none twice')
      t.equal(new Set([...first, ...next]).size, first.length + next.length, 'no order on both pages')
      t.equal(await page.getByRole('button', { name: 'Next page' }).count(), 0, 'no Next page on the last page')
      if (width === 390) t.same(await phoneLayoutProblems(page, '#orders-view'), [], 'page 2 fits at 390 px; Previous page is tappable')
      await press('Previous page')
      await expect(page.locator('#orders-count')).toHaveText('23 orders found, page 1 of 2.')
      await expect(page.locator('.order-row .ref')).toHaveTexts(first)
      // By keyboard: Enter on Next page, then on Previous page; each leaves the focus on the first order of the page it shows.
      t.ok(await tabTo(page, '#orders-next', 60), 'Tab reaches Next page')
      await page.keyboard.press('Enter')
      await expect(page.locator('#orders-count')).toHaveText('23 orders found, page 2 of 2.')
      await expect(page.locator(`.order-row[data-refno="${second[PAGE] ?? ''}"]`)).toBeFocused()
      t.ok(await tabTo(page, '#orders-prev', 10), 'Tab reaches Previous page')
      await page.keyboard.press('Enter')
      await expect(page.locator('#orders-count')).toHaveText('23 orders found, page 1 of 2.')
      await expect(page.locator(`.order-row[data-refno="${first[0] ?? ''}"]`)).toBeFocused()

      await search('Status COMPLETE', { status: 'COMPLETE' }, paid)
      await search('Status CANCELED', { status: 'CANCELED' }, canceled)
      await search('Status PENDING, placed since 2 days ago', { status: 'PENDING', since: day(2) }, recent.filter((r) => !paid.includes(r) && !canceled.includes(r) && !lastWeek.includes(r)))
      await search('placed since 12 days ago', { since: day(12) }, all)
      await search('placed since 2 days ago', { since: day(2) }, recent.filter((r) => !lastWeek.includes(r)))
      await search('customer id', { by: 'CustomerId', text: String(ann.CustomerId) }, annOrders)
      await search('customer reference', { by: 'CustomerReference', text: '770001' }, ritaOrders)
      await search('product code', { by: 'ProductCode', text: 'my_subscription_1' }, subscriptions)
      await search('customer id and Status COMPLETE', { by: 'CustomerId', text: String(ann.CustomerId), status: 'COMPLETE' }, [])
    })
  }
  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
