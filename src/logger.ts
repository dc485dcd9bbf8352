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
