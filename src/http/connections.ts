import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Log } from '../logger.js'

const RUNNING = new WeakMap<object, () => number>()

/** How many calls are running (between their handler's start and the end of their answer). */
export function runningCalls (app: FastifyInstance): number {
  return RUNNING.get(app)?.() ?? 0
}

/**
 * The drain on close (SIGTERM). Fastify's close() stops accepting and closes the idle
 * connections; it then waits for every connection to end, which a keep-alive client or a slow
 * sender can put off past the grace delay. So, once the drain begins:
 * - calls already running finish and are answered in full, with `Connection: close`;
 * - a call that arrives on a connection still open is answered by `refuse`, never run;
 * - once no call is running, the connections that carry none (a request still arriving: Node
 *   stops enforcing its request and header timeouts when the server closes) are ended, so the
 *   close ends with the last answer.
 * A call counts as running from its preHandler (its body has arrived), not from its first byte.
 */
export function installDrain (app: FastifyInstance, refuse: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  let draining = false
  const sockets = new Set<Socket>()
  // Calls per connection: a pipelining client may have several.
  const running = new Map<Socket, number>()
  let total = 0
  RUNNING.set(app, () => total)

  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => { sockets.delete(socket) })
  })
  // destroySoon: ends the connection once what was written to it has been sent.
  const endCallless = (): void => {
    for (const socket of sockets) if (!running.has(socket)) socket.destroySoon()
  }

  app.addHook('preHandler', async (request, reply) => {
    const socket = request.raw.socket
    running.set(socket, (running.get(socket) ?? 0) + 1)
    total++
    reply.raw.once('close', () => {
      total--
      const left = (running.get(socket) ?? 1) - 1
      if (left > 0) {
        running.set(socket, left)
        return
      }
      running.delete(socket)
      if (!draining) return
      socket.destroySoon()
      if (total === 0) endCallless()
    })
    if (draining) return await refuse(request, reply)
  })
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close')
  })
  app.addHook('preClose', async () => {
    draining = true
    if (total === 0) endCallless()
  })
}

/**
 * Connections beyond HTTP_MAX_CONNECTIONS are closed by Node as they arrive; the operator
 * learns it from one warning per 10 s with the count, not from one line per connection.
 */
export function logDroppedConnections (server: Server, log: Log): void {
  let dropped = 0
  server.on('drop', () => {
    if (dropped++ > 0) return
    setTimeout(() => {
      log.warn({ dropped, maxConnections: server.maxConnections }, 'connections refused: HTTP_MAX_CONNECTIONS reached')
      dropped = 0
    }, 10_000).unref()
  })
}
