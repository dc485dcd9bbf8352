import t from 'tap'
import { IPN_RETRY_SCHEDULE_MS, IPN_RETRY_WINDOW_MS, nextAttemptAt } from '../../../src/notifications/delivery-schedule.js'

const MINUTE = 60_000
const first = new Date('2026-12-02T10:00:00.000Z')
const plus = (ms: number) => new Date(first.getTime() + ms)

t.test("the schedule is 2Checkout's failure recovery: at once, 2 within 5 minutes, 4 every 15 minutes, then hourly for 2 days", async (t) => {
  t.same(IPN_RETRY_SCHEDULE_MS.slice(0, 7).map((ms) => ms / MINUTE), [0, 2.5, 5, 20, 35, 50, 65], 'stages 1-3')
  const hourly = IPN_RETRY_SCHEDULE_MS.slice(7)
  t.equal(hourly[0], 125 * MINUTE, 'stage 4 begins an hour after the last stage-3 try')
  t.ok(hourly.every((ms, i) => i === 0 || ms - (hourly[i - 1] ?? 0) === 60 * MINUTE), 'stage 4 is hourly')
  t.ok(hourly.every((ms) => ms <= IPN_RETRY_WINDOW_MS), 'no try later than 2 days after the first')
  t.ok((hourly.at(-1) ?? 0) + 60 * MINUTE > IPN_RETRY_WINDOW_MS, 'and hourly up to the end of those 2 days')
  t.equal(IPN_RETRY_SCHEDULE_MS.length, 53, '53 tries in all')
})

t.test('nextAttemptAt follows the schedule from the first try, then gives up', async (t) => {
  t.same(nextAttemptAt(1, first, first), plus(2.5 * MINUTE), 'after the first try: 2.5 minutes later')
  t.same(nextAttemptAt(2, first, plus(2.5 * MINUTE)), plus(5 * MINUTE))
  t.same(nextAttemptAt(3, first, plus(5 * MINUTE)), plus(20 * MINUTE))
  t.same(nextAttemptAt(7, first, plus(65 * MINUTE)), plus(125 * MINUTE))
  t.same(nextAttemptAt(52, first, plus(IPN_RETRY_SCHEDULE_MS[51] ?? 0)), plus(IPN_RETRY_SCHEDULE_MS[52] ?? 0), 'the last try')
  t.equal(nextAttemptAt(53, first, plus(IPN_RETRY_SCHEDULE_MS[52] ?? 0)), undefined, 'after the 53rd: none (FAILED)')
})

t.test('slots already past are skipped, not sent in a burst; past the 2 days there is none', async (t) => {
  t.same(nextAttemptAt(1, first, plus(10 * 60 * MINUTE)), plus(10 * 60 * MINUTE + 5 * MINUTE), 'down for 10 hours: the next hourly slot')
  t.same(nextAttemptAt(2, first, plus(21 * MINUTE)), plus(35 * MINUTE), 'a try that ended after its successor\'s slot')
  t.equal(nextAttemptAt(3, first, plus(IPN_RETRY_WINDOW_MS)), undefined, 'a try made 2 days after the first is the last')
})
