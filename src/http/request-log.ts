import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'
import { loggedPath } from '../logger.js'

/**
 * Fastify's request log lines with nothing of the request but its method and logged path. Its
 * own "Route GET:<url> not found" line carries the raw URL (a sandbox page's token in the query),
 * and its default error line takes the error's message as the line's text, which the `err`
 * serializer's allowlist would not reach (issue 16, finding 5).
 */
export class RequestLogController extends LogController {
  override routeNotFound (request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return
    request.log.info(`Route ${request.raw.method ?? ''}:${loggedPath(request.raw.url ?? '')} not found`)
  }

  override defaultErrorLog (error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    if (reply.statusCode >= 500) reply.log.error({ req: request, res: reply, err: error }, 'request failed')
    else reply.log.info({ res: reply, err: error }, 'request refused')
  }
}
