import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startDemoServer } from '../helpers/demo-server.js'
import { childEnv, ROOT } from '../helpers/process.js'

// Every client sample in samples/ runs here, as an integrator would run it, against the built
// server on a fresh PostgreSQL database seeded with the DEMO merchant and catalog.

type Run = { code: number, stdout: string, stderr: string }

function run (file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env: childEnv(env), timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
    })
  })
}

const CURL = join(ROOT, 'samples', 'curl')
const PHP = join(ROOT, 'samples', 'php')
const SESSION_ID = /^[0-9a-f]{64}$/

function parse (t: Test, result: Run): any {
  t.equal(result.code, 0, `exit code 0 (stderr: ${result.stderr})`)
  return JSON.parse(result.stdout)
}

const server = await startDemoServer()
t.teardown(() => server.close())
t.comment(`samples run against ${server.url} (${server.backend})`)
const settings = { ORDERGATE_HOST: server.url, MERCHANT_CODE: server.code, SECRET_KEY: server.secret }
const curl = (script: string, args: string[] = [], env: Record<string, string> = settings) => run('bash', [join(CURL, script), ...args], env)

t.test('curl samples', async (t) => {
  t.test('login.sh prints a sessionID, with settings from the environment or from arguments', async (t) => {
    const fromEnv = await curl('login.sh')
    t.equal(fromEnv.code, 0, fromEnv.stderr)
    t.match(fromEnv.stdout.trim(), SESSION_ID)
    t.equal(fromEnv.stdout.split('\n').length, 2, 'one line')

    const fromArgs = await curl('login.sh', [`${server.url}/rpc`, server.code, server.secret], { ORDERGATE_HOST: '', MERCHANT_CODE: '', SECRET_KEY: '' })
    t.equal(fromArgs.code, 0, fromArgs.stderr)
    t.match(fromArgs.stdout.trim(), SESSION_ID)
    t.not(fromArgs.stdout, fromEnv.stdout, 'a new session each login')
  })

  t.test('login.sh with a wrong secret exits 1 with the JSON-RPC error on stderr', async (t) => {
    const result = await curl('login.sh', [], { ...settings, SECRET_KEY: 'not-the-secret-key' })
    t.equal(result.code, 1)
    t.equal(result.stdout, '')
    t.match(result.stderr, /"code":10000.*"error_code":"AUTHENTICATION_FAILED"/)
  })

  t.test('login.sh without a secret exits 64 with a usage line', async (t) => {
    const result = await curl('login.sh', [], { ...settings, SECRET_KEY: '' })
    t.equal(result.code, 64)
    t.match(result.stderr, /no secret key/)
  })

  let refNo = ''
  t.test('place-order-card.sh prints the Order, AUTHRECEIVED with the card masked', async (t) => {
    const result = await curl('place-order-card.sh')
    const order = parse(t, result)
    t.match(order, {
      RefNo: /^[0-9]+$/,
      MerchantCode: 'DEMO',
      Status: 'AUTHRECEIVED',
      ApproveStatus: 'WAITING',
      VendorApproveStatus: 'OK',
      Currency: 'usd',
      NetPrice: 99,
      ExternalReference: 'CURL_SAMPLE_CARD',
      Items: [{ Code: 'my_subscription_1', Quantity: 1 }],
      PaymentDetails: { Type: 'TEST', PaymentMethod: { CardType: 'visa', FirstDigits: '411111', LastDigits: '1111' } },
      Errors: null
    })
    t.notMatch(result.stdout, /4111111111111111/, 'the card number is not echoed')
    refNo = order.RefNo

    const fetched = await curl('get-order.sh', [refNo])
    t.strictSame(parse(t, fetched), order, 'get-order.sh returns the same Order')

    const valid = await curl('is-valid-order-reference.sh', [refNo])
    t.equal(valid.code, 0, valid.stderr)
    t.equal(valid.stdout, 'true\n', 'is-valid-order-reference.sh prints true')
  })

  t.test('is-valid-order-reference.sh prints false for an unknown RefNo; get-order.sh exits 1 with ORDER_NOT_FOUND', async (t) => {
    const valid = await curl('is-valid-order-reference.sh', ['999999999'])
    t.equal(valid.code, 0, valid.stderr)
    t.equal(valid.stdout, 'false\n')

    const missing = await curl('get-order.sh', ['999999999'])
    t.equal(missing.code, 1)
    t.equal(missing.stdout, '')
    t.match(missing.stderr, /"code":55201.*"error_code":"ORDER_NOT_FOUND"/)

    const usage = await curl('get-order.sh', [])
    t.equal(usage.code, 64, 'no RefNo: usage')
  })

  t.test('place-order-3ds.sh prints a PENDING Order with Authorize3DS', async (t) => {
    const result = await curl('place-order-3ds.sh')
    const order = parse(t, result)
    t.match(order, {
      RefNo: /^[0-9]+$/,
      Status: 'PENDING',
      PaymentDetails: {
        Type: 'CC',
        PaymentMethod: {
          FirstDigits: '400000',
          LastDigits: '3220',
          Authorize3DS: { Href: /^https?:\/\/.+\/sandbox\/3ds$/, Method: 'GET', Params: { avng8apitoken: /^\S+$/ } }
        }
      },
      Errors: null
    })
    const token = order.PaymentDetails.PaymentMethod.Authorize3DS.Params.avng8apitoken as string
    t.match(result.stderr, `?avng8apitoken=${token}`, 'the page to send the shopper to, on stderr')
    const valid = await curl('is-valid-order-reference.sh', [order.RefNo])
    t.equal(valid.stdout, 'false\n', 'not usable before the 3DS step')
  })

  t.test('place-order-po.sh places seed 004\'s purchase order: PURCHASE_PENDING (DEMO has PO auto-approve)', async (t) => {
    const result = await curl('place-order-po.sh')
    const order = parse(t, result)
    t.match(order, {
      RefNo: /^[0-9]+$/,
      Status: 'PURCHASE_PENDING',
      Currency: 'usd',
      BillingDetails: { FirstName: 'Test Cosmin API', Company: 'ABC Company' },
      DeliveryDetails: null,
      PaymentDetails: { Type: 'PURCHASEORDER' },
      Errors: null
    })
    const fetched = await curl('get-order.sh', [order.RefNo])
    t.strictSame(parse(t, fetched), order, 'get-order.sh returns the same Order')
  })
})

t.test('purchase-order.php is seed 004\'s sample, changed only where it gets its host and credentials', async (t) => {
  const seed = await readFile(join(ROOT, 'test', 'fixtures', 'seed-004-purchase-order.php'), 'utf8')
  const sample = await readFile(join(PHP, 'purchase-order.php'), 'utf8')
  const code = (text: string) => text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('//'))
  const expected = code(seed).map((line) => line === "require ('PATH_TO_AUTH');" ? "require (__DIR__ . '/login.php');" : line)
  t.strictSame(code(sample), [...expected, 'print_json($order);'])
})

const php = await run('php', ['-r', 'exit(function_exists("curl_init") ? 0 : 3);'])
const phpMissing = php.code === 0 ? false : 'php-cli with php-curl is not installed (apt-get install php-cli php-curl; CI installs them)'
if (phpMissing !== false && process.env.CI === 'true') {
  t.fail(`CI must run the PHP samples: ${phpMissing}`)
}

t.test('PHP samples', { skip: process.env.CI === 'true' ? false : phpMissing }, async (t) => {
  t.test('login.php prints the sessionID as JSON', async (t) => {
    const result = await run('php', [join(PHP, 'login.php')], settings)
    t.match(parse(t, result), SESSION_ID)
  })

  t.test('login.php takes host, merchant code and secret as arguments; a wrong secret exits 1', async (t) => {
    const ok = await run('php', [join(PHP, 'login.php'), server.url, server.code, server.secret], { ORDERGATE_HOST: '', SECRET_KEY: '' })
    t.match(parse(t, ok), SESSION_ID)
    const refused = await run('php', [join(PHP, 'login.php'), server.url, server.code, 'not-the-secret-key'])
    t.equal(refused.code, 1)
    t.equal(refused.stdout, '')
    t.match(refused.stderr, /"code":10000.*"error_code":"AUTHENTICATION_FAILED"/)
  })

  t.test('place-order.php places a TEST card order with positional params: AUTHRECEIVED', async (t) => {
    const order = parse(t, await run('php', [join(PHP, 'place-order.php')], settings))
    t.match(order, {
      RefNo: /^[0-9]+$/,
      Status: 'AUTHRECEIVED',
      ExternalReference: 'PHP_SAMPLE_CARD',
      PaymentDetails: { Type: 'TEST', PaymentMethod: { FirstDigits: '411111', LastDigits: '1111' } },
      Errors: null
    })
    const fetched = await curl('get-order.sh', [order.RefNo])
    t.equal(parse(t, fetched).RefNo, order.RefNo, 'the curl client fetches the order the PHP client placed')
    t.equal((await curl('is-valid-order-reference.sh', [order.RefNo])).stdout, 'true\n')
  })

  t.test('purchase-order.php (seed 004, only host and credentials changed) succeeds: PURCHASE_PENDING', async (t) => {
    const order = parse(t, await run('php', [join(PHP, 'purchase-order.php')], settings))
    t.match(order, {
      RefNo: /^[0-9]+$/,
      Status: 'PURCHASE_PENDING',
      Currency: 'usd',
      BillingDetails: { FirstName: 'Test Cosmin API', LastName: 'Cosmin API', Company: 'ABC Company' },
      DeliveryDetails: null,
      PaymentDetails: { Type: 'PURCHASEORDER' },
      Errors: null
    })
    const fetched = await curl('get-order.sh', [order.RefNo])
    t.equal(parse(t, fetched).Status, 'PURCHASE_PENDING')
  })
})
