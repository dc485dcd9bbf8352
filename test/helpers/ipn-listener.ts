import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readReceiptFor, type IpnAlgorithm, type IpnField } from '../../src/notifications/ipn-message.js'

/** One IPN as a merchant's listener received it. */
export type ReceivedIpn = {
  path: string
  headers: IncomingHttpHeaders
  fields: IpnField[]
  refNo: string
  /** 1-based, in arrival order */
  n: number
}

/** What the listener does with an IPN: answer, or 'hang' (never answer). */
export type ListenerAnswer = { status?: number, body?: string, headers?: Record<string, string> } | 'hang'

export type IpnListener = {
  url: string
  port: number
  received: ReceivedIpn[]
  /** requests received and not answered yet */
  open: () => number
  /** the most requests open at once */
  maxOpen: () => number
  close: () => Promise<void>
}

const field = (fields: readonly IpnField[], name: string) => fields.find(([n]) => n === name)?.[1] ?? ''

/** The read receipt a correct listener answers: signed with the merchant's secret, dated with the IPN's IPN_DATE. */
export function readReceipt (fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm = 'md5'): string {
  return readReceiptFor(fields, secret, algorithm, field(fields, 'IPN_DATE'))
}

/** A real node:http IPN listener on 127.0.0.1 (`port`, or a free one) that answers as `answer` says. */
export async function startIpnListener (answer: (ipn: ReceivedIpn) => ListenerAnswer | Promise<ListenerAnswer>, port = 0): Promise<IpnListener> {
  const received: ReceivedIpn[] = []
  const hanging = new Set<ServerResponse>()
  let open = 0
  let maxOpen = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const fields = [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))] as IpnField[]
      const ipn: ReceivedIpn = { path: req.url ?? '', headers: req.headers, fields, refNo: field(fields, 'REFNO'), n: received.length + 1 }
      received.push(ipn)
      open++
      maxOpen = Math.max(maxOpen, open)
      res.on('close', () => { open--; hanging.delete(res) })
      Promise.resolve(answer(ipn)).then((a) => {
        if (a === 'hang') {
          hanging.add(res)
          return
        }
        res.writeHead(a.status ?? 200, { 'content-type': 'text/html', ...a.headers })
        res.end(a.body ?? '')
      }, () => { res.destroy() })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    received,
    open: () => open,
    maxOpen: () => maxOpen,
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
