import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { loadCatalog } from '../../src/catalog/catalog-store.js'
import { normaliseCatalog } from '../../src/catalog/catalog-file.js'
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.js'
import { createDb } from '../../src/db/database.js'
import { ADMIN_URL, postgresAvailable } from '../helpers/db.js'
import { ROOT, runOrdergate, startServer } from '../helpers/process.js'

const SUMMARY = {
  products: 4,
  crossSellCampaigns: 1,
  promotions: 2,
  shippingMethods: 2,
  vatRates: 5,
  currencies: 0,
  archived: { products: 0, promotions: 0, shippingMethods: 0 }
}

t.test('ordergate catalog load and ordergate demo', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-catalog-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  let env: Record<string, string> = { DATA_DIR: dir, DATABASE_URL: '' }
  let query: ((text: string) => Promise<unknown[]>) | undefined
  if (await postgresAvailable()) {
    const name = `ordergate_catalog_cli_${process.pid}_${randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`create database "${name}"`)
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    env = { ...env, DATABASE_URL: url.toString() }
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    query = async (text) => (await client.query(text)).rows
    t.teardown(async () => {
      await client.end()
      await admin.query(`drop database if exists "${name}" with (force)`)
      await admin.end()
    })
  } else {
    t.comment('no PostgreSQL server answers: the CLI runs on the embedded backend')
  }

  const created = await runOrdergate(['merchant', 'create', '--code', 'SHOP1'], env)
  t.equal(created.code, 0, created.stderr)

  const loaded = await runOrdergate(['catalog', 'load', '--merchant', 'SHOP1', join(ROOT, 'samples', 'catalog', 'demo-catalog.json')], env)
  t.equal(loaded.code, 0, loaded.stderr)
  t.strictSame(JSON.parse(loaded.stdout), { merchant: 'SHOP1', ...SUMMARY }, 'prints a JSON summary')

  const again = await runOrdergate(['catalog', 'load', '--merchant', 'SHOP1', join(ROOT, 'samples', 'catalog', 'demo-catalog.json')], env)
  t.equal(again.code, 0, again.stderr)
  t.strictSame(JSON.parse(again.stdout), { merchant: 'SHOP1', ...SUMMARY }, 'loading again is idempotent')
  if (query !== undefined) {
    t.strictSame(await query('select count(*)::int as n from products'), [{ n: 4 }])
    t.strictSame(await query("select code, amount_minor::text as amount from product_prices join products on products.id = product_id where code = 'BOOK-PRINT' order by currency"),
      [{ code: 'BOOK-PRINT', amount: '2300' }, { code: 'BOOK-PRINT', amount: '2500' }])
  }

  const broken = join(dir, 'broken.json')
  await writeFile(broken, JSON.stringify({
    products: [{ code: 'X', name: 'X', kind: 'DIGITAL', prices: { USD: '1.001' } }],
    promotions: [{ code: 'P', name: 'P', type: 'PERCENT', appliesTo: 'ORDER' }]
  }))
  const refused = await runOrdergate(['catalog', 'load', '--merchant', 'SHOP1', broken], env)
  t.not(refused.code, 0, 'a broken file exits non-zero')
  t.equal(refused.stderr.trim().split('\n').length, 1, 'with one line')
  t.match(refused.stderr, /products\.0\.prices\.USD: .*; promotions\.0\.percent: /, 'naming every path')
  t.equal(refused.stdout, '')
  if (query !== undefined) t.strictSame(await query('select count(*)::int as n from products where archived_at is null'), [{ n: 4 }], 'and writes nothing')

  const notJson = join(dir, 'not.json')
  await writeFile(notJson, '{ "products": [')
  const unparsable = await runOrdergate(['catalog', 'load', '--merchant', 'SHOP1', notJson], env)
  t.not(unparsable.code, 0)
  t.match(unparsable.stderr, /^ordergate catalog: .*not\.json: not valid JSON/)
  t.equal(unparsable.stderr.trim().split('\n').length, 1)

  t.equal((await runOrdergate(['merchant', 'create', '--code', 'SHOP2'], env)).code, 0)
  const demo = await runOrdergate(['demo', '--merchant', 'SHOP2'], env)
  t.equal(demo.code, 0, demo.stderr)
  t.strictSame(JSON.parse(demo.stdout), { merchant: 'SHOP2', ...SUMMARY })
  if (query !== undefined) t.strictSame(await query('select count(*)::int as n from products'), [{ n: 8 }], 'each merchant has its own four products')

  for (const args of [['demo', '--merchant', 'NOBODY'], ['catalog', 'load', '--merchant', 'NOBODY', join(ROOT, 'samples', 'catalog', 'demo-catalog.json')]]) {
    const unknown = await runOrdergate(args, env)
    t.not(unknown.code, 0, `${args[0]} for an unknown merchant exits non-zero`)
    t.equal(unknown.stderr.trim(), `ordergate ${args[0]}: unknown merchant "NOBODY"`, 'with one line')
  }

  const usage = await runOrdergate(['catalog', 'load', join(ROOT, 'samples', 'catalog', 'demo-catalog.json')], env)
  t.equal(usage.code, 64, 'no --merchant is a usage error')
  t.equal(usage.stderr.trim().split('\n').length, 1)
})

t.test('the embedded default starts with the DEMO merchant and the demo catalog', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-demo-seed-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO_MERCHANT_SECRET: '' })
  t.teardown(() => server.stop())
  t.match(server.output(), /demo merchant code: DEMO/)
  t.equal(await server.stop(), 0)

  // The server is gone: its embedded database can be opened and read.
  const database = await createDb({ kind: 'pglite', dataDir })
  t.teardown(() => database.close())
  const demo = await database.db.selectFrom('merchants').select('id').where('code', '=', 'DEMO').executeTakeFirstOrThrow()
  t.strictSame(await loadCatalog(database.db, demo.id), normaliseCatalog(DEMO_CATALOG))
})
