import { sql, type Kysely } from 'kysely'

/**
 * Assisted-sale customer data (seeds 001, 003): customer levels with their price lists, the B2B
 * flag, the fraud-review flag, a phone, and an address book.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('customer_levels')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 64`))
    .addColumn('name', 'text', (col) => col.notNull())
    // a percentage off the list price, for products the price list does not name
    .addColumn('percent_off_bp', 'integer', (col) => col.notNull().defaultTo(0).check(sql`percent_off_bp between 0 and 10000`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('customer_levels_merchant_code_key', ['merchant_id', 'code'])
    .execute()
  // By product code, not id: a catalog reload keeps the level's prices.
  await db.schema.createTable('customer_level_prices')
    .addColumn('level_id', 'bigint', (col) => col.notNull().references('customer_levels.id').onDelete('cascade'))
    .addColumn('product_code', 'text', (col) => col.notNull())
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('customer_level_prices_pkey', ['level_id', 'product_code', 'currency'])
    .execute()

  await db.schema.alterTable('customers')
    .addColumn('b2b', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('level_id', 'bigint', (col) => col.references('customer_levels.id').onDelete('set null'))
    .addColumn('fraud_review', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('phone', 'text')
    .execute()
  await sql`create index customers_merchant_last_name_idx on customers (merchant_id, lower(last_name))`.execute(db)

  await db.schema.createTable('customer_addresses')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('customer_id', 'bigint', (col) => col.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('label', 'text')
    .addColumn('first_name', 'text', (col) => col.notNull())
    .addColumn('last_name', 'text', (col) => col.notNull())
    .addColumn('company', 'text')
    .addColumn('address1', 'text', (col) => col.notNull())
    .addColumn('address2', 'text')
    .addColumn('city', 'text', (col) => col.notNull())
    .addColumn('state', 'text')
    .addColumn('zip', 'text', (col) => col.notNull())
    .addColumn('country_code', 'char(2)', (col) => col.notNull())
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('customer_addresses_customer_idx').on('customer_addresses').column('customer_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customer_addresses').execute()
  await sql`drop index customers_merchant_last_name_idx`.execute(db)
  await db.schema.alterTable('customers').dropColumn('b2b').dropColumn('level_id').dropColumn('fraud_review').dropColumn('phone').execute()
  await db.schema.dropTable('customer_level_prices').execute()
  await db.schema.dropTable('customer_levels').execute()
}
