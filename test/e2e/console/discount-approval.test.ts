import t from 'tap'
import type { Page } from 'playwright-core'
import { chooseCustomer, expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, placeOrder, signIn, startConsoleServer, tabTo, type ConsoleServer } from '../../helpers/console.js'
import { runOrdergate } from '../../helpers/process.js'

// Discount authority in the console (README "Discount authority"): an agent's line discount above
// the AGENT limit is refused beside the discount with the limit in the agent's words, and a
// Supervisor approval panel is offered; a wrong supervisor password is refused beside the
// approval fields; the right one places the order, its adjustment ApprovedBy the supervisor. The
// supervisor's password is kept in no storage and written to no server log line; the panel is
// used with the keyboard only, and fits at 390 px. Save as draft takes the approval the same way.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const localStorage: any, sessionStorage: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const SUPERVISOR_PASSWORD = 'sam the supervisor 42'
const WRONG_PASSWORD = 'not sams password 17'
const LIMIT_MESSAGE = 'Above your limit of 10 % for a line discount: a supervisor can approve it.'

async function ordersNow (app: ConsoleServer): Promise<number> {
  return Number((await app.query('select count(*)::int as n from orders'))[0].n)
}

/** Everything in this page's localStorage and sessionStorage, keys and values. */
async function storage (page: Page): Promise<string> {
  return await page.evaluate(() => {
    const all = (store: any): string[] => Array.from({ length: store.length }, (_, i) => `${String(store.key(i))}=${String(store.getItem(store.key(i)))}`)
    return [...all(localStorage), ...all(sessionStorage)].join('\n')
  })
}

/** Abby Approval's order of My Subscription 1, billed in Denver, paid by check. */
async function startOrder (page: Page): Promise<void> {
  await chooseCustomer(page, 'abby.approval@example.com', 'Abby Approval')
  const billing = page.locator('#billing-fields')
  await billing.getByLabel('Address', { exact: true }).fill('1 Limit St')
  await billing.getByLabel('City').fill('Denver')
  await billing.getByLabel('State / region').fill('CO')
  await billing.getByLabel('ZIP / postcode').fill('80202')
  await billing.getByLabel('Country (two letters)').fill('US')
  await page.getByLabel('Find a product').fill('subscription')
  await page.locator('#catalog-search-form').getByRole('button', { name: 'Search' }).click()
  await page.getByRole('button', { name: 'Add My Subscription 1 to the cart' }).click()
  await page.getByLabel('Check').check()
}

t.test('a supervisor\'s approval of a discount above the agent\'s limit, in the checkout', { skip: skip ?? false, timeout: 600_000 }, async (t) => {
  const app = await startConsoleServer(t)
  await app.createUser('agent', ['AGENT'])
  const sam = await runOrdergate(['user', 'create', '--merchant', 'DEMO', '--username', 'sam', '--password-stdin', '--privilege', 'SUPERVISOR'], app.env, `${SUPERVISOR_PASSWORD}\n`)
  t.equal(sam.code, 0, `user create sam: ${sam.stderr}`)
  const merchant = await app.merchantSession()
  t.same((await app.rpc('setDiscountLimits', [merchant, [{ Role: 'AGENT', MaxLinePercent: 10 }]])).result, [{ Role: 'AGENT', MaxLinePercent: 10, MaxOrderPercent: null, Amounts: [] }], 'agents may give up to 10 % off a line')
  const staff = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'agent', password: PASSWORD })).result as string
  const created = await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Abby', LastName: 'Approval', Email: 'abby.approval@example.com' } })
  t.ok(created.result?.CustomerId, JSON.stringify(created.error))

  const { browser, page: desktop, problems } = await openConsole(t, app.url, 'discount-approval')
  await signIn(desktop, 'agent')

  for (const width of [1280, 390]) {
    await t.test(`at ${width} px`, async (t) => {
      const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width, username: 'agent' }) : desktop
      await expect(page.getByText('agent @ DEMO')).toBeVisible()
      await startOrder(page)
      const before = await ordersNow(app)

      // 25 % off the line: above the AGENT limit of 10 %, refused by the live quote beside the discount.
      await page.getByLabel('Discount on My Subscription 1').selectOption('PERCENT')
      await page.getByLabel('Discount value for My Subscription 1').fill('25')
      await page.getByLabel('Discount reason for My Subscription 1').fill('Loyal customer')
      await page.getByRole('button', { name: 'Apply the discount to My Subscription 1' }).click()
      const limit = page.locator('.error[data-error-for="Assisted.Items.0.Discount.Value"]')
      await expect(limit).toHaveText(LIMIT_MESSAGE)
      const panel = page.locator('#approval')
      await expect(panel).toBeVisible()
      await expect(panel.locator('legend')).toHaveText('Supervisor approval')
      t.equal(await panel.getByLabel('Supervisor username').count(), 1, 'a Supervisor username field')
      t.equal(await panel.getByLabel('Supervisor password').getAttribute('type'), 'password', 'a Supervisor password field, masked')
      t.equal(await panel.getByRole('button', { name: 'Approve' }).count(), 1, 'an Approve control')
      if (width === 390) t.same(await phoneLayoutProblems(page, '#order-view'), [], 'the checkout with the approval panel open fits at 390 px; every control tappable')

      // Placing without an approval: refused beside the discount, no summary, no order.
      await page.locator('#place-order').click()
      await expect(limit).toHaveText(LIMIT_MESSAGE)
      t.equal(await page.locator('#place-summary').isVisible(), false, 'no summary: the discount needs an approval')
      t.equal(await ordersNow(app), before, 'no order placed')

      // A wrong password, with the keyboard only: refused beside the approval fields.
      t.ok(await tabTo(page, '#approval-username'), 'Tab reaches the supervisor username')
      await page.keyboard.type('sam')
      await page.keyboard.press('Tab')
      await expect(page.locator('#approval-password')).toBeFocused()
      await page.keyboard.type(WRONG_PASSWORD)
      await page.keyboard.press('Enter')
      await expect(panel.locator('.error[data-error-for="Assisted.Approval"]')).toHaveText('The supervisor\'s username or password is wrong: ask them to type it again (each wrong try counts as a failed sign-in of theirs).')
      t.equal(await page.locator('#place-summary').isVisible(), false, 'Enter in the approval fields opens no summary')
      await page.locator('#place-order').click()
      await expect(limit).toHaveText(LIMIT_MESSAGE)
      t.equal(await page.locator('#place-summary').isVisible(), false, 'a refused approval places nothing: no summary')
      t.equal(await ordersNow(app), before, 'no order placed with a wrong password')

      // The right credentials, keyboard only (Tab to Approve, Enter): the limit's error goes, the order is placed.
      t.ok(await tabTo(page, '#approval-username'), 'Tab reaches the supervisor username again')
      await expect(page.locator('#approval-username')).toHaveValue('sam')
      await page.keyboard.press('Tab')
      await expect(page.locator('#approval-password')).toHaveValue('')
      await page.keyboard.type(SUPERVISOR_PASSWORD)
      await page.keyboard.press('Tab')
      await expect(page.locator('#approval-apply')).toBeFocused()
      await page.keyboard.press('Enter')
      await expect(page.locator('#notice')).toContainText('Approval by sam added')
      await page.waitForFunction(() => (globalThis as any).document.querySelector('.error[data-error-for="Assisted.Items.0.Discount.Value"]') === null)
      await expect(page.locator('tr[data-total="Total"] td')).toBeVisible()
      await new Promise((resolve) => setTimeout(resolve, 500)) // the work in progress is saved 200 ms after a change
      const stored = await storage(page)
      t.match(stored, /ordergate-console-order=/, 'the order in progress is saved for a reload')
      t.notOk(stored.includes(SUPERVISOR_PASSWORD) || stored.includes(WRONG_PASSWORD), 'but no supervisor password in localStorage or sessionStorage')

      const sent = page.waitForRequest((request) => request.url().endsWith('/rpc') && (request.postData() ?? '').includes('"placeAssistedOrder"'))
      await placeOrder(page)
      const body = JSON.parse((await sent).postData() ?? '{}')
      t.same(body.params.Assisted.Approval, { Username: 'sam', Password: SUPERVISOR_PASSWORD }, 'the order is placed with Assisted.Approval')
      await expect(page.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
      t.equal(await ordersNow(app), before + 1, 'one order')
      const refNo = (await page.locator('dd[data-field="Order reference (RefNo)"]').textContent()) ?? ''
      const order = (await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })).result
      t.match(order.Adjustments, [{ Kind: 'LINE_DISCOUNT', DiscountType: 'PERCENT', Value: '25', Reason: 'Loyal customer', User: { Username: 'agent' }, ApprovedBy: { Username: 'sam' } }], 'getOrder: the discount approved by sam')
      t.equal(order.Adjustments.length, 1)
      t.equal(await page.locator('#approval-username, #approval-password').count(), 0, 'the approval fields are cleared (gone) once the order is placed')
      const storedAfter = await storage(page)
      t.notOk(storedAfter.includes(SUPERVISOR_PASSWORD) || storedAfter.includes(WRONG_PASSWORD), 'no supervisor password in storage after placing')
      const log = app.server.output()
      t.ok(log.includes('discount approval failed'), 'the server logged the failed approval')
      t.notOk(log.includes(SUPERVISOR_PASSWORD) || log.includes(WRONG_PASSWORD), 'no server log line holds a supervisor password')
      await page.getByRole('button', { name: 'Done Order' }).click()
      t.equal(await panel.isVisible(), false, 'the next order starts without the approval panel')
    })
  }

  await t.test('a discount changed after the approval clears it', async (t) => {
    const page = desktop
    await startOrder(page)
    await page.getByLabel('Discount on My Subscription 1').selectOption('PERCENT')
    await page.getByLabel('Discount value for My Subscription 1').fill('30')
    await page.getByLabel('Discount reason for My Subscription 1').fill('Loyal customer')
    await page.getByRole('button', { name: 'Apply the discount to My Subscription 1' }).click()
    await expect(page.locator('.error[data-error-for="Assisted.Items.0.Discount.Value"]')).toHaveText(LIMIT_MESSAGE)
    await page.getByLabel('Supervisor username').fill('sam')
    await page.getByLabel('Supervisor password').fill(SUPERVISOR_PASSWORD)
    await page.getByRole('button', { name: 'Approve' }).click()
    await expect(page.locator('#notice')).toContainText('Approval by sam added')
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.error[data-error-for="Assisted.Items.0.Discount.Value"]') === null)
    await page.getByLabel('Discount value for My Subscription 1').fill('40')
    const sent = page.waitForRequest((request) => request.url().endsWith('/rpc') && (request.postData() ?? '').includes('"quote"'))
    await page.getByRole('button', { name: 'Apply the discount to My Subscription 1' }).click()
    await expect(page.locator('.error[data-error-for="Assisted.Items.0.Discount.Value"]')).toHaveText(LIMIT_MESSAGE)
    t.equal(JSON.parse((await sent).postData() ?? '{}').params.Assisted.Approval, undefined, 'the quote of the changed discount carries no approval')
    await expect(page.locator('#approval')).toBeVisible()
    t.same([await page.locator('#approval-username').inputValue(), await page.locator('#approval-password').inputValue()], ['', ''], 'a changed discount clears the approval fields: offered again, empty')
  })

  await t.test('Save as draft: refused above the limit, saved with the approval (createDraft Assisted.Approval), the password kept nowhere', async (t) => {
    const page = desktop
    const drafts = async (): Promise<any[]> => await app.query('select id, order_json from drafts order by id')
    t.same(await drafts(), [], 'no draft yet')
    // 40 % off the line, no approval typed: Save as draft is refused beside the discount.
    await page.getByRole('button', { name: 'Save as draft' }).click()
    await expect(page.locator('.error[data-error-for="Assisted.Items.0.Discount.Value"]')).toHaveText(LIMIT_MESSAGE)
    t.same(await drafts(), [], 'no draft saved')
    await page.getByLabel('Supervisor username').fill('sam')
    await page.getByLabel('Supervisor password').fill(SUPERVISOR_PASSWORD)
    await page.getByLabel('Supervisor password').press('Enter')
    await expect(page.locator('#notice')).toContainText('Approval by sam added')
    const sent = page.waitForRequest((request) => request.url().endsWith('/rpc') && (request.postData() ?? '').includes('"createDraft"'))
    await page.getByRole('button', { name: 'Save as draft' }).click()
    t.same(JSON.parse((await sent).postData() ?? '{}').params.Assisted.Approval, { Username: 'sam', Password: SUPERVISOR_PASSWORD }, 'createDraft carries Assisted.Approval')
    await expect(page.locator('#notice')).toContainText('saved (version 1)')
    const [draft] = await drafts()
    t.match(Object.values(draft?.order_json.Givers ?? {}), [{ Username: 'agent', ApprovedBy: { Username: 'sam' } }], 'the draft records the 40 % as the agent\'s, approved by sam')
    t.notOk(JSON.stringify(draft?.order_json).includes(SUPERVISOR_PASSWORD), 'the draft holds no password')
    await new Promise((resolve) => setTimeout(resolve, 500))
    const stored = await storage(page)
    t.match(stored, /"DraftId":/, 'the draft resumed is kept for a reload')
    t.notOk(stored.includes(SUPERVISOR_PASSWORD), 'but no supervisor password in localStorage or sessionStorage')
    t.notOk(app.server.output().includes(SUPERVISOR_PASSWORD), 'no server log line holds it')
    t.same(problems, [], 'no script or console errors')
  })
})
