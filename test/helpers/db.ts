import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import pg from 'pg'
import { createDb, type Db } from '../../src/db/database.js'
import { PGliteDialect } from '../../src/db/pglite-dialect.js'
import type { Database } from '../../src/db/schema.js'
import { MIGRATIONS } from '../../migrations/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/**
 * One database per test file: a clone of a migrated template (CREATE DATABASE … TEMPLATE …),
 * so files run in parallel without sharing state. Where no PostgreSQL answers (and not in CI),
 * an in-memory embedded database instead. Embedded databases, too, start from a migrated
 * template: a dump of one PGlite data directory the migrations ran on, kept in the temporary
 * directory under the same name (a fresh PGlite runs initdb, ~3 s of CPU, and the migrations).
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

let embeddedTemplate: Promise<Blob> | undefined

/** The embedded template: a PGlite data directory with every migration run, as a tar dump. */
function embeddedTemplateImage (): Promise<Blob> {
  embeddedTemplate ??= (async () => {
    // Named after the migrations (as the server's template) and the PGlite release that dumped it.
    const pgliteRoot = dirname(dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))))
    const { version } = JSON.parse(await readFile(join(pgliteRoot, 'package.json'), 'utf8')) as { version: string }
    const file = join(tmpdir(), `${templateName()}_pglite_${version}.tar`)
    try {
      return new Blob([await readFile(file)])
    } catch {}
    const pglite = await PGlite.create('memory://', { parsers: { 20: (value: string) => BigInt(value) } })
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
    try {
      await migrateToLatest(db)
      const image = await pglite.dumpDataDir('none')
      // Written beside, then renamed: a parallel test file reads a whole template or none. Older
      // templates (other migrations, another PGlite) are removed.
      const partial = `${file}.${process.pid}.tmp`
      await writeFile(partial, Buffer.from(await image.arrayBuffer()))
      await rename(partial, file)
      for (const old of await readdir(tmpdir())) {
        if (/^ordergate_tpl_[0-9a-f]+_pglite_.*\.tar$/.test(old) && join(tmpdir(), old) !== file) await rm(join(tmpdir(), old), { force: true })
      }
      return image
    } finally {
      await db.destroy()
    }
  })()
  return embeddedTemplate
}

/** A fresh, migrated database for one test file; dropped by `close()`. */
export async function createTestDb (): Promise<TestDb> {
  if (!(await postgresAvailable())) return await createEmbeddedTestDb()
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
  const db = await createDb({ kind: 'pglite', image: await embeddedTemplateImage() })
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
