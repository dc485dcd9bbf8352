import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { loginOver, rpcOver, runOrdergate, startServer, type CliResult } from '../helpers/process.js'

const ENDED = { error: { code: 10001, data: { error_code: 'INVALID_SESSION' } } }
const REFUSED = { error: { code: 10000, data: { error_code: 'AUTHENTICATION_FAILED' } } }

/** A refusal: exit 64, nothing on stdout, one line on stderr naming the way to pass it, never echoing it. */
function refused (t: Test, result: CliResult, literal: string | undefined, how: RegExp): void {
  t.equal(result.code, 64, result.stderr)
  t.equal(result.stdout, '')
  t.equal(result.stderr.trim().split('\n').length, 1, 'a one-line reason')
  t.match(result.stderr, how)
  if (literal !== undefined) t.notOk(result.stderr.includes(literal), 'the literal is not echoed')
}

t.test('the CLI reads secrets and passwords from stdin or the environment, refuses them as arguments, and revokes', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-cli-secrets-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '', ORDERGATE_MERCHANT_SECRET: '', ORDERGATE_USER_PASSWORD: '' }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_cli_secrets')
  const pgUp = databaseUrl !== undefined
  if (pgUp) {
    env = { ...env, DATABASE_URL: databaseUrl }
  } else {
    t.comment('no PostgreSQL server answers: the server half of this test is skipped')
  }
  t.equal((await runOrdergate(['migrate'], env)).code, 0)

  // merchant create: --secret S is refused; stdin, the environment or a generated secret.
  refused(t, await runOrdergate(['merchant', 'create', '--code', 'ACME', '--secret', 'literal-secret-key-0001'], env), 'literal-secret-key-0001', /^ordergate merchant: .*--secret-stdin.*ORDERGATE_MERCHANT_SECRET/)
  refused(t, await runOrdergate(['merchant', 'create', '--code', 'ACME', '--secret=literal-secret-key-0001'], env), 'literal-secret-key-0001', /--secret-stdin/)
  const created = await runOrdergate(['merchant', 'create', '--code', 'ACME', '--secret-stdin'], env, 'stdin-secret-key-0001\n')
  t.equal(created.code, 0, created.stderr)
  t.same(JSON.parse(created.stdout), { code: 'ACME', secret: 'stdin-secret-key-0001' }, 'one line of stdin, without its newline (and the refused calls created nothing)')
  const fromEnv = await runOrdergate(['merchant', 'create', '--code', 'ACME2'], { ...env, ORDERGATE_MERCHANT_SECRET: 'env-secret-key-000002' })
  t.same(JSON.parse(fromEnv.stdout), { code: 'ACME2', secret: 'env-secret-key-000002' }, fromEnv.stderr)
  const generated = await runOrdergate(['merchant', 'create', '--code', 'ACME3'], env)
  t.match(JSON.parse(generated.stdout), { code: 'ACME3', secret: /^[\w-]{43}$/ }, generated.stderr)
  const short = await runOrdergate(['merchant', 'create', '--code', 'ACME4', '--secret-stdin'], env, 'short\n')
  t.equal(short.code, 1)
  t.match(short.stderr, /^ordergate merchant: .*secret: a secret key is 16-255 characters\n$/)

  // user create: --password P is refused; stdin or the environment; neither is a usage error.
  refused(t, await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'anna', '--password', 'anna-literal-pass'], env), 'anna-literal-pass', /^ordergate user: .*--password-stdin.*ORDERGATE_USER_PASSWORD/)
  refused(t, await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'anna', '--password=anna-literal-pass'], env), 'anna-literal-pass', /--password-stdin/)
  refused(t, await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'anna'], env), undefined, /needs the password .*--password-stdin.*ORDERGATE_USER_PASSWORD/)
  refused(t, await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'anna', '--password-stdin'], env, ''), undefined, /no password on standard input/)
  const anna = await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'anna', '--password-stdin', '--privilege', 'AGENT'], env, 'anna pass phrase 1\r\n')
  t.equal(anna.code, 0, anna.stderr)
  t.match(JSON.parse(anna.stdout), { merchant: 'ACME', username: 'anna', privileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] })
  const bob = await runOrdergate(['user', 'create', '--merchant', 'ACME', '--username', 'bob', '--privilege', 'AGENT'], { ...env, ORDERGATE_USER_PASSWORD: 'bob pass phrase 2' })
  t.equal(bob.code, 0, bob.stderr)

  // merchant rotate-secret refuses a literal too, and an unknown merchant in one line.
  refused(t, await runOrdergate(['merchant', 'rotate-secret', '--code', 'ACME', '--secret', 'literal-secret-key-0002'], env), 'literal-secret-key-0002', /--secret-stdin/)
  const unknown = await runOrdergate(['merchant', 'rotate-secret', '--code', 'NOPE'], env)
  t.equal(unknown.code, 1)
  t.equal(unknown.stderr, 'ordergate merchant: unknown merchant "NOPE"\n')
  const noUser = await runOrdergate(['user', 'deactivate', '--merchant', 'ACME', '--username', 'nobody'], env)
  t.equal(noUser.code, 1)
  t.equal(noUser.stderr, 'ordergate user: Merchant user not found\n')

  if (!pgUp) return
  // The CLI is another process: the server reads every session afresh (SESSION_CACHE_MS=0), so
  // the test sees the database; with the default 2 s cache an ended session may serve 2 s more.
  const server = await startServer({ ...env, SESSION_CACHE_MS: '0' })
  t.teardown(() => server.stop())
  const api = (await loginOver(server.url, 'ACME', 'stdin-secret-key-0001')).result as string
  t.match(api, /^[0-9a-f]{64}$/, 'the secret read from stdin logs in')
  const staff = (await rpcOver(server.url, 'loginUser', ['ACME', 'anna', 'anna pass phrase 1'])).result as string
  t.match(staff, /^[0-9a-f]{64}$/, 'the password read from stdin logs in (without the \\r\\n)')
  t.match(await rpcOver(server.url, 'loginUser', ['ACME', 'bob', 'bob pass phrase 2']), { result: /^[0-9a-f]{64}$/ }, 'the password from the environment logs in')

  const rotated = await runOrdergate(['merchant', 'rotate-secret', '--code', 'ACME'], env)
  t.equal(rotated.code, 0, rotated.stderr)
  const { secret } = JSON.parse(rotated.stdout) as { secret: string }
  t.same(JSON.parse(rotated.stdout), { code: 'ACME', secret, sessionsEnded: 1 })
  t.match(secret, /^[\w-]{43}$/)
  t.match(await rpcOver(server.url, 'isValidOrderReference', [api, '100000001']), ENDED, 'the API session ended')
  t.match(await loginOver(server.url, 'ACME', 'stdin-secret-key-0001'), REFUSED, 'the old secret fails')
  t.match(await loginOver(server.url, 'ACME', secret), { result: /^[0-9a-f]{64}$/ }, 'the new one works')
  t.match(await rpcOver(server.url, 'searchCatalog', [staff, {}]), { result: {} }, 'the staff session stays')

  const chosen = await runOrdergate(['merchant', 'rotate-secret', '--code', 'ACME', '--secret-stdin'], env, 'chosen-secret-key-0003\n')
  t.same(JSON.parse(chosen.stdout), { code: 'ACME', secret: 'chosen-secret-key-0003', sessionsEnded: 1 }, chosen.stderr)
  t.match(await loginOver(server.url, 'ACME', 'chosen-secret-key-0003'), { result: /^[0-9a-f]{64}$/ })
  const same = await runOrdergate(['merchant', 'rotate-secret', '--code', 'ACME', '--secret-stdin'], env, 'chosen-secret-key-0003\n')
  t.equal(same.code, 1)
  t.match(same.stderr, /^ordergate merchant: .*secret: the new secret key must differ from the current one\n$/)

  const off = await runOrdergate(['user', 'deactivate', '--merchant', 'ACME', '--username', 'ANNA'], env)
  t.equal(off.code, 0, off.stderr)
  t.same(JSON.parse(off.stdout), { merchant: 'ACME', username: 'anna', active: false, sessionsEnded: 1 })
  t.match(await rpcOver(server.url, 'searchCatalog', [staff, {}]), ENDED, 'anna\'s session ended')
  t.match(await rpcOver(server.url, 'loginUser', ['ACME', 'anna', 'anna pass phrase 1']), REFUSED, 'and she cannot log in')
  t.match(await rpcOver(server.url, 'loginUser', ['ACME', 'bob', 'bob pass phrase 2']), { result: /^[0-9a-f]{64}$/ }, 'bob still can')
  const on = await runOrdergate(['user', 'activate', '--merchant', 'ACME', '--username', 'anna'], env)
  t.same(JSON.parse(on.stdout), { merchant: 'ACME', username: 'anna', active: true, sessionsEnded: 0 }, on.stderr)
  t.match(await rpcOver(server.url, 'loginUser', ['ACME', 'anna', 'anna pass phrase 1']), { result: /^[0-9a-f]{64}$/ }, 'activated: she logs in again')
})
