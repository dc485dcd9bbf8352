import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SANDBOX_CARDS } from '../../src/payments/sandbox-processor.js'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { testCardOrder, withCard } from '../helpers/orders.js'
import { phpListenerUnavailable, startPhpListener, type IpnLogLine, type PhpListener } from '../helpers/php-listener.js'
import { loginOver, ROOT, rpcOver, runOrdergate, startServer, type RunningServer } from '../helpers/process.js'

// Issue 17, first acceptance item: a merchant listener written from 2Checkout's IPN
// documentation (samples/php/ipn-listener.php under `php -S`: HASH check, read receipt) receives
// one valid IPN per order change, with the right ORDERSTATUS, for every kind of change a shop
// sees, and ordergate records each notification as delivered on the listener's receipt.

type Notification = { Url: string, State: string, Attempts: number, Tries: Array<{ HttpStatus: number | null, ReceiptValid: boolean, Error: string | null }> }

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms))
const SEED_004 = JSON.parse(await readFile(join(ROOT, 'test', 'fixtures', 'seed-004-po-order.json'), 'utf8')) as Record<string, any>
const manualPo = (poNumber: string, externalReference: string) => ({
  ...SEED_004,
  ExternalReference: externalReference,
  PaymentDetails: { ...SEED_004.PaymentDetails, PaymentMethod: { PurchaseOrderPaymentDetails: { InternalPONumber: poNumber, AutoApprove: false } } }
})

const unavailable = await phpListenerUnavailable()
if (unavailable !== null) {
  t.fail(`the IPN listener sample needs PHP: ${unavailable}`)
} else {
  t.test('the PHP listener sample gets one valid IPN per change (card, 3DS page, PO approved and cancelled, staff cancel, fraud review OKAY, a sha256 merchant) with the right ORDERSTATUS, each recorded DELIVERED on its receipt', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-ipn-php-'))
    t.teardown(() => rm(dataDir, { recursive: true, force: true }))
    const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_ipn_php')
    if (databaseUrl === undefined) t.comment('no PostgreSQL server answers: on the embedded backend')
    const env = {
      DATABASE_URL: databaseUrl ?? '',
      DATA_DIR: dataDir,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      IPN_POLL_MS: '50',
      IPN_ALLOW_PRIVATE_NETWORKS: 'true'
    }
    // The merchants, their catalogs and the staff user, by the CLI, before the server starts
    // (the embedded database has one user at a time).
    const cli = async (args: string[], input?: string): Promise<any> => {
      const result = await runOrdergate(args, env, input)
      if (result.code !== 0) throw new Error(`ordergate ${args.join(' ')}: ${result.stderr}`)
      return JSON.parse(result.stdout)
    }
    const shop = await cli(['merchant', 'create', '--code', 'PHPSHOP']) as { code: string, secret: string }
    const shop256 = await cli(['merchant', 'create', '--code', 'PHPSHA2']) as { code: string, secret: string }
    await cli(['demo', '--merchant', shop.code])
    await cli(['demo', '--merchant', shop256.code])
    const password = `staff ${randomBytes(8).toString('hex')}`
    await cli(['user', 'create', '--merchant', shop.code, '--username', 'agent', '--password-stdin', '--privilege', 'CANCEL_ORDERS', '--privilege', 'APPROVE_FRAUD', '--privilege', 'PLACE_ORDERS_ON_BEHALF'], `${password}\n`)

    const listeners: PhpListener[] = []
    t.teardown(async () => { await Promise.all(listeners.map(async (l) => await l.close())) })
    const listener = await startPhpListener({ SECRET_KEY: shop.secret, IPN_ALGORITHM: 'md5' })
    listeners.push(listener)
    const listener256 = await startPhpListener({ SECRET_KEY: shop256.secret, IPN_ALGORITHM: 'sha256' })
    listeners.push(listener256)

    const server: RunningServer = await startServer(env)
    t.teardown(async () => { await server.stop() })
    const url = server.url
    const session = (await loginOver(url, shop.code, shop.secret)).result as string
    const session256 = (await loginOver(url, shop256.code, shop256.secret)).result as string
    const staff = await rpcOver(url, 'loginUser', [shop.code, 'agent', password])
    t.notOk(staff.error, `the staff user logs in: ${JSON.stringify(staff.error)}`)
    const staffSession = staff.result as string
    t.notOk((await rpcOver(url, 'setIpnSettings', [session, { Urls: [listener.url] }])).error, 'md5 merchant: IPN to the listener')
    t.notOk((await rpcOver(url, 'setIpnSettings', [session256, { Urls: [listener256.url], HashAlgorithm: 'sha256' }])).error, 'sha256 merchant: IPN to its listener')

    const call = async (method: string, params: unknown[]): Promise<any> => {
      const reply = await rpcOver(url, method, params)
      if (reply.error !== undefined) throw new Error(`${method}: ${JSON.stringify(reply.error)}`)
      return reply.result
    }
    const place = async (order: Record<string, any>, sessionId = session): Promise<any> => await call('placeOrder', [sessionId, order])

    const card = await place(testCardOrder({ ExternalReference: 'PHP-CARD' }))
    t.equal(card.Status, 'AUTHRECEIVED', 'card order')

    const threeDs = await place(withCard(testCardOrder({ ExternalReference: 'PHP-3DS' }), { CardNumber: SANDBOX_CARDS.REQUIRE_3DS }))
    t.equal(threeDs.Status, 'PENDING', '3DS order waits for the page')
    const { Href, Params } = threeDs.PaymentDetails.PaymentMethod.Authorize3DS as { Href: string, Params: { avng8apitoken: string } }
    const pagePath = new URL(Href).pathname
    const page = await fetch(`${url}${pagePath}?avng8apitoken=${encodeURIComponent(Params.avng8apitoken)}`)
    t.equal(page.status, 200, 'the sandbox 3DS page opens')
    t.match(await page.text(), /<form method="post" action="\/sandbox\/3ds">/)
    const submitted = await fetch(`${url}${pagePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ avng8apitoken: Params.avng8apitoken, action: 'complete' }).toString(),
      redirect: 'manual'
    })
    t.equal(submitted.status, 303, 'the page is completed: back to the shop')

    const poApproved = await place(manualPo('PO-PHP-1', 'PHP-PO-OK'))
    t.equal(poApproved.Status, 'UNFINISHED', 'manual PO waits for approval')
    t.equal((await call('approvePurchaseOrder', [session, poApproved.RefNo])).Status, 'PURCHASE_PENDING', 'approved')
    const poCancelled = await place(manualPo('PO-PHP-2', 'PHP-PO-NO'))
    t.equal((await call('cancelPurchaseOrder', [session, poCancelled.RefNo])).Status, 'CANCELED', 'PO cancelled')

    const staffCancelled = await place(testCardOrder({ ExternalReference: 'PHP-STAFF-CANCEL' }))
    t.equal((await call('cancelOrder', [staffSession, staffCancelled.RefNo, 'customer called'])).Status, 'CANCELED', 'cancelled by the staff user')

    const fraud = await place(withCard(testCardOrder({ ExternalReference: 'PHP-FRAUD', CustomerReference: 770001 }), { HolderName: 'FRAUD REVIEW' }))
    t.match(fraud, { Status: 'PENDING', FraudReview: { Status: 'OPEN' } }, 'held for fraud review')
    const found = await call('searchCustomers', [staffSession, { CustomerReference: 770001 }])
    t.equal(found.Total, 1, 'the held order\'s customer, found by CustomerReference')
    const reviewed = await call('reviewCustomer', [staffSession, found.Customers[0].CustomerId, 'OKAY', 'called the shopper'])
    t.same(reviewed.Orders, [{ RefNo: fraud.RefNo, Status: 'AUTHRECEIVED' }], 'review OKAY releases the order')

    const sha256Card = await place(testCardOrder({ ExternalReference: 'PHP-SHA256' }), session256)

    const expected: Array<[string, PhpListener, string, string[]]> = [
      ['card order', listener, String(card.RefNo), ['PAYMENT_AUTHORIZED']],
      ['3DS order completed on the sandbox page', listener, String(threeDs.RefNo), ['PENDING', 'PAYMENT_AUTHORIZED']],
      ['purchase order approved', listener, String(poApproved.RefNo), ['PENDING', 'PURCHASE_PENDING']],
      ['purchase order cancelled', listener, String(poCancelled.RefNo), ['PENDING', 'CANCELED']],
      ['card order cancelled by staff', listener, String(staffCancelled.RefNo), ['PAYMENT_AUTHORIZED', 'CANCELED']],
      ['fraud review OKAY', listener, String(fraud.RefNo), ['PENDING', 'PAYMENT_AUTHORIZED']],
      ['sha256 merchant\'s card order', listener256, String(sha256Card.RefNo), ['PAYMENT_AUTHORIZED']]
    ]
    const received = (log: IpnLogLine[], refNo: string) => log.filter((line) => line.REFNO === refNo && line.status === 200)
    const logs = async () => new Map(await Promise.all(listeners.map(async (l) => [l, await l.log()] as const)))
    const histories = async () => await Promise.all(expected.map(async ([, l, refNo]) => (await call('getOrderHistory', [l === listener256 ? session256 : session, refNo])).Notifications as Notification[]))
    const done = async () => {
      const now = await logs()
      if (!expected.every(([, l, refNo, statuses]) => received(now.get(l) ?? [], refNo).length >= statuses.length)) return false
      return (await histories()).every((ns, i) => ns.length === expected[i]?.[3].length && ns.every((n) => n.State !== 'PENDING'))
    }
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && !await done()) await sleep(200)

    const final = await logs()
    for (const [l, lines] of final) {
      t.same(lines.filter((line) => !line.valid || line.status !== 200), [], `${l === listener ? 'md5' : 'sha256'} listener: every IPN passed its HASH check and got its receipt (200)`)
      const keys = lines.map((line) => `${line.REFNO} ${line.ORDERSTATUS} ${line.IPN_DATE}`)
      t.equal(new Set(keys).size, keys.length, `${l === listener ? 'md5' : 'sha256'} listener: no IPN received twice`)
    }
    const notifications = await histories()
    expected.forEach(([what, l, refNo, statuses], i) => {
      t.same(received(final.get(l) ?? [], refNo).map((line) => line.ORDERSTATUS), statuses, `${what}: ORDERSTATUS ${statuses.join(', ')}, in order`)
      const ns = notifications[i] ?? []
      t.same(ns.map((n) => [n.Url, n.State, n.Tries.length, n.Tries[0]?.HttpStatus, n.Tries[0]?.ReceiptValid]), statuses.map(() => [l.url, 'DELIVERED', 1, 200, true]),
        `${what}: getOrderHistory shows ${statuses.length} notification(s) DELIVERED, one try each with a valid receipt`)
    })
    t.equal(final.get(listener)?.length, expected.filter((e) => e[1] === listener).reduce((n, e) => n + e[3].length, 0), 'md5 listener: nothing else received')
    t.equal(final.get(listener256)?.length, 1, 'sha256 listener: nothing else received')
  })
}
