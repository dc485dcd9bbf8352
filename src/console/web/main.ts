/**
 * The operator console (seeds 000, 001, 003): a call-centre user signs in, finds or creates the
 * customer, builds the cart from the catalog, chooses how the customer pays and where it ships,
 * sees live totals from `quote`, and places the order on the customer's behalf.
 */
import * as api from './api.js'
import { byId, clearErrors, errorText, h, show, showError } from './dom.js'
import type { FieldProblem } from './field-errors.js'
import { money } from './format.js'
import { buildOrder, buildQuote, defaultPriceOptions, detectCardType, notQuotableYet, DISCOUNT_TYPES, stockWarning, type Address, type CartLine, type Customer, type CustomLine, type Discount, type DiscountType, type Draft, type Approval, type Payment, type ReturnUrls, type AssistedCall } from './order-draft.js'
import { unappliedDiscounts, type TypedDiscount } from './checkout-guard.js'
import { chosenOptionNames, priceOptionFields, relabelPriceOptions } from './price-options.js'
import { clearSavedOrder, loadOrder, readFields, saveOrder, writeFields } from './persist.js'
import { hasSession, RpcError, setSession, whenSessionEnds } from './rpc.js'
import { applyPrivileges, can, forgetSessionUser, loadSessionUser } from './session-user.js'
import { addressesToSave, addressSaveConflict, bindEditBoxes, forgetLastOrder, lastOrderAddress, LAST_ORDER, offerLastOrder, saveAddresses, showSaveBox } from './address-book.js'

type PaymentKind = Payment['kind']

const state = {
  merchantCode: '',
  username: '',
  customer: null as Customer | null,
  lines: [] as CartLine[],
  /** Assisted.CustomItems: custom (non-catalog) lines, after the catalog lines */
  customLines: [] as CustomLine[],
  coupons: [] as string[],
  orderDiscount: undefined as Discount | undefined,
  /** a supervisor's approval typed in the checkout (Assisted.Approval): in memory only, never saved */
  approval: undefined as Approval | undefined,
  /** kept only when the last placeOrder got no answer: the retry must not place a second order */
  retryKey: undefined as string | undefined,
  placed: undefined as api.WireOrder | undefined,
  threeDsUrl: undefined as string | undefined
}

const ADDRESS_FIELDS: Array<{ key: keyof Address, label: string, required: boolean, autocomplete: string }> = [
  { key: 'FirstName', label: 'First name', required: true, autocomplete: 'given-name' },
  { key: 'LastName', label: 'Last name', required: true, autocomplete: 'family-name' },
  { key: 'Company', label: 'Company', required: false, autocomplete: 'organization' },
  { key: 'Address1', label: 'Address', required: true, autocomplete: 'address-line1' },
  { key: 'Address2', label: 'Address (line 2)', required: false, autocomplete: 'address-line2' },
  { key: 'City', label: 'City', required: true, autocomplete: 'address-level2' },
  { key: 'State', label: 'State / region', required: false, autocomplete: 'address-level1' },
  { key: 'Zip', label: 'ZIP / postcode', required: true, autocomplete: 'postal-code' },
  { key: 'CountryCode', label: 'Country (two letters)', required: true, autocomplete: 'country' },
  { key: 'Phone', label: 'Phone', required: false, autocomplete: 'tel' }
]

const notice = (text: string): void => { byId('notice').textContent = text }
/** Runs an event handler's async work; whatever escapes it is shown, never lost. */
const run = (task: Promise<unknown>): void => { task.catch((error: unknown) => { notice(errorText(error)) }) }
const currency = (): string => byId<HTMLSelectElement>('currency').value
const paymentKind = (): PaymentKind => (document.querySelector<HTMLInputElement>('input[name=payment]:checked')?.value ?? 'NEW_CARD') as PaymentKind
const value = (id: string): string => byId<HTMLInputElement>(id).value.trim()

function returnUrls (): ReturnUrls {
  const back = new URL('/console/3ds-return.html', location.origin)
  const cancel = new URL(back)
  cancel.searchParams.set('outcome', 'cancel')
  return { Vendor3DSReturnURL: back.toString(), Vendor3DSCancelURL: cancel.toString() }
}

// ---------------------------------------------------------------- sign in and session

function showView (view: 'sign-in' | 'order' | 'confirmation'): void {
  show(byId('sign-in-view'), view === 'sign-in')
  show(byId('order-view'), view === 'order')
  show(byId('confirmation-view'), view === 'confirmation')
  show(byId('who'), view !== 'sign-in')
}

async function signIn (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId('sign-in-form')
  clearErrors(form)
  const merchantCode = value('sign-in-merchant')
  const username = value('sign-in-username')
  const password = byId<HTMLInputElement>('sign-in-password').value
  const missing: FieldProblem[] = []
  if (merchantCode === '') missing.push({ path: 'merchantCode', message: 'Enter the merchant code.' })
  if (username === '') missing.push({ path: 'username', message: 'Enter your username.' })
  if (password === '') missing.push({ path: 'password', message: 'Enter your password.' })
  if (missing.length > 0) {
    showError(form, new RpcError({ code: -32602, message: 'Some fields are missing', data: { error_code: 'INVALID_PARAMS', fields: missing } }))
    return
  }
  try {
    const sessionId = await api.loginUser(merchantCode, username, password)
    setSession(sessionId)
    byId<HTMLInputElement>('sign-in-password').value = ''
    // Another user must not inherit the order in progress (the same user after an expiry does).
    if (state.merchantCode !== merchantCode || state.username !== username) resetOrder(true)
    state.merchantCode = merchantCode
    state.username = username
    const user = await loadSessionUser()
    byId('who-text').textContent = `${user.DisplayName ?? user.Username} (${user.Username} @ ${user.MerchantCode})`
    applyPrivileges()
    renderCustomLines()
    if (paymentKind() === 'NOT_REQUIRED' && !can('REPLACEMENT_ORDERS')) { byId<HTMLInputElement>('pay-card').checked = true; choosePayment() }
    watchExpiry(user.SessionExpiresIn)
    await loadCurrencies().catch(() => {})
    // Cleared before the restore, so its "restored" notice is what the agent reads.
    notice('')
    restoreOrder()
    showView(state.placed !== undefined ? 'confirmation' : 'order')
    byId(state.placed !== undefined ? 'confirmation-view' : (state.customer === null ? 'customer-query' : 'catalog-query')).focus()
  } catch (error) {
    showError(form, error)
  }
}

function signOut (message: string): void {
  setSession(undefined)
  forgetSessionUser()
  stopExpiryWatch()
  showView('sign-in')
  notice(message)
  byId('sign-in-password').focus()
}

// ---------------------------------------------------------------- customer

async function searchCustomers (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId('customer-search-form')
  clearErrors(form)
  const text = value('customer-query')
  const by = byId<HTMLSelectElement>('customer-search-by').value as keyof api.CustomerSearch
  const search: api.CustomerSearch = {}
  if (text !== '') {
    if (by === 'CustomerId' || by === 'CustomerReference') {
      if (!/^\d{1,15}$/.test(text)) {
        showError(form, new RpcError({ code: -32602, message: 'Not a number', data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'Search', message: 'A customer id or reference is a number.' }] } }))
        return
      }
      search[by] = Number(text)
    } else if (by === 'B2B') {
      // not a text search
    } else {
      search[by] = text
    }
  }
  if (byId<HTMLInputElement>('customer-b2b').checked) search.B2B = true
  const results = byId('customer-results')
  try {
    const found = await api.searchCustomers(search)
    results.replaceChildren(customerTable(found.customers, found.total))
  } catch (error) {
    results.replaceChildren()
    showError(form, error, { prefix: 'Search' })
  }
}

function badges (customer: Customer): Node[] {
  return [
    customer.B2B ? h('span', { class: 'badge b2b' }, 'B2B') : null,
    customer.FraudReview ? h('span', { class: 'badge review' }, 'fraud review') : null
  ].filter((node): node is HTMLSpanElement => node !== null)
}

function customerTable (customers: Customer[], total: number): Node {
  if (customers.length === 0) return h('p', {}, 'No customer matches. Try another search, or create a new customer.')
  const rows = customers.map((customer) => h('tr', {},
    h('td', {}, `${customer.FirstName} ${customer.LastName}`, ...badges(customer)),
    h('td', { 'data-label': 'E-mail' }, customer.Email),
    h('td', { 'data-label': 'Customer id' }, customer.CustomerId),
    h('td', { 'data-label': 'Reference' }, customer.CustomerReference ?? '—'),
    h('td', { 'data-label': 'Company' }, customer.Company ?? ''),
    h('td', {}, h('button', { type: 'button', 'aria-label': `Use customer ${customer.FirstName} ${customer.LastName}`, onclick: () => { run(useCustomer(customer.CustomerId)) } }, 'Use customer'))
  ))
  return h('div', {},
    h('p', { class: 'hint' }, `${total} customer${total === 1 ? '' : 's'} found${total > customers.length ? `, the first ${customers.length} shown` : ''}.`),
    h('table', {},
      h('caption', { class: 'hint' }, 'Customers'),
      h('thead', {}, h('tr', {}, ...['Name', 'E-mail', 'Customer id', 'Reference', 'Company', ''].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, ...rows)))
}

async function useCustomer (customerId: number): Promise<void> {
  try {
    const customer = await api.getCustomer(customerId)
    selectCustomer(customer)
  } catch (error) {
    showError(byId('customer-search-form'), error)
  }
}

function selectCustomer (customer: Customer): void {
  state.customer = customer
  byId('customer-results').replaceChildren()
  show(byId('new-customer-form'), false)
  renderCustomerSummary()
  forgetLastOrder()
  fillAddressSources()
  fillStoredCards()
  notice(`Ordering for ${customer.FirstName} ${customer.LastName}.`)
  scheduleQuote()
  byId('catalog-query').focus()
  run(offerLastOrder(customer.CustomerId, () => state.customer?.CustomerId === customer.CustomerId, pickAddress))
}

function renderCustomerSummary (): void {
  const summary = byId('customer-summary')
  const customer = state.customer
  show(summary, customer !== null)
  if (customer === null) { summary.replaceChildren(); return }
  const addresses = customer.Addresses ?? []
  const cards = customer.StoredCards ?? []
  const credit = customer.StoreCredit ?? []
  summary.replaceChildren(
    h('h3', {}, `${customer.FirstName} ${customer.LastName}`, ...badges(customer)),
    h('dl', { class: 'details' },
      h('dt', {}, 'E-mail'), h('dd', {}, customer.Email),
      h('dt', {}, 'Phone'), h('dd', {}, customer.Phone ?? '—'),
      h('dt', {}, 'Company'), h('dd', {}, customer.Company ?? '—'),
      h('dt', {}, 'Customer id'), h('dd', {}, customer.CustomerId),
      h('dt', {}, 'Customer reference'), h('dd', {}, customer.CustomerReference ?? '—'),
      h('dt', {}, 'Type'), h('dd', {}, customer.B2B ? 'B2B (wholesale): coupons do not apply' : 'Retail'),
      h('dt', {}, 'Customer level'), h('dd', {}, customer.Level != null ? `${customer.Level.Name} (${customer.Level.Code})` : 'None'),
      h('dt', {}, 'Fraud review'), h('dd', {}, customer.FraudReview ? 'Flagged: orders wait in review until the customer is marked OKAY' : 'Not flagged'),
      h('dt', {}, 'Store credit'), h('dd', {}, credit.length === 0 ? 'None' : credit.map((c) => money(c.Balance, c.Currency)).join(', '))),
    h('h4', {}, 'Address book'),
    addresses.length === 0
      ? h('p', { class: 'hint' }, 'No saved address.')
      : h('ul', { class: 'address-book' }, ...addresses.map((a) => h('li', {}, addressLine(a)))),
    h('h4', {}, 'Stored cards'),
    cards.length === 0
      ? h('p', { class: 'hint' }, 'No stored card.')
      : h('ul', { class: 'address-book' }, ...cards.map((card) => h('li', {}, cardLine(card)))),
    h('button', { type: 'button', id: 'change-customer', onclick: () => { byId('customer-query').focus() } }, 'Change customer')
  )
}

const addressLine = (a: Address & { Label?: string | null }): string =>
  [a.Label, `${a.FirstName} ${a.LastName}`, a.Company, a.Address1, a.City, a.State, a.Zip, a.CountryCode.toUpperCase()].filter((part) => part != null && part !== '').join(', ')

const cardLine = (card: NonNullable<Customer['StoredCards']>[number]): string =>
  `${card.CardType} ${card.FirstDigits}…${card.LastDigits}, expires ${card.ExpirationMonth ?? '?'}/${card.ExpirationYear ?? '?'}, ${card.HolderName}`

async function createCustomer (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId('new-customer-form')
  clearErrors(form)
  const reference = value('nc-reference')
  const customer: Record<string, unknown> = {
    FirstName: value('nc-first'),
    LastName: value('nc-last'),
    Email: value('nc-email'),
    B2B: byId<HTMLInputElement>('nc-b2b').checked
  }
  if (value('nc-phone') !== '') customer.Phone = value('nc-phone')
  if (value('nc-company') !== '') customer.Company = value('nc-company')
  if (reference !== '') customer.CustomerReference = /^\d+$/.test(reference) ? Number(reference) : reference
  try {
    selectCustomer(await api.createCustomer(customer))
    form.querySelectorAll('input').forEach((input) => { if (input.type === 'checkbox') input.checked = false; else input.value = '' })
  } catch (error) {
    showError(form, error, { prefix: 'Customer' })
  }
}

// ---------------------------------------------------------------- catalog and cart

async function searchCatalog (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId('catalog-search-form')
  clearErrors(form)
  const published = (document.querySelector<HTMLInputElement>('input[name=catalog-published]:checked')?.value ?? 'ALL') as 'ALL' | 'PUBLISHED' | 'UNPUBLISHED'
  const results = byId('catalog-results')
  try {
    const found = await api.searchCatalog(value('catalog-query'), published)
    results.replaceChildren(productTable(found.products, found.total))
  } catch (error) {
    results.replaceChildren()
    showError(form, error)
  }
}

function stockText (stock: api.Product['stock']): string {
  if (stock === null) return 'not tracked'
  return `${stock.available} can be ordered (on hand ${stock.onHand - stock.reserved}, backorder ${stock.backorderLimit})`
}

function productTable (products: api.Product[], total: number): Node {
  if (products.length === 0) return h('p', {}, 'No product matches.')
  const rows = products.map((product, index) => {
    const qtyId = `catalog-qty-${index}`
    const price = product.prices[currency()]
    const variants = [...Object.entries(product.attributes).map(([k, v]) => `${k}: ${v}`), ...product.skus.map((s) => `SKU ${s.code}${s.name !== '' ? ` (${s.name})` : ''}`)].join('; ')
    return h('tr', {},
      h('td', {}, product.name, product.published ? null : h('span', { class: 'badge unpublished' }, 'unpublished'), product.physical ? h('span', { class: 'badge' }, 'ships') : null,
        variants !== '' ? h('div', { class: 'hint' }, variants) : null),
      h('td', { 'data-label': 'Code' }, product.code),
      h('td', { class: 'num', 'data-label': 'Price' }, price === undefined ? `no ${currency()} price` : money(price, currency())),
      h('td', { 'data-label': 'Stock' }, stockText(product.stock)),
      h('td', {},
        h('label', { for: qtyId, class: 'vh' }, `Quantity of ${product.name} to add`),
        h('input', { id: qtyId, class: 'qty', type: 'number', min: 1, step: 1, value: 1, inputmode: 'numeric' }),
        ' ',
        h('button', { type: 'button', 'aria-label': `Add ${product.name} to the cart`, onclick: () => { addToCart(product, Number(byId<HTMLInputElement>(qtyId).value)) } }, 'Add')))
  })
  return h('div', {},
    h('p', { class: 'hint' }, `${total} product${total === 1 ? '' : 's'} found${total > products.length ? `, the first ${products.length} shown` : ''}.`),
    h('table', {},
      h('thead', {}, h('tr', {}, ...['Product', 'Code', 'Price', 'Stock', 'Add to cart'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, ...rows)))
}

function addToCart (product: api.Product, quantity: number): void {
  const qty = Number.isInteger(quantity) && quantity >= 1 ? quantity : 1
  const options = defaultPriceOptions(product.priceOptionGroups)
  // The same product with other price options chosen is another line.
  const existing = state.lines.find((line) => line.code === product.code && JSON.stringify(line.options ?? {}) === JSON.stringify(options))
  if (existing !== undefined) existing.quantity += qty
  else state.lines.push({ code: product.code, name: product.name, quantity: qty, physical: product.physical, stock: product.stock, optionGroups: product.priceOptionGroups, options })
  renderCart()
  notice(`${qty} × ${product.name} in the cart.`)
  scheduleQuote()
}

const DISCOUNT_LABELS: Record<DiscountType, string> = { AMOUNT: 'Amount off the line', PERCENT: 'Percent off the line', UNIT_PRICE: 'Set unit price' }

function describeDiscount (discount: Discount | undefined): string {
  if (discount === undefined) return 'No discount'
  const amount = discount.Type === 'PERCENT' ? `${discount.Value}%` : money(discount.Value, currency())
  return `${DISCOUNT_LABELS[discount.Type]}: ${amount} (${discount.Reason})`
}

function renderCart (): void {
  const cart = byId('cart')
  show(byId('shipping'), state.lines.some((line) => line.physical))
  if (state.lines.length === 0) {
    cart.replaceChildren(h('p', { class: 'hint' }, 'The cart is empty: search the catalog and add products.'))
    return
  }
  const rows = state.lines.flatMap((line, index) => {
    const qtyId = `line-${index}-qty`
    const warning = stockWarning(line)
    const discountType = `line-${index}-discount-type`
    const discountValue = `line-${index}-discount-value`
    const discountReason = `line-${index}-discount-reason`
    return [
      h('tr', { 'data-line': index },
        h('td', {}, line.name, h('div', { class: 'hint' }, line.code), priceOptionFields(line, index, currency(), (group, code) => { changePriceOption(index, group.Code, code) })),
        h('td', { class: 'field', 'data-path': `Items.${index}.Quantity` },
          h('label', { for: qtyId, class: 'vh' }, `Quantity of ${line.name}`),
          h('input', { id: qtyId, class: 'qty', type: 'number', min: 1, step: 1, value: line.quantity, 'data-path': `Items.${index}.Quantity`, 'aria-describedby': `line-${index}-stock`, onchange: (event) => { changeQuantity(index, (event.target as HTMLInputElement).valueAsNumber) } }),
          h('span', { id: `line-${index}-stock`, class: warning !== undefined && line.quantity > (line.stock?.available ?? Infinity) ? 'error' : 'warning', role: 'status' }, warning ?? '')),
        h('td', { class: 'num', id: `line-${index}-unit`, 'data-label': 'Unit price' }, '…'),
        h('td', { class: 'num', id: `line-${index}-total`, 'data-label': 'Line total' }, '…'),
        h('td', { id: `line-${index}-discount`, 'data-label': 'Discount' }, describeDiscount(line.discount)),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Remove ${line.name}`, onclick: () => { removeLine(index) } }, '×'))),
      h('tr', { class: 'discount-row' },
        h('td', { colspan: 6 },
          h('div', { class: 'row', 'data-path': `Assisted.Items.${index}.Discount`, onkeydown: (event) => { if ((event as KeyboardEvent).key === 'Enter' && (event.target as HTMLElement).matches('input')) { event.preventDefault(); applyLineDiscount(index) } } },
            h('div', { class: 'field' },
              h('label', { for: discountType }, `Discount on ${line.name}`),
              h('select', { id: discountType, 'data-path': `Assisted.Items.${index}.Discount.Type` },
                h('option', { value: '' }, 'None'),
                ...DISCOUNT_TYPES.map((type) => h('option', { value: type, selected: line.discount?.Type === type }, DISCOUNT_LABELS[type])))),
            h('div', { class: 'field' },
              h('label', { for: discountValue }, `Discount value for ${line.name}`),
              h('input', { id: discountValue, class: 'small', inputmode: 'decimal', value: line.discount?.Value ?? '', 'data-path': `Assisted.Items.${index}.Discount.Value` })),
            h('div', { class: 'field grow' },
              h('label', { for: discountReason }, `Discount reason for ${line.name}`),
              h('input', { id: discountReason, value: line.discount?.Reason ?? '', 'data-path': `Assisted.Items.${index}.Discount.Reason` })),
            h('button', { type: 'button', 'aria-label': `Apply the discount to ${line.name}`, onclick: () => { applyLineDiscount(index) } }, 'Apply discount'))))
    ]
  })
  cart.replaceChildren(h('table', {},
    h('thead', {}, h('tr', {}, ...['Product', 'Quantity', 'Unit price', 'Line total', 'Discount', 'Remove'].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, ...rows)))
}

const TAX_CLASSES: Record<CustomLine['taxClass'], string> = { STANDARD: 'Standard VAT', EXEMPT: 'Exempt (no VAT)' }

/**
 * The custom lines: shown to everyone (a resumed draft's are kept on save); removed only by a user
 * with CUSTOM_LINE_ITEMS, for whom they are otherwise read-only. Their totals come from the quote.
 */
function renderCustomLines (): void {
  const box = byId('custom-lines')
  const editable = can('CUSTOM_LINE_ITEMS')
  // Their prices are in the order currency, so changing it changes them: the server refuses that
  // to a user without the privilege, and the console does not offer it (said beside the select).
  const fixed = state.customLines.length > 0 && !editable
  byId<HTMLSelectElement>('currency').disabled = fixed
  byId('currency-hint').hidden = !fixed
  if (state.customLines.length === 0) { box.replaceChildren(); return }
  box.replaceChildren(h('table', { 'aria-label': 'Custom lines' },
    h('thead', {}, h('tr', {}, ...['Custom line', 'Tax class', 'Quantity', 'Unit price', 'Line total', editable ? 'Remove' : ''].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, ...state.customLines.map((line, index) => h('tr', { 'data-custom-line': index },
      h('td', {}, line.name, h('div', { class: 'hint' }, `CUSTOM-${index + 1}`)),
      h('td', { 'data-label': 'Tax class' }, TAX_CLASSES[line.taxClass]),
      h('td', { class: 'num', 'data-label': 'Quantity' }, String(line.quantity)),
      h('td', { class: 'num', 'data-label': 'Unit price' }, money(line.price, currency())),
      h('td', { class: 'num', id: `custom-${index}-total`, 'data-label': 'Line total' }, '…'),
      h('td', {}, editable
        ? h('button', { type: 'button', 'aria-label': `Remove custom line ${line.name}`, onclick: () => { removeCustomLine(index) } }, '×')
        : h('span', { class: 'hint' }, 'Kept as it is (custom lines need the custom line privilege)')))))))
}

function addCustomLine (event: Event): void {
  event.preventDefault()
  const form = byId('custom-line-form')
  clearErrors(form)
  const name = value('custom-name')
  const raw = value('custom-price')
  const problems: FieldProblem[] = []
  if (name === '') problems.push({ path: 'CustomLine.Name', message: 'Enter what the line is called on the order.' })
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(raw)) problems.push({ path: 'CustomLine.Price', message: 'Enter the unit price, e.g. 12.50.' })
  if (problems.length > 0) { localProblems(form, problems); return }
  state.customLines.push({ name, price: Number(raw), quantity: 1, taxClass: byId<HTMLSelectElement>('custom-tax').value === 'EXEMPT' ? 'EXEMPT' : 'STANDARD' })
  byId<HTMLFormElement>('custom-line-form').reset()
  renderCustomLines()
  notice(`Custom line ${name} in the cart.`)
  scheduleQuote()
  byId('custom-name').focus()
}

function removeCustomLine (index: number): void {
  const [removed] = state.customLines.splice(index, 1)
  renderCustomLines()
  if (removed !== undefined) notice(`Custom line ${removed.name} removed from the cart.`)
  scheduleQuote()
  byId('custom-name').focus()
}

function changeQuantity (index: number, quantity: number): void {
  const line = state.lines[index]
  if (line === undefined) return
  line.quantity = Number.isInteger(quantity) && quantity >= 1 ? quantity : 1
  const input = byId<HTMLInputElement>(`line-${index}-qty`)
  if (input.valueAsNumber !== line.quantity) input.value = String(line.quantity)
  const warning = stockWarning(line)
  const status = byId(`line-${index}-stock`)
  status.textContent = warning ?? ''
  status.className = warning !== undefined && line.quantity > (line.stock?.available ?? Infinity) ? 'error' : 'warning'
  scheduleQuote()
}

function changePriceOption (index: number, group: string, code: string): void {
  const line = state.lines[index]
  if (line === undefined) return
  const options = { ...line.options }
  if (code === '') delete options[group]
  else options[group] = code
  line.options = options
  const names = chosenOptionNames(line)
  notice(`${line.name}: ${names.length > 0 ? names.join(', ') : 'no price option'}.`)
  scheduleQuote()
}

function removeLine (index: number): void {
  const [removed] = state.lines.splice(index, 1)
  renderCart()
  if (removed !== undefined) notice(`${removed.name} removed from the cart.`)
  scheduleQuote()
  ;(document.querySelector<HTMLElement>(`#line-${Math.min(index, state.lines.length - 1)}-qty`) ?? byId('catalog-query')).focus()
}

function readDiscount (typeId: string, valueId: string, reasonId: string, path: string): Discount | undefined | FieldProblem[] {
  const type = byId<HTMLSelectElement>(typeId).value
  if (type === '') return undefined
  const raw = value(valueId)
  const amount = Number(raw)
  const problems: FieldProblem[] = []
  if (raw === '' || !Number.isFinite(amount) || amount < 0) problems.push({ path: `${path}.Value`, message: 'Enter a positive number.' })
  if (value(reasonId) === '') problems.push({ path: `${path}.Reason`, message: 'Say why the discount is given (it is recorded with your name).' })
  if (problems.length > 0) return problems
  return { Type: type as DiscountType, Value: amount, Reason: value(reasonId) }
}

/**
 * An order error shown on the page: with "Same as billing", the delivery address the API checks
 * is the billing address, so its problems are the billing fields' (shown once, there).
 */
function showOrderError (scope: HTMLElement, error: unknown): void {
  if (error instanceof RpcError && byId<HTMLSelectElement>('shipping-source').value === 'billing') {
    const fields = error.fields.map((problem) => ({ ...problem, path: problem.path.replace(/^(Order\.)?DeliveryDetails(?=\.|$)/, 'BillingDetails') }))
    error = new RpcError({ code: error.code, message: error.message, data: { error_code: error.errorCode, fields, ...(error.requestId !== undefined ? { requestId: error.requestId } : {}) } })
  }
  offerApproval(error)
  showError(scope, error)
}

// ---------------------------------------------------------------- a supervisor's approval

/** A discount above the user's limit: the Supervisor approval panel is offered (before the errors are placed, so the approval's own goes beside its fields). */
function offerApproval (error: unknown): void {
  const panel = byId('approval')
  if (error instanceof RpcError && error.errorCode === 'DISCOUNT_LIMIT_EXCEEDED' && panel.hidden) {
    byId('approval-fields').replaceChildren(
      h('div', { class: 'field' }, h('label', { for: 'approval-username' }, 'Supervisor username'),
        h('input', { id: 'approval-username', 'data-path': 'Assisted.Approval.Username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' })),
      h('div', { class: 'field' }, h('label', { for: 'approval-password' }, 'Supervisor password'),
        h('input', { id: 'approval-password', type: 'password', 'data-path': 'Assisted.Approval.Password', autocomplete: 'off' })),
      h('button', { type: 'button', id: 'approval-apply', onclick: applyApproval }, 'Approve'))
    show(panel, true)
  }
  // A refused approval is not sent again with the next quote: each wrong password is a failed sign-in of the supervisor's.
  if (error instanceof RpcError && error.errorCode === 'DISCOUNT_APPROVAL_FAILED') {
    state.approval = undefined
    const password = document.getElementById('approval-password')
    if (password instanceof HTMLInputElement) password.value = ''
  }
}

/** Approve: the supervisor's username and password go with the quote and the order (Assisted.Approval); checked by the next quote. */
function applyApproval (): void {
  const panel = byId('approval')
  clearErrors(panel)
  const username = value('approval-username')
  const password = byId<HTMLInputElement>('approval-password').value
  const problems: FieldProblem[] = []
  if (username === '') problems.push({ path: 'Assisted.Approval.Username', message: 'Enter the supervisor\'s username.' })
  if (password === '') problems.push({ path: 'Assisted.Approval.Password', message: 'The supervisor types their password.' })
  if (problems.length > 0) { localProblems(panel, problems); return }
  state.approval = { Username: username, Password: password }
  notice(`Approval by ${username} added: the totals are checked with it.`)
  scheduleQuote()
}

/** The approval is for these discounts and this order only: its fields removed (the panel closed) when a discount changes or the order is placed or left. */
function clearApproval (): void {
  state.approval = undefined
  const panel = byId('approval')
  clearErrors(panel)
  byId('approval-fields').replaceChildren()
  show(panel, false)
}

function localProblems (scope: HTMLElement, problems: FieldProblem[]): void {
  showError(scope, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: problems } }))
}

function applyLineDiscount (index: number): void {
  const line = state.lines[index]
  if (line === undefined) return
  clearErrors(byId('cart-step'))
  const discount = readDiscount(`line-${index}-discount-type`, `line-${index}-discount-value`, `line-${index}-discount-reason`, `Assisted.Items.${index}.Discount`)
  if (Array.isArray(discount)) { localProblems(byId('cart-step'), discount); return }
  line.discount = discount
  clearApproval()
  byId(`line-${index}-discount`).textContent = describeDiscount(discount)
  notice(discount === undefined ? `Discount removed from ${line.name}.` : `${describeDiscount(discount)} on ${line.name}.`)
  scheduleQuote()
}

// ---------------------------------------------------------------- addresses, payment, shipping

function addressFields (containerId: string, prefix: string): void {
  const container = byId(containerId)
  container.replaceChildren(...ADDRESS_FIELDS.map((field) => {
    const id = `${containerId}-${field.key}`
    return h('div', { class: 'field' },
      h('label', { for: id }, field.label),
      h('input', { id, 'data-path': `${prefix}.${field.key}`, autocomplete: 'off', 'data-autocomplete': field.autocomplete, required: field.required, maxlength: field.key === 'CountryCode' ? 2 : 255, onchange: () => { scheduleQuote() } }))
  }))
}

function fillAddress (containerId: string, address: Partial<Address>): void {
  for (const field of ADDRESS_FIELDS) {
    const input = byId<HTMLInputElement>(`${containerId}-${field.key}`)
    const given = address[field.key]
    input.value = given === undefined || given === null ? '' : String(field.key === 'CountryCode' ? given.toUpperCase() : given)
  }
}

function readAddress (containerId: string): Address {
  const read = (key: keyof Address): string => byId<HTMLInputElement>(`${containerId}-${key}`).value.trim()
  return {
    FirstName: read('FirstName'),
    LastName: read('LastName'),
    Company: read('Company'),
    Address1: read('Address1'),
    Address2: read('Address2'),
    City: read('City'),
    State: read('State'),
    Zip: read('Zip'),
    CountryCode: read('CountryCode'),
    Phone: read('Phone')
  }
}

function fillAddressSources (): void {
  const customer = state.customer
  const book = customer?.Addresses ?? []
  const options = (select: HTMLSelectElement, extra: HTMLOptionElement[]): void => {
    select.replaceChildren(...extra, ...book.map((address) => h('option', { value: String(address.AddressId) }, addressLine(address))), h('option', { value: 'new' }, 'New address'))
  }
  options(byId<HTMLSelectElement>('billing-source'), [])
  options(byId<HTMLSelectElement>('shipping-source'), [h('option', { value: 'billing' }, 'Same as billing address')])
  byId<HTMLSelectElement>('billing-source').value = book.length > 0 ? String(book[0]?.AddressId) : 'new'
  byId<HTMLSelectElement>('shipping-source').value = 'billing'
  pickAddress('billing')
  pickAddress('shipping')
}

function pickAddress (which: 'billing' | 'shipping'): void {
  const choice = byId<HTMLSelectElement>(`${which}-source`).value
  const fields = `${which}-fields`
  show(byId(fields), choice !== 'billing')
  const customer = state.customer
  const fromBook = choice === LAST_ORDER ? lastOrderAddress(which, customer?.CustomerId) : customer?.Addresses?.find((address) => String(address.AddressId) === choice)
  if (fromBook !== undefined) fillAddress(fields, fromBook)
  else if (choice === 'new') fillAddress(fields, { FirstName: customer?.FirstName ?? '', LastName: customer?.LastName ?? '', Company: customer?.Company ?? '', Phone: customer?.Phone ?? '' })
  refreshSaveBox(which)
  scheduleQuote()
}

/** The save boxes for what the picker and the fields hold now (a saved address edited offers its two). */
function refreshSaveBox (which: 'billing' | 'shipping'): void {
  showSaveBox(which, byId<HTMLSelectElement>(`${which}-source`).value, state.customer?.Addresses ?? [], readAddress(`${which}-fields`))
}

function fillStoredCards (): void {
  const select = byId<HTMLSelectElement>('stored-card')
  const cards = state.customer?.StoredCards ?? []
  if (cards.length === 0) {
    select.replaceChildren(h('option', { value: '' }, 'No stored card for this customer'))
    select.disabled = true
    return
  }
  select.disabled = false
  // getCustomerTransientToken issues a token for the most recently used card (listed first).
  select.replaceChildren(h('option', { value: 'latest' }, cardLine(cards[0] as NonNullable<Customer['StoredCards']>[number])))
}

function choosePayment (): void {
  const kind = paymentKind()
  for (const panel of ['STORED_CARD', 'NEW_CARD', 'CHECK', 'PURCHASE_ORDER', 'NOT_REQUIRED'] as const) show(byId(`panel-${panel}`), panel === kind)
  scheduleQuote()
}

function readPayment (): Payment {
  switch (paymentKind()) {
    case 'STORED_CARD': return { kind: 'STORED_CARD' }
    case 'CHECK': return { kind: 'CHECK' }
    case 'PURCHASE_ORDER': return { kind: 'PURCHASE_ORDER', InternalPONumber: value('po-number'), AutoApprove: byId<HTMLInputElement>('po-auto-approve').checked }
    case 'NOT_REQUIRED': return { kind: 'NOT_REQUIRED', OriginalRefNo: value('replace-refno'), Reason: value('replace-reason') }
    case 'NEW_CARD': {
      const number = value('card-number')
      return {
        kind: 'NEW_CARD',
        card: {
          HolderName: value('card-holder'),
          CardNumber: number,
          CardType: byId<HTMLSelectElement>('card-type').value !== '' ? byId<HTMLSelectElement>('card-type').value : detectCardType(number) ?? '',
          ExpirationMonth: value('card-month').padStart(2, '0'),
          ExpirationYear: value('card-year'),
          CCID: value('card-cvv')
        },
        keepCard: byId<HTMLInputElement>('card-consent').checked
      }
    }
  }
}

function applyCoupon (): void {
  const code = value('coupon').toUpperCase()
  if (code === '') return
  if (!state.coupons.includes(code)) state.coupons.push(code)
  byId<HTMLInputElement>('coupon').value = ''
  renderCoupons()
  scheduleQuote()
}

function renderCoupons (): void {
  byId('coupons').replaceChildren(...state.coupons.map((code) => h('li', {}, code,
    h('button', { type: 'button', 'aria-label': `Remove coupon ${code}`, onclick: () => { state.coupons = state.coupons.filter((c) => c !== code); renderCoupons(); scheduleQuote(); byId('coupon').focus() } }, '×'))))
}

function applyOrderDiscount (): void {
  const discount = readDiscount('order-discount-type', 'order-discount-value', 'order-discount-reason', 'Assisted.Discount')
  clearErrors(byId('order-view'))
  if (Array.isArray(discount)) { localProblems(byId('order-view'), discount); return }
  state.orderDiscount = discount
  clearApproval()
  notice(discount === undefined ? 'Order discount removed.' : `Order discount: ${discount.Type === 'PERCENT' ? `${discount.Value}%` : money(discount.Value, currency())} (${discount.Reason}).`)
  scheduleQuote()
}

function draft (): Draft {
  const billing = readAddress('billing-fields')
  return {
    customer: state.customer,
    lines: state.lines,
    customLines: state.customLines,
    currency: currency(),
    billing,
    delivery: byId<HTMLSelectElement>('shipping-source').value === 'billing' ? null : readAddress('shipping-fields'),
    shippingMethod: byId<HTMLSelectElement>('shipping-method').value,
    coupons: state.coupons,
    orderDiscount: state.orderDiscount,
    approval: state.approval,
    payment: readPayment()
  }
}

// ---------------------------------------------------------------- live totals (quote)

let quoteTimer: ReturnType<typeof setTimeout> | undefined
let quoteSeq = 0

function scheduleQuote (): void {
  saveSoon()
  if (quoteTimer !== undefined) clearTimeout(quoteTimer)
  quoteTimer = setTimeout(() => { run(refreshShippingMethods()); run(refreshQuote()) }, 250)
}

// Quote errors about what the user is editing right now go beside those fields; the rest (an
// incomplete billing address, say) wait for Place order, so the page does not shout while typing.
const LIVE_PATHS = /^(Items|Promotions|Assisted\.(Items|Discount|Approval)|DeliveryInformation|Currency)/

async function refreshQuote (): Promise<void> {
  const body = byId('totals-body')
  const seq = ++quoteSeq
  const current = draft()
  const waiting = notQuotableYet(current)
  if (!hasSession() || waiting !== undefined) {
    body.replaceChildren(h('p', { class: 'hint' }, waiting ?? ''))
    return
  }
  try {
    const call = buildQuote(current, returnUrls())
    if (pricedByDraft(call)) {
      const priced = await (draftPricer?.() ?? NO_DRAFT_PRICE)
      if (seq !== quoteSeq) return
      clearQuoteErrors()
      if (typeof priced === 'string') body.replaceChildren(h('p', { class: 'hint', id: 'totals-hint' }, priced))
      else renderTotals(priced, 'draft')
      return
    }
    const quoted = await api.quote(call)
    if (seq !== quoteSeq) return
    clearQuoteErrors()
    renderTotals(quoted)
  } catch (error) {
    if (seq !== quoteSeq) return
    clearQuoteErrors()
    offerApproval(error)
    const live = error instanceof RpcError ? error.fields.filter((problem) => LIVE_PATHS.test(problem.path)) : []
    if (live.length > 0) showError(byId('order-view'), error, { quiet: true, only: (problem) => LIVE_PATHS.test(problem.path) })
    body.replaceChildren(h('p', { class: live.length > 0 ? 'error' : 'hint' },
      live.length > 0 ? 'The totals cannot be computed: see the marked fields.' : 'Totals appear once the order is complete enough to price (Place order… marks what is missing).'))
  }
}

function clearQuoteErrors (): void {
  for (const message of document.querySelectorAll<HTMLElement>('#order-view .error[data-error-for]')) {
    if (!LIVE_PATHS.test(message.dataset.errorFor ?? '')) continue
    const input = document.querySelector(`[aria-describedby~="${message.id}"]`)
    input?.removeAttribute('aria-invalid')
    message.remove()
  }
}

function renderTotals (quoted: api.WireOrder, source: 'quote' | 'draft' = 'quote'): void {
  const cur = String(quoted.Currency ?? currency())
  const items = (quoted.Items ?? []) as Array<Record<string, any>>
  items.forEach((item, index) => {
    const unit = document.getElementById(`line-${index}-unit`)
    const total = document.getElementById(`line-${index}-total`)
    const price = (item.Price ?? {}) as Record<string, unknown>
    if (unit !== null) unit.textContent = money(price.UnitNetPrice ?? price.UnitPrice, cur)
    if (total !== null) total.textContent = money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice ?? price.NetPrice, cur)
    // the custom lines come after the catalog lines in the quote's Items
    const custom = index >= state.lines.length ? document.getElementById(`custom-${index - state.lines.length}-total`) : null
    if (custom !== null) custom.textContent = money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice ?? price.NetPrice, cur)
  })
  const orderDiscount = quoted.OrderDiscount as { Amount: number } | null | undefined
  const physical = state.lines.some((line) => line.physical)
  const shipping = physical ? Number(quoted.ShippingPrice ?? 0) : 0
  const rows: Array<[string, unknown, string?]> = [
    ['Products (net)', Number(quoted.NetPrice) - shipping],
    ['Line discounts and coupons', quoted.Discount === undefined ? undefined : -(Number(quoted.Discount) - Number(orderDiscount?.Amount ?? 0))],
    ['Shipping', physical ? quoted.ShippingPrice : undefined],
    ['Tax (VAT)', quoted.VAT],
    ['Order discount (after tax and shipping)', orderDiscount == null ? undefined : -Number(orderDiscount.Amount)],
    ['Total', quoted.GrossDiscountedPrice],
    ['Amount due', quoted.AmountDue]
  ]
  const from = source === 'draft' ? [h('p', { class: 'hint', id: 'totals-hint' }, 'Priced by the server as the draft is saved.')] : []
  byId('totals-body').replaceChildren(h('table', {}, h('tbody', {}, ...rows
    .filter(([label, amount]) => amount !== undefined && amount !== null && !(label.startsWith('Line discounts') && Number(amount) === 0))
    .map(([label, amount, note]) => h('tr', { class: label === 'Total' ? 'total' : undefined, 'data-total': label },
      h('th', { scope: 'row' }, note !== undefined ? `${label} (${note})` : label),
      h('td', { class: 'num' }, money(amount, cur)))))), ...from)
}

// ---------------------------------------------------------------- the merchant's currencies and shipping methods

/** The billing currencies are the merchant's (getAvailableCurrencies); the one chosen stays chosen. */
async function loadCurrencies (): Promise<void> {
  const select = byId<HTMLSelectElement>('currency')
  const chosen = select.value
  const currencies = await api.getAvailableCurrencies()
  if (currencies.length === 0) return
  const pick = currencies.some((c) => c.Code === chosen) ? chosen : currencies[0]?.Code ?? ''
  // `selected` also makes it the default, so the form's reset for the next order keeps it.
  select.replaceChildren(...currencies.map((c) => h('option', { value: c.Code, selected: c.Code === pick }, `${c.Code} (${c.Name})`)))
  select.value = pick
  if (pick !== chosen) scheduleQuote()
}

let shippingSeq = 0

/**
 * The shipping methods the merchant really has for this cart, with their price in the billing
 * currency (getShippingPrice): refreshed with the totals; the method chosen stays chosen while
 * the cart can still ship by it. Errors are left to the quote, which marks the fields.
 */
async function refreshShippingMethods (): Promise<void> {
  const current = draft()
  const billingCountry = current.billing.CountryCode.trim()
  if (!hasSession() || !state.lines.some((line) => line.physical) || !/^[A-Za-z]{2}$/.test(billingCountry)) return
  const deliveryCountry = current.delivery?.CountryCode.trim() ?? ''
  const seq = ++shippingSeq
  let prices: api.ShippingPrice[]
  try {
    prices = await api.getShippingPrice(state.lines.map((line) => ({ Code: line.code, Quantity: line.quantity })), billingCountry, /^[A-Za-z]{2}$/.test(deliveryCountry) ? deliveryCountry : billingCountry, current.currency)
  } catch {
    return
  }
  if (seq !== shippingSeq) return
  const select = byId<HTMLSelectElement>('shipping-method')
  const chosen = select.value
  const byDefault = prices.find((price) => price.Default)
  select.replaceChildren(
    h('option', { value: '' }, byDefault === undefined ? 'Merchant\'s default' : `Merchant's default (${byDefault.Name})`),
    ...prices.map((price) => h('option', { value: price.Code }, `${price.Name} (${price.Code}): ${money(price.PriceDetails.Gross.TotalAmount, price.Currency)}`)))
  select.value = prices.some((price) => price.Code === chosen) ? chosen : ''
  if (select.value !== chosen) scheduleQuote()
}

// ---------------------------------------------------------------- place order and after

async function placeOrder (): Promise<void> {
  const view = byId('order-view')
  clearErrors(view)
  if (state.customer === null) return
  const button = byId<HTMLButtonElement>('place-confirm')
  button.disabled = true
  button.setAttribute('aria-busy', 'true')
  notice('Placing the order…')
  const current = draft()
  const customerId = state.customer.CustomerId
  const toSave = addressesToSave(current.billing, current.delivery)
  const book = state.customer.Addresses ?? []
  try {
    if (current.payment.kind === 'STORED_CARD') {
      current.payment = { kind: 'STORED_CARD', TransientToken: await api.getCustomerTransientToken(state.customer.CustomerId) }
    }
    const key = state.retryKey ?? crypto.randomUUID()
    state.retryKey = key
    let placed: api.WireOrder
    let said: string | undefined
    try {
      const call = buildOrder(current, returnUrls())
      // A resumed draft is saved as it is now, then completed (one order per draft): drafts-view.ts
      const viaDraft = draftPlacer?.(call)
      if (viaDraft !== undefined) ({ order: placed, said } = await viaDraft)
      else placed = await api.placeAssistedOrder(call, key)
      state.retryKey = undefined
    } catch (error) {
      // Only a lost answer keeps the key: the server may have placed the order.
      if (error instanceof RpcError) state.retryKey = undefined
      throw error
    }
    notice(said ?? `Order ${placed.RefNo ?? ''} placed.`)
    clearApproval()
    closeSummary()
    showConfirmation(placed)
    // Saved only now that the order is placed (issue 19 item 6); a failure is shown, the order stands.
    if (toSave.length > 0) {
      run(saveAddresses(customerId, toSave, book).then((saved) => { notice(`Order ${placed.RefNo ?? ''} placed; ${saved === 1 ? 'the address was' : 'both addresses were'} saved to the customer's address book.`) }))
    }
    const challenge = placed.PaymentDetails?.PaymentMethod?.Authorize3DS as { Href: string, Params?: Record<string, string> } | undefined
    if (challenge !== undefined && placed.Status === 'PENDING') startThreeDs(challenge)
  } catch (error) {
    notice('')
    closeSummary()
    showOrderError(view, error)
  } finally {
    button.disabled = false
    button.removeAttribute('aria-busy')
  }
}

function startThreeDs (challenge: { Href: string, Params?: Record<string, string> }): void {
  const url = new URL(challenge.Href, location.origin)
  for (const [name, param] of Object.entries(challenge.Params ?? {})) url.searchParams.set(name, param)
  state.threeDsUrl = url.toString()
  show(byId('three-ds-open'), true)
  openThreeDs()
}

function openThreeDs (): void {
  if (state.threeDsUrl === undefined) return
  // A named window, not noopener: its return page tells this window (same origin) it is done.
  const opened = window.open(state.threeDsUrl, 'ordergate-3ds', 'popup,width=520,height=640')
  if (opened === null) notice('The browser blocked the 3-D Secure window: use "Open 3-D Secure again".')
  else notice('3-D Secure opened in a new window: the customer confirms the payment there.')
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== location.origin) return
  const data = event.data as { type?: string, refNo?: string, outcome?: string } | null
  if (data?.type !== 'ordergate-3ds' || state.placed === undefined || data.refNo !== state.placed.RefNo) return
  notice(data.outcome === 'cancel' ? '3-D Secure was cancelled.' : '3-D Secure finished: reading the order status…')
  state.threeDsUrl = undefined
  show(byId('three-ds-open'), false)
  run(refreshPlaced())
})

async function refreshPlaced (): Promise<void> {
  if (state.placed?.RefNo === undefined) return
  const view = byId('confirmation-view')
  clearErrors(view)
  try {
    const order = await api.getOrder(state.placed.RefNo)
    showConfirmation(order)
    notice(`Order ${order.RefNo ?? ''} is ${order.Status ?? 'unknown'}.`)
  } catch (error) {
    showError(view, error)
  }
}

function nextSteps (order: api.WireOrder): string[] {
  const steps: string[] = []
  const declined = order.Errors?.PAYMENT_ERROR as string | undefined
  const fraud = order.FraudReview as { Status?: string, Reason?: string } | undefined
  const po = order.PODetails as { Status?: string, InternalPONumber?: string } | undefined
  const method = (order.PaymentDetails?.PaymentMethod ?? {}) as Record<string, any>
  if (declined !== undefined) steps.push(`The payment was declined (${declined}); nothing was charged. Press Done Order and place it again with another card or payment method.`)
  if (fraud?.Status === 'OPEN') steps.push(`The order is held in fraud review (${fraud.Reason ?? 'review'}). It stays PENDING until a user with the fraud privilege marks the customer OKAY (the order then moves on) or rejects it (the order is cancelled).`)
  if (method.Authorize3DS !== undefined && order.Status === 'PENDING') steps.push('Waiting for 3-D Secure: the customer confirms the payment in the window that opened. The status updates here when it is done.')
  if (order.Status === 'PURCHASE_PENDING') steps.push(`The purchase order ${po?.InternalPONumber ?? ''} is approved automatically; the order waits for the customer's payment within the PO terms, and moves on once it is marked paid.`)
  if (po?.Status === 'AWAITING_UPLOAD') steps.push(`The purchase order ${po.InternalPONumber ?? ''} waits for the customer's PO document; the merchant then approves it (approvePurchaseOrder) or cancels it.`)
  if (order.PaymentDetails?.Type === 'CHECK' && method.PayableTo !== undefined) steps.push(`Waiting for the check: payable to ${String(method.PayableTo)}, mailed to ${String(method.MailingAddress)}, reference ${String(method.PaymentReference)}.`)
  if (order.Status === 'AUTHRECEIVED' && fraud?.Status !== 'OPEN') steps.push('The payment is authorised: the order goes on to fulfilment.')
  if (order.Status === 'COMPLETE') steps.push('The order is complete: nothing more to do.')
  if (order.Status === 'CANCELED') steps.push('The order is cancelled.')
  return steps
}

function showConfirmation (order: api.WireOrder): void {
  state.placed = order
  const cur = String(order.Currency ?? currency())
  const rows: Array<[string, unknown]> = [
    ['Order reference (RefNo)', order.RefNo],
    ['Status', order.Status],
    ['Approval', order.ApproveStatus],
    ['Customer', state.customer !== null ? `${state.customer.FirstName} ${state.customer.LastName} (${state.customer.Email})` : order.BillingDetails?.Email],
    ['Payment', order.PaymentDetails?.Type],
    ['Total', money(order.GrossDiscountedPrice ?? order.GrossPrice, cur)]
  ]
  byId('confirmation-details').replaceChildren(...rows.flatMap(([label, shown]) => [h('dt', {}, label), h('dd', { 'data-field': label }, shown === undefined || shown === null ? '—' : String(shown))]))
  byId('confirmation-next').replaceChildren(...nextSteps(order).map((step) => h('p', {}, step)))
  show(byId('cancel-placed-order'), order.Status !== 'CANCELED' && order.Status !== 'COMPLETE')
  byId('confirmation-title').textContent = `Order ${order.RefNo ?? ''} placed`
  if (byId('confirmation-view').hidden) {
    showView('confirmation')
    byId('confirmation-view').focus()
  }
}

async function cancelPlacedOrder (): Promise<void> {
  const order = state.placed
  if (order?.RefNo === undefined) return
  if (!window.confirm(`Cancel order ${order.RefNo}? Any authorised payment is released.`)) return
  const view = byId('confirmation-view')
  clearErrors(view)
  try {
    showConfirmation(await api.cancelOrder(order.RefNo, 'Cancelled by the operator from the console'))
    notice(`Order ${order.RefNo} cancelled.`)
  } catch (error) {
    showError(view, error)
  }
}

/** Done Order / Cancel Order (seed 003): leave the phone order; a fresh one starts. */
function resetOrder (keepSaved = false): void {
  if (!keepSaved) clearSavedOrder()
  // the drafts screen (drafts-view.ts) forgets the draft this order was resumed from
  document.dispatchEvent(new CustomEvent('ordergate:checkout-reset', { detail: { keepSaved } }))
  state.customer = null
  forgetLastOrder()
  state.lines = []
  state.customLines = []
  state.coupons = []
  state.orderDiscount = undefined
  clearApproval()
  state.retryKey = undefined
  state.placed = undefined
  state.threeDsUrl = undefined
  show(byId('three-ds-open'), false)
  for (const form of ['customer-search-form', 'new-customer-form', 'catalog-search-form', 'checkout-form', 'custom-line-form'] as const) {
    const element = byId<HTMLFormElement>(form)
    element.reset()
    clearErrors(element)
  }
  clearErrors(byId('order-view'))
  byId('customer-results').replaceChildren()
  byId('catalog-results').replaceChildren()
  show(byId('new-customer-form'), false)
  renderCustomerSummary()
  renderCart()
  renderCustomLines()
  renderCoupons()
  fillAddressSources()
  fillStoredCards()
  choosePayment()
  byId('totals-body').replaceChildren(h('p', { class: 'hint' }, 'Add products to see the totals.'))
}

function leaveOrder (how: 'done' | 'cancel'): void {
  if (how === 'cancel' && (state.customer !== null || state.lines.length > 0) && !window.confirm('Cancel this order? The customer and cart are discarded; nothing is placed.')) return
  resetOrder()
  showView('order')
  notice(how === 'done' ? 'Order done. Ready for the next call.' : 'Order cancelled: nothing was placed.')
  byId('customer-query').focus()
}

// ---------------------------------------------------------------- review before placing

const typedDiscount = (typeId: string, valueId: string, reasonId: string): TypedDiscount =>
  ({ type: byId<HTMLSelectElement>(typeId).value, value: value(valueId), reason: value(reasonId) })

function paymentLine (current: Draft): string {
  const payment = current.payment
  switch (payment.kind) {
    case 'STORED_CARD': {
      const card = state.customer?.StoredCards?.[0]
      return card === undefined ? 'Stored card' : `Stored card: ${card.CardType} ending ${card.LastDigits}`
    }
    case 'NEW_CARD': {
      const digits = payment.card.CardNumber.replace(/\D/g, '')
      return `New card: ${payment.card.CardType !== '' ? payment.card.CardType : 'card'} ending ${digits.slice(-4)}, ${payment.card.HolderName}${payment.keepCard === true ? ' (kept on file, with the customer\'s consent)' : ' (not kept)'}`
    }
    case 'CHECK': return 'Check (nothing is charged now)'
    case 'PURCHASE_ORDER': return `Purchase order ${payment.InternalPONumber} (nothing is charged now)`
    case 'NOT_REQUIRED': return `No payment: replacement of order ${payment.OriginalRefNo}`
  }
}

/**
 * Place order…: the page's own checks (customer, cart, discounts typed but not applied), then a
 * quote of exactly this order (every field checked by the API, nothing written), then the
 * summary of what will be charged. Only its confirmation places the order.
 */
async function reviewOrder (): Promise<void> {
  const view = byId('order-view')
  clearErrors(view)
  if (state.customer === null) { localProblems(view, [{ path: 'Assisted.CustomerId', message: 'Choose or create the customer first (step 1).' }]); return }
  if (state.lines.length === 0) { localProblems(view, [{ path: 'Items', message: 'Add at least one product to the cart (step 2).' }]); return }
  const unapplied = unappliedDiscounts(
    state.lines.map((line, index) => ({ typed: typedDiscount(`line-${index}-discount-type`, `line-${index}-discount-value`, `line-${index}-discount-reason`), applied: line.discount })),
    { typed: typedDiscount('order-discount-type', 'order-discount-value', 'order-discount-reason'), applied: state.orderDiscount },
    value('coupon'))
  if (unapplied.length > 0) {
    localProblems(view, unapplied)
    notice('A discount or coupon is typed but not applied: apply it or clear it before placing the order.')
    return
  }
  const current = draft()
  // Two different edits of one saved address: the agent says which one the book keeps (address-book.ts).
  const conflict = addressSaveConflict(current.billing, current.delivery)
  if (conflict !== undefined) { localProblems(view, [conflict]); notice(conflict.message); return }
  // The stored card's token is single-use: it is fetched only to place; the quote prices it as a check.
  const checked = current.payment.kind === 'STORED_CARD' ? buildQuote(current, returnUrls()) : buildOrder(current, returnUrls())
  if (current.payment.kind === 'STORED_CARD') checked.Order = { ...buildOrder(current, returnUrls()).Order, PaymentDetails: checked.Order.PaymentDetails }
  let quoted: api.WireOrder
  if (pricedByDraft(checked)) {
    // what completeDraft will charge: the draft as saved, priced now by the server
    let priced: api.WireOrder | string
    try {
      priced = await (draftPricer?.() ?? NO_DRAFT_PRICE)
    } catch (error) {
      showOrderError(view, error)
      return
    }
    if (typeof priced === 'string') { localProblems(view, [{ path: 'Assisted.CustomItems', message: priced }]); return }
    quoted = priced
  } else {
    try {
      quoted = await api.quote(checked)
    } catch (error) {
      showOrderError(view, error)
      return
    }
  }
  const cur = String(quoted.Currency ?? current.currency)
  const items = (quoted.Items ?? []) as Array<Record<string, any>>
  const due = quoted.AmountDue ?? quoted.GrossDiscountedPrice
  const charged = current.payment.kind === 'STORED_CARD' || current.payment.kind === 'NEW_CARD'
  const rows: Array<[string, string]> = [
    ['Customer', `${state.customer.FirstName} ${state.customer.LastName} (${state.customer.Email})`],
    ...state.lines.map((line, index): [string, string] => {
      const price = (items[index]?.Price ?? {}) as Record<string, unknown>
      const names = chosenOptionNames(line)
      return [`${line.quantity} × ${line.name}${names.length > 0 ? ` (${names.join(', ')})` : ''}`, `${money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice ?? price.NetPrice, cur)}${line.discount !== undefined ? ` (${describeDiscount(line.discount)})` : ''}`]
    }),
    ...state.customLines.map((line, index): [string, string] => {
      const price = (items[state.lines.length + index]?.Price ?? {}) as Record<string, unknown>
      return [`${line.quantity} × ${line.name} (custom, ${TAX_CLASSES[line.taxClass]})`, money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice ?? price.NetPrice, cur)]
    }),
    ...(state.coupons.length > 0 ? [['Coupons', state.coupons.join(', ')] as [string, string]] : []),
    ...(state.orderDiscount !== undefined ? [['Order discount', `${state.orderDiscount.Type === 'PERCENT' ? `${state.orderDiscount.Value}%` : money(state.orderDiscount.Value, cur)} (${state.orderDiscount.Reason})`] as [string, string]] : []),
    ...(state.lines.some((line) => line.physical) ? [['Shipping', money(quoted.ShippingPrice, cur)] as [string, string]] : []),
    ['Tax (VAT)', money(quoted.VAT, cur)],
    ['Payment', paymentLine(current)],
    [charged ? 'Will be charged' : 'Total', money(due, cur)]
  ]
  byId('place-summary-body').replaceChildren(h('dl', { class: 'details' }, ...rows.flatMap(([label, shown]) => [h('dt', {}, label), h('dd', { 'data-summary': label }, shown)])))
  byId('place-confirm').textContent = charged ? `Charge ${money(due, cur)} and place the order` : 'Place the order'
  const dialog = byId<HTMLDialogElement>('place-summary')
  if (!dialog.open) dialog.showModal()
  byId('place-summary-title').focus()
}

function closeSummary (): void {
  const dialog = byId<HTMLDialogElement>('place-summary')
  if (dialog.open) dialog.close()
}

// ---------------------------------------------------------------- the session's end

let expiryTimers: Array<ReturnType<typeof setTimeout>> = []

function stopExpiryWatch (): void {
  for (const timer of expiryTimers) clearTimeout(timer)
  expiryTimers = []
  show(byId('session-warning'), false)
}

/**
 * Sessions end SESSION_TTL_SECONDS after sign-in (10 minutes by default; calls do not extend
 * them). The warning comes 2 minutes before (a quarter of the session for short ones), counting
 * the server's seconds left, not this computer's clock; at the end the page returns to sign-in,
 * the order kept.
 */
function watchExpiry (secondsLeft: number): void {
  stopExpiryWatch()
  const started = Date.now()
  const endsAt = started + secondsLeft * 1000
  const warnAt = Math.max(0, secondsLeft - Math.min(120, Math.floor(secondsLeft / 4)))
  const tick = (): void => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000))
    const shown = left >= 60 ? `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, '0')} s` : `${left} s`
    byId('session-warning-text').textContent = `Your session ends in ${shown}. Sign in again before then to go on: the order in progress is kept.`
    if (left > 0) expiryTimers.push(setTimeout(tick, 1000))
  }
  expiryTimers.push(setTimeout(() => { show(byId('session-warning'), true); tick() }, warnAt * 1000))
  expiryTimers.push(setTimeout(() => { signOut('Your session expired: sign in again to go on. The order in progress is kept.') }, secondsLeft * 1000))
}

// ---------------------------------------------------------------- no lost work on reload

let saveTimer: ReturnType<typeof setTimeout> | undefined

function saveSoon (): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer)
  saveTimer = setTimeout(saveNow, 200)
}

// A reload or a closed tab within the 200 ms leaves nothing unsaved.
addEventListener('pagehide', () => {
  if (saveTimer === undefined) return
  clearTimeout(saveTimer)
  saveTimer = undefined
  saveNow()
})

function saveNow (): void {
  saveTimer = undefined
  if (state.merchantCode === '' || (state.customer === null && state.lines.length === 0)) return
  saveOrder({
    merchantCode: state.merchantCode,
    username: state.username,
    state: { customer: state.customer, lines: state.lines, customLines: state.customLines, coupons: state.coupons, orderDiscount: state.orderDiscount },
    fields: readFields(byId('order-view'))
  })
}

/** After sign-in: the order this tab had in progress for this user, as it was. */
function restoreOrder (): void {
  const saved = loadOrder()
  if (saved === undefined || state.customer !== null || state.lines.length > 0) return
  if (saved.merchantCode !== state.merchantCode || saved.username !== state.username) { clearSavedOrder(); return }
  const kept = saved.state as { customer: Customer | null, lines: CartLine[], customLines?: CustomLine[], coupons: string[], orderDiscount?: Discount }
  state.customer = kept.customer
  state.lines = kept.lines ?? []
  state.customLines = kept.customLines ?? []
  state.coupons = kept.coupons ?? []
  state.orderDiscount = kept.orderDiscount
  renderCustomerSummary()
  fillAddressSources()
  fillStoredCards()
  renderCart()
  renderCoupons()
  writeFields(byId('order-view'), saved.fields)
  // after the fields: the custom lines' prices are drawn in the currency written back
  renderCustomLines()
  for (const which of ['billing', 'shipping'] as const) {
    show(byId(`${which}-fields`), byId<HTMLSelectElement>(`${which}-source`).value !== 'billing')
    refreshSaveBox(which)
  }
  choosePayment()
  // The last order's address is no saved field: asked for again, and chosen again if it was.
  const customerId = state.customer?.CustomerId
  if (customerId !== undefined) {
    const restored = { billing: saved.fields['billing-source'], shipping: saved.fields['shipping-source'] }
    run(offerLastOrder(customerId, () => state.customer?.CustomerId === customerId, refreshSaveBox, restored))
  }
  notice('The order in progress was restored.')
  scheduleQuote()
}

// ---------------------------------------------------------------- hooks for the drafts screen (drafts-view.ts)

/** The order a resumed draft's Place order ended with; `said`: what the agent is told instead of "Order … placed." */
export type DraftPlaced = { order: api.WireOrder, said?: string }

let draftPlacer: ((call: AssistedCall) => Promise<DraftPlaced> | undefined) | undefined
let draftPricer: (() => Promise<api.WireOrder | string>) | undefined

/**
 * A user without CUSTOM_LINE_ITEMS may not quote custom lines (quote refuses them), but may save and
 * place a resumed draft holding a colleague's, as they are: its totals are then the server's price of
 * the draft as saved (getDraft), while the checkout holds what was saved; a string says why not.
 */
export function priceThroughDraft (pricer: () => Promise<api.WireOrder | string>): void { draftPricer = pricer }

const pricedByDraft = (call: AssistedCall): boolean => call.Assisted.CustomItems !== undefined && !can('CUSTOM_LINE_ITEMS')
const NO_DRAFT_PRICE = 'Only a user with the custom line privilege can price custom lines here.'

/** How a resumed draft is placed (updateDraft, then completeDraft); the placer answers undefined when no draft is resumed. */
export function placeThroughDraft (placer: (call: AssistedCall) => Promise<DraftPlaced> | undefined): void { draftPlacer = placer }

/** The totals computed again (after a resumed draft is saved: its server price changed). */
export function refreshTotals (): void { scheduleQuote() }

/** What the checkout holds now (the payment as typed: a draft keeps none of it). */
export function readCheckout (): Draft { return draft() }

/** The checkout's error display, for what createDraft or updateDraft refused. */
export function showCheckoutError (error: unknown): void { showOrderError(byId('order-view'), error) }

/** A draft resumed: its customer, lines, addresses, discounts and coupons in the checkout, shown. */
export function loadCheckout (content: Omit<Draft, 'payment'>): void {
  resetOrder()
  state.customer = content.customer
  state.lines = content.lines
  state.customLines = [...(content.customLines ?? [])]
  state.coupons = [...content.coupons]
  state.orderDiscount = content.orderDiscount
  renderCustomerSummary()
  fillAddressSources()
  fillStoredCards()
  // The currency first: the custom lines' prices are drawn in it.
  const select = byId<HTMLSelectElement>('currency')
  if (![...select.options].some((option) => option.value === content.currency)) select.append(h('option', { value: content.currency }, content.currency))
  select.value = content.currency
  renderCart()
  renderCustomLines()
  renderCoupons()
  byId<HTMLSelectElement>('billing-source').value = 'new'
  show(byId('billing-fields'), true)
  fillAddress('billing-fields', content.billing)
  byId<HTMLSelectElement>('shipping-source').value = content.delivery === null ? 'billing' : 'new'
  show(byId('shipping-fields'), content.delivery !== null)
  if (content.delivery !== null) fillAddress('shipping-fields', content.delivery)
  for (const which of ['billing', 'shipping'] as const) refreshSaveBox(which)
  const method = byId<HTMLSelectElement>('shipping-method')
  if (content.shippingMethod !== '' && ![...method.options].some((option) => option.value === content.shippingMethod)) method.append(h('option', { value: content.shippingMethod }, content.shippingMethod))
  method.value = content.shippingMethod
  const discount = content.orderDiscount
  byId<HTMLSelectElement>('order-discount-type').value = discount?.Type ?? ''
  byId<HTMLInputElement>('order-discount-value').value = discount === undefined ? '' : String(discount.Value)
  byId<HTMLInputElement>('order-discount-reason').value = discount?.Reason ?? ''
  showView('order')
  scheduleQuote()
}

// ---------------------------------------------------------------- wiring

function start (): void {
  addressFields('billing-fields', 'BillingDetails')
  addressFields('shipping-fields', 'DeliveryDetails')
  byId('sign-in-form').addEventListener('submit', (event) => { run(signIn(event)) })
  byId('sign-out').addEventListener('click', () => { signOut('Signed out.') })
  byId('customer-search-form').addEventListener('submit', (event) => { run(searchCustomers(event)) })
  byId('new-customer-open').addEventListener('click', () => { show(byId('new-customer-form'), true); byId('nc-first').focus() })
  byId('new-customer-close').addEventListener('click', () => { show(byId('new-customer-form'), false); byId('new-customer-open').focus() })
  byId('new-customer-form').addEventListener('submit', (event) => { run(createCustomer(event)) })
  byId('catalog-search-form').addEventListener('submit', (event) => { run(searchCatalog(event)) })
  byId('custom-line-form').addEventListener('submit', addCustomLine)
  byId('billing-source').addEventListener('change', () => { pickAddress('billing') })
  byId('shipping-source').addEventListener('change', () => { pickAddress('shipping') })
  for (const which of ['billing', 'shipping'] as const) {
    byId(`${which}-fields`).addEventListener('input', () => { refreshSaveBox(which) })
    bindEditBoxes(which)
  }
  byId('shipping-method').addEventListener('change', scheduleQuote)
  // The custom lines' prices are in the order currency: redrawn in the new one.
  byId('currency').addEventListener('change', () => { relabelPriceOptions(state.lines, currency()); renderCustomLines(); scheduleQuote() })
  for (const radio of document.querySelectorAll('input[name=payment]')) radio.addEventListener('change', choosePayment)
  byId('coupon-apply').addEventListener('click', applyCoupon)
  byId('coupon').addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); applyCoupon() } })
  byId('order-discount-apply').addEventListener('click', applyOrderDiscount)
  // Enter in a checkout field never places the order (issue 19): the form's implicit submission
  // is dropped; Enter in a discount field applies that discount. Placing is the button, then
  // the summary's confirmation.
  byId('checkout-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const field = document.activeElement
    if (field instanceof HTMLElement && field.closest('[data-path="Assisted.Discount"]') !== null) applyOrderDiscount()
    if (field instanceof HTMLElement && field.closest('#approval') !== null) applyApproval()
  })
  byId('approval').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.target as HTMLElement).matches('input')) { event.preventDefault(); applyApproval() }
  })
  document.querySelector('#checkout-form [data-path="Assisted.Discount"]')?.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter' && (event.target as HTMLElement).matches('input')) { event.preventDefault(); applyOrderDiscount() }
  })
  byId('place-order').addEventListener('click', () => { run(reviewOrder()) })
  byId('place-confirm').addEventListener('click', () => { run(placeOrder()) })
  byId('place-back').addEventListener('click', () => { closeSummary(); byId('place-order').focus() })
  byId('place-summary').addEventListener('close', () => { if (byId('order-view').hidden === false && document.activeElement === document.body) byId('place-order').focus() })
  byId('session-renew').addEventListener('click', () => { signOut('Sign in again to go on: the order in progress is kept.') })
  byId('order-view').addEventListener('input', saveSoon)
  byId('order-view').addEventListener('change', saveSoon)
  byId('cancel-order').addEventListener('click', () => { leaveOrder('cancel') })
  byId('done-order').addEventListener('click', () => { leaveOrder('done') })
  byId('cancel-placed-order').addEventListener('click', () => { run(cancelPlacedOrder()) })
  byId('refresh-order').addEventListener('click', () => { run(refreshPlaced()) })
  byId('three-ds-open').addEventListener('click', openThreeDs)
  whenSessionEnds((error) => {
    signOut(error.errorCode === 'SESSION_EXPIRED'
      ? 'Your session expired: sign in again to go on. The order in progress is kept.'
      : 'Your session is no longer valid: sign in again. The order in progress is kept.')
  })
  resetOrder(true)
  showView('sign-in')
  byId('sign-in-merchant').focus()
}

start()
