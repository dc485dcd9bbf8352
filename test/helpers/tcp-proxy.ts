import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy in front of PostgreSQL that a test can cut: `cut()` drops every connection and
 * refuses new ones (as a database restart does), `restore()` lets them through again. `hold()`
 * keeps what the clients send (a database that stalls: every query waits), `release()` delivers
 * it. Only the test's own connections go through it, so other test files keep their database.
 * `targetPort` may be a function, asked once per new connection (a round-robin balancer:
 * test/helpers/balancer.ts).
 */
export type TcpProxy = { port: number, cut: () => void, restore: () => void, hold: () => void, release: () => void, close: () => Promise<void> }

export async function startTcpProxy (targetHost: string, targetPort: number | (() => number)): Promise<TcpProxy> {
  const pick = typeof targetPort === 'number' ? () => targetPort : targetPort
  let down = false
  let held = false
  const sockets = new Set<Socket>()
  const pairs = new Map<Socket, Socket>()
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy()
      return
    }
    const upstream = connect(pick(), targetHost)
    sockets.add(client)
    sockets.add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
      pairs.delete(client)
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    pairs.set(client, upstream)
    if (held) client.pause()
    else client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    cut () {
      down = true
      for (const socket of sockets) socket.destroy()
      sockets.clear()
    },
    restore () { down = false },
    hold () {
      held = true
      for (const client of pairs.keys()) {
        client.unpipe()
        client.pause()
      }
    },
    release () {
      held = false
      for (const [client, upstream] of pairs) client.pipe(upstream)
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
