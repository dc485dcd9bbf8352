import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** A merchant's ipn_settings row, as stored (migration 202612021010). */
export type IpnSettingsRow = {
  urls: string[]
  algorithm: string
  statuses: string[] | null
  updatedAt: Date
  updatedBy: string
}

export async function findIpnSettings (db: Kysely<Database>, merchantId: bigint): Promise<IpnSettingsRow | undefined> {
  const row = await db.selectFrom('ipn_settings').select(['urls', 'algorithm', 'statuses', 'updated_at', 'updated_by'])
    .where('merchant_id', '=', merchantId).executeTakeFirst()
  return row === undefined ? undefined : { urls: row.urls, algorithm: row.algorithm, statuses: row.statuses, updatedAt: row.updated_at, updatedBy: row.updated_by }
}

/** Replaces the merchant's settings in one statement (the last writer wins; no read-then-write). */
export async function upsertIpnSettings (db: Kysely<Database>, merchantId: bigint, settings: IpnSettingsRow): Promise<IpnSettingsRow> {
  const values = {
    merchant_id: merchantId,
    urls: [...settings.urls],
    algorithm: settings.algorithm,
    statuses: settings.statuses === null ? null : [...settings.statuses],
    updated_at: settings.updatedAt,
    updated_by: settings.updatedBy
  }
  const row = await db.insertInto('ipn_settings').values(values)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({
      urls: (eb) => eb.ref('excluded.urls'),
      algorithm: (eb) => eb.ref('excluded.algorithm'),
      statuses: (eb) => eb.ref('excluded.statuses'),
      updated_at: (eb) => eb.ref('excluded.updated_at'),
      updated_by: (eb) => eb.ref('excluded.updated_by')
    }))
    .returning(['urls', 'algorithm', 'statuses', 'updated_at', 'updated_by'])
    .executeTakeFirstOrThrow()
  return { urls: row.urls, algorithm: row.algorithm, statuses: row.statuses, updatedAt: row.updated_at, updatedBy: row.updated_by }
}
