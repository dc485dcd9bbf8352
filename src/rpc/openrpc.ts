import { z } from 'zod'
import { ERRORS } from '../errors.js'
import { describeAccess } from './access.js'
import type { MethodDefinition } from './registry.js'

export type JsonSchema = Record<string, unknown>

/** JSON Schema (draft-07) of what a client sends (`input`) or receives (`output`). */
export function toJsonSchema (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema
  delete json.$schema
  return json
}

const VERSION = '0.1.0'

/** The OpenRPC document of every method, with the errors each can return (from ERRORS). */
export function buildOpenRpcDocument (methods: readonly MethodDefinition[]): Record<string, unknown> {
  return {
    openrpc: '1.3.2',
    info: {
      title: 'ordergate',
      version: VERSION,
      description: 'JSON-RPC 2.0 order API, wire-compatible with the placeOrder part of the 2Checkout API 6.0. Params may be positional (the 2Checkout form) or by name.'
    },
    servers: [
      { name: 'ordergate (local default)', url: 'http://127.0.0.1:8080/rpc' },
      { name: 'the 2Checkout path', url: 'http://127.0.0.1:8080/rpc/6.0/' }
    ],
    methods: methods.map((method) => {
      const shape = method.params.shape
      return {
        name: method.name,
        summary: method.summary,
        paramStructure: 'either',
        params: Object.entries(shape).map(([name, schema]) => ({
          name,
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: toJsonSchema(method.paramDocs?.[name] ?? schema as z.ZodType)
        })),
        result: { name: `${method.name}Result`, schema: toJsonSchema(method.result, 'output') },
        'x-access': describeAccess(method.access),
        errors: method.errors.map((reason) => ({ code: ERRORS[reason].code, message: ERRORS[reason].message, data: { error_code: reason } }))
      }
    })
  }
}
