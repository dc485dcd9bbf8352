import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { ADMIN_URL, postgresAvailable } from '../helpers/db.js'
import { childCommand, ensureBuilt, ROOT, runOrdergate, type CliResult } from '../helpers/process.js'

const PASSWORD = 'pw-never-printed-7f3a'

/** Runs `node dist/src/server.js` to its exit (a start that fails exits by itself). */
async function startToExit (env: Record<string, string>): Promise<CliResult> {
  await ensureBuilt()
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-start-'))
  try {
    return await new Promise((resolve) => {
      const command = childCommand(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')],
        { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SECRET_ENCRYPTION_KEY: 'ab'.repeat(32), ...env })
      execFile(command.file, command.args, { cwd: ROOT, timeout: 60_000, env: command.env }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
      })
    })
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function admin (statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

function urlOf (database: string, host?: string): string {
  const url = new URL(ADMIN_URL)
  url.password = PASSWORD
  url.pathname = `/${database}`
  if (host !== undefined) url.host = host
  return url.toString()
}

const skip = (await postgresAvailable()) ? false : 'needs a PostgreSQL server'

t.test('a start with DATABASE_URL on a port where nothing listens names the refused connection on stderr, without the password, and exits 1', async (t) => {
  for (const host of ['127.0.0.1:1', 'localhost:1']) {
    const result = await startToExit({ DATABASE_URL: urlOf('x', host) })
    t.equal(result.code, 1, host)
    t.match(result.stderr, /ordergate: failed to start: .*ECONNREFUSED/, `${host}: the cause is named`)
    t.notMatch(result.stderr + result.stdout, PASSWORD, `${host}: the password is not printed`)
    t.ok(result.stderr.trim().split('\n').length <= 3, `${host}: in a few lines`)
  }
})

t.test('a start on a database that does not exist names it on stderr and exits 1', { skip }, async (t) => {
  const result = await startToExit({ DATABASE_URL: urlOf(`ordergate_missing_${process.pid}`) })
  t.equal(result.code, 1)
  t.match(result.stderr, new RegExp(`failed to start: .*database "ordergate_missing_${process.pid}" does not exist`))
  t.notMatch(result.stderr + result.stdout, PASSWORD)
})

t.test('a start on a database migrated by a newer ordergate (a migration it does not know) names that migration on stderr and exits 1', { skip }, async (t) => {
  const name = `ordergate_newer_${process.pid}`
  await admin(`create database "${name}"`)
  t.teardown(() => admin(`drop database if exists "${name}" with (force)`))
  const url = urlOf(name)
  t.equal((await runOrdergate(['migrate'], { DATABASE_URL: url })).code, 0)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('insert into ordergate_migrations (name, timestamp) values ($1, $2)', ['209912310000_from_a_newer_version', new Date().toISOString()])
  await client.end()

  const result = await startToExit({ DATABASE_URL: url })
  t.equal(result.code, 1)
  t.match(result.stderr, /failed to start: .*209912310000_from_a_newer_version/, 'the unknown migration is named')
  t.notMatch(result.stderr + result.stdout, PASSWORD)
  const cli = await runOrdergate(['migrate'], { DATABASE_URL: url })
  t.equal(cli.code, 1)
  t.match(cli.stderr, /^ordergate migrate: .*209912310000_from_a_newer_version.*\n$/, 'the CLI names it in one line')
})

t.test('the CLI names the cause of a refused connection in one line, without the password', async (t) => {
  for (const host of ['127.0.0.1:1', 'localhost:1']) {
    const result = await runOrdergate(['migrate'], { DATABASE_URL: urlOf('x', host) })
    t.equal(result.code, 1, host)
    t.match(result.stderr, /^ordergate migrate: .*ECONNREFUSED.*\n$/, `${host}: one line naming the cause`)
    t.notMatch(result.stderr + result.stdout, PASSWORD, `${host}: the password is not printed`)
  }
})
