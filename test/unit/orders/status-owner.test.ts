import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { sourceFiles } from '../../helpers/source-files.js'

// Issue 17: "No other code writes orders.status" than the lifecycle owner. Every file under src/
// is parsed with the TypeScript compiler and each way of writing the column is flagged:
// - a Kysely `updateTable('orders')` chain whose `.set(...)` names `status`, or whose set
//   cannot be read: a spread or computed key it cannot see through, a variable, a callback,
//   `$call` / `$if`, the chain's query kept in a variable, a table name that is not a literal;
// - an `insertInto('orders')` chain with `onConflict` (an upsert may change a status);
// - SQL text (string, template, a concatenation) `update orders … set … status`, an UPDATE of a
//   table it cannot read (`update ${…}`) setting a status, or `insert into orders … on conflict
//   … do update set … status`.
// An INSERT of a new order (src/orders/order-store.ts's INSERT_ORDERS) writes its first status:
// that is creation, not a change, and is allowed. Only src/orders/order-lifecycle.ts may write.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const OWNER = 'src/orders/order-lifecycle.ts'

export type StatusWrite = { file: string, line: number, what: string }

// stands for a substitution (`${…}`) or a non-literal operand in the SQL text
const PLACEHOLDER = '⟨expr⟩'

/** `orders` (also `public.orders`, quoted, with an alias), another table, or a name not visible. */
function tableOf (name: string): 'orders' | 'other' | 'unknown' {
  const text = name.trim().toLowerCase().replace(/"/g, '')
  if (text.includes(PLACEHOLDER)) return 'unknown'
  return /^(public\.)?orders(\s+(as\s+)?\w+)?$/.test(text) ? 'orders' : 'other'
}

function tableArg (arg: ts.Expression | undefined): 'orders' | 'other' | 'unknown' {
  if (arg === undefined) return 'unknown'
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return tableOf(arg.text)
  if (ts.isArrayLiteralExpression(arg)) {
    const tables = arg.elements.map((e) => tableArg(e))
    return tables.includes('orders') ? 'orders' : tables.includes('unknown') ? 'unknown' : 'other'
  }
  return 'unknown'
}

function unwrap (node: ts.Expression): ts.Expression {
  let e = node
  while (ts.isParenthesizedExpression(e)) e = e.expression
  return e
}

function methodName (call: ts.CallExpression): string | undefined {
  const callee = call.expression
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) return callee.argumentExpression.text
  return undefined
}

/** The text of a property name, or undefined when it is computed from something not literal. */
function keyText (name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text
  if (ts.isComputedPropertyName(name)) {
    const e = unwrap(name.expression)
    return ts.isStringLiteralLike(e) || ts.isNumericLiteral(e) ? e.text : undefined
  }
  return undefined
}

/** What is wrong with a set object: it names status, or hides what it names. */
function objectProblems (node: ts.Expression): string[] {
  const e = unwrap(node)
  if (ts.isConditionalExpression(e)) return [...objectProblems(e.whenTrue), ...objectProblems(e.whenFalse)]
  if (!ts.isObjectLiteralExpression(e)) return [`an object it cannot see (${e.getText()})`]
  const problems: string[] = []
  for (const property of e.properties) {
    if (ts.isSpreadAssignment(property)) {
      problems.push(...objectProblems(property.expression).map((p) => (p.startsWith('an object') ? `a spread of ${p}` : p)))
      continue
    }
    const key = keyText(property.name)
    if (key === undefined) problems.push(`a computed key it cannot see ([${property.name.getText()}])`)
    else if (key === 'status') problems.push('the status key')
  }
  return problems
}

function setProblems (call: ts.CallExpression): string[] {
  const [first, second] = call.arguments
  if (first === undefined) return []
  if (second !== undefined) {
    const key = unwrap(first)
    if (ts.isStringLiteralLike(key)) return key.text === 'status' ? ['set(\'status\', …)'] : []
    return [`set(${key.getText()}, …) with a column it cannot see`]
  }
  const arg = unwrap(first)
  if ((ts.isArrowFunction(arg) || ts.isFunctionExpression(arg))) {
    const body = ts.isArrowFunction(arg) && !ts.isBlock(arg.body) ? arg.body : undefined
    return body !== undefined ? objectProblems(body) : ['a set callback it cannot see']
  }
  return objectProblems(arg)
}

/** The calls chained on `start` (`start.a(…).b(…)`), and whether the chain's value escapes before ending in a call. */
function chainOf (start: ts.CallExpression): { calls: Array<{ name: string, call: ts.CallExpression }>, end: ts.Expression } {
  const calls: Array<{ name: string, call: ts.CallExpression }> = []
  let node: ts.Expression = start
  for (;;) {
    let parent = node.parent
    while (ts.isParenthesizedExpression(parent)) { node = parent; parent = node.parent }
    if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
      const call = parent.parent
      calls.push({ name: methodName(call) ?? '?', call })
      node = call
      continue
    }
    return { calls, end: node }
  }
}

/** The text of a string, template (substitutions as a placeholder) or a `+` of them. */
function textOf (node: ts.Node): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => PLACEHOLDER + s.literal.text).join('')
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = textOf(node.left)
    const right = textOf(node.right)
    return left === undefined && right === undefined ? undefined : (left ?? PLACEHOLDER) + (right ?? PLACEHOLDER)
  }
  if (ts.isParenthesizedExpression(node)) return textOf(node.expression)
  return undefined
}

// a set clause runs to its WHERE, FROM, RETURNING, or the statement's end
const SET_CLAUSE = /\bset\b([\s\S]*?)(?:\bwhere\b|\bfrom\b|\breturning\b|;|$)/i

/** `status = …`, or `(…, status, …) = (…)`, in a set clause. */
function setsStatus (clause: string): boolean {
  if (/(?:^|[^\w."])"?status"?\s*=/i.test(clause)) return true
  return [...clause.matchAll(/\(([^)]*)\)\s*=/g)].some((m) => (m[1] ?? '').split(',').some((column) => /^"?status"?$/i.test(column.trim())))
}

const UPDATE = new RegExp(`\\bupdate\\s+(?:only\\s+)?("?[\\w.]+"?(?:\\s+(?:as\\s+)?(?!set\\b)\\w+)?|${PLACEHOLDER})`, 'gi')
const INSERT = new RegExp(`\\binsert\\s+into\\s+("?[\\w.]+"?|${PLACEHOLDER})`, 'gi')

function sqlProblems (text: string): string[] {
  const problems: string[] = []
  for (const match of text.matchAll(UPDATE)) {
    const table = tableOf(match[1] ?? '')
    if (table === 'other') continue
    const clause = SET_CLAUSE.exec(text.slice((match.index ?? 0) + match[0].length))?.[1] ?? ''
    if (setsStatus(clause)) problems.push(table === 'orders' ? 'SQL update orders … set status' : 'SQL update of a table it cannot see … set status')
    else if (table === 'orders' && new RegExp(`(?:^|,)\\s*${PLACEHOLDER}`).test(clause)) problems.push('SQL update orders … set with a column it cannot see')
  }
  for (const match of text.matchAll(/\bon\s+conflict\b[\s\S]*?\bdo\s+update\b/gi)) {
    const before = text.slice(0, match.index)
    const insert = [...before.matchAll(INSERT)].pop()
    const table = tableOf(insert?.[1] ?? PLACEHOLDER)
    if (table === 'other') continue
    const clause = SET_CLAUSE.exec(text.slice((match.index ?? 0) + match[0].length))?.[1] ?? ''
    if (table === 'orders' || setsStatus(clause)) problems.push('SQL insert into orders … on conflict do update')
  }
  return problems
}

/** Every place in this source that writes (or may write, unseen) orders.status. */
export function findStatusWrites (file: string, source: string): StatusWrite[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const found: StatusWrite[] = []
  const report = (node: ts.Node, what: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
    if (!found.some((f) => f.line === line && f.what === what)) found.push({ file, line, what })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = methodName(node)
      if (name === 'updateTable') {
        const table = tableArg(node.arguments[0])
        if (table === 'unknown') report(node, `updateTable(${node.arguments.map((a) => a.getText()).join(', ')}) of a table it cannot see`)
        if (table === 'orders') {
          const { calls } = chainOf(node)
          const sets = calls.filter((c) => c.name === 'set')
          for (const c of calls) if (c.name === '$call' || c.name === '$if' || c.name === '?') report(c.call, `updateTable('orders') … .${c.name}(…) it cannot see through`)
          if (sets.length === 0) report(node, 'updateTable(\'orders\') whose .set(…) is not in its chain')
          for (const s of sets) for (const problem of setProblems(s.call)) report(s.call, `updateTable('orders').set(…) with ${problem}`)
        }
      }
      if (name === 'insertInto' && tableArg(node.arguments[0]) !== 'other') {
        for (const c of chainOf(node).calls) if (c.name === 'onConflict' || c.name === '$call' || c.name === '$if') report(c.call, `insertInto('orders') … .${c.name}(…): an upsert may change a status`)
      }
    }
    const parentText = node.parent !== undefined && ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken
    if (!parentText) {
      const text = textOf(node)
      if (text !== undefined) for (const problem of sqlProblems(text)) report(node, problem)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

t.test('no file under src/ but the lifecycle owner writes orders.status', async (t) => {
  const files = sourceFiles(join(ROOT, 'src'), /\.(ts|tsx|mts|cts|js|mjs)$/)
  t.ok(files.length > 50, `read ${files.length} files`)
  const writes = files.flatMap((path) => findStatusWrites(relative(ROOT, path).split('\\').join('/'), readFileSync(path, 'utf8')))
  t.same(writes.filter((w) => w.file !== OWNER), [], 'only src/orders/order-lifecycle.ts (changeOrderStatus)')
  t.match(writes.filter((w) => w.file === OWNER), [{ what: /status key/ }], 'the owner\'s own write is seen: the check is not blind')
  const store = readFileSync(join(ROOT, 'src/orders/order-store.ts'), 'utf8')
  t.match(store, /insert into orders \([^)]*\bstatus\b/, 'placeOrder\'s INSERT writes the first status, allowed as creation')
})

/* eslint-disable no-template-curly-in-string -- the planted sources are TypeScript text holding template literals */
const flags = (source: string) => findStatusWrites('src/orders/planted.ts', source).map((w) => w.what)

t.test('the checker flags a planted Kysely write of orders.status, however it is spelled', async (t) => {
  const planted: Array<[string, RegExp]> = [
    ['db.updateTable(\'orders\').set({ status: \'CANCELED\' }).where(\'id\', \'=\', id).execute()', /status key/],
    ['db.updateTable(\'orders\').set({ \'status\': to }).execute()', /status key/],
    ['db.updateTable(\'orders\').set({ status }).execute()', /status key/],
    ['db.updateTable(\'orders\').set({ [\'status\']: to }).execute()', /status key/],
    ['db.updateTable(\'orders as o\').set({ updated_at: now, status: to }).execute()', /status key/],
    ['db.updateTable("public.orders").set({ status: to }).execute()', /status key/],
    ['db.updateTable(\'orders\').set((eb) => ({ status: eb.val(to) })).execute()', /status key/],
    ['db.updateTable(\'orders\').set({ ...(cancel ? { status: \'CANCELED\' } : {}) }).execute()', /status key/],
    ['db.updateTable(\'orders\').set(\'status\', to).execute()', /set\('status'/],
    ['db.updateTable(\'orders\').set({ ...patch }).execute()', /spread of an object it cannot see/],
    ['db.updateTable(\'orders\').set({ [column]: to }).execute()', /computed key/],
    ['db.updateTable(\'orders\').set(values).execute()', /object it cannot see/],
    ['db.updateTable(\'orders\').set(column, to).execute()', /column it cannot see/],
    ['db.updateTable(\'orders\').set(function () { return { status: to } }).execute()', /callback/],
    ['const q = db.updateTable(\'orders\'); await q.set({ status: to }).execute()', /not in its chain/],
    ['db.updateTable(\'orders\').$call((qb) => qb.set({ status: to })).set({ extra: x }).execute()', /\$call/],
    ['db.updateTable(table).set({ status: to }).execute()', /table it cannot see/],
    ['db.insertInto(\'orders\').values(row).onConflict((oc) => oc.column(\'id\').doUpdateSet({ status: to })).execute()', /upsert/]
  ]
  for (const [source, what] of planted) t.match(flags(source), [what], source)
})

t.test('the checker flags planted SQL that updates orders.status', async (t) => {
  const planted: Array<[string, RegExp]> = [
    ['await sql`update orders set status = ${to} where id = ${id}`.execute(db)', /update orders … set status/],
    ['await sql`UPDATE "orders" SET "status"=$1 WHERE id = $2`.execute(db)', /update orders … set status/],
    ['await sql`update public.orders o set updated_at = now(), status = \'CANCELED\' where o.id = ${id}`.execute(db)', /update orders … set status/],
    ['await sql`update orders set (status, updated_at) = (${to}, now())`.execute(db)', /update orders … set status/],
    ['const q = \'update orders set status = $1 where id = $2\'', /update orders … set status/],
    ['const q = "update orders " + "set status = $1"', /update orders … set status/],
    ['await sql`with x as (select 1) update orders set status = ${to}`.execute(db)', /update orders … set status/],
    ['await sql`update ${sql.table(name)} set status = ${to}`.execute(db)', /table it cannot see … set status/],
    ['await sql`update orders set ${sql.raw(assignments)} where id = ${id}`.execute(db)', /column it cannot see/],
    ['await sql`insert into orders (id, status) values (${id}, ${to}) on conflict (id) do update set status = excluded.status`.execute(db)', /on conflict do update/]
  ]
  for (const [source, what] of planted) t.match(flags(source), [what], source)
})

t.test('the checker lets through what does not write orders.status', async (t) => {
  const fine = [
    'db.updateTable(\'orders\').set({ placed_by_user_id: user.id }).where(\'id\', \'=\', id).execute()',
    'db.updateTable(\'orders\').set({ fraud_status: \'OPEN\', ...(x ? { extra: e } : {}) }).execute()',
    'db.updateTable(\'payments\').set({ status: \'CANCELED\' }).execute()',
    'db.updateTable(\'fraud_reviews\').set({ ...patch }).execute()',
    'db.insertInto(\'orders\').values({ status: \'PENDING\' }).execute()',
    'await sql`update payments set status = ${s} where order_id = ${id}`.execute(db)',
    'await sql`update orders set updated_at = now() where status = \'PENDING\'`.execute(db)',
    'await sql`update orders o set fraud_status = ${s}, next_status = 1 from payments p where p.order_id = o.id and o.status = ${x}`.execute(db)',
    'await sql`insert into orders (merchant_id, status) values (${m}, ${s}) returning id`.execute(db)',
    'await sql`insert into orders (id, status) select 1, 2; insert into stored_cards (a) values (1) on conflict (a) do update set last_used_at = now()`.execute(db)',
    'const message = \'please update the order status\''
  ]
  for (const source of fine) t.same(flags(source), [], source)
})
