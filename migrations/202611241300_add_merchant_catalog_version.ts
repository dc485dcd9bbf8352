import type { Kysely } from 'kysely'

// Bumped by every catalog load, so a cached catalog is known stale the moment the load commits.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants').addColumn('catalog_version', 'bigint', (col) => col.notNull().defaultTo(0)).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants').dropColumn('catalog_version').execute()
}
