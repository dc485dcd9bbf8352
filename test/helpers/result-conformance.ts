// Every result the test suite receives is checked against its method's result schema in the
// committed schemas/openrpc.json (issue 18, typed results): the document a client generates its
// code from must describe exactly what the server sends. The test helpers that speak JSON-RPC
// (createTestApp's rpc and post, rpcOver for a started server) call checkRpcExchange on every
// reply; a result that does not validate throws, failing the calling test with the method and
// Ajv's errors.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'

// Not ROOT from process.ts: process.ts imports app.ts, which imports this module.
const DOCUMENT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas', 'openrpc.json')

type Document = { methods: Array<{ name: string, result: { schema: Record<string, unknown> } }> }

let resultSchemas: Map<string, Record<string, unknown>> | undefined
const validators = new Map<string, ValidateFunction>()
// Formats are not checked: the result schemas name none, and the meta-schema test covers the document itself.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })

/** The committed result schema of `method`, or undefined for a method the document does not list (a test's own extra method). */
export function resultSchemaOf (method: string): Record<string, unknown> | undefined {
  resultSchemas ??= new Map((JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Document).methods.map((m) => [m.name, m.result.schema]))
  return resultSchemas.get(method)
}

/** Throws when `result` does not validate against `method`'s committed result schema; a method the document does not list is not checked. */
export function checkResult (method: string, result: unknown): void {
  let validate = validators.get(method)
  if (validate === undefined) {
    const schema = resultSchemaOf(method)
    if (schema === undefined) return
    validate = ajv.compile(schema)
    validators.set(method, validate)
  }
  if (!validate(result)) {
    const errors = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath === '' ? '(result)' : e.instancePath} ${e.message ?? ''}${e.params !== undefined ? ` ${JSON.stringify(e.params)}` : ''}`)
    throw new Error(`${method}: the result does not match its schema in schemas/openrpc.json:\n  ${errors.join('\n  ')}\nresult: ${JSON.stringify(result).slice(0, 2000)}`)
  }
}

type Request = { method?: unknown, id?: unknown }
type Reply = { id?: unknown, result?: unknown, error?: unknown }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks each successful reply of a JSON-RPC exchange (one request or a batch, as sent and as
 * answered) against the result schema of the method its id answers. Bodies that are not JSON-RPC
 * (a parse error test's garbage) and replies whose id matches no single request are left alone.
 */
export function checkRpcExchange (request: unknown, reply: unknown): void {
  const requests: Request[] = Array.isArray(request) ? request.filter(isObject) : isObject(request) ? [request] : []
  const replies: Reply[] = Array.isArray(reply) ? reply.filter(isObject) : isObject(reply) ? [reply] : []
  for (const answer of replies) {
    if (!('result' in answer) || answer.error !== undefined) continue
    const asked = requests.filter((r) => r.id === answer.id && typeof r.method === 'string')
    if (asked.length !== 1) continue
    checkResult(asked[0]!.method as string, answer.result)
  }
}
