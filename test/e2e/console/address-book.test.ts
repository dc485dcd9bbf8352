import t from 'tap'
import type { Locator, Page } from 'playwright-core'
import { chooseCustomer, expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, placeOrder, signIn, startConsoleServer, type ConsoleServer } from '../../helpers/console.js'

// Issue 19 item 6, the address book in the checkout: a new address is saved to the customer only
// when "Save this address to the customer" is ticked, and only once the order is placed; the next
// checkout for that customer offers the last order's address first. At 1280 and 390 px; at 390 px
// (a touch phone) no horizontal scroll, every control 44 px and tappable (phoneLayoutProblems),
// the new box at least 24 px and reachable by Tab.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const document: any, window: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

async function addresses (app: ConsoleServer, email: string): Promise<Array<Record<string, unknown>>> {
  // getCustomer is a user's method: the checker's own session, apart from the browser's.
  const sessionID = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'checker', password: PASSWORD })).result as string
  const customerId = Number((await app.query('select id from customers where email = $1', [email]))[0].id)
  const reply = await app.rpc('getCustomer', { sessionID, CustomerId: customerId })
  if (reply.result === undefined) throw new Error(`getCustomer failed: ${JSON.stringify(reply.error)}`)
  return reply.result.Addresses ?? []
}

async function addBook (page: Page): Promise<void> {
  await page.getByLabel('Find a product').fill('BOOK')
  await page.getByLabel('Find a product').press('Enter')
  await page.getByRole('button', { name: 'Add Printed book to the cart' }).click()
  await expect(page.getByLabel('Quantity of Printed book', { exact: true })).toHaveValue('1')
}

/** "New customer" with these names and e-mail, created and in the checkout. */
async function newCustomer (page: Page, firstName: string, lastName: string, email: string): Promise<void> {
  await page.getByRole('button', { name: 'New customer' }).click()
  const form = page.locator('#new-customer-form')
  await form.getByLabel('First name').fill(firstName)
  await form.getByLabel('Last name').fill(lastName)
  await form.getByLabel('E-mail').fill(email)
  await form.getByRole('button', { name: 'Create customer' }).click()
  await expect(page.locator('#customer-summary')).toContainText(email)
}

/** The address fields of `fields` (billing or delivery): 12 Harbour Rd, Albany, NY 12207, US. */
async function fillHarbourRd (fields: Locator): Promise<void> {
  await fields.getByLabel('Address', { exact: true }).fill('12 Harbour Rd')
  await fields.getByLabel('City').fill('Albany')
  await fields.getByLabel('State / region').fill('NY')
  await fields.getByLabel('ZIP / postcode').fill('12207')
  await fields.getByLabel('Country (two letters)').fill('US')
}

for (const width of [1280, 390]) {
  t.test(`the checkout's address book at ${width} px`, { skip: skip ?? false, timeout: 120_000 }, async (t) => {
    const app = await startConsoleServer(t)
    await app.createUser('agent', ['AGENT'])
    await app.createUser('checker', ['AGENT'])
    // 390 px: a touch phone, as the other 390-px tests.
    const { browser, page: desktop, problems } = await openConsole(t, app.url, 'address-book')
    const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width }) : desktop
    const phoneLayout = async (what: string): Promise<void> => {
      if (width === 390) t.same(await phoneLayoutProblems(page), [], `${what}: no horizontal scroll, every control 44 px (a box 24 px) and tappable`)
    }
    await signIn(page, 'agent')
    await expect(page.locator('#who-text')).toContainText('(agent @ DEMO)')
    const email = 'ada.book@example.com'
    const billing = page.locator('#billing-fields')
    const saveBox = page.getByLabel('Save this address to the customer')

    // A new customer, a new address, the box ticked: saved once the order is placed.
    await newCustomer(page, 'Ada', 'Book', email)
    await expect(page.locator('#billing-source')).toHaveValue('new')
    await addBook(page)
    await fillHarbourRd(billing)
    await page.getByLabel('Check', { exact: true }).check()

    // No horizontal scroll; the new box is big enough and next after the address in the Tab order.
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal scroll at ${width} px`)
    await phoneLayout('the new address with its box')
    if (width === 390) {
      const box = await saveBox.boundingBox()
      t.ok(box !== null && box.width >= 24 && box.height >= 24, `the save box is ${box?.width ?? 0}×${box?.height ?? 0} px`)
    }
    await billing.getByLabel('Phone').focus()
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'billing-save', 'Tab from the last address field reaches the box')
    await page.keyboard.press('Space')
    await expect(saveBox).toBeChecked()
    t.same(await addresses(app, email), [], 'nothing saved before the order is placed')

    await placeOrder(page)
    await expect(page.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    const saved = await addresses(app, email)
    t.match(saved, [{ FirstName: 'Ada', LastName: 'Book', Address1: '12 Harbour Rd', City: 'Albany', State: 'NY', Zip: '12207', CountryCode: /^us$/i }], 'getCustomer shows the address')
    t.equal(saved.length, 1, 'one address')
    await page.getByRole('button', { name: 'Done Order' }).click()

    // The next checkout: the last order's address first, chosen, its fields filled.
    await chooseCustomer(page, email, 'Ada Book')
    const picker = page.locator('#billing-source')
    await expect(picker).toHaveValue('last')
    await expect(picker.locator('option')).toHaveTexts([
      'Last order: Ada Book, 12 Harbour Rd, Albany, NY, 12207, US',
      'Ada Book, 12 Harbour Rd, Albany, NY, 12207, US',
      'New address'
    ])
    await picker.selectOption('new')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('')
    await picker.selectOption('last')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('12 Harbour Rd')
    await expect(billing.getByLabel('State / region')).toHaveValue('NY')
    await expect(billing.getByLabel('Country (two letters)')).toHaveValue('US')
    await phoneLayout('the last order\'s address offered first')

    // Another billing address, its box left unticked: not saved; a new delivery address, ticked: saved.
    await addBook(page)
    await billing.getByLabel('Address', { exact: true }).fill('7 Quay St')
    t.equal(await saveBox.isChecked(), false, 'the box starts unticked')
    await page.getByLabel('Ship to').selectOption('new')
    const shipping = page.locator('#shipping-fields')
    await shipping.getByLabel('Address', { exact: true }).fill('3 Dock Ln')
    await shipping.getByLabel('City').fill('Troy')
    await shipping.getByLabel('State / region').fill('NY')
    await shipping.getByLabel('ZIP / postcode').fill('12180')
    await shipping.getByLabel('Country (two letters)').fill('US')
    await page.getByLabel('Save this delivery address to the customer').check()
    await page.getByLabel('Check', { exact: true }).check()
    await phoneLayout('an unticked billing address and a ticked delivery address')
    await placeOrder(page)
    await expect(page.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    await page.getByRole('button', { name: 'Done Order' }).click()
    const after = await addresses(app, email)
    t.same(after.map((a) => a.Address1), ['12 Harbour Rd', '3 Dock Ln'], 'the unticked billing address was not saved; the ticked delivery address was')

    // That order is now the last one: offered first.
    await chooseCustomer(page, email, 'Ada Book')
    await expect(page.locator('#billing-source option').first()).toHaveText('Last order: Ada Book, 7 Quay St, Albany, NY, 12207, US')
    await expect(page.locator('#shipping-source')).toHaveValue('last')
    await expect(page.locator('#shipping-source option').first()).toHaveText('Last order: Ada Book, 3 Dock Ln, Troy, NY, 12180, US')
    await expect(page.locator('#shipping-fields').getByLabel('Address', { exact: true })).toHaveValue('3 Dock Ln')
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'still no horizontal scroll')
    await phoneLayout('the last order\'s addresses offered again')
    t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
  })
}

// A saved address chosen and then edited offers "Save changes to this address" (the saved entry
// replaced, saveCustomerAddress with its AddressId) or "Save as a new address"; after a reload the
// "Last order" option is back, still chosen, the restored fields as they were; where a saved address
// was chosen instead, that one stays chosen. Desktop and 390 px.
for (const width of [1280, 390]) {
  t.test(`a saved address edited, and a reload with the last order's address, at ${width} px`, { skip: skip ?? false, timeout: 180_000 }, async (t) => {
    const app = await startConsoleServer(t)
    await app.createUser('agent', ['AGENT'])
    await app.createUser('checker', ['AGENT'])
    // 390 px: a touch phone, as the other 390-px tests.
    const { browser, page: desktop, problems } = await openConsole(t, app.url, `address-book-edit-${width}`)
    const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width }) : desktop
    const phoneLayout = async (what: string): Promise<void> => {
      if (width === 390) t.same(await phoneLayoutProblems(page), [], `${what}: no horizontal scroll, every control 44 px (a box 24 px) and tappable`)
    }
    await signIn(page, 'agent')
    const email = `grace.edit${width}@example.com`
    const billing = page.locator('#billing-fields')
    const picker = page.locator('#billing-source')
    const saveNewBox = page.getByLabel('Save this address to the customer')
    const changesBox = page.getByLabel('Save changes to this address')
    const asNewBox = page.getByLabel('Save as a new address')

    await newCustomer(page, 'Grace', 'Edit', email)
    await addBook(page)
    await fillHarbourRd(billing)
    await saveNewBox.check()
    await page.getByLabel('Check', { exact: true }).check()
    await placeOrder(page)
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    await page.getByRole('button', { name: 'Done Order' }).click()
    const first = await addresses(app, email)
    t.equal(first.length, 1, 'one saved address')
    // What the checkout does not show (the entry's Label and Email) must survive "Save changes".
    const checker = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'checker', password: PASSWORD })).result as string
    const customerId = Number((await app.query('select id from customers where email = $1', [email]))[0].id)
    const labelled = await app.rpc('saveCustomerAddress', { sessionID: checker, CustomerId: customerId, AddressId: first[0]?.AddressId, Address: { ...first[0], AddressId: undefined, Label: 'Head office', Email: 'office@example.com' } })
    t.match(labelled.result, { Label: 'Head office', Email: 'office@example.com' }, 'the saved address has a label and an e-mail')

    // The saved address chosen: no box; edited: the two choices, the new-address box not.
    await chooseCustomer(page, email, 'Grace Edit')
    await expect(picker).toHaveValue('last')
    await picker.selectOption({ label: 'Head office, Grace Edit, 12 Harbour Rd, Albany, NY, 12207, US' })
    await expect(billing.getByLabel('City')).toHaveValue('Albany')
    await changesBox.waitFor({ state: 'hidden' })
    await saveNewBox.waitFor({ state: 'hidden' })
    await billing.getByLabel('City').fill('Troy')
    await expect(changesBox).toBeVisible()
    await expect(asNewBox).toBeVisible()
    await saveNewBox.waitFor({ state: 'hidden' })
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal scroll at ${width} px`)
    await phoneLayout('a saved address edited, its two choices shown')
    if (width === 390) {
      for (const box of [changesBox, asNewBox]) {
        const size = await box.boundingBox()
        t.ok(size !== null && size.width >= 24 && size.height >= 24, `a box is ${size?.width ?? 0}×${size?.height ?? 0} px`)
      }
    }
    await changesBox.check()
    await asNewBox.check()
    t.equal(await changesBox.isChecked(), false, 'ticking "Save as a new address" unticks "Save changes"')
    await changesBox.check()
    t.equal(await asNewBox.isChecked(), false, 'and the other way round')
    await billing.getByLabel('City').fill('Albany')
    await changesBox.waitFor({ state: 'hidden' })
    await billing.getByLabel('City').fill('Troy')
    await changesBox.check()
    await addBook(page)
    await page.getByLabel('Check', { exact: true }).check()
    await placeOrder(page)
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    await page.getByRole('button', { name: 'Done Order' }).click()
    const updated = await addresses(app, email)
    t.match(updated, [{ AddressId: first[0]?.AddressId, Address1: '12 Harbour Rd', City: 'Troy', Label: 'Head office', Email: 'office@example.com' }], 'the saved address was changed (its label and e-mail kept), not added to')
    t.equal(updated.length, 1, 'still one address')

    // Edited again, saved as a new address: both kept.
    await chooseCustomer(page, email, 'Grace Edit')
    await expect(picker).toHaveValue('last')
    await picker.selectOption({ label: 'Head office, Grace Edit, 12 Harbour Rd, Troy, NY, 12207, US' })
    await billing.getByLabel('Address', { exact: true }).fill('9 Mill Rd')
    await asNewBox.check()
    await addBook(page)
    await page.getByLabel('Check', { exact: true }).check()
    await placeOrder(page)
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    await page.getByRole('button', { name: 'Done Order' }).click()
    t.same((await addresses(app, email)).map((a) => `${String(a.Address1)}, ${String(a.City)}`).sort(), ['12 Harbour Rd, Troy', '9 Mill Rd, Troy'], 'the edited address added; the saved one as it was')

    // A reload: the last order's address offered and chosen again, the fields as they were.
    await chooseCustomer(page, email, 'Grace Edit')
    await expect(picker).toHaveValue('last')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('9 Mill Rd')
    await addBook(page)
    await billing.getByLabel('Phone').fill('555-0100')
    await page.waitForFunction(() => (window.sessionStorage.getItem('ordergate-console-order') ?? '').includes('555-0100'))
    await page.reload()
    await signIn(page, 'agent')
    await expect(page.locator('#notice')).toContainText('The order in progress was restored.')
    await expect(picker).toHaveValue('last')
    await expect(picker.locator('option').first()).toHaveText('Last order: Grace Edit, 9 Mill Rd, Troy, NY, 12207, US')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('9 Mill Rd')
    await expect(billing.getByLabel('Phone')).toHaveValue('555-0100')
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll after the reload')
    await phoneLayout('the order restored after the reload')

    // A reload with a saved address chosen (the picker's first before the Last order option comes
    // back): the option is back, but the saved address stays chosen, its fields as they were.
    await picker.selectOption({ label: 'Head office, Grace Edit, 12 Harbour Rd, Troy, NY, 12207, US' })
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('12 Harbour Rd')
    const chosen = await picker.inputValue()
    await billing.getByLabel('Phone').fill('555-0101')
    await page.waitForFunction((chosen) => {
      const saved = JSON.parse(window.sessionStorage.getItem('ordergate-console-order') ?? '{}')
      return saved.fields?.['billing-source'] === chosen && saved.fields?.['billing-fields-Phone'] === '555-0101'
    }, chosen)
    await page.reload()
    await signIn(page, 'agent')
    await expect(page.locator('#notice')).toContainText('The order in progress was restored.')
    await expect(picker.locator('option').first()).toHaveText('Last order: Grace Edit, 9 Mill Rd, Troy, NY, 12207, US')
    t.equal(await picker.inputValue(), chosen, 'after the reload the saved address is still chosen, not the last order\'s')
    await expect(billing.getByLabel('Address', { exact: true })).toHaveValue('12 Harbour Rd')
    await expect(billing.getByLabel('Phone')).toHaveValue('555-0101')
    t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
  })
}

// Billing and delivery both the same saved address, both edited with "Save changes": before, two
// saveCustomerAddress writes and the last one silently won. Now the same edit is one write, and
// two different edits are said beside the delivery's box before anything is placed, until the
// agent chooses (here: the delivery saved as a new address). Desktop and 390 px.
for (const width of [1280, 390]) {
  t.test(`one saved address changed by both billing and delivery, at ${width} px`, { skip: skip ?? false, timeout: 180_000 }, async (t) => {
    const app = await startConsoleServer(t)
    await app.createUser('agent', ['AGENT'])
    await app.createUser('checker', ['AGENT'])
    // 390 px: a touch phone, as the other 390-px tests.
    const { browser, page: desktop, problems } = await openConsole(t, app.url, `address-book-both-${width}`)
    const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width }) : desktop
    const phoneLayout = async (what: string): Promise<void> => {
      if (width === 390) t.same(await phoneLayoutProblems(page), [], `${what}: no horizontal scroll, every control 44 px (a box 24 px) and tappable`)
    }
    const email = `hal.both${width}@example.com`
    const checker = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'checker', password: PASSWORD })).result as string
    const created = await app.rpc('createCustomer', { sessionID: checker, Customer: { FirstName: 'Hal', LastName: 'Both', Email: email } })
    t.notOk(created.error, JSON.stringify(created.error))
    const home = { FirstName: 'Hal', LastName: 'Both', Address1: '4 Elm St', City: 'Albany', State: 'NY', Zip: '12207', CountryCode: 'US' }
    const saved = await app.rpc('saveCustomerAddress', { sessionID: checker, CustomerId: created.result.CustomerId, Address: { ...home, Label: 'Home' } })
    t.notOk(saved.error, JSON.stringify(saved.error))
    const homeId = String(saved.result.AddressId)
    const orderCount = async (): Promise<number> => Number((await app.query('select count(*)::int as n from orders'))[0].n)
    const writes: string[] = []
    page.on('request', (request) => { const body = request.postData() ?? ''; if (body.includes('"saveCustomerAddress"')) writes.push(body) })

    await signIn(page, 'agent')
    await chooseCustomer(page, email, 'Hal Both')
    await addBook(page)
    const billing = page.locator('#billing-fields')
    const delivery = page.locator('#shipping-fields')
    await expect(page.locator('#billing-source')).toHaveValue(homeId)
    await page.locator('#shipping-source').selectOption(homeId)
    await expect(delivery.getByLabel('City')).toHaveValue('Albany')

    // Two different edits of "Home", both to be saved into it: refused before placing, said beside the delivery's box.
    await billing.getByLabel('City').fill('Troy')
    await page.getByLabel('Save changes to this address', { exact: true }).check()
    await delivery.getByLabel('Address', { exact: true }).fill('5 Dock St')
    await page.getByLabel('Save changes to this delivery address').check()
    await page.getByLabel('Check', { exact: true }).check()
    const before = await orderCount()
    await page.locator('#place-order').click()
    await expect(page.locator('.error[data-error-for="AddressBook.DeliveryChanges"]')).toContainText('only one can be kept in it')
    await expect(page.getByLabel('Save changes to this delivery address')).toBeFocused()
    t.equal(await page.locator('#place-summary').isVisible(), false, 'no summary: nothing to confirm yet')
    t.equal(await orderCount(), before, 'no order placed')
    t.same(writes, [], 'no address written')
    t.match(await addresses(app, email), [{ AddressId: Number(homeId), Address1: '4 Elm St', City: 'Albany', Label: 'Home' }], 'the saved address as it was')
    if (width === 390) t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll with the message shown')
    await phoneLayout('both addresses edited, the message beside the delivery\'s box')

    // The agent chooses: the delivery address saved as a new one; billing's edit goes into "Home".
    await page.getByLabel('Save as a new delivery address').check()
    await placeOrder(page)
    await expect(page.locator('#notice')).toContainText('both addresses were saved to the customer\'s address book')
    t.equal(await orderCount(), before + 1, 'one order placed')
    t.equal(writes.length, 2, 'two writes: the change of "Home" and a new address')
    t.same((await addresses(app, email)).map((a) => [a.AddressId === Number(homeId) ? 'Home' : 'new', a.Address1, a.City]).sort(), [['Home', '4 Elm St', 'Troy'], ['new', '5 Dock St', 'Albany']], 'billing\'s edit in "Home", delivery\'s as a new address')
    await page.getByRole('button', { name: 'Done Order' }).click()

    // The same edit on both: one write.
    writes.length = 0
    await chooseCustomer(page, email, 'Hal Both')
    await addBook(page)
    await page.locator('#billing-source').selectOption(homeId)
    await page.locator('#shipping-source').selectOption(homeId)
    await expect(delivery.getByLabel('City')).toHaveValue('Troy')
    await billing.getByLabel('City').fill('Utica')
    await delivery.getByLabel('City').fill('Utica')
    await page.getByLabel('Save changes to this address', { exact: true }).check()
    await page.getByLabel('Save changes to this delivery address').check()
    await page.getByLabel('Check', { exact: true }).check()
    await placeOrder(page)
    await expect(page.locator('#notice')).toContainText('the address was saved to the customer\'s address book')
    t.equal(writes.length, 1, 'one write')
    t.match(await addresses(app, email), [{ AddressId: Number(homeId), City: 'Utica', Label: 'Home' }, { Address1: '5 Dock St' }])
    await phoneLayout('the order placed')
    t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
  })
}
