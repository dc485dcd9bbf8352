import { sql, type Kysely } from 'kysely'

/** People who work for a merchant (call-centre staff), and which of them a session belongs to. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('merchant_users')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('username', 'text', (col) => col.notNull().check(sql`length(username) between 1 and 255`))
    .addColumn('display_name', 'text')
    // scrypt$N$r$p$salt$hash (base64url): the parameters travel with the hash, so they can grow
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('privileges', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index merchant_users_merchant_username_key on merchant_users (merchant_id, lower(username))`.execute(db)
  // null: the merchant's API session (login); set: a user's session (loginUser)
  await db.schema.alterTable('sessions')
    .addColumn('user_id', 'bigint', (col) => col.references('merchant_users.id').onDelete('cascade'))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('user_id').execute()
  await db.schema.dropTable('merchant_users').execute()
}
