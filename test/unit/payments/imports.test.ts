import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

// Issue 17: payments/ says what a payment and its pages do; moving the order, its history and its
// notifications is orders/' lifecycle. payments/ never imports that part of orders/ (since issue
// 18 it imports nothing of orders/ at all: test/unit/architecture/import-graph.test.ts).
const LIFECYCLE = ['order-lifecycle', 'order-transitions', 'order-events', 'order-actor', 'order-actions', 'order-sweeps', 'order-admin', 'payment-returns', 'order-store', 'place-order']

t.test('no file under src/payments imports the order lifecycle', async (t) => {
  const dir = fileURLToPath(new URL('../../../src/payments/', import.meta.url))
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  t.ok(files.length > 10, `read ${files.length} files`)
  const imports = new RegExp(`from\\s+['"](?:\\.\\./)+orders/(?:${LIFECYCLE.join('|')})\\.js['"]`)
  t.same(files.filter((f) => imports.test(readFileSync(join(dir, f), 'utf8'))), [])
  t.ok(imports.test("import { recordOrderEvents } from '../orders/order-events.js'"), 'the pattern sees such an import (main\'s payment-pages.ts had two)')
})
