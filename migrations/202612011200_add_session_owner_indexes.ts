import { sql, type Kysely } from 'kysely'

/**
 * Sessions by owner, newest first: every login ends the oldest sessions beyond the cap
 * (MAX_SESSIONS_PER_MERCHANT for the merchant's API sessions, MAX_SESSIONS_PER_USER for a
 * user's), and a revocation ends all of one owner's. Without them each login would scan every
 * session. id_hash is in the key so the cap's "N-th newest" is read from the index alone.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index sessions_merchant_api_idx on sessions (merchant_id, created_at, id_hash) where user_id is null`.execute(db)
  await sql`create index sessions_user_idx on sessions (user_id, created_at, id_hash) where user_id is not null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index sessions_user_idx`.execute(db)
  await sql`drop index sessions_merchant_api_idx`.execute(db)
}
