import { createServer } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that nothing listens on a moment ago (the OS picks it). For a server
 * that takes no port 0 (php -S, HAProxy's bind, Chromium's debugging port) or a listener that is
 * down on purpose; whoever binds it later may find it taken and should try again.
 */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}
