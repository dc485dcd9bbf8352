// Writes README.md's error reference, between `<!-- errors:start -->` and `<!-- errors:end -->`,
// from the error catalogs: ERRORS (reason → JSON-RPC code and message) and
// ORDER_FIELD_ERROR_CODES (the per-field codes of a -32602 answer). `--check` fails when the
// committed README differs from what the catalogs generate (run by `npm test`).
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERRORS } from '../src/errors.js'
import { ORDER_FIELD_ERROR_CODES } from '../src/wire/order-field-errors.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const readmePath = join(root, 'README.md')
const check = process.argv.includes('--check')

const START = '<!-- errors:start -->'
const END = '<!-- errors:end -->'

// A table cell: a literal `|` would end the cell, a newline the row.
const cell = (text: string | number) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

function renderErrors (): string {
  return [
    START,
    '<!-- Generated from src/errors.ts and src/wire/order-field-errors.ts by `npm run docs:generate`: do not edit by hand. -->',
    '',
    '| code | error_code | message |',
    '|---|---|---|',
    ...Object.entries(ERRORS).map(([reason, { code, message }]) => `| ${cell(code)} | \`${cell(reason)}\` | ${cell(message)} |`),
    '',
    'Field errors: the `error_code` of each entry of `data.fields` in a -32602 answer.',
    '',
    '| error_code | message |',
    '|---|---|',
    ...Object.entries(ORDER_FIELD_ERROR_CODES).map(([code, message]) => `| \`${cell(code)}\` | ${cell(message)} |`),
    END
  ].join('\n')
}

const readme = await readFile(readmePath, 'utf8')
const start = readme.indexOf(START)
const end = readme.indexOf(END)
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} section to generate`)
  process.exit(1)
}
const generated = readme.slice(0, start) + renderErrors() + readme.slice(end + END.length)

if (check) {
  if (generated !== readme) {
    console.error('README.md\'s error reference is stale (run npm run docs:generate)')
    process.exit(1)
  }
  console.log(`README.md's error reference is fresh (${Object.keys(ERRORS).length} errors, ${Object.keys(ORDER_FIELD_ERROR_CODES).length} field errors)`)
} else {
  await writeFile(readmePath, generated)
  console.log(`wrote README.md's error reference (${Object.keys(ERRORS).length} errors, ${Object.keys(ORDER_FIELD_ERROR_CODES).length} field errors)`)
}
