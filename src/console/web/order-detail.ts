/**
 * One order, opened (issue 19 item 6): what was ordered and how it is paid, its history
 * (getOrderHistory), the actions the user may take on it now, the customer's details and the
 * order's attachments. Every action is offered only when the order's status allows it and the
 * user holds the privilege its method declares; the printable confirmation is this view with
 * the print style sheet (orders.css).
 */
import { clearErrors, h, showError, uniqueId } from './dom.js'
import { money } from './format.js'
import * as orders from './orders-api.js'
import { RpcError } from './rpc.js'

export type DetailContext = {
  can: (privilege: string) => boolean
  reload: () => Promise<void>
  notice: (text: string) => void
}

/** The privilege each action's method declares for a user's session (src/rpc/methods/…). */
export const ACTION_PRIVILEGES = {
  cancel: 'CANCEL_ORDERS',
  refund: 'REFUND_ORDERS',
  resendIpn: 'RESEND_NOTIFICATIONS',
  approvePo: 'RECORD_PAYMENTS',
  releaseFraud: 'APPROVE_FRAUD',
  editCustomer: 'MANAGE_CUSTOMERS'
} as const

const CANCELLABLE = new Set(['PENDING', 'AUTHRECEIVED', 'UNFINISHED', 'PURCHASE_PENDING'])

const actorText = (actor: orders.Actor): string => {
  if (actor.Type === 'USER') return actor.Username ?? `user ${actor.UserId ?? ''}`
  if (actor.Type === 'MERCHANT_API') return 'the merchant\'s API'
  if (actor.Type === 'SHOPPER') return 'the customer'
  return 'ordergate'
}

const addressText = (a: Record<string, string | undefined> | null | undefined): string =>
  a == null ? '—' : [`${a.FirstName ?? ''} ${a.LastName ?? ''}`.trim(), a.Company, a.Address1, a.Address2, [a.Zip, a.City].filter(Boolean).join(' '), a.State, a.CountryCode?.toUpperCase()].filter((part) => part !== undefined && part !== '').join(', ')

function details (rows: Array<[string, unknown]>): HTMLElement {
  return h('dl', { class: 'details' }, ...rows.filter(([, shown]) => shown !== undefined).flatMap(([label, shown]) => [
    h('dt', {}, label), h('dd', { 'data-field': label }, shown === null || shown === '' ? '—' : String(shown))]))
}

function localError (scope: HTMLElement, path: string, message: string): void {
  showError(scope, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: [{ path, message }] } }))
}

/** A small form of an action: its fields, its button, its own error summary. */
function actionForm (id: string, title: string, fields: HTMLElement[], button: string, act: (form: HTMLFormElement) => Promise<void>, danger = false): HTMLFormElement {
  const form = h('form', { id, class: 'action subcard', novalidate: true, 'aria-labelledby': `${id}-title` },
    h('h4', { id: `${id}-title` }, title),
    h('p', { id: `${id}-error`, class: 'form-error', role: 'alert', tabindex: -1, hidden: true }),
    ...fields,
    h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, button))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearErrors(form)
    const submit = form.querySelector('button[type=submit]') as HTMLButtonElement
    submit.disabled = true
    act(form).catch((error: unknown) => { showError(form, error) }).finally(() => { submit.disabled = false })
  })
  return form
}

function textField (label: string, path: string, options: { value?: string, inputmode?: string, type?: string, required?: boolean } = {}): HTMLElement {
  const id = uniqueId('fld')
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, 'data-path': path, value: options.value ?? '', inputmode: options.inputmode, type: options.type ?? 'text', autocomplete: 'off', required: options.required }))
}

const read = (form: HTMLElement, path: string): string => (form.querySelector<HTMLInputElement>(`[data-path="${path}"]`)?.value ?? '').trim()

function actions (order: orders.Order, history: orders.History, ctx: DetailContext): HTMLElement[] {
  const offered: HTMLElement[] = []
  const done = async (message: string): Promise<void> => { await ctx.reload(); ctx.notice(message) }
  if (ctx.can(ACTION_PRIVILEGES.cancel) && CANCELLABLE.has(order.Status)) {
    offered.push(actionForm('action-cancel', 'Cancel the order', [textField('Cancellation reason', 'Reason', { required: true })], 'Cancel order', async (form) => {
      const reason = read(form, 'Reason')
      if (reason === '') { localError(form, 'Reason', 'Say why the order is cancelled (it is recorded with your name).'); return }
      await orders.cancelOrder(order.RefNo, reason)
      await done(`Order ${order.RefNo} cancelled.`)
    }, true))
  }
  const refunded = history.Refunds.reduce((sum, r) => sum + r.Amount, 0)
  const left = Math.round((Number(order.GrossDiscountedPrice ?? 0) - refunded) * 100) / 100
  if (ctx.can(ACTION_PRIVILEGES.refund) && order.Status === 'COMPLETE' && left > 0) {
    let key = crypto.randomUUID()
    offered.push(actionForm('action-refund', `Refund (up to ${money(left, order.Currency)})`, [
      textField(`Refund amount (${order.Currency.toUpperCase()})`, 'Amount', { value: left.toFixed(2), inputmode: 'decimal', required: true }),
      textField('Refund reason', 'Reason', { required: true }),
      textField('Comment to the customer (optional)', 'Comment')
    ], 'Refund', async (form) => {
      const amount = read(form, 'Amount')
      const reason = read(form, 'Reason')
      const problems = []
      if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) problems.push({ path: 'Amount', message: 'Enter the amount to refund, e.g. 12.50.' })
      else if (Number(amount) > left) problems.push({ path: 'Amount', message: `At most ${money(left, order.Currency)} is left to refund.` })
      if (reason === '') problems.push({ path: 'Reason', message: 'Say why the money is given back.' })
      if (problems.length > 0) { showError(form, new RpcError({ code: -32602, message: 'Please correct the marked fields', data: { error_code: 'INVALID_PARAMS', fields: problems } })); return }
      if (!window.confirm(`Refund ${money(amount, order.Currency)} to the customer of order ${order.RefNo}?`)) return
      await orders.issueRefund(order.RefNo, amount, reason, read(form, 'Comment'), key)
      key = crypto.randomUUID()
      await done(`${money(amount, order.Currency)} refunded on order ${order.RefNo}.`)
    }))
  }
  if (ctx.can(ACTION_PRIVILEGES.approvePo) && order.Status === 'UNFINISHED' && order.PaymentDetails.Type === 'PURCHASEORDER') {
    offered.push(actionForm('action-approve-po', `Approve purchase order ${order.PODetails?.InternalPONumber ?? ''}`, [], 'Approve purchase order', async () => {
      await orders.approvePurchaseOrder(order.RefNo)
      await done(`Purchase order of ${order.RefNo} approved.`)
    }))
  }
  const customerId = order.ExtraInformation?.CustomerId
  if (ctx.can(ACTION_PRIVILEGES.releaseFraud) && order.FraudReview?.Status === 'OPEN' && customerId !== undefined) {
    offered.push(actionForm('action-release-fraud', `Release the fraud hold (${order.FraudReview.Reason})`, [textField('Review note (optional)', 'Note')], 'Release fraud hold', async (form) => {
      await orders.releaseFraudHold(customerId, read(form, 'Note'))
      await done(`The customer is marked OKAY: order ${order.RefNo} moves on.`)
    }))
  }
  if (ctx.can(ACTION_PRIVILEGES.resendIpn) && history.Notifications.length > 0) {
    offered.push(actionForm('action-resend-ipn', 'Send the IPN notification again', [], 'Resend IPN', async () => {
      const queued = await orders.resendIpn(order.RefNo)
      await done(`IPN queued again to ${queued.Queued.map((q) => q.Url).join(', ')}.`)
    }))
  }
  return offered
}

function customerSection (order: orders.Order, ctx: DetailContext): HTMLElement | null {
  const customerId = order.ExtraInformation?.CustomerId
  if (customerId === undefined || !ctx.can(ACTION_PRIVILEGES.editCustomer) || !ctx.can('PLACE_ORDERS_ON_BEHALF')) return null
  const section = h('section', { class: 'no-print', 'aria-labelledby': 'order-customer-title' },
    h('h3', { id: 'order-customer-title' }, 'Customer'))
  const open = h('button', { type: 'button', id: 'edit-customer-open' }, 'Edit customer')
  open.addEventListener('click', () => {
    (async () => {
      const customer = await orders.getCustomer(customerId)
      const form = actionForm('customer-edit', `Customer ${customer.CustomerId}`, [
        textField('First name', 'Customer.FirstName', { value: customer.FirstName }),
        textField('Last name', 'Customer.LastName', { value: customer.LastName }),
        textField('E-mail', 'Customer.Email', { value: customer.Email, type: 'email' }),
        textField('Phone', 'Customer.Phone', { value: customer.Phone ?? '', type: 'tel' }),
        textField('Company', 'Customer.Company', { value: customer.Company ?? '' })
      ], 'Save customer', async (form) => {
        const patch: Record<string, unknown> = {}
        for (const key of ['FirstName', 'LastName', 'Email', 'Phone', 'Company']) {
          const given = read(form, `Customer.${key}`)
          const before = (customer as Record<string, unknown>)[key] ?? ''
          if (given !== before) patch[key] = given === '' && (key === 'Phone' || key === 'Company') ? null : given
        }
        if (Object.keys(patch).length === 0) { ctx.notice('Nothing changed.'); return }
        const saved = await orders.updateCustomer(customerId, patch)
        ctx.notice(`Customer ${saved.FirstName} ${saved.LastName} saved.`)
        form.replaceWith(open)
        open.focus()
      })
      open.replaceWith(form)
      form.querySelector('input')?.focus()
    })().catch((error: unknown) => { ctx.notice(error instanceof Error ? error.message : String(error)) })
  })
  section.append(open)
  return section
}

function attachmentsSection (order: orders.Order, ctx: DetailContext): HTMLElement {
  const list = h('ul', { id: 'attachment-list', class: 'plain' })
  const render = (attachments: orders.Attachment[]): void => {
    list.replaceChildren(...(attachments.length === 0
      ? [h('li', { class: 'hint' }, 'No attachment.')]
      : attachments.map((a) => h('li', {},
        h('span', {}, `${a.FileName} (${Math.ceil(a.Size / 1024)} KB, ${a.AddedAt}${a.AddedBy !== undefined ? `, by ${a.AddedBy.Username}` : ''})`),
        ' ',
        h('button', { type: 'button', 'aria-label': `Open ${a.FileName}`, onclick: () => { openAttachment(order.RefNo, a, ctx).catch(() => {}) } }, 'Open')))))
  }
  render((order.Attachments ?? []) as orders.Attachment[])
  const fileId = uniqueId('file')
  const upload = actionForm('attachment-upload', 'Attach a PDF', [
    h('div', { class: 'field' }, h('label', { for: fileId }, 'PDF file (up to 5 MB)'), h('input', { id: fileId, type: 'file', accept: 'application/pdf,.pdf', 'data-path': 'Content' }))
  ], 'Upload', async (form) => {
    const input = form.querySelector<HTMLInputElement>('input[type=file]') as HTMLInputElement
    const file = input.files?.[0]
    if (file === undefined) { localError(form, 'Content', 'Choose the PDF to attach.'); return }
    const bytes = new Uint8Array(await file.arrayBuffer())
    let binary = ''
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    const added = await orders.addOrderAttachment(order.RefNo, file.name, btoa(binary))
    input.value = ''
    render(await orders.listOrderAttachments(order.RefNo))
    ctx.notice(`${added.FileName} attached to order ${order.RefNo}.`)
  })
  return h('section', { class: 'no-print', 'aria-labelledby': 'order-attachments-title' }, h('h3', { id: 'order-attachments-title' }, 'Attachments'), list, upload)
}

async function openAttachment (refNo: string, attachment: orders.Attachment, ctx: DetailContext): Promise<void> {
  try {
    const full = await orders.getOrderAttachment(refNo, attachment.AttachmentId)
    const bytes = Uint8Array.from(atob(full.Content), (c) => c.charCodeAt(0))
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }))
    const link = h('a', { href: url, download: full.FileName })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
  } catch (error) {
    ctx.notice(error instanceof Error ? error.message : String(error))
  }
}

function historySection (order: orders.Order, history: orders.History): HTMLElement {
  return h('section', { 'aria-labelledby': 'order-history-title' },
    h('h3', { id: 'order-history-title' }, 'History'),
    h('ol', { id: 'order-history', class: 'history' }, ...history.Events.map((e) => h('li', {},
      h('span', { class: 'when' }, e.At), ' ',
      h('strong', {}, e.Event), ' ',
      h('span', {}, e.FromStatus === null ? `→ ${e.Status}` : e.FromStatus === e.Status ? `(${e.Status})` : `${e.FromStatus} → ${e.Status}`),
      h('span', { class: 'hint' }, ` by ${actorText(e.Actor)}${e.Reason !== null ? `: ${e.Reason}` : ''}`)))),
    history.Refunds.length === 0
      ? null
      : h('div', {}, h('h4', {}, 'Refunds'), h('ul', { id: 'order-refunds', class: 'plain' }, ...history.Refunds.map((r) =>
        h('li', {}, `${r.At}: ${money(r.Amount, order.Currency)} (${r.Kind.toLowerCase()}) by ${actorText(r.Actor)}: ${r.Reason}`)))),
    history.Notifications.length === 0
      ? null
      : h('div', { class: 'no-print' }, h('h4', {}, 'IPN notifications'), h('ul', { id: 'order-notifications', class: 'plain' }, ...history.Notifications.map((n) =>
        h('li', {}, `${n.CreatedAt}: ${n.Event} to ${n.Url}: ${n.State.toLowerCase()}`)))))
}

/** Who canceled an order when no staff user did (Cancellation.Source). */
const CANCELED_BY = { STAFF: 'staff', MERCHANT_API: 'the merchant\'s API', SHOPPER: 'the shopper', SYSTEM: 'ordergate' } as const

/** Fills `container` with the order: confirmation (printable), actions, customer, attachments, history. */
export function renderOrderDetail (container: HTMLElement, order: orders.Order, history: orders.History, ctx: DetailContext): void {
  const cur = order.Currency
  const placedBy = order.ExtraInformation?.PlacedBy
  const summary = details([
    ['Order reference (RefNo)', order.RefNo],
    ['Placed', order.OrderDate],
    ['Status', order.Status],
    ['Approval', order.ApproveStatus],
    ['Customer', `${order.BillingDetails.FirstName ?? ''} ${order.BillingDetails.LastName ?? ''} (${order.BillingDetails.Email ?? ''})`],
    ['Payment', order.PaymentDetails.Type],
    ['Purchase order', order.PODetails == null ? undefined : `${order.PODetails.InternalPONumber}: ${order.PODetails.Status}, due ${order.PODetails.DueDate}`],
    ['Fraud review', order.FraudReview == null ? undefined : `${order.FraudReview.Status}: ${order.FraudReview.Reason}`],
    ['Canceled', order.Cancellation === undefined ? undefined : `${order.Cancellation.At} by ${order.Cancellation.By?.Username ?? CANCELED_BY[order.Cancellation.Source]}: ${order.Cancellation.Reason}`],
    ['Placed by', placedBy === undefined ? undefined : placedBy.Username],
    ['Total', money(order.GrossDiscountedPrice, cur)]
  ])
  const items = h('ul', { id: 'order-items', class: 'plain items' }, ...order.Items.map((item) => h('li', {},
    h('span', {}, `${item.Quantity} × ${item.Name}`, h('span', { class: 'hint' }, ` ${item.Code}${item.PriceOptions.length > 0 ? `, options ${item.PriceOptions.join(', ')}` : ''}`)),
    h('span', { class: 'num' }, money(item.Price.GrossDiscountedPrice, cur)))))
  const offered = actions(order, history, ctx)
  const sections: Array<HTMLElement | null> = [
    h('section', { class: 'confirmation', 'aria-labelledby': 'order-summary-title' },
      h('h3', { id: 'order-summary-title' }, 'Order confirmation'),
      summary,
      h('h4', {}, 'Items'), items,
      h('div', { class: 'addresses' },
        h('div', {}, h('h4', {}, 'Billing address'), h('p', { id: 'order-billing' }, addressText(order.BillingDetails))),
        order.DeliveryDetails == null ? null : h('div', {}, h('h4', {}, 'Delivery address'), h('p', { id: 'order-delivery' }, addressText(order.DeliveryDetails))))),
    h('section', { id: 'order-actions', class: 'no-print', 'aria-labelledby': 'order-actions-title' },
      h('h3', { id: 'order-actions-title' }, 'Actions'),
      ...(offered.length > 0 ? offered : [h('p', { class: 'hint', id: 'no-actions' }, 'No action on this order is open to you now.')])),
    customerSection(order, ctx),
    ctx.can('PLACE_ORDERS_ON_BEHALF') ? attachmentsSection(order, ctx) : null,
    historySection(order, history)]
  container.replaceChildren(...sections.filter((section): section is HTMLElement => section !== null))
}
