import { isIP } from 'node:net'
import { z } from 'zod'

const boolFromEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

// proxy-addr's (Fastify's) names for address ranges
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']

function isProxyAddress (entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true
  const [address = '', bits, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
}

/**
 * TRUST_PROXY: which X-Forwarded-For hops name the client. `true` used to trust every hop, so
 * a client could write its own address there and escape the login limits: it is refused, and
 * `1` (which meant the same) now means one proxy, the common case and the safe reading.
 */
const trustProxyFromEnv = z.string().trim().transform((value, ctx): false | number | string[] => {
  if (value === 'false' || value === '0') return false
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops <= 10) return hops
    ctx.addIssue({ code: 'custom', message: `${value} proxies in front of ordergate is implausible: give a hop count of 1-10 or the proxies' addresses` })
    return z.NEVER
  }
  if (value === 'true') {
    ctx.addIssue({ code: 'custom', message: 'true would trust every X-Forwarded-For hop, so any client could choose the address the login limits count; write the number of proxies in front of ordergate (e.g. TRUST_PROXY=1) or their addresses or CIDRs (e.g. TRUST_PROXY=10.0.0.0/8,127.0.0.1)' })
    return z.NEVER
  }
  const entries = value.split(',').map((entry) => entry.trim())
  const bad = entries.filter((entry) => !isProxyAddress(entry))
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: ${bad.map((entry) => JSON.stringify(entry)).join(', ')} (write false, a hop count such as 1, or addresses/CIDRs such as 10.0.0.0/8,127.0.0.1)` })
    return z.NEVER
  }
  return entries
})

/** Environment variables ordergate reads (the README's configuration table mirrors this). */
export const ConfigSchema = z.object({
  PORT: intFromEnv(0, 65535).default(8080),
  /** server processes sharing PORT (node:cluster); more than 1 needs DATABASE_URL (README: Scaling) */
  WORKERS: intFromEnv(1, 256).default(1),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** a request's headers and body must arrive within this (slow senders are answered 408 and cut) */
  HTTP_REQUEST_TIMEOUT_MS: intFromEnv(100, 3_600_000).default(30_000),
  /** a request's headers must arrive within this (at most HTTP_REQUEST_TIMEOUT_MS) */
  HTTP_HEADERS_TIMEOUT_MS: intFromEnv(100, 3_600_000).default(10_000),
  /** an idle keep-alive connection is closed after this; Fastify's default, above the 60 s of common load balancers */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intFromEnv(100, 3_600_000).default(72_000),
  /** a connection with no traffic either way for this long is closed (longer than any call runs) */
  HTTP_IDLE_TIMEOUT_MS: intFromEnv(100, 3_600_000).default(60_000),
  /** open connections at most; more are closed as they arrive */
  HTTP_MAX_CONNECTIONS: intFromEnv(1, 1_000_000).default(1_000),
  /** on SIGTERM/SIGINT, how long running calls may take to finish before the process exits anyway (1) */
  SHUTDOWN_GRACE_MS: intFromEnv(100, 600_000).default(10_000),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: intFromEnv(1, 500).default(20),
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(0, 600_000).default(10_000),
  /** how long a call waits for a pool connection before it is refused as unavailable */
  DB_CONNECT_TIMEOUT_MS: intFromEnv(100, 600_000).default(5_000),
  SESSION_TTL_SECONDS: intFromEnv(1, 86_400).default(600),
  /** how long a read session (and its merchant's settings) is reused before it is read again; 0: never */
  SESSION_CACHE_MS: intFromEnv(0, 60_000).default(2_000),
  /** a merchant's API sessions (login) kept; a login beyond it ends the oldest (README: Configuration) */
  MAX_SESSIONS_PER_MERCHANT: intFromEnv(1, 1_000_000).default(1_000),
  /** a merchant user's sessions (loginUser) kept; a login beyond it ends the oldest */
  MAX_SESSIONS_PER_USER: intFromEnv(1, 10_000).default(20),
  /** carts' catalogs kept while the catalog is unchanged (0: none) */
  CATALOG_CACHE_ENTRIES: intFromEnv(0, 1_000_000).default(5_000),
  LOGIN_DATE_WINDOW_SECONDS: intFromEnv(1, 86_400).default(300),
  /** failed logins per (credential, client address) in the window before that address is refused for it */
  LOGIN_MAX_FAILURES: intFromEnv(1, 10_000).default(10),
  /** failed logins per client address, whatever it tried, in the window before it is refused */
  LOGIN_ADDRESS_MAX_FAILURES: intFromEnv(1, 100_000).default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: intFromEnv(1, 86_400).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RPC_BATCH_MAX: intFromEnv(1, 10_000).default(50),
  RPC_BODY_LIMIT_BYTES: intFromEnv(1024, 100 * 1024 * 1024).default(1024 * 1024),
  /**
   * largest body of POST /rpc/attachments (addOrderAttachment only): a 5 MiB PDF is 6,990,508
   * bytes of base64; 7 MiB leaves about 340 KB for the envelope, session id and file name
   */
  ATTACHMENT_BODY_LIMIT_BYTES: intFromEnv(1024, 100 * 1024 * 1024).default(7 * 1024 * 1024),
  /** 32-byte key (hex or base64) that encrypts merchant secret keys at rest */
  SECRET_ENCRYPTION_KEY: z.string().optional(),
  DEMO_MERCHANT_SECRET: z.string().min(16, 'must be at least 16 characters').max(255).optional(),
  /** create the DEMO merchant and catalog on start (default: only on the embedded database) */
  DEMO_SEED: boolFromEnv.optional(),
  PUBLIC_URL: z.string().url().optional(),
  /**
   * a 3-D Secure or redirect order whose page was never completed is canceled this long after it
   * was placed (the sweep); at least the page's 30-minute life (PAYMENT_PAGE_TTL_MS), so a page a
   * shopper can still use is never canceled under them
   */
  ABANDONED_PAYMENT_MS: intFromEnv(1_800_000, 90 * 86_400_000).default(86_400_000),
  /**
   * an approved order with no physical product completes (electronic delivery, the sweep) this
   * long after its approval, and the sandbox's reversal card is reversed then; `off`: approved
   * orders stay AUTHRECEIVED (README: Order lifecycle)
   */
  SANDBOX_COMPLETE_AFTER_MS: z.union([z.literal('off'), intFromEnv(0, 86_400_000)]).default(5_000),
  /** false, a hop count, or the proxies' addresses/CIDRs (comma-separated) */
  TRUST_PROXY: trustProxyFromEnv.default(false),
  /** the server sends IPN notifications (false: another ordergate process on the same database does) */
  IPN_WORKER: boolFromEnv.default(true),
  /** how often the IPN outbox is polled for due notifications (a change this process commits is sent at once) */
  IPN_POLL_MS: intFromEnv(10, 60_000).default(500),
  /** one IPN try (connect, send, answer read) must end within this */
  IPN_TIMEOUT_MS: intFromEnv(100, 120_000).default(10_000),
  /**
   * how long a claimed notification stays this worker's (default 2 × IPN_TIMEOUT_MS + 30 s): a
   * process that dies mid-try leaves it to expire, then the notification is sent again; at least
   * IPN_TIMEOUT_MS + 5 s, so it outlives every try
   */
  IPN_LEASE_MS: intFromEnv(5_100, 3_600_000).optional(),
  /** IPN tries in flight per process */
  IPN_CONCURRENCY: intFromEnv(1, 1_000).default(8),
  /** IPN tries in flight per listener (scheme://host:port), so one that hangs cannot hold them all */
  IPN_PER_URL_CONCURRENCY: intFromEnv(1, 1_000).default(2),
  /**
   * event-loop utilization (0-1) above which IPN delivery yields to requests: at most one new try
   * per 100 ms until load drops (1: never yield)
   */
  IPN_YIELD_LOAD: z.coerce.number().min(0).max(1).default(0.8),
  /**
   * IPN listener URLs may name, and IPNs may be sent to, loopback, private, link-local, CGNAT,
   * reserved, multicast and unspecified addresses (a test set-up; off: no IPN aimed inside the network)
   */
  IPN_ALLOW_PRIVATE_NETWORKS: boolFromEnv.default(false),
  /** a draft order (createDraft) expires this long after it was created unless its ExpiresInMinutes says otherwise; 7 days */
  DRAFT_TTL_MINUTES: intFromEnv(1, 525_600).default(10_080),
  /** the longest life a draft may be given (createDraft / updateDraft ExpiresInMinutes); 30 days */
  DRAFT_MAX_TTL_MINUTES: intFromEnv(1, 525_600).default(43_200),
  /** a payment link (createPaymentLink) expires this long after it was created unless its ExpiresInMinutes says otherwise, never after its draft; 1 day */
  PAYMENT_LINK_TTL_MINUTES: intFromEnv(1, 525_600).default(1_440)
})

/**
 * Fastify's trustProxy for TRUST_PROXY. Fastify 5.12 trusts nothing for a bare hop count (it
 * cannot check the peer), so hops become a function: the socket's peer and the next hops-1
 * X-Forwarded-For entries are proxies.
 */
export function fastifyTrustProxy (trust: false | number | string[]): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

export type Config = Readonly<z.output<typeof ConfigSchema>>

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Validates the environment once; pure (no I/O), returns a frozen Config or throws ConfigError. */
export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  // Empty variables count as unset, as shells and .env files commonly leave them.
  const cleaned = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== '')
  )
  const parsed = ConfigSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  if (parsed.data.WORKERS > 1 && parsed.data.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration:\n  WORKERS: more than one worker process needs DATABASE_URL (the embedded database belongs to one process)')
  }
  if (parsed.data.IPN_LEASE_MS !== undefined && parsed.data.IPN_LEASE_MS < parsed.data.IPN_TIMEOUT_MS + IPN_LEASE_MARGIN_MS) {
    throw new ConfigError(`Invalid configuration:\n  IPN_LEASE_MS: must be at least IPN_TIMEOUT_MS + ${IPN_LEASE_MARGIN_MS} ms (${parsed.data.IPN_TIMEOUT_MS + IPN_LEASE_MARGIN_MS}), so a lease outlives every try`)
  }
  if (parsed.data.DRAFT_TTL_MINUTES > parsed.data.DRAFT_MAX_TTL_MINUTES) {
    throw new ConfigError(`Invalid configuration:\n  DRAFT_TTL_MINUTES: ${parsed.data.DRAFT_TTL_MINUTES} is above DRAFT_MAX_TTL_MINUTES (${parsed.data.DRAFT_MAX_TTL_MINUTES})`)
  }
  return Object.freeze(parsed.data)
}

/** A lease's margin over the longest HTTP exchange, for loading, signing and recording a try. */
export const IPN_LEASE_MARGIN_MS = 5_000
