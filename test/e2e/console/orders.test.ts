import t from 'tap'
import { expect, missingPrerequisite, placeOrder, openConsole, PASSWORD, signIn, startConsoleServer } from '../../helpers/console.js'

// Issue 9, acceptance 1: a call-centre user places four orders from the operator console in a
// real browser (stored card with a line discount; new card with 3-D Secure; purchase order;
// payment-not-required replacement); each is then read back with getOrder over JSON-RPC.

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the console's browser tests need Chromium and PostgreSQL: ${skip}`)

t.test('the operator console places orders on behalf of customers', { skip: skip ?? false, timeout: 85_000 }, async (t) => {
  const app = await startConsoleServer(t)
  const merchant = await app.merchantSession()
  await app.createUser('supervisor', ['SUPERVISOR'])

  // A returning customer: a card order through the merchant API stores their card, and the
  // address book gets their address (JSON-RPC, as a merchant back-end would do it).
  const first = await app.rpc('placeOrder', {
    sessionID: merchant,
    Order: {
      Currency: 'USD',
      Country: 'US',
      CustomerReference: 7001,
      Items: [{ Code: 'ADDON-1', Quantity: 1 }],
      BillingDetails: { FirstName: 'Stella', LastName: 'Stored', Email: 'stella@example.com', Address1: '1 Main St', City: 'Albany', State: 'NY', Zip: '12207', CountryCode: 'US' },
      PaymentDetails: {
        Type: 'CC',
        Currency: 'USD',
        PaymentMethod: { CardNumber: '4111111111111111', CardType: 'visa', ExpirationYear: String(new Date().getUTCFullYear() + 2), ExpirationMonth: '12', HolderName: 'Stella Stored', CCID: '123', Vendor3DSReturnURL: 'https://merchant.example/ok', Vendor3DSCancelURL: 'https://merchant.example/cancel' }
      }
    }
  })
  t.equal(first.result?.Status, 'AUTHRECEIVED', JSON.stringify(first.error))
  const staff = (await app.rpc('loginUser', { merchantCode: 'DEMO', username: 'supervisor', password: PASSWORD })).result as string
  const found = await app.rpc('searchCustomers', { sessionID: staff, Query: { CustomerReference: 7001 } })
  const stellaId = found.result?.Customers?.[0]?.CustomerId as number
  t.ok(stellaId, JSON.stringify(found))
  const saved = await app.rpc('saveCustomerAddress', { sessionID: staff, CustomerId: stellaId, Address: { Label: 'Home', FirstName: 'Stella', LastName: 'Stored', Address1: '1 Main St', City: 'Albany', State: 'NY', Zip: '12207', CountryCode: 'US' } })
  t.ok(saved.result?.AddressId, JSON.stringify(saved.error))

  const { page, problems, shot } = await openConsole(t, app.url, 'orders')
  await signIn(page, 'supervisor')
  await expect(page.getByText('supervisor @ DEMO')).toBeVisible()
  await shot('01-signed-in')

  const getOrder = async (refNo: string): Promise<any> => (await app.rpc('getOrder', { sessionID: merchant, RefNo: refNo })).result
  const refNoShown = async (): Promise<string> => {
    await expect(page.getByRole('heading', { name: /^Order \d+ placed$/ })).toBeVisible()
    return (await page.locator('dd[data-field="Order reference (RefNo)"]').textContent()) ?? ''
  }
  const addProduct = async (query: string, name: string, quantity: number): Promise<void> => {
    await page.getByLabel('Find a product').fill(query)
    await page.locator('#catalog-search-form').getByRole('button', { name: 'Search' }).click()
    await page.getByLabel(`Quantity of ${name} to add`).fill(String(quantity))
    await page.getByRole('button', { name: `Add ${name} to the cart` }).click()
    await expect(page.getByLabel(`Quantity of ${name}`, { exact: true })).toHaveValue(String(quantity))
  }
  const totalShown = async (amount: string): Promise<void> => {
    await expect(page.locator('#totals tr[data-total="Total"] td')).toHaveText(amount)
  }

  let storedRefNo = ''
  await t.test('a stored-card order with a line discount', async (t) => {
    await page.getByLabel('Search by').selectOption('CustomerReference')
    await page.getByLabel('Find a customer').fill('7001')
    await page.getByLabel('Find a customer').press('Enter')
    await page.getByRole('button', { name: 'Use customer Stella Stored' }).click()
    await expect(page.locator('#customer-summary')).toContainText('visa 411111…1111')
    await expect(page.locator('#customer-summary')).toContainText('Home, Stella Stored, 1 Main St, Albany, NY, 12207, US')
    await shot('02-customer-summary')

    await addProduct('my_subscription', 'My Subscription 1', 2)
    await page.getByLabel('Discount on My Subscription 1').selectOption('PERCENT')
    await page.getByLabel('Discount value for My Subscription 1').fill('10')
    await page.getByLabel('Discount reason for My Subscription 1').fill('Loyal customer')
    await page.getByRole('button', { name: 'Apply the discount to My Subscription 1' }).click()
    await page.getByLabel('Stored card').check()
    await expect(page.getByLabel('Card on file')).toContainText('visa 411111…1111')
    await totalShown('$178.20')
    await shot('03-cart-line-discount')

    await placeOrder(page)
    storedRefNo = await refNoShown()
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('AUTHRECEIVED')
    await shot('04-confirmation-stored-card')

    const order = await getOrder(storedRefNo)
    t.match(order, {
      RefNo: storedRefNo,
      Status: 'AUTHRECEIVED',
      Currency: 'usd',
      GrossDiscountedPrice: 178.2,
      PaymentDetails: { Type: 'EXISTING_PAYMENT_DATA' },
      Items: [{ Code: 'my_subscription_1', Quantity: 2 }],
      ExtraInformation: { AssistedSale: true, PlacedBy: { Username: 'supervisor' }, CustomerId: stellaId }
    })
    t.equal(order.CustomerReference, 7001, 'grouped under the customer (AV_CUSTOMERID)')
    const adjustments = await app.query('select kind, discount_type, value, reason from order_adjustments a join orders o on o.id = a.order_id where o.ref_no = $1', [storedRefNo])
    t.match(adjustments, [{ kind: 'LINE_DISCOUNT', discount_type: 'PERCENT', value: '10', reason: 'Loyal customer' }], 'the discount is recorded with its reason')
    await page.getByRole('button', { name: 'Done Order' }).click()
    await expect(page.getByLabel('Find a customer')).toBeFocused()
  })

  await t.test('a new customer, a physical product with shipping and a coupon, paid by a new card with 3-D Secure', async (t) => {
    await page.getByRole('button', { name: 'New customer' }).click()
    const form = page.locator('#new-customer-form')
    await form.getByLabel('First name').fill('Tess')
    await form.getByLabel('Last name').fill('Three')
    await form.getByLabel('E-mail').fill('tess.three@example.com')
    await form.getByRole('button', { name: 'Create customer' }).click()
    await expect(page.locator('#customer-summary')).toContainText('tess.three@example.com')

    await addProduct('BOOK', 'Printed book', 2)
    const billing = page.locator('#billing-fields')
    await billing.getByLabel('Address', { exact: true }).fill('3 Secure Way')
    await billing.getByLabel('City').fill('Boston')
    await billing.getByLabel('State / region').fill('MA')
    await billing.getByLabel('ZIP / postcode').fill('02108')
    await billing.getByLabel('Country (two letters)').fill('US')
    // Seed 001: the quantity is capped at inventory on hand + backorder limit, with a warning.
    await page.getByLabel('Quantity of Printed book', { exact: true }).fill('200')
    await page.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
    await expect(page.locator('#line-0-stock')).toHaveText('Only 110 can be ordered (on hand 100 + backorder limit 10)')
    await expect(page.locator('.error[data-error-for="Items.0.Quantity"]')).toContainText('only 110')
    await shot('05-stock-warning')
    await page.getByLabel('Quantity of Printed book', { exact: true }).fill('2')
    await page.getByLabel('Quantity of Printed book', { exact: true }).press('Tab')
    await expect(page.locator('#line-0-stock')).toHaveText('')

    // The merchant's own shipping methods for this cart, priced by getShippingPrice (not a fixed list).
    await expect(page.getByLabel('Shipping method').locator('option')).toHaveTexts(["Merchant's default (Standard shipping)", 'Standard shipping (STANDARD): $5.00', 'Express shipping (EXPRESS): $15.00'])
    await expect(page.getByLabel('Billing currency').locator('option')).toHaveTexts(['EUR (Euro)', 'GBP (British Pound)', 'USD (US Dollar)'])
    await expect(page.getByLabel('Billing currency')).toHaveValue('USD')
    await page.getByLabel('Shipping method').selectOption('EXPRESS')
    await page.getByLabel('Coupon code').fill('WELCOME10')
    await page.getByRole('button', { name: 'Apply coupon' }).click()
    // 2 × 25.00 = 50.00, WELCOME10 −5.00, EXPRESS 15.00, no US VAT.
    await totalShown('$60.00')

    await page.getByLabel('Name on card').fill('Tess Three')
    await page.getByLabel('Card number').fill('4000 0000 0000 3220')
    await page.getByLabel('Expiry month').fill('12')
    await page.getByLabel('Expiry year').fill(String(new Date().getUTCFullYear() + 2))
    await page.getByLabel('Security code (CVV)').fill('123')
    await shot('06-new-card')

    const popup = page.waitForEvent('popup')
    await placeOrder(page)
    const threeDs = await popup
    const refNo = await refNoShown()
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('PENDING')
    await threeDs.waitForLoadState()
    await expect(threeDs.getByText(`order ${refNo}`)).toBeVisible()
    await threeDs.screenshot({ path: 'artifacts/console/orders-07-3ds-page.png' })
    await shot('07-waiting-for-3ds')
    await threeDs.getByRole('button', { name: 'Authenticate' }).click()
    // The return page tells the console and closes; the console reads the new status.
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('AUTHRECEIVED', { timeout: 15_000 })
    await shot('08-confirmation-3ds')

    t.match(await getOrder(refNo), {
      RefNo: refNo,
      Status: 'AUTHRECEIVED',
      GrossDiscountedPrice: 60,
      PaymentDetails: { Type: 'CC', PaymentMethod: { LastDigits: '3220' } },
      DeliveryDetails: { City: 'Boston' },
      DeliveryInformation: { ShippingMethod: { Code: 'EXPRESS' } },
      Items: [{ Code: 'BOOK-PRINT', Quantity: 2 }]
    })
    await page.getByRole('button', { name: 'Done Order' }).click()
  })

  await t.test('a purchase order for a B2B customer with an order-total discount', async (t) => {
    await page.getByRole('button', { name: 'New customer' }).click()
    const form = page.locator('#new-customer-form')
    await form.getByLabel('First name').fill('Paul')
    await form.getByLabel('Last name').fill('Order')
    await form.getByLabel('E-mail').fill('paul@wholesale.example')
    await form.getByLabel('Company').fill('Wholesale Inc')
    await form.getByLabel('B2B (wholesale) customer').check()
    await form.getByRole('button', { name: 'Create customer' }).click()
    await expect(page.locator('#customer-summary')).toContainText('B2B (wholesale)')

    await addProduct('ADDON', 'Add-on 1', 3)
    const billing = page.locator('#billing-fields')
    await expect(billing.getByLabel('Company')).toHaveValue('Wholesale Inc')
    await billing.getByLabel('Address', { exact: true }).fill('9 Trade Rd')
    await billing.getByLabel('City').fill('Chicago')
    await billing.getByLabel('State / region').fill('IL')
    await billing.getByLabel('ZIP / postcode').fill('60601')
    await billing.getByLabel('Country (two letters)').fill('US')
    await page.getByLabel('Order discount', { exact: true }).selectOption('AMOUNT')
    await page.getByLabel('Order discount value').fill('5')
    await page.getByLabel('Order discount reason').fill('Negotiated on the phone')
    await page.getByRole('button', { name: 'Apply discount' }).click()
    await totalShown('$25.00')
    await page.getByLabel('Purchase order', { exact: true }).check()
    await page.getByLabel('Internal PO number').fill('PO-4711')
    await expect(page.getByLabel('Auto-approve the purchase order')).toBeChecked()
    await shot('09-purchase-order')

    await placeOrder(page)
    const refNo = await refNoShown()
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('PURCHASE_PENDING')
    await expect(page.locator('#confirmation-next')).toContainText('purchase order PO-4711')
    await shot('10-confirmation-purchase-order')

    t.match(await getOrder(refNo), {
      RefNo: refNo,
      Status: 'PURCHASE_PENDING',
      GrossDiscountedPrice: 25,
      BillingDetails: { Company: 'Wholesale Inc' },
      PaymentDetails: { Type: 'PURCHASEORDER' }
    })

    // Seed 003's Cancel Order, after the fact: the customer changed their mind on the phone.
    page.once('dialog', (dialog) => { dialog.accept().catch(() => {}) })
    await page.locator('#confirmation-view').getByRole('button', { name: 'Cancel Order' }).click()
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('CANCELED')
    await shot('10b-purchase-order-cancelled')
    t.match(await getOrder(refNo), { RefNo: refNo, Status: 'CANCELED' }, 'cancelled by cancelOrder')
    await page.getByRole('button', { name: 'Done Order' }).click()
  })

  await t.test('a payment-not-required replacement of the first order', async (t) => {
    await page.getByLabel('Search by').selectOption('Email')
    await page.getByLabel('Find a customer').fill('stella@')
    await page.getByLabel('Find a customer').press('Enter')
    await page.getByRole('button', { name: 'Use customer Stella Stored' }).click()
    await addProduct('my_subscription_1', 'My Subscription 1', 1)
    await page.getByLabel('Payment not required (replacement)').check()
    await page.getByLabel('Original order (RefNo)').fill(storedRefNo)
    await page.getByLabel('Replacement reason').fill('Original licence key never arrived')
    await expect(page.locator('#totals tr[data-total="Amount due"] td')).toHaveText('$0.00')
    await shot('11-replacement')

    await placeOrder(page)
    const refNo = await refNoShown()
    await expect(page.locator('dd[data-field="Status"]')).toHaveText('COMPLETE')
    await shot('12-confirmation-replacement')

    t.match(await getOrder(refNo), {
      RefNo: refNo,
      Status: 'COMPLETE',
      PaymentDetails: { Type: 'FREE' },
      ExtraInformation: { ReplacementOf: storedRefNo, PlacedBy: { Username: 'supervisor' } }
    })
  })

  t.same(problems, [], 'no script error and no Content-Security-Policy violation in the page')
})
