import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { AuthDeps } from './auth/login.js'
import { createHashingGate } from './auth/passwords.js'
import { createLoginLimiter } from './auth/rate-limiter.js'
import { createSecretBox, parseEncryptionKey } from './auth/secret-box.js'
import { createSessionCache, type SessionCache } from './auth/session-cache.js'
import { createCatalogCache, type CatalogCache } from './catalog/catalog-cache.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/database.js'
import type { Database } from './db/schema.js'
import { deriveIdempotencyKey } from './orders/idempotency.js'
import { derivePageKey } from './payments/payment-page-token.js'
import { createSandboxGateway, type PaymentGateway } from './payments/sandbox-processor.js'

/** Everything use cases need, passed as a plain argument (never module singletons). */
export type Deps = AuthDeps & {
  db: Kysely<Database>
  database: Db
  clock: Clock
  config: Config
  gateway: PaymentGateway
  sessionCache: SessionCache
  catalogCache: CatalogCache
  /** base URL of this server, for the pages it serves (3DS, payment redirects) */
  publicUrl: string
  /** HMAC key of the idempotency request fingerprints: derived from the encryption key, never stored in the database */
  idempotencyKey: Buffer
  /** HMAC key of the 3-D Secure and redirect page tokens (src/payments/payment-page-token.ts): derived alike, never stored */
  pageKey: Buffer
}

export type DepsOverrides = { clock?: Clock, database?: Db, encryptionKey?: Buffer, gateway?: PaymentGateway }

/**
 * The encryption key for merchant secrets: SECRET_ENCRYPTION_KEY, or else a key file that the
 * first start writes under DATA_DIR (mode 0600), so the embedded default needs no set-up.
 */
export async function resolveEncryptionKey (config: Config, log?: Logger): Promise<Buffer> {
  if (config.SECRET_ENCRYPTION_KEY !== undefined) return parseEncryptionKey(config.SECRET_ENCRYPTION_KEY)
  const file = join(resolve(config.DATA_DIR), 'secret-encryption.key')
  try {
    return parseEncryptionKey(await readFile(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await mkdir(resolve(config.DATA_DIR), { recursive: true })
  const key = randomBytes(32)
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  log?.warn({ file }, 'SECRET_ENCRYPTION_KEY is not set: generated a key file; keep it with the database')
  return key
}

/** Composition root: connects the database and builds the shared services. */
export async function createDeps (config: Config, log?: Logger, overrides: DepsOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock
  const encryptionKey = overrides.encryptionKey ?? await resolveEncryptionKey(config, log)
  const database = overrides.database ?? await createDb(config.DATABASE_URL !== undefined
    ? { kind: 'pg', url: config.DATABASE_URL, poolMax: config.DB_POOL_MAX, statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS }
    : { kind: 'pglite', dataDir: config.DATA_DIR })
  return {
    db: database.db,
    database,
    clock,
    config,
    gateway: overrides.gateway ?? createSandboxGateway(),
    // On PostgreSQL other ordergate processes may share the database (and cache its sessions).
    sessionCache: createSessionCache({ maxEntries: 10_000, freshnessMs: config.SESSION_CACHE_MS, shared: config.DATABASE_URL !== undefined }),
    catalogCache: createCatalogCache({ maxEntries: config.CATALOG_CACHE_ENTRIES }),
    publicUrl: (config.PUBLIC_URL ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`).replace(/\/$/, ''),
    secretBox: createSecretBox(encryptionKey),
    idempotencyKey: deriveIdempotencyKey(encryptionKey),
    pageKey: derivePageKey(encryptionKey),
    loginLimiter: createLoginLimiter({ db: database.db, clock, maxFailures: config.LOGIN_MAX_FAILURES, addressMaxFailures: config.LOGIN_ADDRESS_MAX_FAILURES, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS }),
    // Four checks at a time (libuv's default thread pool), one per address: with two per address
    // a burst's scrypts slowed a genuine login elsewhere 3-4x on 2 cores; with one, under 2x.
    // Four more of an address wait behind its one (colleagues behind one NAT signing in at once).
    passwordGate: createHashingGate({ global: 4, perAddress: 1, perAddressQueue: 4, maxWaitMs: 2_000, maxQueue: 100 }),
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    loginDateWindowSeconds: config.LOGIN_DATE_WINDOW_SECONDS,
    maxSessionsPerMerchant: config.MAX_SESSIONS_PER_MERCHANT,
    maxSessionsPerUser: config.MAX_SESSIONS_PER_USER
  }
}
