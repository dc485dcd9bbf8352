import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { ROOT } from '../../helpers/process.js'
import { expect, missingPrerequisite, openConsole, openPage, PASSWORD, signIn, startConsoleServer } from '../../helpers/console.js'

// Issue 19 item 6, the order-management side of the console: the order list and its search, an
// order opened with its history, the actions on it offered exactly to the users whose
// privileges allow them (and taken), customer edit, attachments, the printable confirmation; at
// 1280 px and at 390 px, by keyboard. Screenshots for the README with UPDATE_SCREENSHOTS=true.

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

t.test('the console\'s order management: list, search, detail, history, actions by privilege, customer, attachments, print', { skip: skip ?? false, timeout: 150_000 }, async (t) => {
  const started = Date.now()
  const app = await startConsoleServer(t)
  const merchant = await app.merchantSession()
  // Every action privilege held by one of cashier / reviewer and not by the other, none by the agent, all by super.
  await Promise.all([
    app.createUser('super', ['SUPERVISOR']),
    app.createUser('agent', ['AGENT']),
    app.createUser('cashier', ['PLACE_ORDERS_ON_BEHALF', 'CANCEL_ORDERS', 'RECORD_PAYMENTS']),
    app.createUser('reviewer', ['PLACE_ORDERS_ON_BEHALF', 'REFUND_ORDERS', 'APPROVE_FRAUD', 'RESEND_NOTIFICATIONS'])
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

  const { page, problems, shot } = await openConsole(t, app.url, 'order-management')
  const screenshots = process.env.UPDATE_SCREENSHOTS === 'true'

  await t.test('each action is offered only to a user holding its privilege, and only where the order allows it', async (t) => {
    const expected: Record<string, Record<string, string[]>> = {
      agent: { [authorised]: [], [complete]: [], [po]: [], [held.RefNo]: [] },
      cashier: { [authorised]: ['Cancel order'], [complete]: [], [po]: ['Cancel order', 'Approve purchase order'], [held.RefNo]: ['Cancel order'] },
      reviewer: { [authorised]: ['Resend IPN'], [complete]: ['Refund', 'Resend IPN'], [po]: ['Resend IPN'], [held.RefNo]: ['Release fraud hold', 'Resend IPN'] },
      super: { [authorised]: ['Cancel order', 'Resend IPN'], [complete]: ['Refund', 'Resend IPN'], [po]: ['Cancel order', 'Approve purchase order', 'Resend IPN'], [held.RefNo]: ['Cancel order', 'Release fraud hold', 'Resend IPN'] }
    }
    for (const [username, byOrder] of Object.entries(expected)) {
      await page.goto(`${app.url}/console`)
      await signIn(page, username)
      await expect(page.getByText(`${username} @ DEMO`)).toBeVisible()
      await expect(page.locator('#nav-orders')).toBeVisible()
      for (const [refNo, buttons] of Object.entries(byOrder)) {
        t.same(await openByRefNo(page, refNo), buttons, `${username} on ${refNo}: ${buttons.join(', ') || 'no action'} offered`)
      }
      if (username === 'agent') await expect(page.locator('#no-actions')).toContainText('No action on this order is open to you')
      t.equal(await page.locator('#edit-customer-open').count(), username === 'agent' || username === 'super' ? 1 : 0, `${username}: Edit customer only with MANAGE_CUSTOMERS`)
      for (const action of ACTIONS) if (!Object.values(byOrder).some((b) => b.includes(action))) t.equal(await page.getByRole('button', { name: action }).count(), 0, `${username}: no ${action} button anywhere`)
    }
  })

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

    // The printable confirmation: the order, no controls.
    await page.emulateMedia({ media: 'print' })
    t.equal(await page.locator('#order-actions').isVisible(), false, 'no actions on paper')
    t.equal(await page.locator('#workspace-nav').isVisible(), false, 'no navigation on paper')
    t.equal(await page.locator('.confirmation').isVisible(), true, 'the confirmation is printed')
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

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
