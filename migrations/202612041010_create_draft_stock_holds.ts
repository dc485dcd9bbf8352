import { sql, type Kysely } from 'kysely'

/**
 * What each open draft holds of each product's stock (issue 19 item 1). A hold is counted in
 * inventory.reserved like an order's reservation, so quote, placeOrder and other drafts see it;
 * expiry, abandonment and completion give it back exactly once (the rows are deleted as it is).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('draft_stock_holds')
    .addColumn('draft_id', 'bigint', (col) => col.notNull().references('drafts.id').onDelete('cascade'))
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('draft_stock_holds_pkey', ['draft_id', 'product_id'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('draft_stock_holds').execute()
}
