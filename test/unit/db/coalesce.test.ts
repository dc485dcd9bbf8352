import type { CompiledQuery, Kysely } from 'kysely'
import t from 'tap'
import { batchedRead, batchStatements, coalesced, isRolledBackStatementError, MAX_BATCH } from '../../../src/db/coalesce.js'

// A stand-in for Kysely that records each statement and answers, from a table keyed by the
// statement's parameters, the rows a database would: one row per known key, carrying its slot n.
type Sent = { sql: string, parameters: readonly unknown[] }
function fakeDb (known: Map<string, string>, options: { isTransaction?: boolean, fail?: (sent: Sent) => boolean } = {}): { db: Kysely<any>, sent: Sent[] } {
  const sent: Sent[] = []
  const db = {
    isTransaction: options.isTransaction ?? false,
    async executeQuery (query: CompiledQuery) {
      const entry = { sql: query.sql, parameters: query.parameters }
      sent.push(entry)
      await new Promise((resolve) => setImmediate(resolve))
      if (options.fail?.(entry) === true) throw new Error('connection lost')
      const rows: Array<{ n: number, name: string }> = []
      for (let slot = 0; slot * 2 < query.parameters.length; slot++) {
        const [merchant, ref] = [query.parameters[slot * 2], query.parameters[slot * 2 + 1]]
        const name = known.get(`${String(merchant)}/${String(ref)}`)
        if (name !== undefined) rows.push({ n: slot + 1, name })
      }
      // Rows come back in no particular order, as from a database.
      return { rows: rows.reverse() }
    }
  }
  return { db: db as unknown as Kysely<any>, sent }
}

const STATEMENTS = batchStatements([['merchant_id', 'int8'], ['ref_no', 'int8']], (source) => `select k.n, o.name from ${source} join orders o using (merchant_id, ref_no)`)
const read = (): ((db: Kysely<any>, key: { merchant: number, ref: number }) => Promise<string | undefined>) =>
  batchedRead(STATEMENTS, (key: { merchant: number, ref: number }) => [key.merchant, key.ref], (row: { n: number, name: string }) => row.name)

t.test('batchStatements numbers every slot\'s parameters and its position n', async (t) => {
  t.same([...STATEMENTS.keys()], [1, 2, 4, 8, 16, 32])
  t.equal(STATEMENTS.get(2), 'select k.n, o.name from (values ($1::int8, $2::int8, 1), ($3::int8, $4::int8, 2)) as k(merchant_id, ref_no, n) join orders o using (merchant_id, ref_no)')
  t.match(STATEMENTS.get(32), /\(\$63::int8, \$64::int8, 32\)\) as k/)
})

t.test('reads made in one turn go out as one statement, padded with NULL keys, each answered by its own row', async (t) => {
  const { db, sent } = fakeDb(new Map([['1/100', 'A-100'], ['2/100', 'B-100'], ['1/101', 'A-101']]))
  const find = read()
  const answers = await Promise.all([
    find(db, { merchant: 1, ref: 100 }),
    find(db, { merchant: 2, ref: 100 }),
    find(db, { merchant: 1, ref: 999 }),
    find(db, { merchant: 1, ref: 101 }),
    find(db, { merchant: 3, ref: 101 })
  ])
  t.same(answers, ['A-100', 'B-100', undefined, 'A-101', undefined], 'each caller gets the row of its own key, or undefined')
  t.equal(sent.length, 1, 'one statement for five reads')
  t.equal(sent[0]?.sql, STATEMENTS.get(8), 'five keys use the 8-slot statement')
  t.same(sent[0]?.parameters, [1, 100, 2, 100, 1, 999, 1, 101, 3, 101, null, null, null, null, null, null])
})

t.test('reads made in different turns are not held for each other', async (t) => {
  const { db, sent } = fakeDb(new Map([['1/100', 'A-100']]))
  const find = read()
  t.equal(await find(db, { merchant: 1, ref: 100 }), 'A-100')
  t.equal(await find(db, { merchant: 1, ref: 100 }), 'A-100')
  t.equal(sent.length, 2)
  t.same(sent.map((s) => s.sql), [STATEMENTS.get(1), STATEMENTS.get(1)])
})

t.test(`more than ${MAX_BATCH} reads in one turn are split into statements of at most ${MAX_BATCH} keys`, async (t) => {
  const known = new Map(Array.from({ length: 70 }, (_, i) => [`1/${i}`, `A-${i}`] as const))
  const { db, sent } = fakeDb(known)
  const find = read()
  const answers = await Promise.all(Array.from({ length: 70 }, (_, i) => find(db, { merchant: 1, ref: i })))
  t.same(answers, Array.from({ length: 70 }, (_, i) => `A-${i}`))
  t.same(sent.map((s) => s.parameters.length), [64, 64, 16], '32 + 32 keys, then 6 keys padded to 8 slots')
})

t.test('a failed statement rejects every read it carried, and only those', async (t) => {
  const known = new Map(Array.from({ length: 40 }, (_, i) => [`1/${i}`, `A-${i}`] as const))
  const { db, sent } = fakeDb(known, { fail: (s) => s.parameters.length === 64 })
  const find = read()
  const settled = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => find(db, { merchant: 1, ref: i })))
  t.equal(sent.length, 2)
  t.same(settled.slice(0, 32).map((s) => s.status), Array(32).fill('rejected'), 'the first 32 shared the failed statement')
  t.match((settled[0] as PromiseRejectedResult).reason, { message: 'connection lost' })
  t.same(settled.slice(32).map((s) => (s.status === 'fulfilled' ? s.value : s.status)), Array.from({ length: 8 }, (_, i) => `A-${32 + i}`))
})

t.test('inside a transaction a read runs alone, at once, on the transaction', async (t) => {
  const { db, sent } = fakeDb(new Map([['1/100', 'A-100']]), { isTransaction: true })
  const find = read()
  const answers = await Promise.all([find(db, { merchant: 1, ref: 100 }), find(db, { merchant: 1, ref: 7 })])
  t.same(answers, ['A-100', undefined])
  t.same(sent.map((s) => s.sql), [STATEMENTS.get(1), STATEMENTS.get(1)], 'two statements, one key each')
})

t.test('separate databases are never mixed in one statement', async (t) => {
  const one = fakeDb(new Map([['1/100', 'one']]))
  const two = fakeDb(new Map([['1/100', 'two']]))
  const find = read()
  t.same(await Promise.all([find(one.db, { merchant: 1, ref: 100 }), find(two.db, { merchant: 1, ref: 100 })]), ['one', 'two'])
  t.equal(one.sent.length, 1)
  t.equal(two.sent.length, 1)
})

// A writer over a fake database: each statement writes all its items, unless one of them is
// "bad", when the statement is refused with `code` and writes nothing.
function fakeWriter (code: string): { write: (db: Kysely<any>, item: string) => Promise<string>, statements: string[][], written: string[] } {
  const statements: string[][] = []
  const written: string[] = []
  const write = coalesced(async (_db, items: readonly string[]) => {
    statements.push([...items])
    await new Promise((resolve) => setImmediate(resolve))
    if (items.includes('bad')) throw Object.assign(new Error('refused'), { code })
    written.push(...items)
    return items.map((item) => `stored ${item}`)
  }, { retryAlone: isRolledBackStatementError })
  return { write, statements, written }
}
const rootDb = { isTransaction: false } as unknown as Kysely<any>

t.test('a statement PostgreSQL refused (SQLSTATE 23514) is retried item by item: the bad one fails alone', async (t) => {
  const { write, statements, written } = fakeWriter('23514')
  const settled = await Promise.allSettled(['a', 'bad', 'c'].map(async (item) => await write(rootDb, item)))
  t.same(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as { code: string }).code)), ['stored a', '23514', 'stored c'])
  t.same(statements, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']], 'one statement for all, then one each')
  t.same(written.sort(), ['a', 'c'])
})

t.test('a statement that failed otherwise (connection lost: it may have committed) fails every item and is not repeated', async (t) => {
  const { write, statements, written } = fakeWriter('ECONNRESET')
  const settled = await Promise.allSettled(['a', 'bad', 'c'].map(async (item) => await write(rootDb, item)))
  t.same(settled.map((s) => s.status), ['rejected', 'rejected', 'rejected'])
  t.same(statements, [['a', 'bad', 'c']])
  t.same(written, [])
})

t.test('a single item refused for its data is not run twice', async (t) => {
  const { write, statements } = fakeWriter('23505')
  await t.rejects(write(rootDb, 'bad'), { code: '23505' })
  t.same(statements, [['bad']])
})

t.test('isRolledBackStatementError: any error PostgreSQL reports, but a lost connection or an unknown completion', async (t) => {
  for (const code of ['22001', '22P02', '23505', '23514', '40001', '40P01', '57014', '53300', '54000', 'XX000']) t.ok(isRolledBackStatementError({ code }), code)
  for (const code of ['08006', '08003', '40003', 'ECONNRESET', 'EPIPE', '23', undefined]) t.notOk(isRolledBackStatementError({ code }), String(code))
  t.notOk(isRolledBackStatementError(null))
  t.notOk(isRolledBackStatementError(new Error('Connection terminated unexpectedly')))
})
