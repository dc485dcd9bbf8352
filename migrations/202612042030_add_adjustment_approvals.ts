import type { Kysely } from 'kysely'

/** The supervisor who approved a staff discount above the user's limit (issue 19 item 3); null: none was needed. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('order_adjustments')
    .addColumn('approved_by_user_id', 'bigint', (col) => col.references('merchant_users.id'))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('order_adjustments').dropColumn('approved_by_user_id').execute()
}
