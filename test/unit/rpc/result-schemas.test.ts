import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { z } from 'zod'
import { METHODS } from '../../../src/rpc/methods/index.js'
import { toJsonSchema, type JsonSchema } from '../../../src/rpc/openrpc.js'
import { ROOT } from '../../helpers/process.js'

// Issue 18, typed results: no result schema is, or contains, an open record. A client generated
// from schemas/openrpc.json must know every field of what it receives.

const SHAPE_KEYWORDS = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'not'] as const

/** The paths of `schema` where anything goes: no type at all (z.unknown, z.any), an object open to any key (z.record of unknown, loose / passthrough objects). */
function openPlaces (schema: JsonSchema, path = '$'): string[] {
  const found: string[] = []
  if (!SHAPE_KEYWORDS.some((k) => schema[k] !== undefined)) found.push(`${path}: no type (unknown / any)`)
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.includes('object')) {
    const extra = schema.additionalProperties
    if (extra === undefined || extra === true) found.push(`${path}: object open to any key`)
    else if (extra !== false) found.push(...openPlaces(extra, `${path}.*`))
  }
  if (types.includes('array')) {
    if (schema.items === undefined) found.push(`${path}: array of anything`)
    else found.push(...openPlaces(schema.items, `${path}[]`))
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) found.push(...openPlaces(property, `${path}.${name}`))
  for (const [name, definition] of Object.entries(schema.definitions ?? {})) found.push(...openPlaces(definition, `${path}#${name}`))
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    (schema[key] ?? []).forEach((branch, index) => found.push(...openPlaces(branch, `${path}.${key}[${index}]`)))
  }
  return found
}

t.test('the walk finds each kind of open record, so the checks below can fail', async (t) => {
  t.same(openPlaces(toJsonSchema(z.record(z.string(), z.unknown()), 'output')), ['$.*: no type (unknown / any)'])
  t.same(openPlaces(toJsonSchema(z.object({ A: z.unknown() }), 'output')), ['$.A: no type (unknown / any)'])
  t.same(openPlaces(toJsonSchema(z.object({ A: z.string() }).loose(), 'output')), ['$.*: no type (unknown / any)'])
  t.same(openPlaces(toJsonSchema(z.object({ A: z.array(z.any()) }), 'output')), ['$.A[]: no type (unknown / any)'])
  t.same(openPlaces(toJsonSchema(z.union([z.string(), z.object({}).passthrough()]), 'output')), ['$.anyOf[1].*: no type (unknown / any)'])
  t.same(openPlaces({ type: 'object', properties: {} }), ['$: object open to any key'])
  t.same(openPlaces(toJsonSchema(z.object({ A: z.string(), B: z.record(z.string(), z.number()) }), 'output')), [], 'closed objects and typed records pass')
})

t.test('no result schema in schemas/openrpc.json is or contains an open record', async (t) => {
  const document = JSON.parse(await readFile(join(ROOT, 'schemas', 'openrpc.json'), 'utf8')) as { methods: Array<{ name: string, result: { schema: JsonSchema } }> }
  t.same(document.methods.map((m) => m.name).sort(), METHODS.map((m) => m.name).sort(), 'every method is in the committed document')
  for (const method of document.methods) {
    t.same(openPlaces(method.result.schema), [], `${method.name}'s result is closed`)
  }
})

t.test('no result schema of the registry is or contains an open record', async (t) => {
  for (const method of METHODS) {
    t.same(openPlaces(toJsonSchema(method.result, 'output')), [], `${method.name}'s result is closed`)
  }
})
