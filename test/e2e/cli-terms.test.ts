import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { testCardOrder } from '../helpers/orders.js'
import { loginOver, rpcOver, runOrdergate, startServer, type CliResult } from '../helpers/process.js'
import { formatWireDate } from '../../src/wire/wire-date.js'

const SECRET = 'cli-terms-secret-key-000001'
const DAY = 86_400_000

function usage (t: Test, result: CliResult, reason: RegExp): void {
  t.equal(result.code, 64, result.stderr)
  t.equal(result.stdout, '')
  t.equal(result.stderr.trim().split('\n').length, 1, 'a one-line reason')
  t.match(result.stderr, reason)
}

t.test('ordergate merchant terms prints and sets the merchant\'s PO payment terms with the same rules as setPaymentTerms; the server answers them and dates a purchase order by them', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-cli-terms-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '', ORDERGATE_MERCHANT_SECRET: '' }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_cli_terms')
  if (databaseUrl !== undefined) env = { ...env, DATABASE_URL: databaseUrl }
  else t.comment('no PostgreSQL server answers: the CLI runs on the embedded backend, the server half is skipped')
  t.equal((await runOrdergate(['merchant', 'create', '--code', 'TERMSCO', '--secret-stdin'], env, `${SECRET}\n`)).code, 0)
  t.equal((await runOrdergate(['demo', '--merchant', 'TERMSCO'], env)).code, 0)

  const shown = await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO'], env)
  t.equal(shown.code, 0, shown.stderr)
  t.same(JSON.parse(shown.stdout), { code: 'TERMSCO', type: 'NET', days: 30 }, 'never set: NET 30')

  const set = await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO', '--net-days', '60'], env)
  t.equal(set.code, 0, set.stderr)
  t.same(JSON.parse(set.stdout), { code: 'TERMSCO', type: 'NET', days: 60 })
  t.same(JSON.parse((await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO'], env)).stdout), { code: 'TERMSCO', type: 'NET', days: 60 }, 'printed again: as stored')

  const bad = await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO', '--net-days', '0'], env)
  t.equal(bad.code, 1, 'refused (not a usage error)')
  t.equal(bad.stdout, '')
  t.match(bad.stderr, /^ordergate merchant: The payment terms are not valid.*PaymentTerms\.Days: Days must be a whole number from 1 to 365, got 0\n$/)
  usage(t, await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO', '--net-days', 'ten'], env), /--net-days takes a whole number of days \(1-365\), got "ten"/)
  usage(t, await runOrdergate(['merchant', 'terms', '--net-days', '10'], env), /^ordergate merchant: merchant terms needs --code CODE\n$/)
  const unknown = await runOrdergate(['merchant', 'terms', '--code', 'NOPE'], env)
  t.equal(unknown.code, 1)
  t.equal(unknown.stderr, 'ordergate merchant: unknown merchant "NOPE"\n')
  t.same(JSON.parse((await runOrdergate(['merchant', 'terms', '--code', 'TERMSCO'], env)).stdout), { code: 'TERMSCO', type: 'NET', days: 60 }, 'the refused calls changed nothing')

  if (databaseUrl === undefined) return
  const server = await startServer(env)
  t.teardown(() => server.stop())
  const api = (await loginOver(server.url, 'TERMSCO', SECRET)).result as string
  t.same(await rpcOver(server.url, 'getPaymentTerms', [api]), { jsonrpc: '2.0', id: 1, result: { Type: 'NET', Days: 60 } }, 'getPaymentTerms answers what the CLI set')
  const po = testCardOrder({
    BillingDetails: { ...testCardOrder().BillingDetails, Company: 'Acme Wholesale' },
    PaymentDetails: { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: 'PO-60', AutoApprove: false } }
  })
  const placed = await rpcOver(server.url, 'placeOrder', [api, po])
  t.notOk(placed.error, JSON.stringify(placed.error))
  const due = formatWireDate(new Date(Date.parse(`${String(placed.result?.OrderDate).replace(' ', 'T')}Z`) + 60 * DAY))
  t.same(placed.result?.PaymentTerms, { Type: 'NET', Days: 60, DueDate: due }, 'a purchase order placed next: due 60 days after its OrderDate')
  t.match(placed.result?.PODetails, { PaymentTermDays: 60, DueDate: due })
  t.same((await rpcOver(server.url, 'getOrder', [api, placed.result?.RefNo])).result?.PaymentTerms, placed.result?.PaymentTerms, 'getOrder answers the same')
})
