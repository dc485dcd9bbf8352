import { sql, type Kysely } from 'kysely'

/** Idempotent placeOrder (SPEC §5, as Stripe): one row per merchant and client key. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('idempotency_keys')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull().check(sql`length(key) between 1 and 255`))
    .addColumn('method', 'text', (col) => col.notNull())
    // sha256 of the normalised params: the same key with another request is refused
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('IN_PROGRESS', 'DONE')`))
    // {result} or {error}: the first answer, replayed
    .addColumn('response', 'jsonb')
    .addColumn('locked_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['merchant_id', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_expires_at_idx').on('idempotency_keys').column('expires_at').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute()
}
