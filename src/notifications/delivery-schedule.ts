// 2Checkout's "IPN POST failure recovery process" (Knowledge Center, Webhooks / IPN):
// stage 1, the first IPN at once; stage 2, two more within the next 5 minutes; stage 3, four more
// 15 minutes apart; stage 4, one an hour "for a maximum of two (2) days after it sent out the
// initial notification, until a valid response". Times are counted from the first try.

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** How long after the first try a notification is still retried: then it is FAILED. */
export const IPN_RETRY_WINDOW_MS = 48 * HOUR

const STAGE_3_END = 5 * MINUTE + 4 * 15 * MINUTE

/**
 * When each try is due, counted from the first (index 0). 53 tries: 1 + 2 (at 2.5 and 5 minutes)
 * + 4 (at 20, 35, 50 and 65 minutes) + hourly from 2 h 05 min up to 47 h 05 min.
 */
export const IPN_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  2.5 * MINUTE, 5 * MINUTE,
  ...[1, 2, 3, 4].map((i) => 5 * MINUTE + i * 15 * MINUTE),
  ...Array.from({ length: Math.floor((IPN_RETRY_WINDOW_MS - STAGE_3_END) / HOUR) }, (_, i) => STAGE_3_END + (i + 1) * HOUR)
])

/**
 * When a notification tried `attempts` times (the first at `firstAt`) and failed is tried next;
 * undefined: never (it is FAILED). A slot already past at `now` (the process was down, or a try
 * took long) is skipped rather than sent in a burst of catch-up tries.
 */
export function nextAttemptAt (attempts: number, firstAt: Date, now: Date): Date | undefined {
  for (let i = Math.max(attempts, 1); i < IPN_RETRY_SCHEDULE_MS.length; i++) {
    const at = firstAt.getTime() + (IPN_RETRY_SCHEDULE_MS[i] ?? 0)
    if (at > now.getTime()) return new Date(at)
  }
  return undefined
}
