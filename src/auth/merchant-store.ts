import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export type Merchant = {
  id: bigint
  code: string
  name: string
  poAutoApprove: boolean
}

export type MerchantWithSecret = Merchant & { secretCiphertext: string }

const COLUMNS = ['id', 'code', 'name', 'po_auto_approve', 'secret_ciphertext'] as const

function toMerchant (row: { id: bigint, code: string, name: string, po_auto_approve: boolean, secret_ciphertext: string }): MerchantWithSecret {
  return { id: row.id, code: row.code, name: row.name, poAutoApprove: row.po_auto_approve, secretCiphertext: row.secret_ciphertext }
}

export async function findMerchantByCode (db: Kysely<Database>, code: string): Promise<MerchantWithSecret | undefined> {
  const row = await db.selectFrom('merchants').select(COLUMNS).where('code', '=', code).executeTakeFirst()
  return row === undefined ? undefined : toMerchant(row)
}

export async function insertMerchant (
  db: Kysely<Database>,
  merchant: { code: string, name: string, secretCiphertext: string, poAutoApprove: boolean }
): Promise<MerchantWithSecret> {
  const row = await db.insertInto('merchants')
    .values({ code: merchant.code, name: merchant.name, secret_ciphertext: merchant.secretCiphertext, po_auto_approve: merchant.poAutoApprove })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
  return toMerchant(row)
}

export async function updateMerchantSecret (db: Kysely<Database>, merchantId: bigint, secretCiphertext: string): Promise<void> {
  await db.updateTable('merchants').set({ secret_ciphertext: secretCiphertext }).where('id', '=', merchantId).execute()
}
