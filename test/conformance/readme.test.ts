import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { ERRORS } from '../../src/errors.js'
import { ORDER_FIELD_ERROR_CODES } from '../../src/wire/order-field-errors.js'
import { ROOT } from '../helpers/process.js'

// The README's error reference is what integrators switch on: it must list exactly the error
// catalog, in order. It is generated (npm run docs:generate); this reads the tables back.

const readme = await readFile(join(ROOT, 'README.md'), 'utf8')

/** The cells of a Markdown table row, with `\|` unescaped and code spans unwrapped. */
function cells (row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|').replace(/^`(.*)`$/, '$1'))
}

/** Every table in the text: its header cells and its body rows' cells. */
function tables (text: string): Array<{ header: string[], rows: string[][] }> {
  const found: Array<{ header: string[], rows: string[][] }> = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (!line.startsWith('|') || !/^\|[-| :]+\|$/.test(lines[i + 1] ?? '')) continue
    const rows: string[][] = []
    let j = i + 2
    while ((lines[j] ?? '').startsWith('|')) rows.push(cells(lines[j++] ?? ''))
    found.push({ header: cells(line), rows })
    i = j
  }
  return found
}

const start = readme.indexOf('<!-- errors:start -->')
const end = readme.indexOf('<!-- errors:end -->')

t.test('the README has one generated error reference section', async (t) => {
  t.ok(start >= 0 && end > start, 'between <!-- errors:start --> and <!-- errors:end -->')
  t.equal(readme.indexOf('<!-- errors:start -->', start + 1), -1, 'only one')
})

const section = tables(readme.slice(start, end))

t.test('the README\'s error table equals ERRORS: code, error_code and message of every reason, in order', async (t) => {
  const table = section.find((candidate) => candidate.header.join(',') === 'code,error_code,message')
  if (table === undefined) return t.fail('no | code | error_code | message | table in the section')
  const expected = Object.entries(ERRORS).map(([reason, { code, message }]) => [String(code), reason, message])
  t.strictSame(table.rows, expected, 'run npm run docs:generate after changing src/errors.ts')
})

t.test('the README\'s field error table equals ORDER_FIELD_ERROR_CODES', async (t) => {
  const table = section.find((candidate) => candidate.header.join(',') === 'error_code,message')
  if (table === undefined) return t.fail('no | error_code | message | table in the section')
  const expected = Object.entries(ORDER_FIELD_ERROR_CODES).map(([code, message]) => [code, message])
  t.strictSame(table.rows, expected, 'run npm run docs:generate after changing src/wire/order-field-errors.ts')
})

t.test('the table parser reads escaped pipes and code spans', async (t) => {
  t.strictSame(cells('| -32602 | `INVALID_PARAMS` | a \\| b |'), ['-32602', 'INVALID_PARAMS', 'a | b'])
  t.strictSame(tables('x\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\ny'), [{ header: ['a', 'b'], rows: [['1', '2'], ['3', '4']] }])
})
