import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { guardedLookup, refusedAddressRange, RefusedAddressError } from './delivery-address-guard.js'

/** At most this much of a listener's answer is read (a read receipt is about 60 bytes). */
export const MAX_RESPONSE_BYTES = 64 * 1024

export type PostOptions = {
  /** the whole exchange (connect, send, answer read) must end within this */
  timeoutMs: number
  /** false: loopback, private, link-local, CGNAT, multicast and unspecified addresses are refused */
  allowPrivateNetworks: boolean
  /** ends the exchange early (shutdown) */
  signal?: AbortSignal
}

export type PostOutcome =
  | { kind: 'answered', status: number, body: string }
  | { kind: 'failed', status: number | null, error: string }

/** The listener's origin (scheme://host:port), the only part of an IPN URL that is logged. */
export function urlOrigin (url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'invalid URL'
  }
}

/** A short, data-free description of why an exchange failed (never the URL, never the body). */
function describe (err: unknown, timeoutMs: number): string {
  if (err instanceof RefusedAddressError) return err.message
  const e = err as NodeJS.ErrnoException & { timedOut?: boolean, aborted?: boolean }
  if (e.timedOut === true) return `no complete answer within ${timeoutMs} ms`
  if (e.aborted === true) return 'abandoned: ordergate is shutting down'
  if (typeof e.code === 'string') return `${e.syscall !== undefined ? `${e.syscall} ` : ''}${e.code}`
  return 'request failed'
}

/**
 * POSTs one form-encoded IPN and reads the answer: redirects are not followed, at most
 * MAX_RESPONSE_BYTES are read, the whole exchange is bounded by `timeoutMs`, and (unless
 * allowed) only public internet addresses are connected to.
 */
export async function postIpnForm (url: string, body: string, options: PostOptions): Promise<PostOutcome> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return { kind: 'failed', status: null, error: 'not a valid URL' }
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { kind: 'failed', status: null, error: `scheme ${target.protocol} is not http or https` }
  // Node connects to an IP literal without calling `lookup`: such hosts are checked here.
  const host = target.hostname.replace(/^\[|\]$/g, '')
  if (!options.allowPrivateNetworks && isIP(host) !== 0) {
    const refused = refusedAddressRange(host)
    if (refused !== undefined) return { kind: 'failed', status: null, error: new RefusedAddressError(host, refused).message }
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const payload = Buffer.from(body, 'utf8')
  return await new Promise<PostOutcome>((resolve) => {
    let settled = false
    let status: number | null = null
    const finish = (outcome: PostOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      options.signal?.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const fail = (err: unknown) => finish({ kind: 'failed', status, error: describe(err, options.timeoutMs) })
    const req = send(target, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(payload.length), accept: 'text/html, text/plain, */*', 'user-agent': 'ordergate-ipn' },
      ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup })
    })
    // The outcome is settled first: what the destroyed request emits afterwards is ignored.
    const deadline = setTimeout(() => {
      fail(Object.assign(new Error('timeout'), { timedOut: true }))
      req.destroy()
    }, options.timeoutMs)
    const onAbort = () => {
      fail(Object.assign(new Error('aborted'), { aborted: true }))
      req.destroy()
    }
    if (options.signal?.aborted === true) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', fail)
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? null
      if (status !== null && status >= 300 && status < 400) {
        res.destroy()
        req.destroy()
        finish({ kind: 'failed', status, error: `HTTP ${status}: redirects are not followed` })
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_RESPONSE_BYTES) {
          res.destroy()
          req.destroy()
          finish({ kind: 'failed', status, error: `answer longer than ${MAX_RESPONSE_BYTES} bytes` })
          return
        }
        chunks.push(chunk)
      })
      res.on('error', fail)
      res.on('end', () => { finish({ kind: 'answered', status: status ?? 0, body: Buffer.concat(chunks).toString('utf8') }) })
      res.on('close', () => { if (!res.complete) fail(Object.assign(new Error('answer cut'), { code: 'ECONNRESET' })) })
    })
    req.end(payload)
  })
}
