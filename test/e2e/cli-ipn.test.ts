import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { loginOver, rpcOver, runOrdergate, startServer, type CliResult } from '../helpers/process.js'

const DEFAULTS = { code: 'IPNCO', urls: [], algorithm: 'md5', statuses: null, updatedAt: null, updatedBy: null }

function usage (t: Test, result: CliResult, reason: RegExp): void {
  t.equal(result.code, 64, result.stderr)
  t.equal(result.stdout, '')
  t.equal(result.stderr.trim().split('\n').length, 1, 'a one-line reason')
  t.match(result.stderr, reason)
}

t.test('ordergate merchant ipn prints, sets and turns off the IPN settings with the same rules as setIpnSettings', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-cli-ipn-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '', IPN_ALLOW_PRIVATE_NETWORKS: '' }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_cli_ipn')
  if (databaseUrl !== undefined) env = { ...env, DATABASE_URL: databaseUrl }
  else t.comment('no PostgreSQL server answers: the CLI runs on the embedded backend and the server half is skipped')
  t.equal((await runOrdergate(['merchant', 'create', '--code', 'IPNCO'], env)).code, 0)

  const shown = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO'], env)
  t.equal(shown.code, 0, shown.stderr)
  t.same(JSON.parse(shown.stdout), DEFAULTS, 'never set: the defaults (no URL: IPN off)')

  const set = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'HTTPS://Shop.Example/ipn', '--url', 'https://backup.example/ipn', '--algorithm', 'SHA256', '--status', 'COMPLETE', '--status', 'authreceived'], env)
  t.equal(set.code, 0, set.stderr)
  const stored = JSON.parse(set.stdout)
  t.match(stored, { code: 'IPNCO', urls: ['https://shop.example/ipn', 'https://backup.example/ipn'], algorithm: 'sha256', statuses: ['COMPLETE', 'AUTHRECEIVED'], updatedAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, updatedBy: 'system:cli' })
  t.same(JSON.parse((await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO'], env)).stdout), stored, 'printed again: as stored')

  const bad = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'http://10.0.0.1/ipn', '--url', 'https://user:hunter2-pw@shop.example/ipn', '--url', 'https://ok.example/ipn'], env)
  t.equal(bad.code, 1, 'refused (not a usage error)')
  t.equal(bad.stdout, '')
  t.match(bad.stderr, /^ordergate merchant: Invalid params; IpnSettings\.Urls\.0: .*IPN_ALLOW_PRIVATE_NETWORKS=true.*; IpnSettings\.Urls\.1: .*user name or password.*\n$/)
  t.notOk(bad.stderr.includes('hunter2-pw'), 'the password in the URL is not echoed')
  t.same(JSON.parse((await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO'], env)).stdout), stored, 'nothing was written')

  const six = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', ...[1, 2, 3, 4, 5, 6].flatMap((n) => ['--url', `https://a.example/${n}`])], env)
  t.equal(six.code, 1)
  t.match(six.stderr, /IpnSettings\.Urls: at most 5 IPN URLs/)

  const inside = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'http://127.0.0.1:9000/ipn'], { ...env, IPN_ALLOW_PRIVATE_NETWORKS: 'true' })
  t.equal(inside.code, 0, inside.stderr)
  t.match(JSON.parse(inside.stdout), { urls: ['http://127.0.0.1:9000/ipn'], algorithm: 'md5', statuses: null }, 'IPN_ALLOW_PRIVATE_NETWORKS=true: a loopback listener (a replacement: md5, every status)')

  usage(t, await runOrdergate(['merchant', 'ipn', '--url', 'https://a.example/'], env), /^ordergate merchant: merchant ipn needs --code CODE\n$/)
  usage(t, await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--off', '--url', 'https://a.example/'], env), /--url URL\.\.\. or --off, not both/)
  usage(t, await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'https://a.example/', '--algorithm', 'sha1'], env), /unknown --algorithm "sha1" \(md5, sha256, sha3-256\)/)
  usage(t, await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'https://a.example/', '--status', 'SHIPPED'], env), /unknown --status "SHIPPED" \(PENDING, AUTHRECEIVED/)
  usage(t, await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--algorithm', 'sha256'], env), /--algorithm and --status go with --url URL \(or --off\)/)
  const unknown = await runOrdergate(['merchant', 'ipn', '--code', 'NOPE'], env)
  t.equal(unknown.code, 1)
  t.equal(unknown.stderr, 'ordergate merchant: unknown merchant "NOPE"\n')
  t.match(JSON.parse((await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO'], env)).stdout), { urls: ['http://127.0.0.1:9000/ipn'] }, 'the refused calls changed nothing')

  const off = await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--off'], env)
  t.equal(off.code, 0, off.stderr)
  t.match(JSON.parse(off.stdout), { code: 'IPNCO', urls: [], algorithm: 'md5', statuses: null, updatedBy: 'system:cli' }, '--off: no URL, IPN off')

  if (databaseUrl === undefined) return
  // The same store as setIpnSettings: the server reads what the CLI wrote, and the other way round.
  t.equal((await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO', '--url', 'https://shop.example/ipn', '--algorithm', 'sha3-256'], env)).code, 0)
  const created = await runOrdergate(['merchant', 'rotate-secret', '--code', 'IPNCO'], env)
  const { secret } = JSON.parse(created.stdout) as { secret: string }
  const server = await startServer(env)
  t.teardown(() => server.stop())
  const session = (await loginOver(server.url, 'IPNCO', secret)).result as string
  t.match(await rpcOver(server.url, 'getIpnSettings', [session]), { result: { Urls: ['https://shop.example/ipn'], HashAlgorithm: 'sha3-256', Statuses: null, UpdatedBy: 'system:cli' } })
  t.match(await rpcOver(server.url, 'setIpnSettings', [session, { Urls: ['https://rpc.example/ipn'] }]), { result: { Urls: ['https://rpc.example/ipn'] } })
  t.match(JSON.parse((await runOrdergate(['merchant', 'ipn', '--code', 'IPNCO'], env)).stdout), { urls: ['https://rpc.example/ipn'], updatedBy: 'merchant:IPNCO' })
})
