import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.js'
import type { Database } from './schema.js'

export type DbTarget =
  | { kind: 'pg', url: string, poolMax?: number, statementTimeoutMs?: number, connectTimeoutMs?: number }
  // no dataDir: in memory, empty, or started from `image`, a dump of a data directory (PGlite's
  // dumpDataDir: the tests' migrated template)
  | { kind: 'pglite', dataDir?: string, image?: Blob }

export type Db = {
  readonly db: Kysely<Database>
  readonly kind: DbTarget['kind']
  /** true when the database answers a trivial query */
  ping: () => Promise<boolean>
  close: () => Promise<void>
}

const INT8_OID = 20

// int8 (bigint columns: money in minor units, ids) is parsed deliberately as BigInt on both
// backends, never as a lossy number or a string.
const parseInt8 = (value: string): bigint => BigInt(value)

export async function createDb (target: DbTarget): Promise<Db> {
  if (target.kind === 'pg') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolMax ?? 20,
      connectionTimeoutMillis: target.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      ...(target.statementTimeoutMs !== undefined && target.statementTimeoutMs > 0 ? { statement_timeout: target.statementTimeoutMs } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser
      }
    })
    // A broken idle client (database restarted) must not crash the process; the pool drops it.
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
    return {
      db,
      kind: 'pg',
      ping: () => ping(db),
      close: () => db.destroy()
    }
  }
  let dataDir: string | undefined
  if (target.dataDir !== undefined) {
    dataDir = resolve(target.dataDir, 'pglite')
    await mkdir(dataDir, { recursive: true })
  }
  const pglite = await PGlite.create(dataDir ?? 'memory://', { parsers: { [INT8_OID]: parseInt8 }, ...(target.image !== undefined ? { loadDataDir: target.image } : {}) })
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    close: () => db.destroy()
  }
}

// Planning is a large share of a short statement's cost (placeOrder's catalog look-up plans in
// ~2 ms and runs in ~0.6 ms). Statements are therefore sent as named prepared statements, which
// PostgreSQL plans once per connection. The first MAX_PREPARED distinct texts are prepared; the
// rest (rare shapes) run unnamed, so the number of prepared statements per connection is bounded.
const MAX_PREPARED = 256
const MAX_PREPARED_LENGTH = 16_384
const preparedNames = new Map<string, string>()

function preparedName (text: string): string | undefined {
  const known = preparedNames.get(text)
  if (known !== undefined || preparedNames.size >= MAX_PREPARED || text.length > MAX_PREPARED_LENGTH) return known
  const name = 'og_' + createHash('sha256').update(text).digest('hex').slice(0, 24)
  preparedNames.set(text, name)
  return name
}

// A client checked out of the pool emits 'error' when its connection dies between queries (the
// database restarts mid-transaction); unhandled, that event would end the process. The failing
// query itself rejects and is answered SERVICE_UNAVAILABLE, and the pool discards the client.
const guarded = new WeakSet<pg.PoolClient>()
const ignoreClientError = (): void => {}

function preparingPool (pool: pg.Pool): PostgresPool {
  return {
    async connect (): Promise<PostgresPoolClient> {
      const client = await pool.connect()
      if (!guarded.has(client)) {
        guarded.add(client)
        client.on('error', ignoreClientError)
      }
      return {
        query: ((text: unknown, values?: readonly unknown[]) => {
          if (typeof text !== 'string') return client.query(text as pg.Submittable) // a cursor (streaming)
          const name = preparedName(text)
          const params = values === undefined ? [] : [...values]
          return client.query(name === undefined ? { text, values: params } : { name, text, values: params })
        }) as unknown as PostgresPoolClient['query'],
        release: () => { client.release() }
      }
    },
    end: async () => { await pool.end() }
  }
}

async function ping (db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}

/** Where the embedded database keeps its files under DATA_DIR. */
export function embeddedDataPath (dataDir: string): string {
  return join(resolve(dataDir), 'pglite')
}
