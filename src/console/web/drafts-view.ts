/**
 * The console's drafts (issue 19 items 1, 2 and 6): "Drafts" in the header lists and searches the
 * merchant's draft orders (searchDrafts); one opened (getDraft) can be resumed in the checkout
 * (its customer, lines, addresses, discounts and coupons loaded), abandoned (abandonDraft),
 * completed with a card (completeDraft) or sent to the customer as a payment link
 * (createPaymentLink, then getPaymentLink polled until it is paid, expired or cancelled).
 * "Save as draft" in the checkout creates the draft (createDraft) or, for a resumed one, saves it
 * from the Version seen (updateDraft); a stale version is said in the agent's words.
 *
 * Controls the user may not use are not offered: every draft method needs
 * PLACE_ORDERS_ON_BEHALF; the payment link is offered only when this server's OpenRPC document
 * (rpc.discover) lists its methods and the user holds the privileges their x-access names.
 */
import * as api from './api.js'
import { byId, clearErrors, errorText, h, show, showError } from './dom.js'
import { money } from './format.js'
import { loadCheckout, placeThroughDraft, type DraftPlaced, priceThroughDraft, readCheckout, refreshTotals, showCheckoutError } from './main.js'
import { buildOrder, detectCardType, type Address, type AssistedCall, type CartLine, type Customer, type CustomLine, type Discount, type DiscountType } from './order-draft.js'
import { call, callWithSession, hasSession, RpcError } from './rpc.js'
import { loadOrder } from './persist.js'
import { can } from './session-user.js'
import { openOrder } from './workspace.js'

// ---------------------------------------------------------------- the wire

type WireAddress = Record<string, string | undefined>
type WireDiscount = { Type: string, Value: number | string, Reason: string }

export type WireDraft = {
  DraftId: number
  Version: number
  Status: 'OPEN' | 'COMPLETED' | 'ABANDONED' | 'EXPIRED'
  Order: {
    Currency: string
    Items: Array<{ Code: string, Quantity: number }>
    BillingDetails: WireAddress
    DeliveryDetails?: WireAddress
    DeliveryInformation?: { ShippingMethod?: { Code: string } }
    Promotions: string[]
  }
  Assisted: {
    CustomerId?: number
    Items?: Array<{ Discount?: WireDiscount | null } | null>
    CustomItems?: Array<{ Name: string, Price: number | string, Quantity: number, TaxClass: 'STANDARD' | 'EXEMPT', Discount?: WireDiscount | null }>
    Discount?: WireDiscount
  }
  Price: (Record<string, any> & { GrossDiscountedPrice?: number, Currency?: string, Items?: Array<Record<string, any>> }) | null
  PriceErrors: Array<{ path: string, message: string }>
  CustomerId: number | null
  RefNo: string | null
  CreatedBy: { Username: string }
  UpdatedBy: { Username: string }
  CreatedAt: string
  UpdatedAt: string
  ExpiresAt: string
}

export type PaymentLink = { LinkId: number | string, DraftId: number, Url?: string, Status: 'PENDING' | 'PAID' | 'EXPIRED' | 'CANCELLED', ExpiresAt: string, PaidAt?: string | null, RefNo?: string | null, OrderStatus?: string | null }

const PAGE_SIZE = 20
const POLL_MS = 3000
const STORAGE_KEY = 'ordergate-console-draft'
const SAVE_TO_PRICE = 'This draft has custom lines, which only a user with the custom line privilege can price here: Save draft to have the server price your changes (its custom lines are kept as they are).'
const CONFLICT = 'This draft was changed by someone else — reload it to see their changes, then save yours again.'

const state = {
  /** the draft the checkout was resumed from (or saved as), and the Version last seen */
  resumed: undefined as { DraftId: number, Version: number } | undefined,
  /** the resumed draft's content as the checkout last loaded or saved it (JSON): what getDraft prices */
  saved: undefined as string | undefined,
  opened: undefined as WireDraft | undefined,
  page: 1,
  /** which payment-link methods this server offers, by name → privileges needed (rpc.discover) */
  linkMethods: undefined as Map<string, string[]> | undefined,
  pollTimer: undefined as ReturnType<typeof setTimeout> | undefined
}

const present = <T>(nodes: Array<T | null>): T[] => nodes.filter((node): node is T => node !== null)
const notice = (text: string): void => { byId('notice').textContent = text }
const run = (task: Promise<unknown>): void => { task.catch((error: unknown) => { notice(errorText(error)) }) }
const customerName = (draft: WireDraft): string => `${draft.Order.BillingDetails.FirstName ?? ''} ${draft.Order.BillingDetails.LastName ?? ''}`.trim()

// ---------------------------------------------------------------- screens

const OTHER_VIEWS = ['order-view', 'confirmation-view', 'orders-view', 'order-detail-view']

function showDrafts (which: 'list' | 'detail' | 'none'): void {
  if (which !== 'detail') stopPolling()
  show(byId('drafts-view'), which === 'list')
  show(byId('draft-detail-view'), which === 'detail')
  byId('nav-drafts').setAttribute('aria-current', which === 'none' ? 'false' : 'page')
  if (which !== 'none') {
    for (const id of OTHER_VIEWS) show(byId(id), false)
    byId('nav-orders').setAttribute('aria-current', 'false')
    byId('nav-new-order').setAttribute('aria-current', 'false')
  }
}

function openDrafts (): void {
  showDrafts('list')
  byId('drafts-email').focus()
  run(searchDrafts())
}

async function searchDrafts (event?: Event): Promise<void> {
  event?.preventDefault()
  if (event !== undefined) state.page = 1
  const form = byId('drafts-search-form')
  clearErrors(form)
  const email = byId<HTMLInputElement>('drafts-email').value.trim()
  if (email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    showError(form, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: [{ path: 'SearchOptions.CustomerEmail', message: 'Enter the customer\'s whole e-mail address.' }] } }))
    return
  }
  const options: Record<string, unknown> = { Pagination: { Page: state.page, Limit: PAGE_SIZE } }
  const status = byId<HTMLSelectElement>('drafts-status').value
  if (status !== '') options.Status = status
  if (email !== '') options.CustomerEmail = email
  const createdBy = byId<HTMLInputElement>('drafts-created-by').value.trim()
  if (createdBy !== '') options.CreatedBy = createdBy
  const results = byId('drafts-results')
  try {
    const found = await callWithSession<{ Items: WireDraft[], Pagination: { Page: number, Limit: number, Count: number } }>('searchDrafts', { SearchOptions: options })
    results.replaceChildren(draftList(found.Items, found.Pagination))
  } catch (error) {
    results.replaceChildren()
    showError(form, error)
  }
}

function draftList (list: WireDraft[], pagination: { Page: number, Limit: number, Count: number }): Node {
  if (list.length === 0) return h('p', {}, 'No draft matches.')
  const pages = Math.max(1, Math.ceil(pagination.Count / pagination.Limit))
  return h('div', {},
    h('p', { class: 'hint', id: 'drafts-count' }, `${pagination.Count} draft${pagination.Count === 1 ? '' : 's'} found, page ${pagination.Page} of ${pages}.`),
    h('ul', { class: 'order-list', 'aria-label': 'Drafts' }, ...list.map((draft) => h('li', {},
      h('button', { type: 'button', class: 'order-row draft-row', 'data-draft': draft.DraftId, 'aria-label': `Open draft ${draft.DraftId}`, onclick: () => { run(openDraft(draft.DraftId)) } },
        h('span', { class: 'ref' }, `Draft ${draft.DraftId}`),
        h('span', { class: `status draft-${draft.Status}` }, draft.Status),
        h('span', { class: 'who' }, customerName(draft), h('span', { class: 'hint' }, ` ${draft.Order.BillingDetails.Email ?? ''}`)),
        h('span', { class: 'when' }, `by ${draft.CreatedBy.Username}, ${draft.UpdatedAt}`),
        h('span', { class: 'num' }, draft.Price === null ? '—' : money(draft.Price.GrossDiscountedPrice, draft.Price.Currency ?? draft.Order.Currency)))))),
    h('div', { class: 'pager' },
      pagination.Page > 1 ? h('button', { type: 'button', id: 'drafts-prev', onclick: () => { state.page -= 1; run(searchDrafts()) } }, 'Previous page') : null,
      pagination.Page < pages ? h('button', { type: 'button', id: 'drafts-next', onclick: () => { state.page += 1; run(searchDrafts()) } }, 'Next page') : null))
}

async function openDraft (draftId: number): Promise<void> {
  const scope = byId('drafts-view').hidden ? byId('draft-detail-view') : byId('drafts-search-form')
  clearErrors(scope)
  try {
    const [draft] = await Promise.all([getDraft(draftId), loadLinkMethods()])
    renderDraft(draft)
    showDrafts('detail')
    byId('draft-detail-view').focus()
  } catch (error) {
    showError(scope, error)
  }
}

const getDraft = async (draftId: number): Promise<WireDraft> => await callWithSession<WireDraft>('getDraft', { DraftId: draftId })

function renderDraft (draft: WireDraft): void {
  state.opened = draft
  stopPolling()
  const cur = draft.Price?.Currency ?? draft.Order.Currency
  const items = draft.Price?.Items ?? []
  const open = draft.Status === 'OPEN'
  const place = (address: WireAddress | undefined): string => address === undefined
    ? 'Same as billing'
    : [`${address.FirstName ?? ''} ${address.LastName ?? ''}`.trim(), address.Company, address.Address1, address.City, address.State, address.Zip, address.CountryCode].filter((part) => part !== undefined && part !== '').join(', ')
  byId('draft-detail-title').textContent = `Draft ${draft.DraftId}`
  byId('draft-detail-body').replaceChildren(...present([
    h('dl', { class: 'details' },
      h('dt', {}, 'Status'), h('dd', { id: 'draft-status' }, draft.Status),
      h('dt', {}, 'Version'), h('dd', { id: 'draft-version' }, draft.Version),
      h('dt', {}, 'Customer'), h('dd', {}, `${customerName(draft)} (${draft.Order.BillingDetails.Email ?? 'no e-mail'})`),
      h('dt', {}, 'Billing address'), h('dd', {}, place(draft.Order.BillingDetails)),
      h('dt', {}, 'Ships to'), h('dd', {}, place(draft.Order.DeliveryDetails)),
      h('dt', {}, 'Created'), h('dd', {}, `${draft.CreatedAt} by ${draft.CreatedBy.Username}`),
      h('dt', {}, 'Last changed'), h('dd', {}, `${draft.UpdatedAt} by ${draft.UpdatedBy.Username}`),
      h('dt', {}, open ? 'Expires' : 'Was to expire'), h('dd', {}, draft.ExpiresAt),
      ...(draft.RefNo !== null ? [h('dt', {}, 'Order'), h('dd', {}, h('button', { type: 'button', class: 'link', id: 'draft-open-order', onclick: () => { run(showOrder(draft.RefNo as string)) } }, `Open order ${draft.RefNo}`))] : [])),
    h('h3', {}, 'Lines'),
    h('ul', { class: 'items', id: 'draft-lines' }, ...draft.Order.Items.map((item, index) => {
      const price = (items[index]?.Price ?? {}) as Record<string, unknown>
      const name = String(items[index]?.Name ?? item.Code)
      const discount = draft.Assisted.Items?.[index]?.Discount
      return h('li', {},
        h('span', {}, `${item.Quantity} × ${name}`, discount != null ? h('span', { class: 'hint' }, ` (${discount.Type} ${String(discount.Value)}: ${discount.Reason})`) : null),
        h('span', { class: 'num' }, draft.Price === null ? '—' : money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice, cur)))
    }), ...(draft.Assisted.CustomItems ?? []).map((item, index) => {
      const price = (items[draft.Order.Items.length + index]?.Price ?? {}) as Record<string, unknown>
      return h('li', { 'data-custom-line': index },
        h('span', {}, `${item.Quantity} × ${item.Name}`, h('span', { class: 'hint' }, ` (custom line, ${item.TaxClass === 'EXEMPT' ? 'no VAT' : 'standard VAT'}, ${money(item.Price, cur)} each)`)),
        h('span', { class: 'num' }, draft.Price === null ? '—' : money(price.GrossDiscountedPrice ?? price.NetDiscountedPrice, cur)))
    })),
    draft.Price !== null
      ? h('p', { id: 'draft-total' }, h('strong', {}, `Total ${money(draft.Price.GrossDiscountedPrice, cur)}`), draft.Assisted.Discount !== undefined ? h('span', { class: 'hint' }, ` (order discount ${String(draft.Assisted.Discount.Value)} ${draft.Assisted.Discount.Type === 'PERCENT' ? '%' : cur}: ${draft.Assisted.Discount.Reason})`) : null)
      : open ? h('p', { class: 'warning' }, `This draft cannot be priced now: ${draft.PriceErrors.map((problem) => problem.message).join('; ')}. Resume it and save it again.`) : null,
    open && can('PLACE_ORDERS_ON_BEHALF')
      ? h('div', { class: 'actions', id: 'draft-actions' },
        h('button', { type: 'button', class: 'primary', id: 'draft-resume', onclick: () => { run(resumeDraft(draft)) } }, 'Resume in checkout'),
        h('button', { type: 'button', id: 'draft-complete-open', onclick: () => { openCompleteForm() } }, 'Complete with card'),
        linkOffered() ? h('button', { type: 'button', id: 'draft-link-create', onclick: () => { run(createLink(draft)) } }, 'Send payment link') : null,
        h('button', { type: 'button', class: 'danger', id: 'draft-abandon', onclick: () => { run(abandon(draft)) } }, 'Abandon draft'))
      : null,
    open && can('PLACE_ORDERS_ON_BEHALF') ? completeForm(draft) : null,
    h('div', { id: 'draft-link', 'aria-live': 'polite' })]))
}

async function showOrder (refNo: string): Promise<void> {
  showDrafts('none')
  await openOrder(refNo)
}

// ---------------------------------------------------------------- resume, save, abandon

const BLANK_ADDRESS: Address = { FirstName: '', LastName: '', Address1: '', City: '', Zip: '', CountryCode: '' }

function toAddress (wire: WireAddress | undefined): Address {
  if (wire === undefined) return BLANK_ADDRESS
  return {
    FirstName: wire.FirstName ?? '',
    LastName: wire.LastName ?? '',
    Company: wire.Company ?? '',
    Address1: wire.Address1 ?? '',
    Address2: wire.Address2 ?? '',
    City: wire.City ?? '',
    State: wire.State ?? '',
    Zip: wire.Zip ?? '',
    CountryCode: wire.CountryCode ?? '',
    Phone: wire.Phone ?? ''
  }
}

const toDiscount = (wire: WireDiscount | null | undefined): Discount | undefined =>
  wire == null ? undefined : { Type: wire.Type as DiscountType, Value: Number(wire.Value), Reason: wire.Reason }

const sameAddress = (a: Address, b: Address): boolean =>
  (['FirstName', 'LastName', 'Company', 'Address1', 'Address2', 'City', 'State', 'Zip', 'CountryCode', 'Phone'] as const).every((key) => (a[key] ?? '').trim().toUpperCase() === (b[key] ?? '').trim().toUpperCase())

/** The draft's lines as the cart shows them: name, shipping and stock from the catalog. */
async function cartLines (draft: WireDraft): Promise<CartLine[]> {
  const products = await Promise.all(draft.Order.Items.map(async (item) => (await api.searchCatalog(item.Code, 'ALL')).products.find((product) => product.code.toUpperCase() === item.Code.toUpperCase())))
  return draft.Order.Items.map((item, index) => {
    const product = products[index]
    return {
      code: product?.code ?? item.Code,
      name: product?.name ?? String(draft.Price?.Items?.[index]?.Name ?? item.Code),
      quantity: item.Quantity,
      physical: product?.physical ?? draft.Order.DeliveryDetails !== undefined,
      stock: product?.stock ?? null,
      discount: toDiscount(draft.Assisted.Items?.[index]?.Discount)
    }
  })
}

/** The draft's custom lines as given (kept on save whoever saves; changed only with CUSTOM_LINE_ITEMS). */
const customLines = (draft: WireDraft): CustomLine[] => (draft.Assisted.CustomItems ?? []).map((item) => ({
  name: item.Name,
  price: item.Price,
  quantity: item.Quantity,
  taxClass: item.TaxClass,
  discount: toDiscount(item.Discount)
}))

async function resumeDraft (draft: WireDraft): Promise<void> {
  const view = byId('draft-detail-view')
  clearErrors(view)
  try {
    const [customer, lines] = await Promise.all([
      draft.CustomerId === null ? Promise.resolve(null) : api.getCustomer(draft.CustomerId),
      cartLines(draft)
    ])
    loadInCheckout(draft, customer, lines)
  } catch (error) {
    showError(view, error)
  }
}

function loadInCheckout (draft: WireDraft, customer: Customer | null, lines: CartLine[]): void {
  showDrafts('none')
  byId('nav-new-order').setAttribute('aria-current', 'page')
  const billing = toAddress(draft.Order.BillingDetails)
  const delivery = draft.Order.DeliveryDetails === undefined ? null : toAddress(draft.Order.DeliveryDetails)
  loadCheckout({
    customer,
    lines,
    currency: draft.Order.Currency,
    billing,
    delivery: delivery === null || sameAddress(delivery, billing) ? null : delivery,
    shippingMethod: draft.Order.DeliveryInformation?.ShippingMethod?.Code ?? '',
    coupons: draft.Order.Promotions,
    orderDiscount: toDiscount(draft.Assisted.Discount),
    customLines: customLines(draft)
  })
  const loaded = draftContent()
  track({ DraftId: draft.DraftId, Version: draft.Version }, typeof loaded === 'string' ? undefined : JSON.stringify(loaded))
  notice(`Draft ${draft.DraftId} is in the checkout (version ${draft.Version}): change it, then Save draft, or place the order.`)
  byId('catalog-query').focus()
}

/**
 * The draft the checkout holds (and its content as saved at that Version, when known): shown under
 * its actions and kept across a reload of this tab.
 */
function track (resumed: { DraftId: number, Version: number } | undefined, saved?: string): void {
  state.resumed = resumed
  state.saved = resumed === undefined ? undefined : saved
  try {
    if (resumed === undefined) sessionStorage.removeItem(STORAGE_KEY)
    else sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ...resumed, Content: saved }))
  } catch {
    // storage disabled: the draft is still tracked in this page
  }
  renderCheckoutDraft()
}

function renderCheckoutDraft (conflict = false): void {
  const box = byId('checkout-draft')
  const resumed = state.resumed
  byId('save-draft').textContent = resumed === undefined ? 'Save as draft' : 'Save draft'
  show(box, resumed !== undefined)
  if (resumed === undefined) { box.replaceChildren(); return }
  box.replaceChildren(...present([
    conflict
      ? h('p', { class: 'error', id: 'draft-conflict' }, CONFLICT)
      : h('p', {}, `Draft ${resumed.DraftId}, version ${resumed.Version}. Save draft keeps your changes in it.`),
    conflict ? h('button', { type: 'button', id: 'draft-reload', class: 'primary', onclick: () => { run(reloadDraft(resumed.DraftId)) } }, `Reload draft ${resumed.DraftId}`) : null,
    h('button', { type: 'button', id: 'draft-detach', onclick: () => { track(undefined); notice('The checkout no longer saves into the draft; Save as draft makes a new one.') } }, 'Stop editing the draft')]))
}

async function reloadDraft (draftId: number): Promise<void> {
  try {
    const draft = await getDraft(draftId)
    if (draft.Status !== 'OPEN') {
      track(undefined)
      notice(`Draft ${draftId} is ${draft.Status}: it cannot be changed any more.`)
      return
    }
    const [customer, lines] = await Promise.all([draft.CustomerId === null ? Promise.resolve(null) : api.getCustomer(draft.CustomerId), cartLines(draft)])
    loadInCheckout(draft, customer, lines)
    notice(`Draft ${draftId} reloaded at version ${draft.Version}: make your changes again and save.`)
  } catch (error) {
    showCheckoutError(error)
  }
}

/** The checkout as a draft's content: the Order without PaymentDetails, the customer and the discounts. */
function draftContent (): { Order: Record<string, unknown>, Assisted: Record<string, unknown> } | string {
  const current = readCheckout()
  if (current.customer === null) return 'Choose or create the customer first (step 1): a draft is for a customer.'
  if (current.lines.length === 0) return 'Add at least one product to the cart (step 2) before saving a draft.'
  return withoutPayment(buildOrder({ ...current, payment: { kind: 'CHECK' } }, { Vendor3DSReturnURL: location.origin, Vendor3DSCancelURL: location.origin }))
}

/**
 * An order call as a draft's content: no payment (completeDraft takes it), no card consent, no
 * supervisor's approval (sent beside it, withApproval: the content is kept in sessionStorage).
 */
function withoutPayment (built: AssistedCall): { Order: Record<string, unknown>, Assisted: Record<string, unknown> } {
  const { PaymentDetails: _payment, ...order } = built.Order
  const { CardConsent: _consent, PaymentNotRequired: _free, Approval: _approval, ...assisted } = built.Assisted
  if (order.DeliveryDetails === null) delete order.DeliveryDetails
  return { Order: order, Assisted: assisted }
}

/** createDraft's or updateDraft's params: the content, with the checkout's supervisor approval (Assisted.Approval) if one is typed. */
function withApproval (content: { Order: Record<string, unknown>, Assisted: Record<string, unknown> }): { Order: Record<string, unknown>, Assisted: Record<string, unknown> } {
  const approval = readCheckout().approval
  return approval === undefined ? content : { ...content, Assisted: { ...content.Assisted, Approval: approval } }
}

/**
 * Place order from a resumed draft: the checkout as it is now saved into the draft (updateDraft
 * from the Version seen), then the draft completed with the payment (completeDraft: one order per
 * draft, its stock hold turned into the order), so it ends COMPLETED with the order's RefNo
 * instead of staying OPEN beside a second order. A replacement (payment not required) is
 * completed the same way, with completeDraft's PaymentNotRequired.
 */
function placeResumed (call: AssistedCall): Promise<DraftPlaced> | undefined {
  const resumed = state.resumed
  if (resumed === undefined) return undefined
  const content = withoutPayment(call)
  // Without CUSTOM_LINE_ITEMS the summary showed the draft's own price (quote refuses custom lines):
  // so the draft is placed as saved, at the Version seen, and only when the checkout is unchanged.
  const asSaved = call.Assisted.CustomItems !== undefined && !can('CUSTOM_LINE_ITEMS')
  if (asSaved && JSON.stringify(content) !== state.saved) return Promise.reject(new Error(SAVE_TO_PRICE))
  return (async () => {
    let version = resumed.Version
    try {
      if (!asSaved) {
        const saved = await callWithSession<WireDraft>('updateDraft', { DraftId: resumed.DraftId, Version: resumed.Version, ...withApproval(content) })
        version = saved.Version
        track({ DraftId: saved.DraftId, Version: saved.Version }, JSON.stringify(content))
      }
      const consent = call.Assisted.CardConsent
      const notRequired = call.Assisted.PaymentNotRequired
      const approval = call.Assisted.Approval
      const order = await callWithSession<api.WireOrder>('completeDraft', {
        DraftId: resumed.DraftId,
        Version: version,
        PaymentDetails: call.Order.PaymentDetails,
        ...(consent !== undefined ? { CardConsent: consent } : {}),
        ...(notRequired !== undefined ? { PaymentNotRequired: notRequired } : {}),
        ...(approval !== undefined ? { Approval: approval } : {})
      })
      track(undefined)
      return { order }
    } catch (caught) {
      const error = asAssistedPaths(caught)
      if (error instanceof RpcError && error.errorCode === 'DRAFT_VERSION_CONFLICT') {
        renderCheckoutDraft(true)
        throw new Error(CONFLICT)
      }
      if (error instanceof RpcError && error.errorCode === 'DRAFT_NOT_OPEN') {
        // Completed meanwhile (an earlier try whose answer was lost, the customer paid its link, a
        // colleague completed it): the agent is shown the order it became instead of being asked to
        // place a second one, and told that this Place order placed nothing (it may not be the
        // payment or the replacement they chose).
        const order = await completedOrder(resumed.DraftId)
        if (order !== undefined) {
          track(undefined)
          return { order, said: `Draft ${resumed.DraftId} had already been completed: it became order ${order.RefNo ?? ''}, shown here. Nothing more was placed.` }
        }
      }
      if (error instanceof RpcError && (error.errorCode === 'DRAFT_NOT_OPEN' || error.errorCode === 'DRAFT_NOT_FOUND')) {
        track(undefined)
        throw new Error(`Draft ${resumed.DraftId} can no longer be changed (completed, abandoned or expired): nothing was placed from it; place the order again to place it on its own.`)
      }
      throw error
    }
  })()
}

/** completeDraft names CardConsent and PaymentNotRequired as its own params; the page's inputs edit them under Assisted. */
function asAssistedPaths (error: unknown): unknown {
  const own = /^(CardConsent|PaymentNotRequired|Approval)(?=\.|$)/
  if (!(error instanceof RpcError) || !error.fields.some((f) => own.test(f.path))) return error
  const fields = error.fields.map((f) => ({ ...f, path: f.path.replace(own, 'Assisted.$1') }))
  return new RpcError({ code: error.code, message: error.message, data: { error_code: error.errorCode, fields, ...(error.requestId !== undefined ? { requestId: error.requestId } : {}) } })
}

/**
 * The totals of the resumed draft for a user who may not quote its custom lines: the server's price
 * of the draft (getDraft, priced now as placeOrder would), while the checkout holds what was saved
 * at the Version seen; otherwise why not, in the agent's words.
 */
async function priceResumed (): Promise<api.WireOrder | string> {
  const resumed = state.resumed
  const content = draftContent()
  if (resumed === undefined) return 'Only a user with the custom line privilege can price custom lines here.'
  if (typeof content === 'string' || state.saved === undefined || JSON.stringify(content) !== state.saved) return SAVE_TO_PRICE
  const draft = await getDraft(resumed.DraftId)
  if (draft.Status !== 'OPEN') return `Draft ${draft.DraftId} is ${draft.Status}: it cannot be placed any more.`
  if (draft.Version !== resumed.Version) return CONFLICT
  if (draft.Price === null) return `This draft cannot be priced now: ${draft.PriceErrors.map((problem) => problem.message).join('; ')}.`
  return draft.Price as api.WireOrder
}

/** The order a COMPLETED draft became, or undefined if the draft is not COMPLETED. */
async function completedOrder (draftId: number): Promise<api.WireOrder | undefined> {
  const draft = await getDraft(draftId)
  return draft.Status === 'COMPLETED' && draft.RefNo !== null ? await api.getOrder(draft.RefNo) : undefined
}

async function saveDraft (): Promise<void> {
  const view = byId('order-view')
  clearErrors(view)
  const content = draftContent()
  if (typeof content === 'string') {
    showCheckoutError(new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: [{ path: content.includes('customer') ? 'Assisted.CustomerId' : 'Items', message: content }] } }))
    return
  }
  // A user without CUSTOM_LINE_ITEMS sends the custom lines back as they are (read-only here):
  // the server lets them through unchanged and refuses any change to them.
  const button = byId<HTMLButtonElement>('save-draft')
  button.disabled = true
  try {
    const resumed = state.resumed
    const saved = resumed === undefined
      ? await callWithSession<WireDraft>('createDraft', withApproval(content))
      : await callWithSession<WireDraft>('updateDraft', { DraftId: resumed.DraftId, Version: resumed.Version, ...withApproval(content) })
    track({ DraftId: saved.DraftId, Version: saved.Version }, JSON.stringify(content))
    notice(`Draft ${saved.DraftId} saved (version ${saved.Version}).`)
    if (content.Assisted.CustomItems !== undefined && !can('CUSTOM_LINE_ITEMS')) refreshTotals()
  } catch (error) {
    if (error instanceof RpcError && error.errorCode === 'DRAFT_VERSION_CONFLICT') {
      renderCheckoutDraft(true)
      notice(CONFLICT)
      byId('draft-reload').focus()
    } else if (error instanceof RpcError && (error.errorCode === 'DRAFT_NOT_OPEN' || error.errorCode === 'DRAFT_NOT_FOUND')) {
      const id = state.resumed?.DraftId
      track(undefined)
      notice(`Draft ${id ?? ''} can no longer be changed (completed, abandoned or expired): Save as draft makes a new one.`)
    } else {
      showCheckoutError(error)
    }
  } finally {
    button.disabled = false
  }
}

async function abandon (draft: WireDraft): Promise<void> {
  if (!window.confirm(`Abandon draft ${draft.DraftId}? Its stock is given back; it cannot be resumed.`)) return
  const view = byId('draft-detail-view')
  clearErrors(view)
  try {
    const abandoned = await callWithSession<WireDraft>('abandonDraft', { DraftId: draft.DraftId, Version: draft.Version })
    if (state.resumed?.DraftId === draft.DraftId) track(undefined)
    renderDraft(abandoned)
    notice(`Draft ${draft.DraftId} abandoned.`)
    byId('draft-detail-view').focus()
  } catch (error) {
    if (error instanceof RpcError && error.errorCode === 'DRAFT_VERSION_CONFLICT') {
      showError(view, new Error(CONFLICT))
      return
    }
    showError(view, error)
  }
}

// ---------------------------------------------------------------- complete with a card

const CARD_FIELDS = [
  { id: 'dc-holder', label: 'Name on card', path: 'PaymentDetails.PaymentMethod.HolderName' },
  { id: 'dc-number', label: 'Card number', path: 'PaymentDetails.PaymentMethod.CardNumber', numeric: true },
  { id: 'dc-month', label: 'Expiry month', path: 'PaymentDetails.PaymentMethod.ExpirationMonth', numeric: true },
  { id: 'dc-year', label: 'Expiry year', path: 'PaymentDetails.PaymentMethod.ExpirationYear', numeric: true },
  { id: 'dc-cvv', label: 'Security code (CVV)', path: 'PaymentDetails.PaymentMethod.CCID', numeric: true }
] as const

function completeForm (draft: WireDraft): HTMLFormElement {
  return h('form', { id: 'draft-complete', class: 'subcard action', 'aria-labelledby': 'draft-complete-title', novalidate: true, hidden: true, onsubmit: (event) => { event.preventDefault(); run(complete(draft)) } },
    h('h4', { id: 'draft-complete-title' }, 'Complete with card'),
    h('p', { id: 'draft-complete-error', class: 'form-error', role: 'alert', tabindex: -1, hidden: true }),
    h('div', { class: 'grid' }, ...CARD_FIELDS.map((field) => h('div', { class: 'field' },
      h('label', { for: field.id }, field.label),
      h('input', { id: field.id, 'data-path': field.path, autocomplete: 'off', inputmode: 'numeric' in field ? 'numeric' : undefined })))),
    h('div', { class: 'field check', 'data-path': 'CardConsent' }, h('input', { id: 'dc-consent', type: 'checkbox' }), h('label', { for: 'dc-consent' }, 'The customer agrees to keep this card on file for later orders')),
    h('button', { type: 'submit', class: 'primary', id: 'draft-complete-submit' }, draft.Price === null ? 'Charge the card and place the order' : `Charge ${money(draft.Price.GrossDiscountedPrice, draft.Price.Currency ?? draft.Order.Currency)} and place the order`),
    h('button', { type: 'button', onclick: () => { show(byId('draft-complete'), false); byId('draft-complete-open').focus() } }, 'Cancel'))
}

function openCompleteForm (): void {
  show(byId('draft-complete'), true)
  byId('dc-holder').focus()
}

async function complete (draft: WireDraft): Promise<void> {
  const form = byId('draft-complete')
  clearErrors(form)
  const read = (id: string): string => byId<HTMLInputElement>(id).value.trim()
  const number = read('dc-number').replace(/[\s-]/g, '')
  const back = new URL('/console/3ds-return.html', location.origin)
  const cancel = new URL(back)
  cancel.searchParams.set('outcome', 'cancel')
  const paymentDetails = {
    Type: 'CC',
    Currency: draft.Order.Currency,
    PaymentMethod: {
      HolderName: read('dc-holder'),
      CardNumber: number,
      CardType: detectCardType(number) ?? '',
      ExpirationMonth: read('dc-month').padStart(2, '0'),
      ExpirationYear: read('dc-year'),
      CCID: read('dc-cvv'),
      Vendor3DSReturnURL: back.toString(),
      Vendor3DSCancelURL: cancel.toString()
    }
  }
  const button = byId<HTMLButtonElement>('draft-complete-submit')
  button.disabled = true
  try {
    const order = await callWithSession<api.WireOrder>('completeDraft', { DraftId: draft.DraftId, Version: draft.Version, PaymentDetails: paymentDetails, CardConsent: { Given: byId<HTMLInputElement>('dc-consent').checked } })
    if (state.resumed?.DraftId === draft.DraftId) track(undefined)
    renderDraft(await getDraft(draft.DraftId))
    notice(`Draft ${draft.DraftId} completed: order ${order.RefNo ?? ''} is ${order.Status ?? ''}.`)
    byId('draft-open-order').focus()
  } catch (error) {
    if (error instanceof RpcError && error.errorCode === 'DRAFT_VERSION_CONFLICT') showError(form, new Error(CONFLICT))
    else showError(form, error)
  } finally {
    if (document.body.contains(button)) button.disabled = false
  }
}

// ---------------------------------------------------------------- payment links

type OpenRpcMethod = { name: string, 'x-access'?: { userPrivileges?: string[] | null } }

/** Which payment-link methods this server has (rpc.discover), once per page. */
async function loadLinkMethods (): Promise<void> {
  if (state.linkMethods !== undefined) return
  try {
    const document = await call<{ methods: OpenRpcMethod[] }>('rpc.discover', {})
    state.linkMethods = new Map(document.methods
      .filter((method) => method.name === 'createPaymentLink' || method.name === 'getPaymentLink')
      .map((method) => [method.name, method['x-access']?.userPrivileges ?? []]))
  } catch {
    state.linkMethods = new Map()
  }
}

/** Both methods exist here and the user holds what they need. */
function linkOffered (): boolean {
  const methods = state.linkMethods
  if (methods === undefined) return false
  return ['createPaymentLink', 'getPaymentLink'].every((name) => {
    const privileges = methods.get(name)
    return privileges !== undefined && can(...privileges)
  })
}

async function createLink (draft: WireDraft): Promise<void> {
  const box = byId('draft-link')
  clearErrors(byId('draft-detail-view'))
  try {
    const link = await callWithSession<PaymentLink>('createPaymentLink', { DraftId: draft.DraftId, Version: draft.Version })
    renderLink(link, link.Url ?? '')
    notice(`Payment link for draft ${draft.DraftId} created: give it to the customer.`)
    byId('draft-link-url').focus()
    schedulePoll(link.LinkId, link.Url ?? '')
  } catch (error) {
    box.replaceChildren()
    if (error instanceof RpcError && error.errorCode === 'DRAFT_VERSION_CONFLICT') showError(byId('draft-detail-view'), new Error(CONFLICT))
    else showError(byId('draft-detail-view'), error)
  }
}

const LINK_STATUS: Record<PaymentLink['Status'], string> = {
  PENDING: 'Waiting for the customer to pay',
  PAID: 'Paid by the customer',
  EXPIRED: 'Expired before it was paid',
  CANCELLED: 'Cancelled'
}

function renderLink (link: PaymentLink, url: string): void {
  byId('draft-link').replaceChildren(h('section', { class: 'subcard', 'aria-labelledby': 'draft-link-title' },
    h('h4', { id: 'draft-link-title' }, 'Payment link'),
    url !== ''
      ? h('div', { class: 'row' },
        h('div', { class: 'field grow' },
          h('label', { for: 'draft-link-url' }, 'Link for the customer'),
          h('input', { id: 'draft-link-url', readonly: true, value: url })),
        h('button', { type: 'button', id: 'draft-link-copy', onclick: () => { run(copyLink(url)) } }, 'Copy link'))
      : null,
    h('p', { id: 'draft-link-status', 'data-status': link.Status }, `${LINK_STATUS[link.Status]} (link expires ${link.ExpiresAt})`,
      link.OrderStatus != null ? ` — order ${link.RefNo ?? ''} is ${link.OrderStatus}` : ''),
    link.Status === 'PAID' && link.RefNo != null
      ? h('button', { type: 'button', class: 'primary', id: 'draft-link-order', onclick: () => { run(showOrder(link.RefNo as string)) } }, `Open order ${link.RefNo}`)
      : null))
}

async function copyLink (url: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(url)
  } catch {
    byId<HTMLInputElement>('draft-link-url').select()
    document.execCommand('copy')
  }
  notice('Payment link copied.')
}

function schedulePoll (linkId: PaymentLink['LinkId'], url: string): void {
  stopPolling()
  state.pollTimer = setTimeout(() => { run(poll(linkId, url)) }, POLL_MS)
}

async function poll (linkId: PaymentLink['LinkId'], url: string): Promise<void> {
  state.pollTimer = undefined
  if (!hasSession() || byId('draft-detail-view').hidden) return
  let link: PaymentLink
  try {
    link = await callWithSession<PaymentLink>('getPaymentLink', { LinkId: linkId })
  } catch (error) {
    byId('draft-link-status').textContent = `The link's status cannot be read now (${errorText(error)}); trying again.`
    schedulePoll(linkId, url)
    return
  }
  if (byId('draft-detail-view').hidden) return
  if (link.Status === 'PENDING') { renderLink(link, url); schedulePoll(linkId, url); return }
  // Paid (the draft is completed) or over: the draft as it is now, with the link's end.
  try { renderDraft(await getDraft(link.DraftId)) } catch { /* the link's status is shown all the same */ }
  if (state.resumed?.DraftId === link.DraftId && link.Status === 'PAID') track(undefined)
  renderLink(link, url)
  notice(link.Status === 'PAID' ? `The customer paid: order ${link.RefNo ?? ''} is ${link.OrderStatus ?? 'placed'}.` : `The payment link is ${link.Status.toLowerCase()}.`)
}

function stopPolling (): void {
  if (state.pollTimer !== undefined) clearTimeout(state.pollTimer)
  state.pollTimer = undefined
}

// ---------------------------------------------------------------- wiring

function start (): void {
  placeThroughDraft(placeResumed)
  priceThroughDraft(priceResumed)
  byId('nav-drafts').addEventListener('click', openDrafts)
  // The other screens (workspace.ts) cover the drafts' views.
  for (const id of ['nav-orders', 'nav-new-order']) byId(id).addEventListener('click', () => { showDrafts('none') })
  byId('drafts-search-form').addEventListener('submit', (event) => { run(searchDrafts(event)) })
  byId('draft-detail-back').addEventListener('click', () => { showDrafts('list'); byId('drafts-email').focus(); run(searchDrafts()) })
  byId('save-draft').addEventListener('click', () => { run(saveDraft()) })
  // A new order forgets the draft; a sign-in keeps it while the checkout keeps its saved order.
  document.addEventListener('ordergate:checkout-reset', (event) => {
    if ((event as CustomEvent<{ keepSaved?: boolean }>).detail?.keepSaved === true) { state.resumed = undefined; renderCheckoutDraft() } else track(undefined)
  })
  const signIn = byId('sign-in-view')
  new MutationObserver(() => {
    if (signIn.hidden && hasSession()) {
      // after a reload or a new sign-in: the draft this tab's checkout was saving into
      if (state.resumed === undefined) {
        // restoreOrder dropped another user's order: then the draft it was saving into goes too
        if (loadOrder() === undefined) { track(undefined); return }
        try {
          const kept = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as { DraftId?: unknown, Version?: unknown, Content?: unknown } | null
          if (typeof kept?.DraftId === 'number' && typeof kept.Version === 'number') track({ DraftId: kept.DraftId, Version: kept.Version }, typeof kept.Content === 'string' ? kept.Content : undefined)
        } catch {
          // nothing kept
        }
      }
      return
    }
    showDrafts('none')
    state.opened = undefined
    state.linkMethods = undefined
    byId('drafts-results').replaceChildren()
    byId('draft-detail-body').replaceChildren()
  }).observe(signIn, { attributes: true, attributeFilter: ['hidden'] })
}

start()
