import { sql, type Kysely } from 'kysely'

// Issue 16, finding 1: request_hash held an unkeyed SHA-256 of the raw Order, card number and CVV
// included, from which both could be brute-forced with the first 6 / last 4 stored in payments.
// The new code writes a keyed HMAC of the parsed Order without the CVV. Old rows cannot be
// re-hashed (the Order is not kept), so their hash is overwritten with a marker that the code
// reads as "any request" (src/orders/idempotency.ts, DISCARDED_REQUEST_HASH).
// Why not delete the rows: a client's retry within the 24 hours would then place and charge a
// second order, which is what the key is for. Blanked, the row still replays its first answer;
// only the check "same key, other Order" is lost, for at most 24 hours. The marker is written
// inline (frozen: the migration does not import the code's constant).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`update idempotency_keys set request_hash = 'discarded-unkeyed-sha256'`.execute(db)
}

// The old hashes are gone on purpose: nothing to restore. The old code reads the marker as a
// different request (IDEMPOTENCY_KEY_REUSED), which never places a second order.
export async function down (_db: Kysely<any>): Promise<void> {}
