import { sql, type Kysely } from 'kysely'

/** Purchase-order payment terms in days from the order date (seed 004); 30 unless set. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants')
    .addColumn('po_payment_terms_days', 'integer', (col) => col.notNull().defaultTo(30).check(sql`po_payment_terms_days between 1 and 365`))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants').dropColumn('po_payment_terms_days').execute()
}
