import t from 'tap'
import { createLogger, lazyChild, REDACT_PATHS } from '../../src/logger.js'

// The redaction net under the logging: even if a card, CVV, IBAN, hash, secret or sessionID
// reaches a log call, it is censored. (Remove REDACT_PATHS in src/logger.ts and this fails.)
t.test('log lines censor card numbers, CVV, IBAN, account numbers, hashes, secrets and sessionIDs', async (t) => {
  const lines: string[] = []
  const log = createLogger({ level: 'trace', destination: { write: (line: string) => { lines.push(line) } } })
  const sensitive = {
    sessionID: 'a'.repeat(64),
    hash: 'f'.repeat(32),
    secret: 'super-secret-key-value',
    params: { sessionID: 'b'.repeat(64), hash: 'e'.repeat(32) },
    Order: { PaymentDetails: { PaymentMethod: { CardNumber: '4111111111111111', CCID: '987', Iban: 'DE89370400440532013000', AccountNumber: '123456789' } } },
    PaymentMethod: { CardNumber: '5555555555554444', CCID: '321' },
    password: 'hunter2-hunter2'
  }
  log.info(sensitive, 'a careless log line')
  log.error({ err: new Error('boom'), ...sensitive }, 'an error line')
  await new Promise((resolve) => setImmediate(resolve))
  const all = lines.join('\n')
  t.ok(lines.length >= 2, 'the lines were written')
  for (const value of ['a'.repeat(64), 'b'.repeat(64), 'f'.repeat(32), 'e'.repeat(32), 'super-secret-key-value', '4111111111111111', '5555555555554444', '"987"', '"321"', 'DE89370400440532013000', '123456789', 'hunter2-hunter2']) {
    t.notOk(all.includes(value), `${value.slice(0, 6)}… is censored`)
  }
  t.match(all, /\[redacted\]/)
  t.ok(REDACT_PATHS.length > 0)
})

t.test('a lazy child is made only when it logs at an enabled level, and writes what pino\'s child writes', async (t) => {
  const lines: string[] = []
  const log = createLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line) } } })
  let made = 0
  const child = log.child.bind(log)
  log.child = ((...args: Parameters<typeof log.child>) => { made++; return child(...args) }) as typeof log.child
  const request = lazyChild(log, { reqId: 'r-1', sessionId: 'c'.repeat(64) })
  const call = request.child({ rpcMethod: 'placeOrder' })
  call.debug('below the level')
  request.debug({ x: 1 }, 'below the level')
  t.equal(made, 0, 'nothing logged: no pino child made')
  t.same(lines, [])
  t.equal(call.isLevelEnabled('debug'), false)
  t.equal(call.isLevelEnabled('info'), true)
  call.info({ refNo: '100000001' }, 'order placed')
  t.equal(made, 1)
  const line = JSON.parse(lines[0] ?? '{}')
  t.match(line, { reqId: 'r-1', rpcMethod: 'placeOrder', refNo: '100000001', msg: 'order placed', service: 'ordergate' })
  t.equal(line.sessionId, '[redacted]', 'bindings are redacted as pino\'s own child redacts them')
  t.same(call.bindings(), { service: 'ordergate', reqId: 'r-1', sessionId: 'c'.repeat(64), rpcMethod: 'placeOrder' })
})
