import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { startDemoServer } from '../helpers/demo-server.js'
import { ROOT } from '../helpers/process.js'

// The README's quick start is what people paste first: its ```sh blocks run here, as written,
// against a live server (only the host and the printed secret are filled in).

const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
const quickStart = /\n## Quick start[^\n]*\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''
const blocks = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
const README_HOST = 'HOST=http://127.0.0.1:8080'
const README_SECRET = "SECRET='<the secret>'"

t.test('the quick start has its shell blocks, with the placeholders this test fills in', async (t) => {
  t.ok(quickStart.length > 0, 'a "## Quick start" section')
  t.equal(blocks.length, 2, 'log in; place, fetch and validate')
  t.equal(blocks.join('').split(README_HOST).length - 1, 1, README_HOST)
  t.equal(blocks.join('').split(README_SECRET).length - 1, 1, README_SECRET)
})

t.test('the quick start\'s curl examples run against a live server', async (t) => {
  const server = await startDemoServer()
  t.teardown(() => server.close())

  // The banner the README shows is the one the server prints.
  for (const line of quickStart.split('\n').filter((text) => /^ {2}(JSON-RPC endpoint|demo merchant code|demo secret key):/.test(text))) {
    const label = line.trim().split(':')[0] ?? ''
    t.match(server.output(), `  ${label}:`, `the server prints "${label}:"`)
  }
  t.match(server.output(), `demo secret key:    ${server.secret}`)

  const script = ['set -euo pipefail', ...blocks].join('\n')
    .replace(README_HOST, `HOST=${server.url}`)
    .replace(README_SECRET, `SECRET='${server.secret}'`)
  const { code, stdout, stderr } = await new Promise<{ code: number, stdout: string, stderr: string }>((resolve) => {
    execFile('bash', ['-c', script], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
    })
  })
  t.equal(code, 0, `the blocks run without error (stderr: ${stderr})`)
  const lines = stdout.trim().split('\n')
  t.equal(lines.length, 4, 'sessionID, placeOrder, getOrder, isValidOrderReference')
  const [session, placed, fetched, valid] = lines

  t.match(session, /^[0-9a-f]{64}$/, 'echo "$SESSION" prints the sessionID')

  const order = JSON.parse(placed ?? 'null')
  t.match(order, { jsonrpc: '2.0', id: 2, result: { RefNo: /^[0-9]+$/, Errors: null } })
  t.match(placed, '"Status":"AUTHRECEIVED"')
  // What the README says the order looks like.
  for (const text of ['"ApproveStatus":"WAITING"', '"VendorApproveStatus":"OK"', '"NetPrice":99', '"FirstDigits":"411111","LastDigits":"1111"', '"Errors":null']) {
    t.match(placed, text, `the Order has ${text}`)
  }
  const refNo = order.result.RefNo as string

  const got = JSON.parse(fetched ?? 'null')
  t.match(got, { jsonrpc: '2.0', id: 3, result: { RefNo: refNo, Status: 'AUTHRECEIVED' } })
  t.strictSame(got.result, order.result, 'getOrder returns the same Order')

  t.strictSame(JSON.parse(valid ?? 'null'), { jsonrpc: '2.0', id: 4, result: true }, 'isValidOrderReference answers true')
})
