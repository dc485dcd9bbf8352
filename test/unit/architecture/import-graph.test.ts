import { readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { sourceFiles } from '../../helpers/source-files.js'

// Issue 18, item 5: the 2Checkout wire format lives in src/wire, and the components import each
// other one way only. Every file under src/ is parsed with the TypeScript compiler and each of its
// imports (import, export … from, import(), import('…').Type) is held against these rules:
//
// 1. src/payments imports nothing of src/orders, not even a type. placeOrder (src/orders) runs the
//    payment strategies, so orders → payments is the direction of the call and stays allowed:
//    the strategy registry and interface (payment-strategies.ts, payment-strategy.ts), the gateway,
//    the payment pages, the masks. A strategy sees the order only as its PaymentRequest shows it
//    (the normalised Order of src/wire, and the outcome statuses payment-strategy.ts declares), so
//    payments can be read and tested without orders and no cycle between the two can form.
// 2. src/payments holds none of the wire format: no file there imports zod (the PaymentMethod
//    schemas are src/wire's), so whatever orders imports from payments is the payment domain,
//    never a wire helper.
// 3. src/wire calls neither orders' use cases nor payments' strategies: from src/orders and
//    src/payments it takes types (`import type`, erased at run time) and, as values, only their
//    vocabulary: the status lists (src/orders/order.ts) and the payment types
//    (src/payments/payment-types.ts).
// 4. The domain knows nothing about protocols (STYLE.md): src/orders, src/payments and
//    src/catalog import neither fastify (nor @fastify/*) nor json-rpc-2.0, nor the modules that
//    speak them (src/rpc, src/http, src/app.ts, src/server.ts).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export type Import = {
  /** the importing file, from the repository root */
  file: string
  line: number
  /** what was written */
  specifier: string
  /** a file of this repository (from its root, .ts), or the package's name as written */
  target: string
  /** erased at run time: `import type`, `export type … from`, `import('…').Type` */
  typeOnly: boolean
}

const isRelative = (specifier: string): boolean => specifier.startsWith('./') || specifier.startsWith('../')

function resolveTarget (file: string, specifier: string): string {
  if (!isRelative(specifier)) return specifier
  return normalize(join(dirname(file), specifier)).split('\\').join('/').replace(/\.js$/, '.ts')
}

/** Every import of one source file. A dynamic import() of a computed name is returned with the specifier `⟨computed⟩`. */
export function importsOf (file: string, source: string): Import[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: Import[] = []
  const add = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
    found.push({ file, line, specifier, target: specifier === '⟨computed⟩' ? specifier : resolveTarget(file, specifier), typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // `import { type A }` still loads the module (verbatimModuleSyntax keeps `import {}`): a value import.
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly === true)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments
      add(node, arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : '⟨computed⟩', false)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

const under = (folder: string) => (path: string): boolean => path.startsWith(`${folder}/`)
const inOrders = under('src/orders')
const inPayments = under('src/payments')
const inWire = under('src/wire')
const inDomain = (path: string) => inOrders(path) || inPayments(path) || under('src/catalog')(path)

/** Imports that break a rule, each with the reason, as `file:line → specifier (reason)`. */
export function violations (imports: readonly Import[]): Record<'paymentsToOrders' | 'wireInPayments' | 'wireToUseCases' | 'protocolInDomain', string[]> {
  const show = (i: Import, why?: string) => `${i.file}:${i.line} → ${i.specifier}${why === undefined ? '' : ` (${why})`}`
  const WIRE_VALUES_FROM = new Set(['src/orders/order.ts', 'src/payments/payment-types.ts'])
  const PROTOCOL_PACKAGE = /^(?:fastify(?:$|[/-])|@fastify\/|json-rpc-2\.0(?:$|\/))/
  const PROTOCOL_MODULE = (target: string) => under('src/rpc')(target) || under('src/http')(target) || target === 'src/app.ts' || target === 'src/server.ts'
  return {
    paymentsToOrders: imports.filter((i) => inPayments(i.file) && (inOrders(i.target) || i.target === '⟨computed⟩')).map((i) => show(i, i.typeOnly ? 'types too' : undefined)),
    wireInPayments: imports.filter((i) => inPayments(i.file) && (i.target === 'zod' || i.target.startsWith('zod/'))).map((i) => show(i)),
    wireToUseCases: imports.filter((i) => inWire(i.file) && (i.target === '⟨computed⟩' ||
      ((inOrders(i.target) || inPayments(i.target)) && !i.typeOnly && !WIRE_VALUES_FROM.has(i.target)))).map((i) => show(i, 'a value of orders or payments beyond their vocabulary')),
    protocolInDomain: imports.filter((i) => inDomain(i.file) && (PROTOCOL_PACKAGE.test(i.target) || PROTOCOL_MODULE(i.target) || i.target === '⟨computed⟩')).map((i) => show(i))
  }
}

const files = sourceFiles(join(ROOT, 'src'), /\.ts$/).map((path) => relative(ROOT, path).split('\\').join('/'))
const imports = files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')))
const found = violations(imports)

t.test('the scan reads every file under src/ and sees their imports', async (t) => {
  t.ok(files.length > 100, `read ${files.length} files`)
  t.ok(files.some(inWire) && files.some(inOrders) && files.some(inPayments), 'src/wire, src/orders and src/payments are there')
  const seen = (file: string, target: string, typeOnly: boolean) => imports.some((i) => i.file === file && i.target === target && i.typeOnly === typeOnly)
  t.ok(seen('src/orders/place-order.ts', 'src/payments/payment-strategies.ts', false), 'placeOrder\'s import of the strategy registry is seen: the scan is not blind')
  t.ok(seen('src/wire/wire-order.ts', 'src/orders/order-store.ts', true), 'the wire mapper\'s `import type` of StoredOrder is seen as types only')
})

t.test('no file under src/payments imports src/orders, not even its types', async (t) => {
  t.same(found.paymentsToOrders, [], 'payments/ knows the order only through PaymentRequest (src/payments/payment-strategy.ts)')
})

t.test('src/payments holds no wire format: none of its files imports zod', async (t) => {
  t.same(found.wireInPayments, [], 'the PaymentMethod schemas live in src/wire')
})

t.test('src/wire takes only types and vocabulary from src/orders and src/payments, never a use case or a strategy', async (t) => {
  t.same(found.wireToUseCases, [])
})

t.test('src/orders, src/payments and src/catalog import neither fastify nor JSON-RPC', async (t) => {
  t.same(found.protocolInDomain, [])
})

t.test('the rules see each way of writing an import', async (t) => {
  const planted = (file: string, source: string) => violations(importsOf(file, source))
  const source = [
    'import type { Order } from \'../orders/order-schema.js\'',
    'import { type OrderStatus } from \'../orders/order.js\'',
    'export { ORDER_STATUSES } from \'../orders/order.js\'',
    'import {',
    '  findReusableOrder',
    '} from \'../orders/order-reference.js\'',
    'const lazy = async () => await import(\'../orders/place-order.js\')',
    'const named = async (name: string) => await import(name)',
    'type Stored = import(\'../orders/order-store.js\').StoredOrder',
    'import { z } from \'zod\'',
    'import type { FastifyInstance } from \'fastify\'',
    'import { JSONRPCServer } from \'json-rpc-2.0\'',
    'import { toRpcError } from \'../rpc/errors.js\''
  ].join('\n')
  const payments = planted('src/payments/planted.ts', source)
  t.equal(payments.paymentsToOrders.length, 7, 'payments → orders: import type, import { type }, export from, multi-line, import(), a computed import(), import(\'…\').Type')
  t.same(payments.wireInPayments, ['src/payments/planted.ts:10 → zod'])
  t.same(payments.protocolInDomain, [
    'src/payments/planted.ts:8 → ⟨computed⟩',
    'src/payments/planted.ts:11 → fastify',
    'src/payments/planted.ts:12 → json-rpc-2.0',
    'src/payments/planted.ts:13 → ../rpc/errors.js'
  ])
  t.same(planted('src/orders/planted.ts', 'import { PAYMENT_STRATEGIES } from \'../payments/payment-strategies.js\'\nimport type { Reply } from \'@fastify/reply\'\n'), {
    paymentsToOrders: [], wireInPayments: [], wireToUseCases: [], protocolInDomain: ['src/orders/planted.ts:2 → @fastify/reply']
  }, 'orders → payments is allowed; a @fastify package is not')
  t.same(planted('src/catalog/planted.ts', 'import fastify from \'fastify\'\n').protocolInDomain, ['src/catalog/planted.ts:1 → fastify'])
  const wire = planted('src/wire/planted.ts', [
    'import type { StoredOrder } from \'../orders/order-store.js\'',
    'import { ORDER_STATUSES } from \'../orders/order.js\'',
    'import { normalisePaymentType } from \'../payments/payment-types.js\'',
    'import { placeOrder } from \'../orders/place-order.js\'',
    'import { PAYMENT_STRATEGIES } from \'../payments/payment-strategies.js\'',
    'import { type PaymentOutcome } from \'../payments/payment-strategy.js\''
  ].join('\n'))
  t.same(wire.wireToUseCases, [
    'src/wire/planted.ts:4 → ../orders/place-order.js (a value of orders or payments beyond their vocabulary)',
    'src/wire/planted.ts:5 → ../payments/payment-strategies.js (a value of orders or payments beyond their vocabulary)',
    'src/wire/planted.ts:6 → ../payments/payment-strategy.js (a value of orders or payments beyond their vocabulary)'
  ], 'types and the vocabulary pass; a use case, the registry and an `import { type }` (it loads the module) do not')
})
