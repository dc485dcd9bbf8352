import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('customers')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    // 2Checkout's external customer id (CustomerReference / AV_CUSTOMERID), unique per merchant
    .addColumn('customer_reference', 'bigint')
    .addColumn('first_name', 'text', (col) => col.notNull())
    .addColumn('last_name', 'text', (col) => col.notNull())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('company', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('customers_merchant_reference_key', ['merchant_id', 'customer_reference'])
    .execute()
  // Orders without a CustomerReference are grouped under one customer per e-mail address.
  await sql`create unique index customers_merchant_email_key on customers (merchant_id, lower(email)) where customer_reference is null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customers').execute()
}
