/**
 * The console's order management (issue 19 item 6): a "New order | Orders" switch in the header,
 * the order list with its search (searchOrders), and one order opened with its history
 * (getOrderHistory) and the actions on it. Loaded beside main.js; it follows main's views by
 * watching the sign-in view, so the checkout keeps its own code.
 *
 * Controls the user may not use are not offered: each action names the privilege its method
 * declares (src/rpc/methods/…) and is left out unless getSessionUser lists it. The server still
 * checks every call; this only spares the agent a refusal.
 */
import { byId, clearErrors, errorText, h, show, showError } from './dom.js'
import { money } from './format.js'
import { renderOrderDetail } from './order-detail.js'
import * as orders from './orders-api.js'
import { hasSession, RpcError } from './rpc.js'

const state = {
  user: undefined as orders.SessionUser | undefined,
  /** which of main's views the Orders tab covered, shown again by New order */
  covered: [] as HTMLElement[],
  page: 1
}

const PAGE_SIZE = 20
const MAIN_VIEWS = ['order-view', 'confirmation-view']

const notice = (text: string): void => { byId('notice').textContent = text }
/** Runs an event handler's async work; whatever escapes it is shown, never lost. */
const run = (task: Promise<unknown>): void => { task.catch((error: unknown) => { notice(errorText(error)) }) }

/** The privileges of the signed-in user (none until getSessionUser answered). */
const can = (privilege: string): boolean => state.user?.Privileges.includes(privilege) ?? false

function showWorkspace (which: 'orders' | 'detail' | 'none'): void {
  show(byId('orders-view'), which === 'orders')
  show(byId('order-detail-view'), which === 'detail')
  byId('nav-orders').setAttribute('aria-current', which === 'none' ? 'false' : 'page')
  byId('nav-new-order').setAttribute('aria-current', which === 'none' ? 'page' : 'false')
}

function openOrders (): void {
  if (byId('orders-view').hidden && byId('order-detail-view').hidden) {
    state.covered = MAIN_VIEWS.map((id) => byId(id)).filter((view) => !view.hidden)
  }
  for (const id of MAIN_VIEWS) show(byId(id), false)
  showWorkspace('orders')
  byId('orders-query').focus()
  if (byId('orders-results').childElementCount === 0) run(searchOrders())
}

function backToCheckout (): void {
  showWorkspace('none')
  const views = state.covered.length > 0 ? state.covered : [byId('order-view')]
  for (const view of views) show(view, true)
  state.covered = []
  ;(document.querySelector<HTMLElement>('#order-view:not([hidden]) #customer-query') ?? views[0])?.focus()
}

/** Reads the search form: one text box understood as RefNo, e-mail, customer id or product code. */
function readSearch (): orders.OrderSearch | undefined {
  const form = byId('orders-search-form')
  const text = byId<HTMLInputElement>('orders-query').value.trim()
  const by = byId<HTMLSelectElement>('orders-search-by').value
  const search: orders.OrderSearch = { Page: state.page, Limit: PAGE_SIZE }
  const status = byId<HTMLSelectElement>('orders-status').value
  if (status !== '') search.Status = status
  const since = byId<HTMLInputElement>('orders-since').value
  if (since !== '') search.StartDate = since
  const problem = (message: string): undefined => {
    showError(form, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'orderSearchOptions.Text', message }] } }))
    return undefined
  }
  if (text === '') return search
  if (by === 'CustomerEmail') {
    if (!/^[^@\s]+@[^@\s]+$/.test(text)) return problem('Enter the customer\'s whole e-mail address.')
    search.CustomerEmail = text
  } else if (by === 'CustomerId' || by === 'CustomerReference') {
    if (!/^\d{1,15}$/.test(text)) return problem(by === 'CustomerId' ? 'A customer id is a number.' : 'A customer reference is a number.')
    search[by] = Number(text)
  } else if (by === 'ProductCode') {
    search.ProductCode = text
  }
  return search
}

async function searchOrders (event?: Event): Promise<void> {
  event?.preventDefault()
  if (event !== undefined) state.page = 1
  const form = byId('orders-search-form')
  clearErrors(form)
  const by = byId<HTMLSelectElement>('orders-search-by').value
  const text = byId<HTMLInputElement>('orders-query').value.trim()
  // An order number opens that order: searchOrders has no RefNo option, getOrder answers it.
  if (by === 'RefNo' && text !== '') {
    if (!/^\d{1,20}$/.test(text)) {
      showError(form, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'orderSearchOptions.Text', message: 'An order number (RefNo) is digits only.' }] } }))
      return
    }
    await openOrder(text)
    return
  }
  const search = readSearch()
  if (search === undefined) return
  const results = byId('orders-results')
  try {
    const found = await orders.searchOrders(search)
    results.replaceChildren(orderList(found.orders, found.count, found.page, found.limit))
  } catch (error) {
    results.replaceChildren()
    showError(form, error, { prefix: 'orderSearchOptions' })
  }
}

const customerName = (order: orders.Order): string => `${order.BillingDetails.FirstName ?? ''} ${order.BillingDetails.LastName ?? ''}`.trim()

function orderList (list: orders.Order[], count: number, page: number, limit: number): Node {
  if (list.length === 0) return h('p', {}, 'No order matches. Orders of the last days are searched unless you give a date.')
  const pages = Math.max(1, Math.ceil(count / limit))
  return h('div', {},
    h('p', { class: 'hint', id: 'orders-count' }, `${count} order${count === 1 ? '' : 's'} found, page ${page} of ${pages}.`),
    h('ul', { class: 'order-list', 'aria-label': 'Orders' }, ...list.map((order) => h('li', {},
      h('button', { type: 'button', class: 'order-row', 'data-refno': order.RefNo, 'aria-label': `Open order ${order.RefNo}`, onclick: () => { run(openOrder(order.RefNo)) } },
        h('span', { class: 'ref' }, order.RefNo),
        h('span', { class: `status status-${order.Status}` }, order.Status),
        h('span', { class: 'who' }, customerName(order), h('span', { class: 'hint' }, ` ${order.BillingDetails.Email ?? ''}`)),
        h('span', { class: 'when' }, order.OrderDate),
        h('span', { class: 'num' }, money(order.GrossDiscountedPrice, order.Currency)))))),
    h('div', { class: 'pager' },
      page > 1 ? h('button', { type: 'button', id: 'orders-prev', onclick: () => { run(turnPage(page - 1)) } }, 'Previous page') : null,
      page < pages ? h('button', { type: 'button', id: 'orders-next', onclick: () => { run(turnPage(page + 1)) } }, 'Next page') : null))
}

/** Another page of the list. The pager's button pressed is replaced with the list, so the focus goes to the page's first order, not back to the top of the page. */
async function turnPage (page: number): Promise<void> {
  state.page = page
  await searchOrders()
  document.querySelector<HTMLElement>('#orders-results .order-row')?.focus()
}

/** Opens an order (also from the drafts screen: a completed draft's order). */
export async function openOrder (refNo: string): Promise<void> {
  const form = byId('orders-search-form')
  clearErrors(form)
  try {
    if (state.user === undefined) await loadUser()
    const [order, history] = await Promise.all([orders.getOrder(refNo), orders.getOrderHistory(refNo)])
    showOrder(order, history)
  } catch (error) {
    showError(form, error)
  }
}

function showOrder (order: orders.Order, history: orders.History): void {
  renderOrderDetail(byId('order-detail-body'), order, history, {
    can,
    reload: async () => { await openOrder(order.RefNo) },
    notice
  })
  byId('order-detail-title').textContent = `Order ${order.RefNo}`
  showWorkspace('detail')
  byId('order-detail-view').focus()
}

async function loadUser (): Promise<void> {
  try {
    state.user = await orders.getSessionUser()
  } catch {
    state.user = undefined
  }
}

function start (): void {
  byId('nav-orders').addEventListener('click', openOrders)
  byId('nav-new-order').addEventListener('click', backToCheckout)
  byId('orders-search-form').addEventListener('submit', (event) => { run(searchOrders(event)) })
  byId('order-detail-back').addEventListener('click', () => { showWorkspace('orders'); byId('orders-query').focus() })
  byId('order-detail-print').addEventListener('click', () => { window.print() })
  // main.ts shows the sign-in view on sign-out and expiry, hides it once signed in.
  const signIn = byId('sign-in-view')
  new MutationObserver(() => {
    const signedIn = signIn.hidden && hasSession()
    show(byId('workspace-nav'), signedIn)
    if (!signedIn) {
      showWorkspace('none')
      state.user = undefined
      byId('orders-results').replaceChildren()
      byId('order-detail-body').replaceChildren()
    } else if (state.user === undefined) {
      run(loadUser())
    }
  }).observe(signIn, { attributes: true, attributeFilter: ['hidden'] })
}

start()
