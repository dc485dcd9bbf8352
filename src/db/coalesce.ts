// Coalesced statements: the reads (and order writes) that concurrent requests make in one turn of
// the event loop go to PostgreSQL as ONE statement, instead of one round trip each.
import { CompiledQuery, type Kysely } from 'kysely'

/**
 * The slot counts a batch read is prepared for. A batch is padded with NULL keys (which match
 * nothing) up to the next slot count, so each count is one constant text that PostgreSQL plans
 * once per connection. A `VALUES` list of parameters has a known row count, so a generic plan
 * costs the same as a custom one and is kept; an `unnest($array)` read would be re-planned on
 * every call, as the planner cannot count a parameter array.
 */
const SLOT_COUNTS = [1, 2, 4, 8, 16, 32] as const
export const MAX_BATCH = SLOT_COUNTS[SLOT_COUNTS.length - 1] as number

type Waiter<T, R> = { item: T, resolve: (value: R) => void, reject: (err: unknown) => void }

export type CoalesceOptions = {
  /**
   * When a statement of several items fails with an error for which this is true, nothing was
   * written and each item is run again alone, so one bad item cannot fail the others. Any other
   * failure fails every item of the statement with it.
   */
  retryAlone?: (err: unknown) => boolean
}

/**
 * A statement whose calls are coalesced: calls made on the same database in one turn of the event
 * loop are run together by `run` (in slices of MAX_BATCH), sent when the turn's I/O callbacks are
 * done (setImmediate), so no call waits for a later one; each call still sees what was committed
 * before it was made. Inside a transaction a call runs alone, at once, on the transaction's
 * connection and snapshot. `run` answers one result per item, in the items' order.
 */
export function coalesced<T, R> (run: (db: Kysely<any>, items: readonly T[]) => Promise<R[]>, options: CoalesceOptions = {}): (db: Kysely<any>, item: T) => Promise<R> {
  const pending = new Map<Kysely<any>, Array<Waiter<T, R>>>()
  const runSlice = (db: Kysely<any>, slice: ReadonlyArray<Waiter<T, R>>): void => {
    run(db, slice.map((w) => w.item)).then(
      (results) => { slice.forEach((w, i) => { w.resolve(results[i] as R) }) },
      (err: unknown) => {
        if (slice.length > 1 && options.retryAlone?.(err) === true) {
          for (const w of slice) runSlice(db, [w])
        } else {
          for (const w of slice) w.reject(err)
        }
      }
    )
  }
  const flush = (db: Kysely<any>): void => {
    const waiters = pending.get(db)
    pending.delete(db)
    if (waiters === undefined) return
    for (let start = 0; start < waiters.length; start += MAX_BATCH) runSlice(db, waiters.slice(start, start + MAX_BATCH))
  }
  return async (db, item) => {
    if (db.isTransaction) return (await run(db, [item]))[0] as R
    return await new Promise<R>((resolve, reject) => {
      let waiters = pending.get(db)
      if (waiters === undefined) {
        waiters = []
        pending.set(db, waiters)
        setImmediate(flush, db)
      }
      waiters.push({ item, resolve, reject })
    })
  }
}

/**
 * A batch read statement for each slot count. `keys` lists the SQL types of one key's parts;
 * `text` gets the `(values (…, 1), (…, 2), …) as k(<names>, n)` source to select from, and each
 * row the statement answers must carry `n`, the 1-based position of the key it answers.
 */
export function batchStatements (keys: ReadonlyArray<readonly [name: string, type: string]>, text: (source: string) => string): Map<number, string> {
  const statements = new Map<number, string>()
  for (const count of SLOT_COUNTS) {
    const rows = Array.from({ length: count }, (_, slot) =>
      `(${keys.map(([, type], part) => `$${slot * keys.length + part + 1}::${type}`).join(', ')}, ${slot + 1})`)
    statements.set(count, text(`(values ${rows.join(', ')}) as k(${keys.map(([name]) => name).join(', ')}, n)`))
  }
  return statements
}

/**
 * A coalesced point read (one key → at most one row) over `batchStatements`' texts. `params`
 * flattens one key to its statement parameters (in the statements' key order); `row` maps an
 * answered row.
 */
export function batchedRead<K, Row extends { n: number }, R> (
  statements: Map<number, string>,
  params: (key: K) => readonly unknown[],
  row: (row: Row) => R
): (db: Kysely<any>, key: K) => Promise<R | undefined> {
  return coalesced(async (db, keys: readonly K[]) => {
    const count = SLOT_COUNTS.find((c) => c >= keys.length) ?? MAX_BATCH
    const values: unknown[] = []
    for (const key of keys) values.push(...params(key))
    const perKey = values.length / keys.length
    for (let i = values.length; i < count * perKey; i++) values.push(null)
    const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(statements.get(count) as string, values))
    const answers = new Array<R | undefined>(keys.length).fill(undefined)
    for (const r of rows) answers[Number(r.n) - 1] = row(r)
    return answers
  })
}

/**
 * Whether PostgreSQL reported an error for the statement (a SQLSTATE; node's own codes, such as
 * EPIPE, start with E, which no SQLSTATE class does): a statement outside a transaction that
 * fails is rolled back as a whole, so it is safe to run its parts again. Not so for a connection
 * lost mid-statement (class 08, or no SQLSTATE at all) or 40003 "statement completion unknown":
 * the statement may have committed.
 */
export function isRolledBackStatementError (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code) && !code.startsWith('08') && code !== '40003'
}
