import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Never logged (SPEC "Standards"): card numbers, CVV, IBANs and account numbers, login hashes,
 * secret keys and session ids. Code does not log these on purpose; redaction is the net under it.
 */
const SENSITIVE_KEYS = ['sessionID', 'sessionId', 'hash', 'secret', 'secretKey', 'password', 'Password', 'CardNumber', 'CCID', 'Iban', 'AccountNumber', 'BankRoutingNumber', 'TransientToken', 'EesToken', 'PaymentToken', 'avng8apitoken']
const MAX_DEPTH = 5

// pino's wildcards match one level each, so every key is listed at each depth up to MAX_DEPTH.
export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.flatMap((key) => Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => [...Array<string>(depth).fill('*'), key].join('.'))),
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'
]

/**
 * The fields of an error that are logged; everything else is dropped. PostgreSQL's `detail` (a
 * unique key's values), `where` (for JSON input, about 50 characters of the neighbouring
 * document: e-mail, address, phone), `hint`, `internalQuery` and `position` quote the data of
 * the statement, and an error class may carry anything a caller attached (issue 16, finding 5).
 */
const ERROR_FIELDS = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType', 'errno', 'syscall', 'address', 'port', 'statusCode', 'reason'] as const
const MAX_CAUSES = 4
const MAX_AGGREGATED = 5

// A data exception's message (SQLSTATE class 22) quotes the value it could not take:
// `invalid input syntax for type integer: "+44 20 …"`. Class 22 messages quote nothing else, and
// the value may itself hold quotes: everything from the first quote to the last is cut.
const quotesData = (err: Record<string, unknown>): boolean =>
  typeof err.severity === 'string' && typeof err.code === 'string' && err.code.startsWith('22')

function errorMessage (err: Record<string, unknown>): string {
  const message = typeof err.message === 'string' ? err.message : String(err.message ?? '')
  return quotesData(err) ? message.replace(/"[\s\S]*"/, '"[redacted]"') : message
}

/** An error as it is logged: type, message, stack and ERROR_FIELDS, with its causes, bounded. */
export function serializeError (err: unknown, depth = 0): unknown {
  if (typeof err !== 'object' || err === null) return { type: typeof err, message: typeof err === 'string' ? err : String(err) }
  const source = err as Record<string, unknown>
  const message = errorMessage(source)
  const original = typeof source.message === 'string' ? source.message : ''
  const stack = typeof source.stack === 'string' ? (message === original ? source.stack : source.stack.split(original).join(message)) : undefined
  const out: Record<string, unknown> = { type: (err as object).constructor?.name ?? 'Object', message }
  if (stack !== undefined) out.stack = stack
  for (const key of ERROR_FIELDS) {
    const value = source[key]
    if (typeof value === 'string' || typeof value === 'number') out[key] = value
  }
  if (depth < MAX_CAUSES) {
    if (source.cause !== undefined) out.cause = serializeError(source.cause, depth + 1)
    if (Array.isArray(source.errors)) out.errors = source.errors.slice(0, MAX_AGGREGATED).map((e: unknown) => serializeError(e, depth + 1))
  }
  return out
}

// A request's query string (the sandbox pages' `avng8apitoken` and `token`, which complete a
// payment without the shopper) and any path segment that looks like a token are never logged.
const TOKEN_SEGMENT = /^[\w-]{20,}$/

/** A request path as it is logged: no query string or fragment, token-like segments censored. */
export function loggedPath (url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? ''
  return path.split('/').map((segment) => TOKEN_SEGMENT.test(segment) ? '[redacted]' : segment).join('/')
}

type LoggedRequest = { method?: string, url?: string, ip?: string, host?: string, socket?: { remoteAddress?: string } }

/** Used by every logger, pino's and Fastify's (whose own req/err serializers they replace). */
export const LOG_SERIALIZERS = {
  err: (err: unknown) => serializeError(err),
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: loggedPath(String(req.url ?? '')),
    host: req.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode })
}

export function createLogger (options: { level: string, destination?: DestinationStream }): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: LOG_SERIALIZERS,
    base: { service: 'ordergate' }
  }, options.destination ?? pino.destination({ sync: false }))
}

/** The logging surface domain code uses (satisfied by pino and by Fastify's request logger). */
export type Log = Pick<Logger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> & {
  child: (bindings: Record<string, unknown>) => Log
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * A child logger that is made only when a line is logged at an enabled level. pino redacts and
 * serialises a child's bindings when the child is made, which for a request that logs nothing
 * (most of them, at LOG_LEVEL=warn) cost more than the request's own work in the logger; the
 * lines written are the same as `parent.child(bindings)` writes.
 */
export function lazyChild (parent: Logger, bindings: Record<string, unknown>): Logger {
  let made: Logger | undefined
  const real = (): Logger => (made ??= parent.child(bindings))
  const method = (level: LevelName) => (...args: unknown[]): void => {
    if (parent.isLevelEnabled(level)) (real()[level] as (...a: unknown[]) => void)(...args)
  }
  const lazy = {
    get level () { return made?.level ?? parent.level },
    set level (value: string) { real().level = value },
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
    silent: () => {},
    isLevelEnabled: (level: string) => (made ?? parent).isLevelEnabled(level),
    bindings: () => ({ ...parent.bindings(), ...bindings }),
    child: (more: Record<string, unknown>) => lazyChild(parent, { ...bindings, ...more })
  }
  return lazy as unknown as Logger
}
