import { Migrator, NO_MIGRATIONS, type Kysely, type MigrationResultSet } from 'kysely'
import { MIGRATIONS } from '../../migrations/index.js'

function migrator (db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'ordergate_migrations',
    migrationLockTableName: 'ordergate_migrations_lock'
  })
}

export type MigrationOutcome = { applied: string[] }

function unwrap (result: MigrationResultSet, direction: string): MigrationOutcome {
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    // Kysely's words for a database migrated by a newer ordergate; the operator needs the why.
    const unknown = result.error instanceof Error ? /previously executed migration (\S+) is missing/.exec(result.error.message)?.[1] : undefined
    const why = unknown !== undefined ? `: the database has migration ${unknown}, which this ordergate does not know (was it migrated by a newer version?)` : ''
    throw new Error(`migration ${direction} failed${failed !== undefined ? ` at ${failed}` : ''}${why}`, { cause: unknown !== undefined ? undefined : result.error })
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/** Applies every pending migration. */
export async function migrateToLatest (db: Kysely<any>): Promise<MigrationOutcome> {
  return unwrap(await migrator(db).migrateToLatest(), 'up')
}

/** Reverts every migration (`step: true` reverts only the latest one). */
export async function migrateDown (db: Kysely<any>, options: { step?: boolean } = {}): Promise<MigrationOutcome> {
  const m = migrator(db)
  return unwrap(options.step === true ? await m.migrateDown() : await m.migrateTo(NO_MIGRATIONS), 'down')
}

export function migrationNames (): string[] {
  return Object.keys(MIGRATIONS).sort()
}
