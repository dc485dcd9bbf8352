import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult
} from 'kysely'

/**
 * A Kysely dialect over embedded PostgreSQL (PGlite), so that the same store code and the same
 * SQL run on the embedded default and on a PostgreSQL server. PGlite is one backend process:
 * there is a single connection, handed out to one query or transaction at a time.
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite

  constructor (pglite: PGlite) {
    this.#pglite = pglite
  }

  createAdapter (): DialectAdapter { return new PostgresAdapter() }
  createDriver (): Driver { return new PGliteDriver(this.#pglite) }
  createQueryCompiler (): QueryCompiler { return new PostgresQueryCompiler() }
  createIntrospector (db: Kysely<any>): DatabaseIntrospector { return new PostgresIntrospector(db) }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite

  constructor (pglite: PGlite) {
    this.#pglite = pglite
  }

  async executeQuery<R> (compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiledQuery.sql, compiledQuery.parameters as unknown[])
    const affected = result.affectedRows
    const command = /^\s*(insert|update|delete|merge)/i.test(compiledQuery.sql)
    return {
      rows: result.rows,
      ...(command && affected !== undefined ? { numAffectedRows: BigInt(affected) } : {})
    }
  }

  async * streamQuery<R> (): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on the embedded database')
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite
  readonly #connection: PGliteConnection
  #queue: Promise<void> = Promise.resolve()

  constructor (pglite: PGlite) {
    this.#pglite = pglite
    this.#connection = new PGliteConnection(pglite)
  }

  async init (): Promise<void> {
    await this.#pglite.waitReady
  }

  async acquireConnection (): Promise<DatabaseConnection> {
    // A FIFO lock: the single connection goes to one caller at a time (a transaction keeps it
    // until commit or rollback), as a pool of size 1 would.
    let release!: () => void
    const previous = this.#queue
    this.#queue = new Promise<void>((resolve) => { release = resolve })
    await previous
    const connection = this.#connection
    this.#releases.set(connection, release)
    return connection
  }

  readonly #releases = new Map<DatabaseConnection, () => void>()

  async beginTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'))
  }

  async commitTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection (connection: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(connection)
    this.#releases.delete(connection)
    release?.()
  }

  async destroy (): Promise<void> {
    if (!this.#pglite.closed) await this.#pglite.close()
  }
}
