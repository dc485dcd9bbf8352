import t from 'tap'
import pg from 'pg'
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

// Issue 16, finding 5: PostgreSQL's error fields quote the data of the statement (`where`: the
// neighbouring JSON; `detail`: a unique key's values; a data exception's message: the value).
// Only an allowlist of an error's fields is logged, the same for its causes.
function databaseError (message: string, fields: Record<string, string>): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 100, 'error'), { severity: 'ERROR', ...fields })
}

const PERSONAL = ['Wilhelmina', 'Quackenbush', 'wilhelmina@privacy.example', '+44 20 7946 0958', '221B Baker Street']

t.test('an error is logged by an allowlist of its fields: a database error\'s where, detail, hint, query and values are not, its code, constraint and table are', async (t) => {
  const lines: string[] = []
  const log = createLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line) } } })
  const unique = databaseError('duplicate key value violates unique constraint "customers_email_key"', {
    code: '23505',
    detail: 'Key (email)=(wilhelmina@privacy.example) already exists.',
    where: 'JSON data, line 1: ..."FirstName": "Wilhelmina", "LastName": "Quackenbush", "Address1": "221B Baker Street"...',
    hint: 'Phone +44 20 7946 0958',
    internalQuery: 'select \'Wilhelmina\'',
    position: '17',
    schema: 'public',
    table: 'customers',
    column: 'email',
    constraint: 'customers_email_key',
    dataType: 'text',
    file: 'nbtinsert.c',
    line: '664',
    routine: '_bt_check_unique'
  })
  const cast = databaseError('invalid input syntax for type integer: "+44 20 7946 0958"', { code: '22P02', routine: 'pg_strtoint32', where: 'SQL statement "select \'Quackenbush\'"' })
  const wrapped = new Error('order write failed', { cause: new Error('statement failed', { cause: unique }) })
  const looped = new Error('loop') as Error & { cause?: unknown }
  looped.cause = looped
  log.error({ err: unique }, 'unique')
  log.error({ err: cast }, 'cast')
  log.error({ err: wrapped }, 'wrapped')
  log.error({ err: looped }, 'looped')
  log.error(cast, 'the error as the first argument')
  log.error({ err: databaseError('invalid input syntax for type integer: "221B "Baker" Street"', { code: '22P02' }) }, 'a value with quotes')
  await new Promise((resolve) => setImmediate(resolve))
  const [u, c, w, l, first, quoted] = lines.map((line) => JSON.parse(line).err)
  t.equal(quoted.message, 'invalid input syntax for type integer: "[redacted]"', 'a value holding quotes is cut whole')
  t.same(Object.keys(u).sort(), ['code', 'column', 'constraint', 'dataType', 'message', 'routine', 'schema', 'severity', 'stack', 'table', 'type'], 'only allowlisted fields of the unique violation')
  t.match(u, { type: 'DatabaseError', message: 'duplicate key value violates unique constraint "customers_email_key"', code: '23505', constraint: 'customers_email_key', table: 'customers', column: 'email', schema: 'public', routine: '_bt_check_unique' })
  t.same(c.message, 'invalid input syntax for type integer: "[redacted]"', 'a data exception\'s value is cut from its message')
  t.notOk(c.stack.includes('7946'), 'and from its stack')
  t.match(c.stack, /^error: invalid input syntax for type integer: "\[redacted\]"\n\s+at /, 'the stack keeps its frames')
  t.match(w, { type: 'Error', message: 'order write failed', cause: { message: 'statement failed', cause: { type: 'DatabaseError', code: '23505', constraint: 'customers_email_key' } } }, 'causes are logged by the same allowlist')
  t.notOk('detail' in (w.cause?.cause ?? { detail: 'missing' }), 'a cause\'s detail is not logged')
  t.ok(JSON.stringify(l).length < 10_000, 'a cause cycle is cut')
  t.match(first, { type: 'DatabaseError', code: '22P02', message: /\[redacted\]/ })
  const all = lines.join('\n')
  for (const value of PERSONAL) t.notOk(all.includes(value), `${value} is in no line`)
})

t.test('request lines log the path without its query string or a token-like segment', async (t) => {
  const lines: string[] = []
  const log = createLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line) } } })
  const token = 'o3Jfb8xQ2mVt7LkP0aZc9NwRyE4uHs1D'
  const req = (url: string) => ({ method: 'GET', url, ip: '10.0.0.9', host: 'localhost', headers: { cookie: 'a=b' } })
  log.info({ req: req(`/sandbox/3ds?avng8apitoken=${token}`) }, 'incoming request')
  log.info({ req: req(`/sandbox/redirect/${token}/?token=${token}#x`) }, 'incoming request')
  log.info({ req: req('/console/app/order-draft.js') }, 'incoming request')
  log.info({ res: { statusCode: 303, getHeader: () => `https://merchant.example/paid?REFNO=1&token=${token}` } }, 'request completed')
  await new Promise((resolve) => setImmediate(resolve))
  const parsed = lines.map((line) => JSON.parse(line))
  t.same(parsed.map((line) => line.req?.url), ['/sandbox/3ds', '/sandbox/redirect/[redacted]/', '/console/app/order-draft.js', undefined])
  t.same(parsed[0].req, { method: 'GET', url: '/sandbox/3ds', host: 'localhost', remoteAddress: '10.0.0.9' })
  t.same(parsed[3].res, { statusCode: 303 })
  t.notOk(lines.join('\n').includes(token), 'the token is in no line')
})
