import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { createEmptyServerDatabase, postgresAvailable } from '../helpers/db.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { loginOver, rpcOver, runOrdergate, startServer } from '../helpers/process.js'

t.test('the server starts on the embedded default, seeds DEMO, and a login with its printed secret works', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-e2e-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO_MERCHANT_SECRET: '' })
  t.teardown(() => server.stop())
  const secret = /demo secret key:\s+(\S+)/.exec(server.output())?.[1]
  t.match(server.output(), /demo merchant code: DEMO/)
  t.ok(secret, 'the banner prints the secret key')
  const reply = await loginOver(server.url, 'DEMO', secret as string)
  t.match(reply, { jsonrpc: '2.0', id: 1, result: /^[0-9a-f]{64}$/ })
  // PORT=0: the 3DS page the order points to is on the port the server really listens on.
  const session = reply.result as string
  const threeDs = await rpcOver(server.url, 'placeOrder', [session, withCard(testCardOrder(), { CardNumber: '4000000000003220' })])
  t.match(threeDs.result?.PaymentDetails?.PaymentMethod?.Authorize3DS, { Href: `${server.url}/sandbox/3ds`, Method: 'GET' })
  const health = await fetch(`${server.url}/health`)
  t.equal(health.status, 200)
  t.equal((await fetch(`${server.url}/ready`)).status, 200)
  t.equal(await server.stop(), 0, 'SIGTERM closes it gracefully with exit code 0')

  // A second start reuses the data directory: same DEMO merchant, same secret.
  const again = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO_MERCHANT_SECRET: '' })
  t.teardown(() => again.stop())
  t.equal(/demo secret key:\s+(\S+)/.exec(again.output())?.[1], secret)
})

t.test('invalid configuration stops the start with a readable message', async (t) => {
  const server = startServer({ PORT: 'eighty', DATABASE_URL: '' })
  await t.rejects(server, /PORT/)
})

t.test('with DATABASE_URL: ordergate migrate, merchant create, serve, and migrate down reverts everything', async (t) => {
  if (!(await postgresAvailable())) {
    t.comment('no PostgreSQL server answers: this test runs the CLI on the embedded backend only')
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-cli-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '' }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_cli')
  if (databaseUrl !== undefined) env = { ...env, DATABASE_URL: databaseUrl }

  const up = await runOrdergate(['migrate'], env)
  t.equal(up.code, 0, up.stderr)
  t.ok(JSON.parse(up.stdout).applied.length >= 3, 'every migration applied')

  const created = await runOrdergate(['merchant', 'create', '--code', 'ACME', '--po-auto-approve'], env)
  t.equal(created.code, 0, created.stderr)
  const merchant = JSON.parse(created.stdout) as { code: string, secret: string }
  t.equal(merchant.code, 'ACME')
  t.ok(merchant.secret.length >= 16)

  const duplicate = await runOrdergate(['merchant', 'create', '--code', 'ACME'], env)
  t.not(duplicate.code, 0, 'a duplicate merchant exits non-zero')
  t.equal(duplicate.stderr.trim().split('\n').length, 1, 'with a one-line reason')

  const unknown = await runOrdergate(['frobnicate'], env)
  t.not(unknown.code, 0)

  if (env.DATABASE_URL !== '') {
    const server = await startServer(env)
    t.teardown(() => server.stop())
    t.match(await loginOver(server.url, merchant.code, merchant.secret), { result: /^[0-9a-f]{64}$/ })
    await server.stop()
  }

  const down = await runOrdergate(['migrate', 'down'], env)
  t.equal(down.code, 0, down.stderr)
  t.ok(JSON.parse(down.stdout).applied.length >= 3, 'every migration reverted')
  if (env.DATABASE_URL !== '') {
    const client = new pg.Client({ connectionString: env.DATABASE_URL })
    await client.connect()
    const { rows } = await client.query("select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'ordergate_migrations%'")
    await client.end()
    t.same(rows, [], 'no table is left after migrate down')
  }
  const upAgain = await runOrdergate(['migrate', 'up'], env)
  t.equal(upAgain.code, 0, 'and up again applies cleanly')
})
