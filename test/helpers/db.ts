import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import { createDb, type Db } from '../../src/db/database.js'
import { MIGRATIONS } from '../../migrations/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/**
 * One database per test file: a clone of a migrated template (CREATE DATABASE … TEMPLATE …),
 * so files run in parallel without sharing state. Where no PostgreSQL answers (and not in CI),
 * the same migrations run on an in-memory embedded database instead.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type TestDb = Db & { name: string, url: string | undefined }

let serverAvailable: Promise<boolean> | undefined

export function postgresAvailable (): Promise<boolean> {
  serverAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
      return true
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`CI runs on the real PostgreSQL, but none answers at ${ADMIN_URL}`, { cause: err })
      return false
    } finally {
      await client.end().catch(() => {})
    }
  })()
  return serverAvailable
}

function urlFor (database: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${database}`
  return url.toString()
}

function templateName (): string {
  // Named after the migrations' names and code, so any change builds a new template.
  const text = Object.entries(MIGRATIONS).map(([name, m]) => `${name}\n${m.up.toString()}\n${m.down?.toString() ?? ''}`).join('\n')
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12)
  return `ordergate_tpl_${digest}`
}

async function withAdmin<T> (fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function ensureTemplate (): Promise<string> {
  const template = templateName()
  await withAdmin(async (admin) => {
    // Parallel test files race to build the template: an advisory lock lets one build it.
    await admin.query('select pg_advisory_lock(742001)')
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [template])
      if (rowCount === 0) {
        const building = `${template}_build_${randomBytes(3).toString('hex')}`
        await admin.query(`create database "${building}"`)
        const db = await createDb({ kind: 'pg', url: urlFor(building), poolMax: 2 })
        try {
          await migrateToLatest(db.db)
        } finally {
          await db.close()
        }
        await admin.query(`alter database "${building}" rename to "${template}"`)
        await admin.query(`alter database "${template}" with is_template true`)
      }
    } finally {
      await admin.query('select pg_advisory_unlock(742001)')
    }
  })
  return template
}

/** A fresh, migrated database for one test file; dropped by `close()`. */
export async function createTestDb (): Promise<TestDb> {
  if (!(await postgresAvailable())) {
    const db = await createDb({ kind: 'pglite' })
    await migrateToLatest(db.db)
    return { ...db, name: 'embedded', url: undefined }
  }
  const template = await ensureTemplate()
  const name = `ordergate_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await withAdmin((admin) => admin.query(`create database "${name}" template "${template}"`))
  const url = urlFor(name)
  const db = await createDb({ kind: 'pg', url, poolMax: 10 })
  return {
    ...db,
    name,
    url,
    close: async () => {
      await db.close()
      await withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`))
    }
  }
}

/** An embedded (PGlite) database in memory, migrated: the same store code on the other backend. */
export async function createEmbeddedTestDb (): Promise<TestDb> {
  const db = await createDb({ kind: 'pglite' })
  await migrateToLatest(db.db)
  return { ...db, name: 'embedded', url: undefined }
}

/**
 * An empty database (not migrated) for a process the test starts (the CLI, a packed install),
 * dropped when the test ends; its URL, or undefined where no PostgreSQL server answers.
 */
export async function createEmptyServerDatabase (t: { teardown: (fn: () => Promise<void>) => void }, prefix: string): Promise<string | undefined> {
  if (!await postgresAvailable()) return undefined
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  t.teardown(async () => {
    await admin.query(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })
  return urlFor(name)
}
