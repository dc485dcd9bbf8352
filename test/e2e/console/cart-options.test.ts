import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { DEMO_CATALOG } from '../../../src/catalog/demo-catalog.js'
import { ARTIFACTS, chooseCustomer, expect, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, placeOrder, signIn, startConsoleServer } from '../../helpers/console.js'
import { runOrdergate } from '../../helpers/process.js'

// Issue 19 item 6, the cart: price options chosen per line (sent as Items[].PriceOptions, the
// line priced by quote), and the billing currencies and shipping methods taken from the
// merchant's data. The DEMO catalog is reloaded with a currency (CHF) and a shipping method
// (COURIER) that no part of the console could know, and without EXPRESS.

// The page's globals, in the functions page.evaluate runs in the browser (no DOM lib here).
declare const document: any

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

const money = (amount: number, currency: string): string => new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount)

const CATALOG = {
  ...DEMO_CATALOG,
  products: DEMO_CATALOG.products.map((product) => {
    if (product.code === 'my_subscription_1') {
      return {
        ...product,
        prices: { ...product.prices, CHF: '95.00' },
        priceOptionGroups: (product.priceOptionGroups ?? []).map((group) => ({ ...group, options: group.options.map((option) => ({ ...option, modifiers: { ...option.modifiers, CHF: option.code === 'PREMIUM' ? '19.00' : '0.00' } })) })),
        trial: product.trial === undefined ? undefined : { ...product.trial, prices: { ...product.trial.prices, CHF: '0.00' } }
      }
    }
    return product.code === 'BOOK-PRINT' ? { ...product, prices: { ...product.prices, CHF: '24.00' } } : product
  }),
  shippingMethods: [
    { code: 'STANDARD', name: 'Standard shipping', default: true, prices: { USD: '5.00', CHF: '6.00' } },
    { code: 'COURIER', name: 'Bike courier', default: false, prices: { USD: '12.00', CHF: '11.00' } }
  ]
}

t.test('the console cart: price options per line, the merchant\'s currencies and shipping methods', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  const app = await startConsoleServer(t)
  const file = join(ARTIFACTS, `cart-options-catalog-${process.pid}.json`)
  await mkdir(ARTIFACTS, { recursive: true })
  await writeFile(file, JSON.stringify(CATALOG))
  const loaded = await runOrdergate(['catalog', 'load', '--merchant', 'DEMO', file], app.env)
  t.equal(loaded.code, 0, `catalog load: ${loaded.stderr}`)
  await app.createUser('agent', ['AGENT'])
  const merchant = await app.merchantSession()
  const staff = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'agent', password: PASSWORD })).result as string
  const created = await app.rpc('createCustomer', { sessionID: staff, Customer: { FirstName: 'Otto', LastName: 'Options', Email: 'otto.options@example.com' } })
  const customerId = created.result?.CustomerId as number
  t.ok(customerId, JSON.stringify(created.error))

  const { browser, page: desktop, problems, shot } = await openConsole(t, app.url, 'cart-options')
  await signIn(desktop, 'agent')

  // The same cart at the desktop width and on a 390-px touch screen, with this merchant's own
  // currencies (CHF) and shipping methods (COURIER), not only the DEMO catalog's.
  for (const width of [1280, 390]) {
    await t.test(`at ${width} px`, async (t) => {
      const page = width === 390 ? await openPage(t, browser, `${app.url}/console`, problems, { width, username: 'agent' }) : desktop
      const fits = async (what: string): Promise<void> => {
        if (width === 390) t.same(await phoneLayoutProblems(page, '#order-view'), [], `${what} fits at 390 px; every control tappable`)
      }
      const screenshot = async (name: string): Promise<void> => { if (width === 1280) await shot(name) }
      await expect(page.getByText('agent @ DEMO')).toBeVisible()
      await chooseCustomer(page, 'otto.options@example.com', 'Otto Options')
      const billing = page.locator('#billing-fields')
      await billing.getByLabel('Address', { exact: true }).fill('9 Option Rd')
      await billing.getByLabel('City').fill('Denver')
      await billing.getByLabel('State / region').fill('CO')
      await billing.getByLabel('ZIP / postcode').fill('80202')
      await billing.getByLabel('Country (two letters)').fill('US')
      const addProduct = async (query: string, name: string): Promise<void> => {
        await page.getByLabel('Find a product').fill(query)
        await page.locator('#catalog-search-form').getByRole('button', { name: 'Search' }).click()
        await page.getByRole('button', { name: `Add ${name} to the cart` }).click()
        await expect(page.getByLabel(`Quantity of ${name}`, { exact: true })).toHaveValue('1')
      }
      const total = page.locator('#totals tr[data-total="Total"] td')
      const quote = async (order: Record<string, unknown>): Promise<any> => {
        const reply = await app.rpc('quote', { sessionID: staff, Order: { Country: 'US', BillingDetails: { FirstName: 'Otto', LastName: 'Options', Email: 'otto.options@example.com', Address1: '9 Option Rd', City: 'Denver', State: 'CO', Zip: '80202', CountryCode: 'US' }, ...order }, Assisted: { CustomerId: customerId } })
        if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error))
        return reply.result
      }
      const support = page.getByLabel('Support level for My Subscription 1')

      await t.test('a price option chosen in the cart changes the line and the total, as quote prices it', async (t) => {
        await addProduct('my_subscription', 'My Subscription 1')
        await expect(total).toHaveText('$99.00')
        await expect(support.locator('option')).toHaveTexts(['None', 'Basic support', 'Premium support (+$20.00)'])
        await support.selectOption('PREMIUM')
        const quoted = await quote({ Currency: 'USD', Items: [{ Code: 'my_subscription_1', Quantity: 1, PriceOptions: ['PREMIUM'] }], PaymentDetails: { Type: 'CHECK', Currency: 'USD' } })
        t.equal(quoted.GrossDiscountedPrice, 119, 'quote: 99.00 + PREMIUM 20.00')
        await expect(total).toHaveText(money(quoted.GrossDiscountedPrice, 'USD'))
        await expect(page.locator('#line-0-unit')).toHaveText('$119.00')
        await fits('the cart with a price option')
        await screenshot('01-premium')
        await support.selectOption('')
        await expect(total).toHaveText('$99.00')
        await support.selectOption('PREMIUM')
        await expect(total).toHaveText('$119.00')
      })

      await t.test('the currencies and shipping methods are the merchant\'s; the options follow the currency; the order placed is the quote', async (t) => {
        await page.waitForFunction(() => document.querySelector('#currency option[value=CHF]') !== null)
        t.same(await page.locator('#currency option').evaluateAll((options: any[]) => options.map((o) => o.value)), ['CHF', 'EUR', 'GBP', 'USD'], 'the currencies the merchant\'s catalog sells in')
        await addProduct('BOOK', 'Printed book')
        await expect(page.getByLabel('Shipping method').locator('option')).toHaveTexts(["Merchant's default (Standard shipping)", 'Standard shipping (STANDARD): $5.00', 'Bike courier (COURIER): $12.00'])
        await page.getByLabel('Billing currency').selectOption('CHF')
        await expect(support.locator('option')).toHaveTexts(['None', 'Basic support', `Premium support (+${money(19, 'CHF')})`])
        await expect(page.getByLabel('Shipping method').locator('option')).toHaveTexts(["Merchant's default (Standard shipping)", `Standard shipping (STANDARD): ${money(6, 'CHF')}`, `Bike courier (COURIER): ${money(11, 'CHF')}`])
        await page.getByLabel('Shipping method').selectOption('COURIER')
        const quoted = await quote({
          Currency: 'CHF',
          Items: [{ Code: 'my_subscription_1', Quantity: 1, PriceOptions: ['PREMIUM'] }, { Code: 'BOOK-PRINT', Quantity: 1 }],
          DeliveryDetails: { FirstName: 'Otto', LastName: 'Options', Address1: '9 Option Rd', City: 'Denver', State: 'CO', Zip: '80202', CountryCode: 'US' },
          DeliveryInformation: { ShippingMethod: { Code: 'COURIER' } },
          PaymentDetails: { Type: 'CHECK', Currency: 'CHF' }
        })
        t.equal(quoted.GrossDiscountedPrice, 149, 'quote: 95.00 + PREMIUM 19.00 + book 24.00 + COURIER 11.00')
        await expect(total).toHaveText(money(149, 'CHF'))
        await page.getByLabel('Check').check()
        await fits('the cart in CHF with the courier')
        await screenshot('02-chf-courier')

        const sent = page.waitForRequest((request) => request.url().endsWith('/rpc') && (request.postData() ?? '').includes('"placeAssistedOrder"'))
        await placeOrder(page)
        const body = JSON.parse((await sent).postData() ?? '{}')
        t.same(body.params.Order.Items, [{ Code: 'my_subscription_1', Quantity: 1, PriceOptions: ['PREMIUM'] }, { Code: 'BOOK-PRINT', Quantity: 1 }], 'Items[].PriceOptions as the wire has them: the option codes')
        await expect(page.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
        const refNo = (await page.locator('dd[data-field="Order reference (RefNo)"]').textContent()) ?? ''
        await expect(page.locator('dd[data-field="Total"]')).toHaveText(money(149, 'CHF'))
        const order = (await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })).result
        t.match(order, {
          Currency: 'chf',
          GrossDiscountedPrice: quoted.GrossDiscountedPrice,
          Items: [{ Code: 'my_subscription_1', PriceOptions: ['PREMIUM'] }, { Code: 'BOOK-PRINT', PriceOptions: [] }],
          DeliveryInformation: { ShippingMethod: { Code: 'COURIER' } }
        }, 'the placed order is what the quote priced')
        t.equal(order.Items[0].Price.UnitNetPrice, 114, 'the subscription line: 95.00 + 19.00')
        await fits('the placed order')
      })
    })
  }

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
