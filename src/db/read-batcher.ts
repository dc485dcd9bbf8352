// Coalesced point reads: the look-ups that concurrent requests make in one turn of the event loop
// go to PostgreSQL as ONE statement, instead of one round trip each.
import type { Kysely } from 'kysely'
import { CompiledQuery } from 'kysely'

/**
 * The slot counts a batch statement is prepared for. A batch is padded with NULL keys (which
 * match nothing) up to the next slot count, so each count is one constant text that PostgreSQL
 * plans once per connection. A `VALUES` list of parameters has a known row count, so a generic
 * plan costs the same as a custom one and is kept; an `unnest($array)` would be re-planned on
 * every call, as the planner cannot count a parameter array.
 */
const SLOT_COUNTS = [1, 2, 4, 8, 16, 32] as const
export const MAX_BATCH = SLOT_COUNTS[SLOT_COUNTS.length - 1] as number

/**
 * A batch statement for each slot count. `keys` lists the SQL types of one key's parts; `text`
 * gets the `(values (…, 1), (…, 2), …) as k(<names>, n)` source to select from, and each row the
 * statement answers must carry `n`, the 1-based position of the key it answers.
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

type Waiter<K, R> = { key: K, resolve: (value: R | undefined) => void, reject: (err: unknown) => void }

/**
 * A point read (one key → at most one row) whose calls are coalesced: calls made on the same
 * database in one turn of the event loop are answered by one statement (in slices of MAX_BATCH),
 * sent when the turn's I/O callbacks are done (setImmediate), so no call waits for a later one.
 * Each call still reads what was committed before it was made. Inside a transaction a call runs
 * alone, on the transaction's connection and snapshot.
 *
 * `params` flattens one key to its statement parameters (in `batchStatements`' key order);
 * `row` maps an answered row.
 */
export function batchedRead<K, Row extends { n: number }, R> (
  statements: Map<number, string>,
  params: (key: K) => readonly unknown[],
  row: (row: Row) => R
): (db: Kysely<any>, key: K) => Promise<R | undefined> {
  const pending = new Map<Kysely<any>, Array<Waiter<K, R>>>()
  async function run (db: Kysely<any>, keys: readonly K[]): Promise<Array<R | undefined>> {
    const count = SLOT_COUNTS.find((c) => c >= keys.length) ?? MAX_BATCH
    const values: unknown[] = []
    for (const key of keys) values.push(...params(key))
    const perKey = keys.length === 0 ? 0 : values.length / keys.length
    for (let i = values.length; i < count * perKey; i++) values.push(null)
    const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(statements.get(count) as string, values))
    const answers = new Array<R | undefined>(keys.length).fill(undefined)
    for (const r of rows) answers[Number(r.n) - 1] = row(r)
    return answers
  }
  function flush (db: Kysely<any>): void {
    const waiters = pending.get(db)
    pending.delete(db)
    if (waiters === undefined) return
    for (let start = 0; start < waiters.length; start += MAX_BATCH) {
      const slice = waiters.slice(start, start + MAX_BATCH)
      run(db, slice.map((w) => w.key)).then(
        (answers) => { slice.forEach((w, i) => { w.resolve(answers[i]) }) },
        (err: unknown) => { for (const w of slice) w.reject(err) }
      )
    }
  }
  return async (db, key) => {
    if (db.isTransaction) return (await run(db, [key]))[0]
    return await new Promise<R | undefined>((resolve, reject) => {
      let waiters = pending.get(db)
      if (waiters === undefined) {
        waiters = []
        pending.set(db, waiters)
        setImmediate(flush, db)
      }
      waiters.push({ key, resolve, reject })
    })
  }
}
