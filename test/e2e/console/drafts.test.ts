import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { Locator, Page } from 'playwright-core'
import { expect, missingPrerequisite, openConsole, openPage, PASSWORD, PHONE, phoneLayoutProblems, placeOrder, resumeDraft, signIn, startConsoleServer, useCustomer } from '../../helpers/console.js'
import { ROOT } from '../../helpers/process.js'

// Issue 19 item 6, the console's drafts: Save as draft from the checkout (createDraft), the
// drafts listed and searched (searchDrafts), one opened (getDraft) and resumed in the checkout,
// saved from the Version seen (updateDraft; a stale one said in the agent's words, then
// reloaded), abandoned (abandonDraft), completed with a card (completeDraft); the payment link
// offered only where the server lists its methods; every draft control hidden without
// PLACE_ORDERS_ON_BEHALF; at 1280 px and 390 px, by keyboard. One server and one browser.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const document: any, window: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)
const YEAR = String(new Date().getUTCFullYear() + 2)
/**
 * The README's screenshots of the drafts screen, written only with UPDATE_SCREENSHOTS=true; `mask`
 * covers what must not be published (a payment link's token, even from a throwaway server).
 */
async function readmeShot (page: Page, name: string, mask: Locator[] = []): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== 'true') return
  await mkdir(join(ROOT, 'docs', 'screenshots'), { recursive: true })
  await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', `${name}.png`), fullPage: true, mask })
}

const BILLING = { FirstName: 'Dora', LastName: 'Draft', Email: 'dora@example.com', Address1: '1 Oak St', City: 'Austin', State: 'TX', Zip: '73301', CountryCode: 'US' }

const CARD_NUMBER = '4111111111111111'

/** The customer pays the payment link `url` with a card on the hosted /pay page, in `customerPage`, until its confirmation; then closes it. */
async function payOnHostedPage (customerPage: Page, url: string): Promise<void> {
  await customerPage.goto(url)
  for (const [name, value] of Object.entries({ HolderName: 'Dora Draft', CardNumber: CARD_NUMBER, ExpirationMonth: '12', ExpirationYear: YEAR, CCID: '123' })) await customerPage.locator(`input[name=${name}]`).fill(value)
  await customerPage.getByRole('button', { name: /^Pay / }).click()
  await expect(customerPage.locator('#confirmation')).toContainText('your payment was received')
  await customerPage.close()
}

/** Tab from the start of the page: the ids (or texts) of every control focused, in order, until `until` has the focus. */
async function tabUntil (page: Page, until: string, max = 80): Promise<string[]> {
  await page.evaluate(() => { document.activeElement?.blur(); window.getSelection()?.removeAllRanges() })
  await page.locator('body').focus()
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const id = String(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ''))
    seen.push(id)
    if (id === until) return seen
  }
  return seen
}

/** Every visible control inside `scope` that Tab reached. */
async function unreachable (page: Page, scope: string, reached: string[]): Promise<string[]> {
  const controls = await page.evaluate((scope) => [...document.querySelectorAll(`${scope} button, ${scope} input, ${scope} select`)]
    .filter((el) => el.offsetParent !== null).map((el) => el.id || el.textContent.trim()), scope)
  return controls.filter((id) => !reached.includes(id))
}

t.test('the console\'s drafts: save, list, search, resume, version conflict, abandon, complete, payment link, privileges', { skip: skip ?? false, timeout: 300_000 }, async (t) => {
  const app = await startConsoleServer(t)
  await Promise.all([app.createUser('agent', ['AGENT']), app.createUser('other', ['AGENT']), app.createUser('refunder', ['REFUND_ORDERS', 'RESEND_NOTIFICATIONS'])])
  const ok = (reply: { result?: any, error?: unknown }): any => { if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error)); return reply.result }
  const staff = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'other', password: PASSWORD })) as string
  const customer = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Dora', LastName: 'Draft', Email: 'dora@example.com' } }))
  const discover = ok(await app.rpc('rpc.discover', {})) as { methods: Array<{ name: string }> }
  const linksListed = ['createPaymentLink', 'getPaymentLink'].every((name) => discover.methods.some((method) => method.name === name))
  const draftById = async (id: number): Promise<any> => ok(await app.rpc('getDraft', { sessionID: staff, DraftId: id }))
  const orderCount = async (): Promise<number> => Number((await app.query('select count(*)::int as n from orders'))[0].n)

  const { page, problems } = await openConsole(t, app.url, 'drafts')
  page.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })

  await t.test('without PLACE_ORDERS_ON_BEHALF no draft control is offered, at 1280 px and 390 px', async (t) => {
    for (const width of [1280, 390]) {
      const tab = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { width, username: 'refunder' })
      await expect(tab.locator('#who-text')).toContainText('(refunder @ DEMO)')
      await expect(tab.locator('#nav-orders')).toBeVisible()
      t.equal(await tab.locator('#nav-drafts').isVisible(), false, `${width} px: no Drafts in the header`)
      t.equal(await tab.getByRole('button', { name: /draft/i }).count(), 0, `${width} px: no button about drafts anywhere on the page`)
      t.equal(await tab.locator('#save-draft').isVisible(), false, `${width} px: no Save as draft`)
      if (width === 390) t.same(await phoneLayoutProblems(tab), [], '390 px: the console without draft controls fits and is tappable')
      await tab.close()
    }
  })

  await t.test('Save as draft from the checkout, the drafts listed and searched, one resumed, a stale version said and reloaded, one abandoned, one completed with a card; at 1280 px and 390 px', async (t) => {
    const browser = page.context().browser()!
    for (const width of [1280, 390]) {
      await t.test(`at ${width} px`, async (t) => {
        const tab = await openPage(t, browser, `${app.url}/console`, problems, { width, username: 'agent' })
        tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
        // At 390 px a finger: a tap, as on the phone (the touch context of openPage).
        const press = async (control: Locator): Promise<void> => { if (width === 390) await control.tap(); else await control.click() }
        let first = 0

        await t.test('Save as draft from the checkout, then the drafts listed and searched', async (t) => {
          await expect(tab.locator('#nav-drafts')).toBeVisible()
          t.equal(await tab.locator('#send-link, #draft-link-create').count(), 0, 'no payment link outside an open draft')
          // Nothing to save yet: said beside the customer step, nothing written.
          const newest = Number((await app.query('select coalesce(max(id), 0)::int as n from drafts'))[0].n)
          await press(tab.getByRole('button', { name: 'Save as draft' }))
          await expect(tab.locator('.error[data-error-for="Assisted.CustomerId"]')).toContainText('Choose or create the customer first')
          t.equal(Number((await app.query('select count(*)::int as n from drafts where id > $1', [newest]))[0].n), 0, 'no draft written')

          await tab.getByLabel('Find a customer').fill('dora@example.com')
          await tab.getByLabel('Find a customer').press('Enter')
          await useCustomer(tab, 'Dora Draft')
          await tab.getByLabel('Find a product').fill('BOOK')
          await tab.getByLabel('Find a product').press('Enter')
          await press(tab.getByRole('button', { name: 'Add Printed book to the cart' }))
          await tab.getByLabel('Quantity of Printed book', { exact: true }).fill('2')
          await tab.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
          const billing = tab.locator('#billing-fields')
          await billing.getByLabel('Address', { exact: true }).fill(BILLING.Address1)
          await billing.getByLabel('City').fill(BILLING.City)
          await billing.getByLabel('State / region').fill(BILLING.State)
          await billing.getByLabel('ZIP / postcode').fill(BILLING.Zip)
          await billing.getByLabel('Country (two letters)').fill(BILLING.CountryCode)
          await tab.getByLabel('Order discount', { exact: true }).selectOption('PERCENT')
          await tab.getByLabel('Order discount value').fill('5')
          await tab.getByLabel('Order discount reason').fill('Loyal customer')
          await press(tab.getByRole('button', { name: 'Apply discount' }).last())
          await press(tab.getByRole('button', { name: 'Save as draft' }))
          await expect(tab.locator('#notice')).toContainText('saved (version 1)')
          const saved = await app.query('select id from drafts where id > $1 order by id', [newest])
          t.equal(saved.length, 1, 'one draft written')
          first = Number(saved[0].id)
          const draft = await draftById(first)
          t.match(draft, { Version: 1, Status: 'OPEN', CustomerId: customer.CustomerId, CreatedBy: { Username: 'agent' }, Order: { Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }], BillingDetails: { City: 'Austin', Zip: '73301' } }, Assisted: { Discount: { Type: 'PERCENT', Value: 5, Reason: 'Loyal customer' } } }, 'the checkout as it was, without payment')
          await expect(tab.locator('#checkout-draft')).toContainText(`Draft ${first}, version 1`)
          await expect(tab.locator('#save-draft')).toHaveText('Save draft')

          // A second draft, by another user, for another customer.
          ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: { ...BILLING, FirstName: 'Otto', LastName: 'Other', Email: 'otto@example.com' } } }))
          await press(tab.locator('#nav-drafts'))
          await expect(tab.getByLabel('Customer e-mail')).toBeFocused()
          await expect(tab.locator('#drafts-count')).toHaveText('2 drafts found, page 1 of 1.')
          t.equal(await tab.locator('#order-view').isVisible(), false, 'the checkout is covered')
          await tab.getByLabel('Customer e-mail').fill('otto@')
          await press(tab.getByRole('button', { name: 'Search drafts' }))
          await expect(tab.locator('.error[data-error-for="SearchOptions.CustomerEmail"]')).toHaveText('Enter the customer\'s whole e-mail address.')
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#drafts-view'), [], 'the search with its error fits and is tappable')
          await tab.getByLabel('Customer e-mail').fill('DORA@example.com')
          await press(tab.getByRole('button', { name: 'Search drafts' }))
          await expect(tab.locator('#drafts-count')).toHaveText('1 draft found, page 1 of 1.')
          t.same(await tab.locator('.draft-row .ref').allTextContents(), [`Draft ${first}`], 'by the customer\'s e-mail, in any case')
          await tab.getByLabel('Customer e-mail').fill('')
          await tab.getByLabel('Created by (staff user)').fill('other')
          await press(tab.getByRole('button', { name: 'Search drafts' }))
          await expect(tab.locator('.draft-row').first()).toContainText('Otto Other')
          await expect(tab.locator('#drafts-count')).toHaveText('1 draft found, page 1 of 1.')
          t.match(await tab.locator('.draft-row').first().textContent(), /Otto Other.*by other/, 'by who created it')
          await tab.getByLabel('Created by (staff user)').fill('')
          await press(tab.getByRole('button', { name: 'Search drafts' }))
          await expect(tab.locator('#drafts-count')).toHaveText('2 drafts found, page 1 of 1.')
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#drafts-view'), [], 'the drafts list fits and every control is tappable')
          await readmeShot(tab, width === 390 ? 'console-drafts-list-mobile' : 'console-drafts-list')
        })

        await t.test('a draft opened and resumed in the checkout; saved from its version; a stale version said and reloaded', async (t) => {
          await press(tab.getByRole('button', { name: 'Search drafts' }))
          await press(tab.getByRole('button', { name: `Open draft ${first}` }))
          await expect(tab.locator('#draft-detail-title')).toHaveText(`Draft ${first}`)
          await expect(tab.locator('#draft-lines')).toContainText('2 × Printed book')
          await expect(tab.locator('#draft-total')).toContainText('Total')
          t.equal(await tab.locator('#draft-link-create').count(), linksListed ? 1 : 0, `Send payment link offered exactly when the server lists createPaymentLink and getPaymentLink (listed: ${String(linksListed)})`)
          // Start from a fresh checkout: the resume must load everything itself.
          await press(tab.locator('#nav-new-order'))
          await press(tab.locator('#cancel-order'))
          await expect(tab.locator('#cart')).toContainText('The cart is empty')
          await resumeDraft(tab, first)
          await expect(tab.locator('#customer-summary')).toContainText('dora@example.com')
          await expect(tab.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('2')
          await expect(tab.locator('#billing-fields').getByLabel('City')).toHaveValue('Austin')
          await expect(tab.locator('#billing-fields').getByLabel('State / region')).toHaveValue('TX')
          await expect(tab.getByLabel('Order discount reason')).toHaveValue('Loyal customer')
          await expect(tab.locator('#totals-body')).toContainText('Order discount')
          await expect(tab.locator('#checkout-draft')).toContainText(`Draft ${first}, version 1`)
          await expect(tab.locator('#nav-new-order')).toHaveText('New order')
          t.equal(await tab.locator('#nav-new-order').getAttribute('aria-current'), 'page', 'the checkout is the current screen')
          await expect(tab.locator('[data-total="Total"]')).toContainText('$')
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#order-view'), [], 'the resumed draft in the checkout fits and every control is tappable')
          if (width === 1280) await readmeShot(tab, 'console-draft-resumed')

          await tab.getByLabel('Quantity of Printed book', { exact: true }).fill('3')
          await tab.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
          await press(tab.getByRole('button', { name: 'Save draft', exact: true }))
          await expect(tab.locator('#notice')).toContainText(`Draft ${first} saved (version 2)`)
          t.match(await draftById(first), { Version: 2, Order: { Items: [{ Quantity: 3 }] }, UpdatedBy: { Username: 'agent' } }, 'updateDraft from version 1')

          // Someone else changes it meanwhile: the agent's save is refused in their words, nothing lost on the server.
          const theirs = await draftById(first)
          ok(await app.rpc('updateDraft', { sessionID: staff, DraftId: first, Version: 2, Order: { ...theirs.Order, Items: [{ Code: 'BOOK-PRINT', Quantity: 7 }] }, Assisted: theirs.Assisted }))
          await tab.getByLabel('Quantity of Printed book', { exact: true }).fill('4')
          await tab.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
          await press(tab.getByRole('button', { name: 'Save draft', exact: true }))
          await expect(tab.locator('#draft-conflict')).toHaveText('This draft was changed by someone else — reload it to see their changes, then save yours again.')
          await expect(tab.locator('#draft-reload')).toBeFocused()
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#checkout-draft'), [], 'the stale version\'s message and Reload fit and are tappable')
          t.match(await draftById(first), { Version: 3, Order: { Items: [{ Quantity: 7 }] } }, 'their change stands')
          await tab.keyboard.press('Enter')
          await expect(tab.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('7')
          await expect(tab.locator('#checkout-draft')).toContainText(`Draft ${first}, version 3`)
          await tab.getByLabel('Quantity of Printed book', { exact: true }).fill('4')
          await tab.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
          await press(tab.getByRole('button', { name: 'Save draft', exact: true }))
          await expect(tab.locator('#notice')).toContainText(`Draft ${first} saved (version 4)`)
          t.match(await draftById(first), { Version: 4, Order: { Items: [{ Quantity: 4 }] } })

          // A reload of the tab keeps the draft the checkout saves into.
          await tab.reload()
          await signIn(tab, 'agent')
          await expect(tab.locator('#checkout-draft')).toContainText(`Draft ${first}, version 4`)
          await expect(tab.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('4')
        })

        await t.test('a draft abandoned; a draft completed with a card, its order opened', async (t) => {
          const other = ok(await app.rpc('searchDrafts', { sessionID: staff, SearchOptions: { CreatedBy: 'other', Status: 'OPEN' } })).Items[0]
          await press(tab.locator('#nav-drafts'))
          await press(tab.getByRole('button', { name: `Open draft ${other.DraftId}` }))
          await press(tab.getByRole('button', { name: 'Abandon draft' }))
          await expect(tab.locator('#draft-status')).toHaveText('ABANDONED')
          t.equal(await tab.locator('#draft-actions').count(), 0, 'an abandoned draft offers no action')
          t.equal((await draftById(other.DraftId)).Status, 'ABANDONED')

          await press(tab.getByRole('button', { name: 'Back to the drafts' }))
          await expect(tab.locator('#drafts-count')).toHaveText('1 draft found, page 1 of 1.')
          await press(tab.getByRole('button', { name: `Open draft ${first}` }))
          await press(tab.getByRole('button', { name: 'Complete with card' }))
          const form = tab.locator('#draft-complete')
          await expect(form.getByLabel('Name on card')).toBeFocused()
          await form.getByLabel('Name on card').fill('Dora Draft')
          await form.getByLabel('Card number').fill('4111 1111 1111 1111')
          await form.getByLabel('Expiry month').fill('12')
          await form.getByLabel('Expiry year').fill('20')
          await form.getByLabel('Security code (CVV)').fill('123')
          await press(form.getByRole('button', { name: /^Charge .* and place the order$/ }))
          await expect(tab.locator('#draft-complete .error[data-error-for="PaymentDetails.PaymentMethod.ExpirationYear"]')).toHaveText('This card has expired: ask for another card.')
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#draft-detail-view'), [], 'the card form with the refusal beside its field fits and is tappable')
          t.equal((await draftById(first)).Status, 'OPEN', 'a refused card leaves the draft open')
          await form.getByLabel('Expiry year').fill(YEAR)
          await press(form.getByRole('button', { name: /^Charge .* and place the order$/ }))
          await expect(tab.locator('#draft-status')).toHaveText('COMPLETED')
          const completed = await draftById(first)
          t.match(completed, { Status: 'COMPLETED', RefNo: /^\d+$/ }, 'completeDraft placed its order')
          await expect(tab.locator('#draft-open-order')).toBeFocused()
          await expect(tab.locator('#checkout-draft')).toHaveText('')
          if (width === 390) t.same(await phoneLayoutProblems(tab, '#draft-detail-view'), [], 'the completed draft and Open order fit and are tappable')
          await tab.keyboard.press('Enter')
          await expect(tab.locator('#order-detail-title')).toHaveText(`Order ${String(completed.RefNo)}`)
          t.equal(await tab.locator('#draft-detail-view').isVisible(), false, 'the order covers the draft')
          await expect(tab.locator('#order-detail-body')).toContainText('Printed book')
        })
        await tab.close()
      })
    }
  })

  await t.test('a payment link: sent from an open draft, its Url copied, the customer pays on the hosted page, the agent sees PAID and opens the order', { skip: linksListed ? false : 'createPaymentLink is not on this server' }, async (t) => {
    const linked = ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 3 }], BillingDetails: { ...BILLING, Email: 'link@example.com' } }, Assisted: { CustomerId: customer.CustomerId } }))
    await signIn(page, 'agent')
    await expect(page.locator('#nav-drafts')).toBeVisible()
    await page.locator('#nav-drafts').click()
    await page.getByRole('button', { name: `Open draft ${String(linked.DraftId)}` }).click()
    await page.getByRole('button', { name: 'Send payment link' }).click()
    await expect(page.getByLabel('Link for the customer')).toBeFocused()
    const url = await page.getByLabel('Link for the customer').inputValue()
    t.match(url, new RegExp(`^${app.url}/pay/DEMO\\?token=.+`), 'the hosted page\'s link is shown')
    await expect(page.locator('#draft-link-status')).toContainText('Waiting for the customer to pay')
    await readmeShot(page, 'console-draft-payment-link', [page.getByLabel('Link for the customer')])
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url })
    await page.getByRole('button', { name: 'Copy link' }).click()
    await expect(page.locator('#notice')).toHaveText('Payment link copied.')
    t.equal(await page.evaluate(() => window.navigator.clipboard.readText()), url, 'the link is on the clipboard')
    const row = await app.query('select * from payment_links where draft_id = $1', [linked.DraftId])
    t.notOk(JSON.stringify(row).includes(new URL(url).searchParams.get('token') ?? '-'), 'the token itself is not stored')

    // The customer pays on their own page; the agent's screen shows it without a reload.
    await payOnHostedPage(await page.context().newPage(), url)
    await expect(page.locator('#draft-link-status')).toContainText('Paid by the customer', { timeout: 20_000 })
    const paid = await draftById(linked.DraftId)
    t.match(paid, { Status: 'COMPLETED', RefNo: /^\d+$/ }, 'the draft is completed by the payment')
    await expect(page.locator('#draft-link-status')).toContainText(`order ${String(paid.RefNo)} is`)
    await page.getByRole('button', { name: `Open order ${String(paid.RefNo)}` }).first().click()
    await expect(page.locator('#order-detail-title')).toHaveText(`Order ${String(paid.RefNo)}`)
  })
  await t.test('at 390 px, by keyboard: no horizontal scroll, every draft control tappable and reached by Tab', async (t) => {
    ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 2 }], BillingDetails: { ...BILLING, Email: 'phone@example.com' } }, Assisted: { CustomerId: customer.CustomerId } }))
    const small = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { username: 'agent' })
    await expect(small.locator('#nav-drafts')).toBeVisible()
    await small.locator('#nav-drafts').focus()
    await small.keyboard.press('Enter')
    await expect(small.getByLabel('Customer e-mail')).toBeFocused()
    await expect(small.locator('#drafts-count')).toHaveText('1 draft found, page 1 of 1.')
    t.same(await phoneLayoutProblems(small, '#drafts-view'), [], 'the draft list fits and every control is tappable')
    const listTabs = await tabUntil(small, 'Search drafts')
    t.same((await unreachable(small, '#drafts-view', listTabs)).filter((id) => !id.startsWith('Draft ')), [], 'Tab reaches every search control')
    // Tab on to the draft and open it with Enter.
    for (let i = 0; i < 6 && await small.evaluate(() => document.activeElement?.classList.contains('draft-row')) !== true; i++) await small.keyboard.press('Tab')
    await small.keyboard.press('Enter')
    await expect(small.locator('#draft-detail-view')).toBeFocused()
    await small.getByRole('button', { name: 'Complete with card' }).click()
    t.same(await phoneLayoutProblems(small, '#draft-detail-view'), [], 'the open draft fits and every control is tappable')
    const detailTabs = await tabUntil(small, 'Cancel', 120)
    t.same(await unreachable(small, '#draft-detail-view', detailTabs), [], 'Tab reaches every control of the open draft')
    // The checkout's draft controls at 390 px.
    await small.getByRole('button', { name: 'Resume in checkout' }).click()
    await expect(small.locator('#checkout-draft')).toContainText('version 1')
    t.same(await phoneLayoutProblems(small, '#checkout-draft'), [], 'the checkout\'s draft line fits')
    t.same((await phoneLayoutProblems(small, '.actions')).filter((problem) => problem.includes('save-draft')), [], 'Save draft is tappable')
    await small.close()
  })

  await t.test('at 390 px, by touch: a payment link sent from a draft, shown and copied without layout problems, WAITING; the customer pays on the hosted page; the agent sees PAID with the RefNo without a reload; no card number on the agent\'s page', { skip: linksListed ? false : 'createPaymentLink is not on this server' }, async (t) => {
    const linked = ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: { ...BILLING, Email: 'phone-link@example.com' } }, Assisted: { CustomerId: customer.CustomerId } }))
    const small = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { username: 'agent' })
    const phone = small.context()
    await expect(small.locator('#nav-drafts')).toBeVisible()
    await small.locator('#nav-drafts').tap()
    await small.getByRole('button', { name: `Open draft ${String(linked.DraftId)}` }).tap()
    await expect(small.locator('#draft-detail-title')).toHaveText(`Draft ${String(linked.DraftId)}`)
    await small.getByRole('button', { name: 'Send payment link' }).tap()
    await expect(small.getByLabel('Link for the customer')).toBeFocused()
    const url = await small.getByLabel('Link for the customer').inputValue()
    t.match(url, new RegExp(`^${app.url}/pay/DEMO\\?token=.+`), 'the hosted page\'s link is shown')
    await expect(small.getByRole('button', { name: 'Copy link' })).toBeVisible()
    await expect(small.locator('#draft-link-status')).toContainText('Waiting for the customer to pay')
    t.same(await phoneLayoutProblems(small, '#draft-detail-view'), [], 'the link, Copy link and the status fit and are tappable')
    await phone.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url })
    await small.getByRole('button', { name: 'Copy link' }).tap()
    await expect(small.locator('#notice')).toHaveText('Payment link copied.')

    // The customer pays on their own phone; the agent's screen follows by polling (no reload).
    const customerPhone = await page.context().browser()!.newContext(PHONE)
    customerPhone.setDefaultTimeout(10_000)
    t.teardown(async () => await customerPhone.close())
    const loads: string[] = []
    small.on('load', () => { loads.push(small.url()) })
    await payOnHostedPage(await customerPhone.newPage(), url)
    await expect(small.locator('#draft-link-status')).toContainText('Paid by the customer', { timeout: 20_000 })
    const paid = await draftById(linked.DraftId)
    t.match(paid, { Status: 'COMPLETED', RefNo: /^\d+$/ }, 'the draft is completed by the payment')
    await expect(small.locator('#draft-link-status')).toContainText(`order ${String(paid.RefNo)} is`)
    await expect(small.locator('#draft-status')).toHaveText('COMPLETED')
    t.same(loads, [], 'the agent\'s page was not reloaded')
    t.same(await phoneLayoutProblems(small, '#draft-detail-view'), [], 'the paid link and Open order fit and are tappable')
    const content = await small.content()
    t.notOk(/4111[ -]?1111[ -]?1111[ -]?1111/.test(content), 'no card number on the agent\'s page')
    await small.getByRole('button', { name: `Open order ${String(paid.RefNo)}` }).first().tap()
    await expect(small.locator('#order-detail-title')).toHaveText(`Order ${String(paid.RefNo)}`)
    t.same(await phoneLayoutProblems(small, '#order-detail-view'), [], 'the order opened from the link fits')
    t.notOk(/4111[ -]?1111[ -]?1111[ -]?1111/.test(await small.content()), 'no card number on the order either')
  })

  await t.test('custom lines of a resumed draft: shown, priced by the server, kept on save, added and removed with CUSTOM_LINE_ITEMS; placing completes the draft (one order); at 1280 px and 390 px', async (t) => {
    await app.createUser('customizer', ['AGENT', 'CUSTOM_LINE_ITEMS'])
    const customizer = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'customizer', password: PASSWORD })) as string
    const ENGRAVING = { Name: 'Engraving', Price: 12.5, Quantity: 1, TaxClass: 'EXEMPT' }

    for (const width of [1280, 390]) {
      await t.test(`at ${width} px`, async (t) => {
        const tab = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { width, username: 'customizer' })
        tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
        const made = ok(await app.rpc('createDraft', { sessionID: customizer, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: { ...BILLING, Email: `custom${width}@example.com` } }, Assisted: { CustomerId: customer.CustomerId, CustomItems: [ENGRAVING] } }))
        const id = Number(made.DraftId)
        const engravingPrice = made.Price.Items[1].Price.GrossDiscountedPrice as number

        // With the privilege: resumed, saved: the custom line is kept (before: dropped by the save).
        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)
        t.equal(await tab.getByLabel('Billing currency').isDisabled(), false, 'with CUSTOM_LINE_ITEMS the currency may be changed')
        t.equal(await tab.locator('#currency-hint').isVisible(), false, 'and no hint says otherwise')
        await tab.getByLabel('Quantity of', { exact: false }).first().fill('2')
        await tab.getByLabel('Quantity of', { exact: false }).first().press('Tab')
        await tab.getByRole('button', { name: 'Save draft', exact: true }).click()
        await expect(tab.locator('#notice')).toContainText(`Draft ${id} saved (version 2)`)
        const saved = await draftById(id)
        t.match(saved, { Version: 2, Order: { Items: [{ Code: 'ADDON-1', Quantity: 2 }] }, Assisted: { CustomItems: [{ Name: 'Engraving', Price: 12.5, Quantity: 1, TaxClass: 'EXEMPT' }] } }, 'updateDraft kept the custom line')
        t.equal(saved.Assisted.CustomItems?.length, 1, 'one custom line')
        // Shown in the draft and in the cart with the server's price.
        await tab.locator('#nav-drafts').click()
        await tab.getByRole('button', { name: `Open draft ${id}` }).click()
        await expect(tab.locator('#draft-lines')).toContainText('1 × Engraving')
        t.equal(engravingPrice, 12.5, 'the draft prices the exempt line at its net price')
        await tab.getByRole('button', { name: 'Resume in checkout' }).click()
        await expect(tab.locator('#custom-lines')).toContainText('Engraving')
        await expect(tab.locator('#custom-lines')).toContainText('Exempt (no VAT)')
        await expect(tab.locator('#custom-lines')).toContainText('$12.50')
        await expect(tab.locator('#custom-0-total')).toHaveText(/\$12\.50/)

        await tab.getByLabel('Custom line (not in the catalog)').fill('Setup fee')
        await tab.getByLabel('Unit price (net)').fill('20')
        await tab.getByLabel('Unit price (net)').press('Enter')
        await expect(tab.locator('#custom-lines')).toContainText('Setup fee')
        await expect(tab.locator('#custom-1-total')).toHaveText(/\$\d/)
        await tab.getByRole('button', { name: 'Save draft', exact: true }).click()
        await expect(tab.locator('#notice')).toContainText(`Draft ${id} saved (version 3)`)
        const two = await draftById(id)
        t.match(two.Assisted.CustomItems, [{ Name: 'Engraving' }, { Name: 'Setup fee', Price: 20, TaxClass: 'STANDARD' }], 'a custom line added')
        await expect(tab.locator('[data-total="Total"]')).toHaveText(new RegExp(String(two.Price.GrossDiscountedPrice).replace('.', '\\.')))

        // Without the privilege: the custom lines are shown read-only, nothing offers to change them,
        // and a save sends them back as they are (the server lets them through unchanged).
        await tab.getByRole('button', { name: 'Sign out' }).click()
        await signIn(tab, 'agent')
        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)
        await expect(tab.locator('#custom-lines')).toContainText('Kept as it is')
        t.equal(await tab.getByRole('button', { name: 'Remove custom line Engraving' }).count(), 0, 'no remove without CUSTOM_LINE_ITEMS')
        t.equal(await tab.locator('#custom-line-form').isVisible(), false, 'no add form without CUSTOM_LINE_ITEMS')
        const seen = (await draftById(id)).Version
        await tab.getByRole('button', { name: 'Save draft', exact: true }).click()
        await expect(tab.locator('#notice')).toContainText(`Draft ${id} saved (version ${seen + 1})`)
        t.match(await draftById(id), { Version: seen + 1, Assisted: { CustomItems: [{ Name: 'Engraving', Price: 12.5, Quantity: 1, TaxClass: 'EXEMPT' }, { Name: 'Setup fee', Price: 20, TaxClass: 'STANDARD' }] } }, 'the custom lines are still in the draft, as they were')
        await tab.getByRole('button', { name: 'Sign out' }).click()
        await signIn(tab, 'customizer')
        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)
        await expect(tab.locator('#custom-0-total')).toHaveText(/\$12\.50/)
        await tab.getByRole('button', { name: 'Remove custom line Setup fee' }).click()
        t.equal(await tab.locator('#custom-lines [data-custom-line]').count(), 1, 'one custom line left')

        // Place: the draft saved as it is now, then completed: COMPLETED with the RefNo, one order.
        const before = await orderCount()
        await tab.locator('#pay-check').check()
        await placeOrder(tab)
        await expect(tab.locator('#confirmation-view')).toBeVisible()
        const done = await draftById(id)
        t.match(done, { Status: 'COMPLETED', RefNo: /^\d+$/, Assisted: { CustomItems: [{ Name: 'Engraving' }] } }, 'completeDraft placed the draft\'s order')
        t.equal(done.Assisted.CustomItems.length, 1, 'the removed custom line was saved before completing')
        t.equal(await orderCount(), before + 1, 'exactly one order placed')
        const order = ok(await app.rpc('getOrder', { sessionID: customizer, RefNo: done.RefNo }))
        t.match(order.Items, [{ Code: 'ADDON-1', Quantity: 2 }, { Name: 'Engraving' }], 'the order has the catalog line and the custom line')
        t.equal(order.Items.length, 2)
        await tab.close()
      })
    }
  })

  await t.test('without CUSTOM_LINE_ITEMS, a resumed draft with a colleague\'s custom lines: totals from the server\'s price of the draft, Save draft keeps the lines, Place completes the draft at the Version seen; the lines read-only; at 1280 px and 390 px', async (t) => {
    await app.createUser('pricer', ['AGENT', 'CUSTOM_LINE_ITEMS'])
    const pricer = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'pricer', password: PASSWORD })) as string
    const LINES = [{ Name: 'Engraving', Price: 12.5, Quantity: 1, TaxClass: 'EXEMPT' }, { Name: 'Setup fee', Price: '20.00', Quantity: 2, TaxClass: 'STANDARD' }]
    const usd = (amount: number): RegExp => new RegExp(`\\$${amount.toFixed(2).replace('.', '\\.')}`)

    for (const width of [1280, 390]) {
      await t.test(`at ${width} px`, async (t) => {
        const tab = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { width, username: 'agent' })
        tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
        const made = ok(await app.rpc('createDraft', { sessionID: pricer, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: { ...BILLING, Email: `kept${width}@example.com` } }, Assisted: { CustomerId: customer.CustomerId, CustomItems: LINES } }))
        const id = Number(made.DraftId)

        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)

        // The lines read-only; the totals are the server's price of the draft (quote refuses them to this user).
        await expect(tab.locator('#custom-lines')).toContainText('Kept as it is')
        t.equal(await tab.getByRole('button', { name: /^Remove custom line/ }).count(), 0, 'no remove without CUSTOM_LINE_ITEMS')
        t.equal(await tab.locator('#custom-line-form').isVisible(), false, 'no add form without CUSTOM_LINE_ITEMS')
        // Their prices are in the order currency: it is not offered for change, and the agent is told why.
        t.equal(await tab.getByLabel('Billing currency').isDisabled(), true, 'the currency is fixed without CUSTOM_LINE_ITEMS')
        await expect(tab.locator('#currency-hint')).toBeVisible()
        t.equal(await tab.getByLabel('Billing currency').getAttribute('aria-describedby'), 'currency-hint', 'the reason is its description')
        t.match(await tab.locator('#currency-hint').innerText(), /the custom lines are priced in this currency/)
        await expect(tab.locator('[data-total="Total"]')).toHaveText(usd(made.Price.GrossDiscountedPrice))
        await expect(tab.locator('#totals-hint')).toContainText('Priced by the server')
        await expect(tab.locator('#custom-0-total')).toHaveText(usd(made.Price.Items[1].Price.GrossDiscountedPrice))
        await expect(tab.locator('#custom-1-total')).toHaveText(usd(made.Price.Items[2].Price.GrossDiscountedPrice))
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#order-view'), [], 'the checkout with read-only custom lines and the draft\'s totals fits and is tappable')

        // A change: not priced until saved (said, no stale totals); Save draft sends the lines back as they were.
        await tab.getByLabel('Quantity of', { exact: false }).first().fill('3')
        await tab.getByLabel('Quantity of', { exact: false }).first().press('Tab')
        await expect(tab.locator('#totals-hint')).toContainText('Save draft to have the server price your changes')
        t.equal(await tab.locator('[data-total="Total"]').count(), 0, 'no totals of the draft as it was')
        await tab.getByRole('button', { name: 'Save draft', exact: true }).click()
        await expect(tab.locator('#notice')).toContainText(`Draft ${id} saved (version 2)`)
        const saved = await draftById(id)
        t.match(saved, { Version: 2, Order: { Items: [{ Code: 'ADDON-1', Quantity: 3 }] }, UpdatedBy: { Username: 'agent' } }, 'saved by the agent')
        t.same(saved.Assisted.CustomItems, made.Assisted.CustomItems, 'the custom lines exactly as the colleague priced them')
        await expect(tab.locator('[data-total="Total"]')).toHaveText(usd(saved.Price.GrossDiscountedPrice))
        t.not(saved.Price.GrossDiscountedPrice, made.Price.GrossDiscountedPrice, 'the new total is shown')

        // Place: the summary shows the draft's price; the draft is completed at version 2 (no save in between), one order.
        const before = await orderCount()
        await tab.locator('#pay-check').check()
        await tab.locator('#place-order').click()
        await tab.locator('#place-summary').waitFor({ state: 'visible' })
        await expect(tab.locator('[data-summary="Total"]')).toHaveText(usd(saved.Price.GrossDiscountedPrice))
        await expect(tab.locator('#place-summary')).toContainText('1 × Engraving')
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#place-summary'), [], 'the summary fits')
        await tab.locator('#place-confirm').click()
        await expect(tab.locator('#confirmation-view')).toBeVisible()
        const done = await draftById(id)
        t.match(done, { Status: 'COMPLETED', Version: 2, RefNo: /^\d+$/ }, 'completeDraft at the Version seen')
        t.equal(await orderCount(), before + 1, 'exactly one order placed')
        const order = ok(await app.rpc('getOrder', { sessionID: pricer, RefNo: done.RefNo }))
        t.same(order.Items.map((item: { Code: string, Quantity: number }) => [item.Code, item.Quantity]), [['ADDON-1', 3], ['CUSTOM-1', 1], ['CUSTOM-2', 2]], 'the order has the catalog line and both custom lines')
        t.equal(order.GrossDiscountedPrice, saved.Price.GrossDiscountedPrice, 'charged what the summary showed')
        await tab.close()
      })
    }
  })

  await t.test('custom-line prices are in the order\'s currency: a EUR draft resumed shows them in euros, and a currency change redraws them; at 1280 px and 390 px', async (t) => {
    const pricer = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'customizer', password: PASSWORD })) as string
    for (const width of [1280, 390]) {
      await t.test(`at ${width} px`, async (t) => {
        const tab = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { width, username: 'customizer' })
        const made = ok(await app.rpc('createDraft', { sessionID: pricer, Order: { Currency: 'EUR', Items: [{ Code: 'my_subscription_1', Quantity: 1 }], BillingDetails: { ...BILLING, Email: `euro${width}@example.com` } }, Assisted: { CustomerId: customer.CustomerId, CustomItems: [{ Name: 'Engraving', Price: 12.5, TaxClass: 'EXEMPT' }] } }))
        const id = Number(made.DraftId)
        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)
        const unit = tab.locator('#custom-lines [data-custom-line="0"] [data-label="Unit price"]')
        await expect(unit).toHaveText('€12.50')
        await expect(tab.locator('#custom-0-total')).toHaveText('€12.50')
        t.notOk((await tab.locator('#custom-lines').innerText()).includes('$'), 'no dollar sign on a EUR draft\'s custom line')
        await tab.getByLabel('Billing currency').selectOption('GBP')
        await expect(unit).toHaveText('£12.50')
        await expect(tab.locator('#custom-0-total')).toHaveText('£12.50')
        await tab.getByLabel('Billing currency').selectOption('USD')
        await expect(unit).toHaveText('$12.50')
        await expect(tab.locator('#custom-0-total')).toHaveText('$12.50')
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#custom-lines'), [], 'the custom lines fit and are tappable')
        // after a reload of the tab, the order in progress restored: still in its currency
        await tab.reload()
        await signIn(tab, 'customizer')
        await expect(tab.locator('#custom-lines')).toContainText('Engraving')
        await expect(tab.getByLabel('Billing currency')).toHaveValue('USD')
        await expect(unit).toHaveText('$12.50')
        await tab.close()
      })
    }
  })

  await t.test('a resumed draft completed elsewhere meanwhile (a lost answer, or the customer paid its link): Place order shows the order it became and places no second one', async (t) => {
    const context = await page.context().browser()!.newContext({ viewport: { width: 1280, height: 900 } })
    context.setDefaultTimeout(10_000)
    t.teardown(async () => await context.close())
    const tab = await context.newPage()
    tab.on('pageerror', (error) => { problems.push(error.message) })
    tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
    const made = ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: { ...BILLING, Email: 'elsewhere@example.com' } }, Assisted: { CustomerId: customer.CustomerId } }))
    const id = Number(made.DraftId)
    await tab.goto(`${app.url}/console`)
    await signIn(tab, 'agent')
    await resumeDraft(tab, id)
    // completed while the agent has it open
    const elsewhere = ok(await app.rpc('completeDraft', { sessionID: staff, DraftId: id, Version: made.Version, PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }))
    const before = await orderCount()
    await tab.locator('#pay-check').check()
    await placeOrder(tab)
    await expect(tab.locator('#confirmation-view')).toBeVisible()
    await expect(tab.locator('#confirmation-view')).toContainText(String(elsewhere.RefNo))
    t.equal(await orderCount(), before, 'no second order placed')
    t.match(await draftById(id), { Status: 'COMPLETED', RefNo: String(elsewhere.RefNo) }, 'the draft is the one order it became')
    await tab.close()
  })

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
