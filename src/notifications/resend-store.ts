import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export type QueuedNotification = { id: bigint, url: string }

/**
 * resendIpn's store (the outbox of migration 202612021020): queues again the notifications of
 * the order's latest change that has any, one new PENDING row per URL that change went to, due
 * at `now` and naming (resend_of) the latest row for that URL, the one it sends again. The URLs
 * are those the change went to, whatever the settings say now. In URL order; [] when the order
 * has no notification at all, undefined when the merchant has no such order.
 */
export async function requeueLatestNotifications (db: Kysely<Database>, merchantId: bigint, refNo: bigint, now: Date): Promise<QueuedNotification[] | undefined> {
  const order = await db.selectFrom('orders').select('id').where('merchant_id', '=', merchantId).where('ref_no', '=', refNo).executeTakeFirst()
  if (order === undefined) return undefined
  const orderId = order.id
  const { rows } = await sql<{ id: bigint, url: string }>`
    insert into ipn_notifications (merchant_id, order_id, event_id, url, next_attempt_at, created_at, resend_of)
    select merchant_id, order_id, event_id, url, ${now}, ${now}, id
    from (
      select distinct on (n.url) n.id, n.merchant_id, n.order_id, n.event_id, n.url,
        min(n.id) over (partition by n.url) as first_id
      from ipn_notifications n
      where n.order_id = ${orderId}
        and n.event_id = (select max(event_id) from ipn_notifications where order_id = ${orderId})
      order by n.url, n.id desc
    ) latest
    order by first_id
    returning id, url`.execute(db)
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))
}
