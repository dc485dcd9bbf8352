import { request, type Agent } from 'node:http'
import { connect, type Socket } from 'node:net'

/** A TCP connection to the server that the test writes byte by byte; it records what came back. */
export type RawConnection = {
  socket: Socket
  /** everything the server sent so far */
  received: () => string
  /** resolves when the server's bytes (from offset `from`) contain `text` */
  waitFor: (text: string, timeoutMs?: number, from?: number) => Promise<void>
  /** resolves with the time (Date.now()) the connection closed, or undefined after timeoutMs */
  closed: (timeoutMs: number) => Promise<number | undefined>
  isClosed: () => boolean
  error: () => string | undefined
}

export async function openRaw (url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let data = ''
  let closedAt: number | undefined
  let error: string | undefined
  const waiters: Array<() => void> = []
  const wake = () => { for (const w of waiters.splice(0)) w() }
  socket.on('data', (chunk: Buffer) => { data += chunk.toString(); wake() })
  socket.on('error', (err: NodeJS.ErrnoException) => { error = err.code ?? err.message })
  socket.on('close', () => { closedAt = Date.now(); wake() })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const until = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      const left = deadline - Date.now()
      if (left <= 0) return false
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
    return true
  }
  return {
    socket,
    received: () => data,
    waitFor: async (text, timeoutMs = 10_000, from = 0) => {
      if (!await until(() => data.includes(text, from), timeoutMs)) throw new Error(`no "${text}" in ${timeoutMs} ms; received: ${JSON.stringify(data.slice(0, 300))}`)
    },
    closed: async (timeoutMs) => (await until(() => closedAt !== undefined, timeoutMs)) ? closedAt : undefined,
    isClosed: () => closedAt !== undefined,
    error: () => error
  }
}

/** The status, headers and JSON body of an HTTP/1.1 response read off a raw connection. */
export function parseRawResponse (raw: string): { status: number, headers: Record<string, string>, body: unknown } {
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
  }))
  const text = raw.slice(end + 4)
  let body: unknown = text
  try { body = JSON.parse(text) } catch {}
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

export type PostOutcome = { kind: 'answer', status: number, headers: Record<string, string | string[] | undefined>, body: unknown } | { kind: 'failed', error: string }

/** POSTs a JSON body with node:http (so the test chooses the agent: keep-alive or not). */
export async function postJson (url: string, path: string, body: unknown, agent: Agent): Promise<PostOutcome> {
  const payload = JSON.stringify(body)
  return await new Promise((resolve) => {
    const req = request(new URL(path, url), { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'failed', error: err.code ?? err.message }))
      res.on('end', () => {
        let parsed: unknown = text
        try { parsed = JSON.parse(text) } catch {}
        resolve({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: parsed })
      })
    })
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'failed', error: err.code ?? err.message }))
    req.end(payload)
  })
}
