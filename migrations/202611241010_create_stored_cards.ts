import { sql, type Kysely } from 'kysely'

/**
 * Cards customers stored (brand, first 6, last 4, expiry and the processor's card token; never
 * the number or the CVV) and the short-lived TransientTokens that let an order charge one.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('stored_cards')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('customer_id', 'bigint', (col) => col.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('brand', 'text', (col) => col.notNull())
    .addColumn('first6', 'char(6)', (col) => col.notNull())
    .addColumn('last4', 'char(4)', (col) => col.notNull())
    .addColumn('expiry', 'text', (col) => col.notNull())
    .addColumn('holder_name', 'text', (col) => col.notNull())
    .addColumn('processor_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_used_at', 'timestamptz', (col) => col.notNull())
    .addUniqueConstraint('stored_cards_customer_card_key', ['customer_id', 'brand', 'first6', 'last4', 'expiry'])
    .execute()

  await db.schema.createTable('transient_tokens')
    // sha256 of the token: the token itself is never stored
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('stored_card_id', 'bigint', (col) => col.notNull().references('stored_cards.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('transient_tokens').execute()
  await db.schema.dropTable('stored_cards').execute()
}
