import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

// The IPN outbox (migration 202612021020). A notification is enqueued by the statement, or in
// the transaction, that records the change: placeOrder's INSERT_ORDERS (src/orders/order-store.ts)
// does it in its own statement with the same rule as here:
// - only a change of status notifies (PLACED from nothing, then each move; a declined payment or
//   an opened review leaves the status and sends nothing), and every refund: a partial refund
//   (PARTIALLY_REFUNDED) keeps the order COMPLETE but is money moved, reported as REFUND (issue 18);
// - the merchant's `statuses` filter it (null: every status), a partial refund as REFUND;
// - one notification per listener URL, in URL order, due at the change's time.

/** The event that notifies though the status stays (the SQL below and INSERT_ORDERS name it). */
export const NOTIFIES_UNCHANGED = 'PARTIALLY_REFUNDED'

/** Enqueues the notifications of these just-recorded order events; call it in their transaction. */
export async function enqueueNotifications (trx: Kysely<Database>, eventIds: readonly bigint[]): Promise<void> {
  if (eventIds.length === 0) return
  await sql`
    insert into ipn_notifications (merchant_id, order_id, event_id, url, next_attempt_at, created_at)
    select o.merchant_id, e.order_id, e.id, u.url, e.at, e.at
    from order_events e
    join orders o on o.id = e.order_id
    join ipn_settings st on st.merchant_id = o.merchant_id
    cross join lateral unnest(st.urls) with ordinality as u(url, position)
    where e.id = any(${sql.val(eventIds.map(String))}::int8[])
      and (e.from_status is distinct from e.to_status or e.event = ${NOTIFIES_UNCHANGED})
      and (st.statuses is null or (case when e.event = ${NOTIFIES_UNCHANGED} then 'REFUND' else e.to_status end) = any(st.statuses))
    order by e.id, u.position`.execute(trx)
}
