import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import type { Deps } from '../deps.js'
import { addSecurityHeaders, pageSecurityHeaders } from './security-headers.js'
import { finishPaymentPage } from '../orders/payment-returns.js'
import { describePaymentPage, type PageAction, type PageKind, type PageRefusal } from '../payments/payment-pages.js'

// The sandbox pages a shopper's browser opens (SPEC §4): 3-D Secure (`Authorize3DS.Href` with
// `avng8apitoken`) and the redirect providers' page (`RedirectURL`). Small HTML forms that POST
// back; the outcome is a 303 to the merchant's return or cancel URL with REFNO. The pages and
// the gateway live in src/payments/payment-pages.ts, the order's move in src/orders/payment-returns.ts.

const PAGES: Record<PageKind, { path: string, param: string, title: string, complete: string }> = {
  '3DS': { path: '/sandbox/3ds', param: 'avng8apitoken', title: '3-D Secure (sandbox)', complete: 'Authenticate' },
  REDIRECT: { path: '/sandbox/redirect', param: 'token', title: 'Payment provider (sandbox)', complete: 'Pay' }
}

const REFUSALS: Record<PageRefusal, { code: number, text: string }> = {
  UNKNOWN: { code: 404, text: 'This payment page does not exist.' },
  USED: { code: 409, text: 'This payment page was already used.' },
  EXPIRED: { code: 410, text: 'This payment page has expired.' }
}

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A page of ours: a title and its body, inline style only (the CSP allows nothing else). */
export function html (title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}form{display:inline-block;margin-right:.5rem}button{font-size:1rem;padding:.5rem 1rem}</style>' +
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
}

// Every answer of the pages, their refusals, error pages and redirects: inline style only, never
// framed, cached or sniffed (issue 16, finding 14). No form-action: browsers apply it to the
// 303 that follows the form's POST, which goes to the merchant's site.
const PAGE_HEADERS = {
  ...pageSecurityHeaders("default-src 'none'; style-src 'unsafe-inline'"),
  'cache-control': 'no-store'
}

export async function sendHtml (reply: FastifyReply, code: number, page: string): Promise<FastifyReply> {
  return await reply.code(code).header('content-type', 'text/html; charset=utf-8').send(page)
}

async function refuse (reply: FastifyReply, kind: PageKind, reason: PageRefusal): Promise<FastifyReply> {
  const r = REFUSALS[reason]
  return await sendHtml(reply, r.code, html(PAGES[kind].title, `<p>${escapeHtml(r.text)}</p><p>Nothing was charged or changed.</p>`))
}

const tokenOf = (source: unknown, param: string): string => {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[param] : undefined
  return typeof value === 'string' ? value : ''
}

/** GET and POST for the sandbox 3-D Secure and redirect pages. */
export async function sandboxRoutes (app: FastifyInstance, options: { deps: Deps }): Promise<void> {
  const { deps } = options
  addSecurityHeaders(app, PAGE_HEADERS)
  // Fastify's default error answer is JSON with the error's message; a browser gets a page, the
  // cause goes to the log only.
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const code = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (code === 500) request.log.error({ err, requestId: request.id }, 'payment page failed')
    const text = code === 500 ? 'The payment page could not be processed. Nothing was changed; try again later.' : 'This request cannot be processed. Nothing was charged or changed.'
    return await sendHtml(reply, code, html('Payment page (sandbox)', `<p>${text}</p>`))
  })
  // The pages' forms post application/x-www-form-urlencoded (only in this plugin's scope).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  for (const kind of Object.keys(PAGES) as PageKind[]) {
    const page = PAGES[kind]
    app.get(page.path, async (request, reply) => {
      const token = tokenOf(request.query, page.param)
      const shown = await describePaymentPage(deps, kind, token)
      if (!shown.ok) return await refuse(reply, kind, shown.reason)
      const hidden = `<input type="hidden" name="${page.param}" value="${escapeHtml(token)}">`
      const form = (action: PageAction, label: string) =>
        `<form method="post" action="${page.path}">${hidden}<input type="hidden" name="action" value="${action}"><button type="submit">${label}</button></form>`
      return await sendHtml(reply, 200, html(page.title,
        `<p>${escapeHtml(shown.merchantName)} asks for <strong>${escapeHtml(shown.amount)} ${escapeHtml(shown.currency)}</strong> (order ${escapeHtml(shown.refNo)}, ${escapeHtml(shown.paymentType)}${shown.card !== null ? `, ${escapeHtml(shown.card)}` : ''}).</p>` +
        `<p>This is the ordergate sandbox: no money moves.</p>${form('complete', page.complete)}${form('cancel', 'Cancel')}`))
    })
    app.post(page.path, async (request, reply) => {
      const token = tokenOf(request.body, page.param)
      const action = tokenOf(request.body, 'action')
      if (action !== 'complete' && action !== 'cancel') {
        return await sendHtml(reply, 400, html(page.title, '<p>Unknown action.</p><p>Nothing was charged or changed.</p>'))
      }
      const done = await finishPaymentPage(deps, kind, token, action)
      if (!done.ok) return await refuse(reply, kind, done.reason)
      return await reply.code(303).header('location', done.location).send()
    })
  }
}
