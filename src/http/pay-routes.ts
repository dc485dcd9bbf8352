import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Deps } from '../deps.js'
import { AppError, type FieldError } from '../errors.js'
import { describePaymentLink, payPaymentLink, type LinkRefusal } from '../orders/payment-links.js'
import { toWirePlacedOrder } from '../rpc/order-params.js'
import { CARD_TYPES, cardBrandsOf, stripCardNumber } from '../wire/field-checks.js'
import type { WireQuote } from '../wire/order-output.js'
import { toWireQuote } from '../wire/wire-order.js'
import { escapeHtml, html, sendHtml } from './sandbox-routes.js'
import { addSecurityHeaders, pageSecurityHeaders } from './security-headers.js'

// The payment link's hosted page (issue 19 item 2): GET /pay/<MerchantCode>?token=… shows the
// merchant, the draft's lines and totals and a card form; POST /pay/<MerchantCode> (the form, or
// JSON) pays it through src/orders/payment-links.ts. It shows nothing of the agent (no username,
// e-mail, notes) and nothing of the customer beyond what they are paying for. The token is in the
// URL's query, which no log line carries (src/logger.ts loggedPath), and the card is in the POST
// body, which none carries either; answers are never cached, framed or sniffed.

export const PAY_PATH = '/pay/:merchantCode'

const PAGE_HEADERS = {
  ...pageSecurityHeaders("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"),
  'cache-control': 'no-store'
}

const TITLE = 'Pay your order'

const REFUSALS: Record<LinkRefusal, { code: number, text: string }> = {
  UNKNOWN: { code: 404, text: 'This payment link does not exist.' },
  PAID: { code: 409, text: 'This payment link was already paid.' },
  EXPIRED: { code: 410, text: 'This payment link has expired. Ask the merchant for a new one.' },
  CANCELLED: { code: 410, text: 'This payment link was cancelled. Ask the merchant for a new one.' }
}

/** The form's fields, in the customer's words for each problem (the API's wording is for developers). */
const CARD_FIELDS = [
  { name: 'HolderName', label: 'Name on the card', autocomplete: 'cc-name', problem: 'Enter the name as it is on the card.' },
  { name: 'CardNumber', label: 'Card number', autocomplete: 'cc-number', problem: 'Check the card number.' },
  { name: 'ExpirationMonth', label: 'Expiry month (MM)', autocomplete: 'cc-exp-month', problem: 'Check the expiry date.' },
  { name: 'ExpirationYear', label: 'Expiry year (YYYY)', autocomplete: 'cc-exp-year', problem: 'Check the expiry date.' },
  { name: 'CCID', label: 'Security code (CVV)', autocomplete: 'cc-csc', problem: 'Check the security code on the back of the card.' }
] as const
type CardField = typeof CARD_FIELDS[number]['name']

const field = (source: unknown, name: string): string => {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
}

const isJson = (request: FastifyRequest): boolean => (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')

function money (amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(amount)
  } catch {
    return `${amount} ${currency.toUpperCase()}`
  }
}

/** The card type from the number's IIN range (the form asks for the number only); '' when unknown (refused as CardType). */
function cardTypeOf (number: string): string {
  const brands = cardBrandsOf(stripCardNumber(number))
  return CARD_TYPES.find((type) => brands?.has(type) === true) ?? ''
}

function summary (merchantName: string, price: WireQuote): string {
  const c = price.Currency
  const lines = price.Items.map((item) =>
    `<tr><td>${escapeHtml(item.Name)}</td><td class="n">${item.Quantity}</td><td class="n">${escapeHtml(money(item.Price.GrossDiscountedPrice, c))}</td></tr>`).join('')
  const rows: Array<[string, number]> = [['Subtotal', price.NetDiscountedPrice], ...(price.ShippingPrice !== 0 ? [['Shipping', price.ShippingPrice] as [string, number]] : []), ['Tax', price.VAT]]
  return `<p><strong>${escapeHtml(merchantName)}</strong> asks you to pay this order.</p>` +
    `<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Price</th></tr></thead><tbody>${lines}</tbody><tfoot>` +
    rows.map(([label, amount]) => `<tr><td colspan="2">${label}</td><td class="n">${escapeHtml(money(amount, c))}</td></tr>`).join('') +
    `<tr><th colspan="2">Total</th><th class="n" id="total">${escapeHtml(money(price.AmountDue, c))}</th></tr></tfoot></table>`
}

function cardForm (action: string, token: string, total: string, problems: Partial<Record<CardField, string>>, notice?: string): string {
  const inputs = CARD_FIELDS.map((f) => {
    const problem = problems[f.name]
    const id = `f-${f.name}`
    return `<p><label for="${id}">${f.label}</label><br><input id="${id}" name="${f.name}" autocomplete="${f.autocomplete}" required` +
      `${f.name === 'HolderName' ? '' : ' inputmode="numeric"'}${problem !== undefined ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}>` +
      `${problem !== undefined ? `<br><span class="error" id="${id}-error">${escapeHtml(problem)}</span>` : ''}</p>`
  }).join('')
  return `${notice !== undefined ? `<p class="error" role="alert">${escapeHtml(notice)}</p>` : ''}` +
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="token" value="${escapeHtml(token)}">${inputs}` +
    `<button type="submit">Pay ${escapeHtml(total)}</button></form><p class="small">ordergate sandbox: no money moves.</p>`
}

// A phone's page (issue 19 item 6: 390 px, every control tappable): the form as wide as the page,
// not inline-block as the sandbox pages' buttons; fields and the Pay button at least 44 px high.
const STYLE = '<style>table{width:100%;border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem;text-align:left;border-bottom:1px solid #ddd}.n{text-align:right}' +
  'form{display:block;margin:0}input{font-size:1rem;padding:.4rem;width:100%;min-height:44px;box-sizing:border-box}' +
  'button[type=submit]{width:100%;min-height:44px}.error{color:#b00020}.small{font-size:.85rem;color:#555}</style>'

const page = (body: string): string => html(TITLE, STYLE + body)

/** The card fields' problems from a refusal's field errors (PaymentDetails.PaymentMethod.<Field>); undefined when one is not a card field. */
function cardProblems (fields: readonly FieldError[]): Partial<Record<CardField, string>> | undefined {
  const problems: Partial<Record<CardField, string>> = {}
  for (const f of fields) {
    const name = /^PaymentDetails\.PaymentMethod\.(\w+)/.exec(f.path)?.[1]
    const target = name === 'CardType' ? 'CardNumber' : CARD_FIELDS.find((c) => c.name === name)?.name
    if (target === undefined) return undefined
    problems[target] = name === 'CardType' ? 'This card type is not accepted here.' : CARD_FIELDS.find((c) => c.name === target)?.problem ?? ''
  }
  return problems
}

/** GET and POST of the payment link page. */
export async function payRoutes (app: FastifyInstance, options: { deps: Deps }): Promise<void> {
  const { deps } = options
  addSecurityHeaders(app, PAGE_HEADERS)
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const code = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    // The cause is logged by the err serializer's allowlist (never a request body: the card).
    if (code === 500) request.log.error({ err, requestId: request.id }, 'payment link page failed')
    const text = code === 500 ? `The payment could not be processed. Nothing was charged; try again later (request ${request.id}).` : 'This request cannot be processed. Nothing was charged.'
    if (isJson(request)) return await reply.code(code).send({ error: { reason: code === 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message: text, requestId: request.id } })
    return await sendHtml(reply, code, page(`<p>${escapeHtml(text)}</p>`))
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  const refuse = async (request: FastifyRequest, reply: FastifyReply, reason: LinkRefusal): Promise<FastifyReply> => {
    const r = REFUSALS[reason]
    if (isJson(request)) return await reply.code(r.code).send({ error: { reason: reason === 'UNKNOWN' ? 'PAYMENT_LINK_NOT_FOUND' : 'PAYMENT_LINK_NOT_PENDING', Status: reason === 'UNKNOWN' ? null : reason, message: r.text } })
    return await sendHtml(reply, r.code, page(`<p>${escapeHtml(r.text)}</p><p>Nothing was charged.</p>`))
  }

  const showForm = async (reply: FastifyReply, code: number, merchantCode: string, token: string, problems: Partial<Record<CardField, string>>, notice?: string): Promise<FastifyReply> => {
    const shown = await describePaymentLink(deps, merchantCode, token)
    if (!shown.ok) return await sendHtml(reply, REFUSALS[shown.reason].code, page(`<p>${escapeHtml(REFUSALS[shown.reason].text)}</p><p>Nothing was charged.</p>`))
    const price = shown.draft.price
    if (price === null) {
      return await sendHtml(reply, 409, page(`<p>${escapeHtml(shown.merchantName)} cannot take this payment right now. Nothing was charged; please contact them.</p>`))
    }
    const wire = toWireQuote(price)
    return await sendHtml(reply, code, page(summary(shown.merchantName, wire) +
      cardForm(`/pay/${encodeURIComponent(merchantCode)}`, token, money(wire.AmountDue, wire.Currency), problems, notice)))
  }

  app.get<{ Params: { merchantCode: string } }>(PAY_PATH, async (request, reply) => {
    return await showForm(reply, 200, request.params.merchantCode, field(request.query, 'token'), {})
  })

  app.post<{ Params: { merchantCode: string } }>(PAY_PATH, async (request, reply) => {
    const merchantCode = request.params.merchantCode
    const body = request.body
    const token = field(body, 'token')
    const returnUrl = `${deps.publicUrl}/pay/${encodeURIComponent(merchantCode)}/done`
    const paymentDetails = (currency: string): unknown => ({
      Type: 'CC',
      Currency: currency,
      CustomerIP: request.ip,
      PaymentMethod: {
        CardNumber: field(body, 'CardNumber'),
        CardType: cardTypeOf(field(body, 'CardNumber')),
        ExpirationMonth: field(body, 'ExpirationMonth'),
        ExpirationYear: field(body, 'ExpirationYear'),
        HolderName: field(body, 'HolderName'),
        CCID: field(body, 'CCID'),
        Vendor3DSReturnURL: returnUrl,
        Vendor3DSCancelURL: returnUrl
      }
    })
    let paid: Awaited<ReturnType<typeof payPaymentLink>>
    try {
      paid = await payPaymentLink(deps, merchantCode, token, paymentDetails, request.log)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      const declined = err.reason === 'DRAFT_PAYMENT_DECLINED'
      const problems = err.reason === 'INVALID_PARAMS' ? cardProblems(err.fields ?? []) : undefined
      const notice = declined ? 'The card was declined. Nothing was charged; try another card.' : problems !== undefined ? 'Please check the card details.' : 'This order cannot be paid right now. Nothing was charged; please contact the merchant.'
      const code = declined ? 402 : problems !== undefined ? 400 : 409
      if (isJson(request)) {
        return await reply.code(code).send({ error: { reason: err.reason, message: notice, fields: problems === undefined ? [] : Object.entries(problems).map(([path, message]) => ({ path, message })) } })
      }
      return await showForm(reply, code, merchantCode, token, problems ?? {}, notice)
    }
    if (!paid.ok) return await refuse(request, reply, paid.reason)
    const wire = toWirePlacedOrder(deps.pageKey, { kind: 'order', order: paid.order })
    const challenge = (wire.PaymentDetails?.PaymentMethod as { Authorize3DS?: { Href: string, Params?: Record<string, string> } } | null | undefined)?.Authorize3DS
    const answer = { Status: 'PAID', RefNo: String(wire.RefNo), OrderStatus: wire.Status, ...(challenge !== undefined ? { Authorize3DS: challenge } : {}) }
    if (isJson(request)) return await reply.code(200).send(answer)
    if (challenge !== undefined) {
      // The card needs 3-D Secure: the sandbox page, which sends the customer back to /pay/<code>/done.
      const target = new URL(challenge.Href)
      for (const [k, v] of Object.entries(challenge.Params ?? {})) target.searchParams.set(k, v)
      return await reply.code(303).header('location', target.toString()).send()
    }
    return await sendHtml(reply, 200, page(`<p role="status" id="confirmation">Thank you: your payment was received.</p><p>Order reference <strong>${escapeHtml(answer.RefNo)}</strong>.</p><p>You may close this page.</p>`))
  })

  // After 3-D Secure (Vendor3DSReturnURL/CancelURL): nothing looked up, the REFNO shown back.
  app.get<{ Params: { merchantCode: string } }>(`${PAY_PATH}/done`, async (request, reply) => {
    const refNo = field(request.query, 'REFNO')
    return await sendHtml(reply, 200, page(`<p role="status">The card check is finished.${/^\d{1,20}$/.test(refNo) ? ` Order reference <strong>${escapeHtml(refNo)}</strong>.` : ''}</p><p>The merchant confirms the payment; you may close this page.</p>`))
  })
}
