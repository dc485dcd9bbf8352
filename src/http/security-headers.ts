import type { FastifyInstance } from 'fastify'

/**
 * JSON-RPC answers carry session ids, orders and personal data: no cache (browser or proxy) may
 * keep them, and no browser may sniff a JSON body into a type it renders or runs.
 */
export const API_SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff'
} as const

/**
 * The headers of an HTML page of ours: its Content-Security-Policy `policy` with framing by any
 * site forbidden (clickjacking: the sandbox pages complete a payment in one click; the console
 * acts for staff), the same as X-Frame-Options for older browsers, no sniffing, no referrer
 * (the pages' URLs hold tokens and RefNos).
 */
export function pageSecurityHeaders (policy: string): PageSecurityHeaders {
  return {
    'content-security-policy': `${policy}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer'
  }
}

export type PageSecurityHeaders = {
  'content-security-policy': string
  'x-content-type-options': 'nosniff'
  'x-frame-options': 'DENY'
  'referrer-policy': 'no-referrer'
}

/**
 * Sets `headers` on every answer of the plugin scope `app`: routes, their error handler (413,
 * 415, 500), redirects and empty answers alike. onSend runs for each of them.
 */
export function addSecurityHeaders (app: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers)
    return payload
  })
}
