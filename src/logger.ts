import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Never logged (SPEC "Standards"): card numbers, CVV, IBANs and account numbers, login hashes,
 * secret keys and session ids. Code does not log these on purpose; redaction is the net under it.
 */
export const REDACT_PATHS = [
  'sessionID', '*.sessionID', 'sessionId', '*.sessionId',
  'hash', '*.hash', 'secret', '*.secret', 'secretKey', '*.secretKey',
  'CardNumber', '*.CardNumber', '*.*.CardNumber', '*.*.*.CardNumber',
  'CCID', '*.CCID', '*.*.CCID', '*.*.*.CCID',
  'Iban', '*.Iban', '*.*.Iban', '*.*.*.Iban',
  'AccountNumber', '*.AccountNumber', '*.*.AccountNumber',
  'password', '*.password',
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
