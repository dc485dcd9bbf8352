import t from 'tap'
import { chooseCustomer, expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, signIn, startConsoleServer } from '../../helpers/console.js'

// Issue 19 item 6, the session: a warning before it ends (the server's 10-minute sessions, with
// the page's clock run forward by Playwright's page.clock, so nothing waits and nothing depends on
// timing), and no lost work on reload: the customer, the cart (with its price option) and the
// addresses typed come back after signing in again; the card number and the security code are in
// neither localStorage nor sessionStorage, nor is the password.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const localStorage: any, sessionStorage: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const CARD = '4111 1111 1111 1111'
const CVV = '987'

t.test('the console session: a warning before it ends; the order in progress survives a reload', { skip: skip ?? false, timeout: 90_000 }, async (t) => {
  const app = await startConsoleServer(t)
  await app.createUser('agent', ['AGENT'])
  const staff = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'agent', password: PASSWORD })).result as string
  const created = await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Rita', LastName: 'Reload', Email: 'rita.reload@example.com' } })
  t.ok(created.result?.CustomerId, JSON.stringify(created.error))

  const { page, problems, shot } = await openConsole(t, app.url, 'session')
  // The page's timers and Date from here on are Playwright's; time still flows as usual until run forward.
  await page.clock.install()
  await page.goto(`${app.url}/console`)
  const storage = async (): Promise<string> => await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }))

  await t.test('after a reload the customer, cart and addresses come back; the card number and CVV are stored nowhere', async (t) => {
    await signIn(page, 'agent')
    await expect(page.getByText('agent @ DEMO')).toBeVisible()
    await chooseCustomer(page, 'rita.reload@example.com', 'Rita Reload')
    await page.getByLabel('Find a product').fill('BOOK')
    await page.getByLabel('Find a product').press('Enter')
    await page.getByLabel('Quantity of Printed book to add').fill('3')
    await page.getByRole('button', { name: 'Add Printed book to the cart' }).click()
    await page.getByLabel('Find a product').fill('my_subscription')
    await page.getByLabel('Find a product').press('Enter')
    await page.getByRole('button', { name: 'Add My Subscription 1 to the cart' }).click()
    await page.getByLabel('Support level for My Subscription 1').selectOption('PREMIUM')
    const billing = page.locator('#billing-fields')
    await billing.getByLabel('Address', { exact: true }).fill('4 Reload Lane')
    await billing.getByLabel('City').fill('Portland')
    await billing.getByLabel('State / region').fill('OR')
    await billing.getByLabel('ZIP / postcode').fill('97201')
    await billing.getByLabel('Country (two letters)').fill('US')
    await page.getByLabel('Ship to').selectOption('new')
    const shipping = page.locator('#shipping-fields')
    await shipping.getByLabel('Address', { exact: true }).fill('8 Depot St')
    await shipping.getByLabel('City').fill('Salem')
    await shipping.getByLabel('State / region').fill('OR')
    await shipping.getByLabel('ZIP / postcode').fill('97301')
    await shipping.getByLabel('Country (two letters)').fill('US')
    await page.getByLabel('Name on card').fill('Rita Reload')
    await page.getByLabel('Card number').fill(CARD)
    await page.getByLabel('Security code (CVV)').fill(CVV)
    // 3 × 25.00 + 99.00 + PREMIUM 20.00 + STANDARD 5.00, no US VAT.
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText('$199.00')
    await page.waitForFunction(() => (sessionStorage.getItem('ordergate-console-order') ?? '').includes('Depot St'))
    await shot('01-before-reload')

    await page.reload()
    await expect(page.locator('#sign-in-view')).toBeVisible()
    const kept = await storage()
    t.ok(kept.includes('4 Reload Lane') && kept.includes('Portland'), 'the order in progress is kept in the tab')
    for (const secret of [CARD, CARD.replace(/ /g, ''), '1111', CVV, 'card-number', 'card-cvv', PASSWORD, staff]) {
      t.notOk(kept.includes(secret), `"${secret}" is in no storage`)
    }
    await signIn(page, 'agent')
    await expect(page.locator('#notice')).toContainText('The order in progress was restored.')
    await expect(page.locator('#customer-summary')).toContainText('rita.reload@example.com')
    await expect(page.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('3')
    await expect(page.getByLabel('Quantity of My Subscription 1', { exact: true })).toHaveValue('1')
    await expect(page.getByLabel('Support level for My Subscription 1')).toHaveValue('PREMIUM')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('4 Reload Lane')
    await expect(billing.getByLabel('ZIP / postcode')).toHaveValue('97201')
    await expect(page.getByLabel('Ship to')).toHaveValue('new')
    await expect(shipping.getByLabel('City')).toHaveValue('Salem')
    await expect(page.getByLabel('Name on card')).toHaveValue('Rita Reload')
    await expect(page.getByLabel('Card number')).toHaveValue('')
    await expect(page.getByLabel('Security code (CVV)')).toHaveValue('')
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText('$199.00')
    await shot('02-restored')
  })

  await t.test('the warning shows before the 10-minute session ends, and at its end the page returns to sign-in with the order kept', async (t) => {
    const warning = page.locator('#session-warning')
    // Signed in again a moment ago: 10 minutes left; the warning is due 2 minutes before the end.
    await page.clock.fastForward('07:30')
    t.equal(await warning.isVisible(), false, 'no warning with 2 min 30 s left')
    await page.clock.fastForward('00:40')
    await expect(warning).toBeVisible()
    await expect(page.locator('#session-warning-text')).toContainText('Your session ends in 1 min')
    t.equal(await page.locator('#order-view').isVisible(), true, 'the order stays on screen while the warning shows')
    await shot('03-warning')
    await page.clock.fastForward('02:00')
    await expect(page.locator('#notice')).toContainText('Your session expired')
    t.equal(await page.locator('#sign-in-view').isVisible(), true, 'back on the sign-in form')
    t.equal(await warning.isVisible(), false, 'the warning is gone with the session')
    await signIn(page, 'agent')
    await expect(page.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('3')
    await expect(page.locator('#billing-fields').getByLabel('City')).toHaveValue('Portland')
  })

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})

// The warning's "Sign in again now": the sign-in form at once, and signing in there is a new
// session (a new loginUser, the calls after it carry its sessionID), the warning gone and not
// brought back by the old session's end, the next search and quote answered, and the order in
// progress (customer, cart, addresses, name on card) as the agent left it. 1280 and 390 px.
for (const width of [1280, 390]) {
  t.test(`"Sign in again now" in the session warning renews the session and keeps the order in progress, at ${width} px`, { skip: skip ?? false, timeout: 90_000 }, async (t) => {
    const app = await startConsoleServer(t)
    await app.createUser('agent', ['AGENT'])
    const staff = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'agent', password: PASSWORD })).result as string
    const created = await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Rene', LastName: 'Renew', Email: 'rene.renew@example.com' } })
    t.ok(created.result?.CustomerId, JSON.stringify(created.error))
    const { browser, page: desktop, problems } = await openConsole(t, app.url, `session-renew-${width}`)
    const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width }) : desktop
    await page.clock.install()
    await page.goto(`${app.url}/console`)
    // Each call the page makes after sign-in, with the session it carries.
    const calls: Array<{ method: string, sessionID: unknown }> = []
    page.on('request', (request) => {
      if (!request.url().endsWith('/rpc')) return
      const body = JSON.parse(request.postData() ?? '{}')
      if (body.method !== 'loginUser') calls.push({ method: body.method, sessionID: body.params?.sessionID })
    })
    const signInAnswered = async (): Promise<string> => {
      const answered = page.waitForResponse((response) => (response.request().postData() ?? '').includes('"loginUser"'))
      await signIn(page, 'agent')
      const reply = await (await answered).json()
      t.type(reply.result, 'string', `loginUser answered a session (${JSON.stringify(reply.error)})`)
      return reply.result
    }
    const press = async (name: string): Promise<void> => {
      const button = page.getByRole('button', { name })
      if (width === 390) await button.tap()
      else await button.click()
    }

    const first = await signInAnswered()
    await expect(page.locator('#who-text')).toContainText('(agent @ DEMO)')
    await chooseCustomer(page, 'rene.renew@example.com', 'Rene Renew')
    await page.getByLabel('Find a product').fill('BOOK')
    await page.getByLabel('Find a product').press('Enter')
    await page.getByLabel('Quantity of Printed book to add').fill('2')
    await press('Add Printed book to the cart')
    const billing = page.locator('#billing-fields')
    await billing.getByLabel('Address', { exact: true }).fill('6 Renewal Rd')
    await billing.getByLabel('City').fill('Eugene')
    await billing.getByLabel('State / region').fill('OR')
    await billing.getByLabel('ZIP / postcode').fill('97401')
    await billing.getByLabel('Country (two letters)').fill('US')
    await page.getByLabel('Name on card').fill('Rene Renew')
    // 2 × 25.00 + STANDARD shipping 5.00, no US VAT.
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText('$55.00')

    const warning = page.locator('#session-warning')
    await page.clock.fastForward('08:10')
    await expect(warning).toBeVisible()
    await expect(page.locator('#session-warning-text')).toContainText('Your session ends in 1 min')
    await press('Sign in again now')
    await expect(page.locator('#sign-in-view')).toBeVisible()
    await expect(page.locator('#notice')).toContainText('Sign in again to go on: the order in progress is kept.')
    t.equal(await warning.isVisible(), false, 'the warning is gone with the old session')
    await expect(page.getByLabel('Password')).toBeFocused()
    if (width === 390) t.same(await phoneLayoutProblems(page), [], 'the sign-in form after "Sign in again now": no horizontal scroll, every control 44 px and tappable')

    const renewedAt = calls.length
    const second = await signInAnswered()
    t.not(second, first, 'a new session: the second loginUser answered another sessionID')
    await expect(page.locator('#who-text')).toContainText('(agent @ DEMO)')
    await expect(page.locator('#order-view')).toBeVisible()
    t.equal(await warning.isVisible(), false, 'no warning with the new session')
    await expect(page.locator('#customer-summary')).toContainText('rene.renew@example.com')
    await expect(page.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('2')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('6 Renewal Rd')
    await expect(billing.getByLabel('City')).toHaveValue('Eugene')
    await expect(billing.getByLabel('State / region')).toHaveValue('OR')
    await expect(billing.getByLabel('ZIP / postcode')).toHaveValue('97401')
    await expect(billing.getByLabel('Country (two letters)')).toHaveValue('US')
    await expect(page.getByLabel('Name on card')).toHaveValue('Rene Renew')
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText('$55.00')

    // The old session's end (2 minutes on) passes: no expiry, no warning; a search and a quote are answered.
    await page.clock.fastForward('02:00')
    t.equal(await page.locator('#order-view').isVisible(), true, 'still on the order after the old session\'s end')
    t.equal(await warning.isVisible(), false, 'and no warning')
    t.notMatch(await page.locator('#notice').textContent(), /expired/, 'no "session expired"')
    await page.getByLabel('Find a product').fill('ADDON')
    await page.getByLabel('Find a product').press('Enter')
    await press('Add Add-on 1 to the cart')
    await expect(page.getByLabel('Quantity of Add-on 1', { exact: true })).toHaveValue('1')
    await page.getByLabel('Quantity of Printed book', { exact: true }).fill('3')
    await page.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
    // 3 × 25.00 + 10.00 + STANDARD shipping 5.00.
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText('$90.00')
    const after = calls.slice(renewedAt)
    t.ok(after.some((call) => call.method === 'searchCatalog') && after.some((call) => call.method === 'quote'), `a search and a quote after the renewal (${after.map((call) => call.method).join(', ')})`)
    t.same(after.filter((call) => call.sessionID !== second), [], 'every call after the renewal carries the new session')
    t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
  })
}
