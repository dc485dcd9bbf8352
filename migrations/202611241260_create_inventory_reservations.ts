import { sql, type Kysely } from 'kysely'

/** What each order holds of each product's stock, so a cancel gives back exactly that, once. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('inventory_reservations')
    .addColumn('order_id', 'bigint', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('inventory_reservations_pkey', ['order_id', 'product_id'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inventory_reservations').execute()
}
