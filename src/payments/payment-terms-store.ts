import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { netDaysErrors } from './payment-terms.js'
import { DEFAULT_PO_PAYMENT_TERMS_DAYS } from './purchase-order.js'

/** A merchant's purchase-order terms: NET days from the order date (merchants.po_payment_terms_days). */
export type MerchantPaymentTerms = { days: number }

export async function readMerchantPaymentTerms (db: Kysely<Database>, merchantId: bigint): Promise<MerchantPaymentTerms> {
  const row = await db.selectFrom('merchants').select('po_payment_terms_days').where('id', '=', merchantId).executeTakeFirst()
  return { days: row?.po_payment_terms_days ?? DEFAULT_PO_PAYMENT_TERMS_DAYS }
}

/** Sets the merchant's PO terms (orders placed from now on; placed orders keep their due date). `path` names the Days field in a refusal. */
export async function saveMerchantPaymentTerms (db: Kysely<Database>, merchantId: bigint, days: number, path: string): Promise<MerchantPaymentTerms> {
  const errors = netDaysErrors(days, path)
  if (errors.length > 0) throw new AppError('PAYMENT_TERMS_INVALID', { fields: errors })
  const row = await db.updateTable('merchants').set({ po_payment_terms_days: days }).where('id', '=', merchantId).returning('po_payment_terms_days').executeTakeFirstOrThrow()
  return { days: row.po_payment_terms_days }
}
