import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { Ajv } from 'ajv'
import t from 'tap'
import { METHODS } from '../../src/rpc/methods/index.js'
import { createTestApp } from '../helpers/app.js'
import { ROOT } from '../helpers/process.js'

// Both meta-schemas ship as CommonJS values without typings for them.
const require = createRequire(import.meta.url)
const metaSchema = require('@open-rpc/meta-schema').openrpcDocument as Record<string, unknown>
const jsonSchemaMetaSchema = require('@json-schema-tools/meta-schema').jsonSchema as Record<string, unknown>

t.test('rpc.discover returns an OpenRPC document that validates against the meta-schema', async (t) => {
  const ta = await createTestApp(t)
  const reply = await ta.rpc('rpc.discover')
  t.notOk(reply.error)
  const document = reply.result as { openrpc: string, methods: Array<{ name: string, errors: unknown[] }> }

  // The OpenRPC meta-schema refers to the JSON Schema meta-schema by URL: both are loaded
  // locally (no network), without their $schema keywords, which Ajv does not know.
  const withoutSchemaKeyword = (s: unknown) => { const { $schema: _ignored, ...rest } = s as Record<string, unknown>; return rest }
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    formats: {
      uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
      'uri-reference': /^\S*$/,
      regex: (pattern: string) => { try { return new RegExp(pattern, 'u') instanceof RegExp } catch { return false } }
    }
  })
  ajv.addSchema(withoutSchemaKeyword(jsonSchemaMetaSchema), 'https://meta.json-schema.tools')
  const validate = ajv.compile(withoutSchemaKeyword(metaSchema))
  const valid = validate(document)
  t.ok(valid, JSON.stringify(validate.errors?.slice(0, 5)))

  t.same(document.methods.map((m) => m.name).sort(), METHODS.map((m) => m.name).sort(), 'every method is documented')
  const login = document.methods.find((m) => m.name === 'login')
  t.match(login?.errors, [{ code: -32602 }, { code: 10000, data: { error_code: 'AUTHENTICATION_FAILED' } }, { code: 10000, data: { error_code: 'DATE_OUT_OF_RANGE' } }, { code: 10005 }])

  const committed = JSON.parse(await readFile(join(ROOT, 'schemas', 'openrpc.json'), 'utf8'))
  t.same(document, committed, 'rpc.discover serves the committed schemas/openrpc.json')

  // An invalid document is refused, so the check above can fail.
  t.notOk(validate({ openrpc: '1.3.2', methods: 'none' }))
})
