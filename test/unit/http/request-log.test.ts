import Fastify from 'fastify'
import pg from 'pg'
import t from 'tap'
import { RequestLogController } from '../../../src/http/request-log.js'
import { createLogger } from '../../../src/logger.js'

// Issue 16, finding 5: Fastify's own lines bypass the serializers where they put the URL or the
// error's message into the line's text: "Route GET:<url> not found", and its default error
// handler's line, whose text is the error message (a data exception quotes the value).
t.test('Fastify\'s not-found and default error lines carry neither the query string nor the error text', async (t) => {
  const lines: string[] = []
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line) } } })
  const app = Fastify({ loggerInstance: logger, logController: new RequestLogController() })
  const token = 'o3Jfb8xQ2mVt7LkP0aZc9NwRyE4uHs1D'
  app.get('/fails', async () => {
    throw Object.assign(new pg.DatabaseError('invalid input syntax for type integer: "+44 20 7946 0958"', 100, 'error'), { severity: 'ERROR', code: '22P02', where: 'JSON data, line 1: ..."Email": "wilhelmina@privacy.example"...' })
  })
  t.teardown(async () => { await app.close() })
  t.equal((await app.inject({ url: `/sandbox/3ds/typo?avng8apitoken=${token}` })).statusCode, 404)
  t.equal((await app.inject({ url: `/fails?token=${token}` })).statusCode, 500)
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, any>)
  t.ok(parsed.some((line) => line.msg === 'Route GET:/sandbox/3ds/typo not found'), 'the not-found line names the path only')
  t.match(parsed.find((line) => line.msg === 'request failed'), { level: 50, err: { type: 'DatabaseError', code: '22P02', message: 'invalid input syntax for type integer: "[redacted]"' }, req: { url: '/fails' } }, 'the error line\'s text is fixed, its err allowlisted')
  const all = lines.join('\n')
  for (const value of [token, '7946', 'wilhelmina']) t.notOk(all.includes(value), `${value} is in no line`)
})
