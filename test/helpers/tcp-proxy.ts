import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy in front of PostgreSQL that a test can cut: `cut()` drops every connection and
 * refuses new ones (as a database restart does), `restore()` lets them through again. Only the
 * test's own connections go through it, so other test files keep their database.
 */
export type TcpProxy = { port: number, cut: () => void, restore: () => void, close: () => Promise<void> }

export async function startTcpProxy (targetHost: string, targetPort: number): Promise<TcpProxy> {
  let down = false
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy()
      return
    }
    const upstream = connect(targetPort, targetHost)
    sockets.add(client)
    sockets.add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    client.pipe(upstream)
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
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
