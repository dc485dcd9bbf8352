import t from 'tap'
import { expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, placeOrder, resumeDraft, signIn, startConsoleServer } from '../../helpers/console.js'

// Issue 19, a replacement order ("Payment not required") placed from a resumed draft: the console
// completes the draft with it (completeDraft with PaymentNotRequired), so the draft ends COMPLETED
// with the order's RefNo instead of staying OPEN beside it; one order; at 1280 px and 390 px.

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const BILLING = { FirstName: 'Rita', LastName: 'Replace', Email: 'rita@example.com', Address1: '1 Elm St', City: 'Austin', State: 'TX', Zip: '73301', CountryCode: 'US' }

t.test('a replacement placed from a resumed draft completes that draft: COMPLETED with the RefNo, one order, the original and the reason on the order', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  const app = await startConsoleServer(t)
  await Promise.all([app.createUser('other', ['AGENT']), app.createUser('replacer', ['AGENT', 'REPLACEMENT_ORDERS'])])
  const ok = (reply: { result?: any, error?: unknown }): any => { if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error)); return reply.result }
  const staff = ok(await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'other', password: PASSWORD })) as string
  const customer = ok(await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Rita', LastName: 'Replace', Email: 'rita@example.com' } }))
  const orderCount = async (): Promise<number> => Number((await app.query('select count(*)::int as n from orders'))[0].n)
  const { page, problems } = await openConsole(t, app.url, 'draft-replacement')

  for (const width of [1280, 390]) {
    await t.test(`at ${width} px`, async (t) => {
      const context = await page.context().browser()!.newContext(width === 390 ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } : { viewport: { width: 1280, height: 900 } })
      context.setDefaultTimeout(10_000)
      t.teardown(async () => await context.close())
      const tab = await context.newPage()
      tab.on('pageerror', (error) => { problems.push(error.message) })
      tab.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
      tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })

      // The order it replaces, and the draft a colleague left for the customer.
      const original = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: BILLING, PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }, Assisted: { CustomerId: customer.CustomerId } }))
      const made = ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: BILLING }, Assisted: { CustomerId: customer.CustomerId } }))
      const id = Number(made.DraftId)

      await tab.goto(`${app.url}/console`)
      await signIn(tab, 'replacer')
      await expect(tab.locator('#nav-drafts')).toBeVisible()
      await resumeDraft(tab, id)

      await tab.getByLabel('Payment not required (replacement)').check()
      await tab.getByLabel('Original order (RefNo)').fill(String(original.RefNo))
      await tab.getByLabel('Replacement reason').fill(`arrived damaged ${width}`)
      if (width === 390) t.same(await phoneLayoutProblems(tab, '#panel-NOT_REQUIRED'), [], 'the replacement fields fit and can be tapped at 390 px')

      const before = await orderCount()
      await placeOrder(tab)
      await expect(tab.locator('#confirmation-view')).toBeVisible()
      const done = ok(await app.rpc('getDraft', { sessionID: staff, DraftId: id }))
      t.match(done, { Status: 'COMPLETED', RefNo: /^\d+$/ }, 'the draft is COMPLETED with the order (before: left OPEN beside it)')
      await expect(tab.locator('#confirmation-view [data-field="Order reference (RefNo)"]')).toHaveText(String(done.RefNo))
      t.equal(await orderCount(), before + 1, 'exactly one order placed')
      const order = ok(await app.rpc('getOrder', { sessionID: staff, RefNo: done.RefNo }))
      t.match(order, {
        Status: 'COMPLETE',
        PaymentDetails: { Type: 'FREE' },
        ExtraInformation: { ReplacementOf: String(original.RefNo), ReplacementReason: `arrived damaged ${width}` },
        Adjustments: [{ Kind: 'PAYMENT_NOT_REQUIRED', Value: String(original.RefNo), NewAmount: 0, User: { Username: 'replacer' } }]
      }, 'the order is the replacement: uncharged, its original and reason recorded')
      t.equal(await tab.locator('#checkout-draft').isVisible(), false, 'the checkout no longer holds the draft')
      if (width === 390) t.same(await phoneLayoutProblems(tab, '#confirmation-view'), [], 'the confirmation fits at 390 px')
      await tab.close()
    })
  }

  await t.test('completeDraft\'s refusals of a replacement from a resumed draft, each beside its field in the agent\'s words, nothing placed: an original order that does not exist; the privilege taken away meanwhile; the draft completed meanwhile by another payment', async (t) => {
    for (const width of [1280, 390]) {
      await t.test(`at ${width} px`, async (t) => {
        const username = await app.createUser(`revoked${width}`, ['AGENT', 'REPLACEMENT_ORDERS'])
        const original = ok(await app.rpc('placeAssistedOrder', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: BILLING, PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }, Assisted: { CustomerId: customer.CustomerId } }))
        const made = ok(await app.rpc('createDraft', { sessionID: staff, Order: { Currency: 'USD', Items: [{ Code: 'ADDON-1', Quantity: 1 }], BillingDetails: BILLING }, Assisted: { CustomerId: customer.CustomerId } }))
        const id = Number(made.DraftId)
        const tab = await openPage(t, page.context().browser()!, `${app.url}/console`, problems, { width, username })
        tab.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
        await expect(tab.locator('#nav-drafts')).toBeVisible()
        await resumeDraft(tab, id)
        const before = await orderCount()
        const untouched = async (what: string): Promise<void> => {
          t.equal(await orderCount(), before, `${what}: no order placed`)
          t.match(ok(await app.rpc('getDraft', { sessionID: staff, DraftId: id })), { Status: 'OPEN', RefNo: null }, `${what}: the draft still OPEN`)
        }

        // An original that does not exist: refused beside the original's RefNo, before any summary.
        await tab.getByLabel('Payment not required (replacement)').check()
        await tab.getByLabel('Original order (RefNo)').fill('999999999')
        await tab.getByLabel('Replacement reason').fill('never arrived')
        await tab.locator('#place-order').click()
        await expect(tab.locator('.error[data-error-for="Assisted.PaymentNotRequired.OriginalRefNo"]')).toHaveText('There is no order 999999999 to replace: check the original order\'s number.')
        await expect(tab.getByLabel('Original order (RefNo)')).toBeFocused()
        t.equal(await tab.getByLabel('Original order (RefNo)').getAttribute('aria-invalid'), 'true', 'the RefNo input is marked invalid')
        t.equal(await tab.locator('#place-summary').isVisible(), false, 'no summary for a replacement of no order')
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#panel-NOT_REQUIRED'), [], 'the replacement fields with the error fit and can be tapped')
        await untouched('an unknown original')

        // The privilege taken away while the agent has the replacement typed: completeDraft refuses it,
        // said beside the replacement's fields (not as a summary of fields that are not marked).
        await tab.getByLabel('Original order (RefNo)').fill(String(original.RefNo))
        await app.query('update merchant_users set privileges = array_remove(privileges, \'REPLACEMENT_ORDERS\') where username = $1', [username])
        await placeOrder(tab)
        await expect(tab.locator('.error[data-error-for="Assisted.PaymentNotRequired"]')).toHaveText('Only a user with the replacement orders privilege may place a replacement: ask a supervisor, or choose another way to pay.')
        t.equal(await tab.locator('#order-view-error').isVisible(), false, 'no summary of unmarked fields')
        t.equal(await tab.locator('#place-summary').isVisible(), false, 'the summary is closed')
        t.equal(await tab.locator('#confirmation-view').isVisible(), false, 'no confirmation')
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#panel-NOT_REQUIRED'), [], 'the privilege refusal fits beside the fields')
        await untouched('without REPLACEMENT_ORDERS')

        // Completed meanwhile with a check (the customer was billed after all): the replacement is not
        // placed; the agent is told the draft became that order, and it is shown.
        await app.query('update merchant_users set privileges = array_append(privileges, \'REPLACEMENT_ORDERS\') where username = $1', [username])
        const draftNow = ok(await app.rpc('getDraft', { sessionID: staff, DraftId: id }))
        const elsewhere = ok(await app.rpc('completeDraft', { sessionID: staff, DraftId: id, Version: draftNow.Version, PaymentDetails: { Type: 'CHECK', Currency: 'USD' } }))
        await placeOrder(tab)
        await expect(tab.locator('#confirmation-view')).toBeVisible()
        await expect(tab.locator('#confirmation-view [data-field="Order reference (RefNo)"]')).toHaveText(String(elsewhere.RefNo))
        await expect(tab.locator('#notice')).toHaveText(`Draft ${id} had already been completed: it became order ${String(elsewhere.RefNo)}, shown here. Nothing more was placed.`)
        t.equal(await orderCount(), before + 1, 'only the order completed elsewhere, no replacement')
        t.same(await app.query('select ref_no::text as "RefNo", payment_type as "Type" from orders order by id desc limit 1'), [{ RefNo: String(elsewhere.RefNo), Type: 'CHECK' }], 'the newest order is the check the draft became')
        if (width === 390) t.same(await phoneLayoutProblems(tab, '#confirmation-view'), [], 'the confirmation fits at 390 px')
        await tab.close()
      })
    }
  })

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
