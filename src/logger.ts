import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Never logged (SPEC "Standards"): card numbers, CVV, IBANs and account numbers, login hashes,
 * secret keys and session ids. Code does not log these on purpose; redaction is the net under it.
 */
const SENSITIVE_KEYS = ['sessionID', 'sessionId', 'hash', 'secret', 'secretKey', 'password', 'CardNumber', 'CCID', 'Iban', 'AccountNumber', 'BankRoutingNumber', 'TransientToken', 'EesToken', 'PaymentToken', 'avng8apitoken']
const MAX_DEPTH = 5

// pino's wildcards match one level each, so every key is listed at each depth up to MAX_DEPTH.
export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.flatMap((key) => Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => [...Array<string>(depth).fill('*'), key].join('.'))),
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'
]

export function createLogger (options: { level: string, destination?: DestinationStream }): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
