// TODO(stub): placeholder until h/ipn-message is merged (its file replaces this one); same signature.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { IpnSource } from './ipn-message.js'

export async function loadIpnSource (db: Kysely<Database>, orderId: bigint, eventId: bigint): Promise<IpnSource | undefined> {
  const row = await db.selectFrom('order_events as e').innerJoin('orders as o', 'o.id', 'e.order_id')
    .select(['o.ref_no', 'e.id', 'e.event', 'e.at', 'e.to_status']).where('e.id', '=', eventId).where('e.order_id', '=', orderId).executeTakeFirst()
  return row === undefined ? undefined : { refNo: row.ref_no, change: { eventId: row.id, event: row.event, at: row.at, toStatus: row.to_status } }
}
