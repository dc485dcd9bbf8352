// Writes schemas/: openrpc.json (every method, its params, result and errors) and one JSON
// Schema per method's params and result, plus order.json. `--check` fails when the committed
// copy differs from what the code generates (run by `npm test`).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { METHODS } from '../src/rpc/methods/index.js'
import { buildOpenRpcDocument, toJsonSchema } from '../src/rpc/openrpc.js'
import { EXTRA_SCHEMAS } from '../src/rpc/schemas.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const outDir = join(root, 'schemas')
const check = process.argv.includes('--check')

const files = new Map<string, unknown>()
files.set('openrpc.json', buildOpenRpcDocument(METHODS))
for (const method of METHODS) {
  files.set(`${method.name}.params.json`, toJsonSchema(method.params.extend(method.paramDocs ?? {})))
  files.set(`${method.name}.result.json`, toJsonSchema(method.result, 'output'))
}
for (const [name, schema] of Object.entries(EXTRA_SCHEMAS)) files.set(`${name}.json`, toJsonSchema(schema as z.ZodType))

const render = (value: unknown) => JSON.stringify(value, null, 2) + '\n'

if (check) {
  const stale: string[] = []
  for (const [name, value] of files) {
    const committed = await readFile(join(outDir, name), 'utf8').catch(() => undefined)
    if (committed !== render(value)) stale.push(name)
  }
  const present = await readdir(outDir).catch(() => [] as string[])
  const extra = present.filter((name) => name.endsWith('.json') && !files.has(name))
  if (stale.length > 0 || extra.length > 0) {
    console.error(`schemas/ is stale (run npm run schemas:generate): ${[...stale, ...extra.map((n) => `${n} (no longer generated)`)].join(', ')}`)
    process.exit(1)
  }
  console.log(`schemas/ is fresh (${files.size} files)`)
} else {
  await mkdir(outDir, { recursive: true })
  for (const [name, value] of files) await writeFile(join(outDir, name), render(value))
  console.log(`wrote ${files.size} files to schemas/`)
}
