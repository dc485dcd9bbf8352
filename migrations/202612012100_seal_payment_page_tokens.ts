import { sql, type Kysely } from 'kysely'

// Issue 16: the 3-D Secure and redirect page tokens were stored in full (payments.details, the
// Order answers in orders.payment_details and idempotency_keys.response): a dump let anyone
// finish a shopper's payment. New pages keep only a salt from which the server recomputes the
// token with a key outside the database (src/payments/payment-page-token.ts). An old random
// token cannot be put in that form, so:
// - payments keeps its SHA-256 instead (a 192-bit random value: the hash gives nothing back), by
//   which the page is still found: pending shoppers finish as before, within the token's 30 minutes;
// - the stored answers lose it: getOrder and replays of such an order show 'page-token.withheld'
//   where the token was (the client had it from placeOrder). The marker is written inline (frozen).
// Plain PostgreSQL functions only (sha256 is core since PostgreSQL 11): the same on PGlite.
export async function up (db: Kysely<any>): Promise<void> {
  for (const page of ['threeDs', 'redirect']) {
    await sql`update payments
      set details = jsonb_set(details #- ${sql.lit(`{${page},token}`)}::text[], ${sql.lit(`{${page},tokenSha256}`)}::text[],
        to_jsonb(encode(sha256(convert_to(details->${sql.lit(page)}->>'token', 'UTF8')), 'hex')))
      where details->${sql.lit(page)}->>'token' is not null`.execute(db)
  }
  // orders.payment_details is the wire PaymentDetails; a key's response is {result: Order}.
  for (const [table, column, path] of [['orders', 'payment_details', 'PaymentMethod'], ['idempotency_keys', 'response', 'result,PaymentDetails,PaymentMethod']] as const) {
    const method = sql.raw(`${column}#>'{${path}}'`)
    await sql`update ${sql.table(table)}
      set ${sql.ref(column)} = jsonb_set(${sql.ref(column)}, ${sql.lit(`{${path},Authorize3DS,Params,avng8apitoken}`)}::text[], '"page-token.withheld"')
      where ${method}->'Authorize3DS'->'Params'->>'avng8apitoken' not like 'page-token.%'`.execute(db)
    await sql`update ${sql.table(table)}
      set ${sql.ref(column)} = jsonb_set(${sql.ref(column)}, ${sql.lit(`{${path},RedirectURL}`)}::text[],
        to_jsonb(regexp_replace(${method}->>'RedirectURL', '([?&]token=)[^&]*$', '\\1page-token.withheld')))
      where ${method}->>'RedirectURL' ~ '[?&]token=' and ${method}->>'RedirectURL' !~ '[?&]token=page-token\\.'`.execute(db)
  }
}

// The tokens are gone on purpose: nothing to restore. The old code finds no page by the new forms
// (its shoppers' pages answer "does not exist"), never a wrong one.
export async function down (_db: Kysely<any>): Promise<void> {}
