import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import { parseRefNo } from '../orders/order-reference.js'
import { requeueLatestNotifications, type QueuedNotification } from './resend-store.js'

/**
 * resendIpn: sends the order's latest notification(s) again (2Checkout's control panel "Resend
 * IPN"): one new notification per URL the latest notified change went to, due now. Another
 * merchant's order is answered exactly like an unknown one (ORDER_NOT_FOUND); an order that never
 * had a notification (no IPN URL when it changed) is IPN_NOTIFICATION_NOT_FOUND.
 */
export async function resendIpn (deps: { db: Kysely<Database>, clock: Clock }, merchant: Merchant, refNo: string, log: Log): Promise<{ refNo: string, queued: QueuedNotification[] }> {
  const ref = parseRefNo(refNo)
  const queued = ref === undefined ? undefined : await requeueLatestNotifications(deps.db, merchant.id, ref, deps.clock.now())
  if (ref === undefined || queued === undefined) throw new AppError('ORDER_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'ORDER_NOT_FOUND', message: `no order ${refNo} for this merchant` }] })
  if (queued.length === 0) {
    throw new AppError('IPN_NOTIFICATION_NOT_FOUND', { fields: [{ path: 'RefNo', error_code: 'IPN_NOTIFICATION_NOT_FOUND', message: `order ${refNo} has no IPN notification to send again (no IPN URL was set when its status changed)` }] })
  }
  log.info({ refNo: String(ref), queued: queued.length }, 'IPN notifications queued again')
  return { refNo: String(ref), queued }
}
