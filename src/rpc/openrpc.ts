import { z } from 'zod'
import { PRIVILEGES, type Privilege } from '../auth/privileges.js'
import { ERRORS } from '../errors.js'
import { describeAccess } from './access.js'
import type { MethodDefinition } from './registry.js'

const JsonScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()])

/** A JSON Schema (draft-07) as z.toJSONSchema writes them: the keywords it uses, nothing else. */
export type JsonSchema = {
  $ref?: string | undefined
  definitions?: Record<string, JsonSchema> | undefined
  title?: string | undefined
  description?: string | undefined
  type?: string | string[] | undefined
  properties?: Record<string, JsonSchema> | undefined
  required?: string[] | undefined
  additionalProperties?: boolean | JsonSchema | undefined
  propertyNames?: JsonSchema | undefined
  items?: JsonSchema | undefined
  anyOf?: JsonSchema[] | undefined
  oneOf?: JsonSchema[] | undefined
  allOf?: JsonSchema[] | undefined
  not?: JsonSchema | undefined
  enum?: Array<z.output<typeof JsonScalarSchema>> | undefined
  const?: z.output<typeof JsonScalarSchema> | undefined
  default?: z.output<typeof JsonScalarSchema> | Array<z.output<typeof JsonScalarSchema>> | undefined
  format?: string | undefined
  pattern?: string | undefined
  minimum?: number | undefined
  maximum?: number | undefined
  exclusiveMinimum?: number | undefined
  exclusiveMaximum?: number | undefined
  multipleOf?: number | undefined
  minLength?: number | undefined
  maxLength?: number | undefined
  minItems?: number | undefined
  maxItems?: number | undefined
  uniqueItems?: boolean | undefined
}

export const JsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() => z.object({
  $ref: z.string().optional(),
  definitions: z.record(z.string(), JsonSchemaSchema).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  type: z.union([z.string(), z.array(z.string())]).optional(),
  properties: z.record(z.string(), JsonSchemaSchema).optional(),
  required: z.array(z.string()).optional(),
  additionalProperties: z.union([z.boolean(), JsonSchemaSchema]).optional(),
  propertyNames: JsonSchemaSchema.optional(),
  items: JsonSchemaSchema.optional(),
  anyOf: z.array(JsonSchemaSchema).optional(),
  oneOf: z.array(JsonSchemaSchema).optional(),
  allOf: z.array(JsonSchemaSchema).optional(),
  not: JsonSchemaSchema.optional(),
  enum: z.array(JsonScalarSchema).optional(),
  const: JsonScalarSchema.optional(),
  default: z.union([JsonScalarSchema, z.array(JsonScalarSchema)]).optional(),
  format: z.string().optional(),
  pattern: z.string().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.number().optional(),
  exclusiveMaximum: z.number().optional(),
  multipleOf: z.number().optional(),
  minLength: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  minItems: z.number().int().optional(),
  maxItems: z.number().int().optional(),
  uniqueItems: z.boolean().optional()
}).describe('JSON Schema (draft-07)'))

const PrivilegeSchema = z.enum(Object.keys(PRIVILEGES) as [Privilege, ...Privilege[]])

/** A method's `x-access`: who may call it (src/rpc/access.ts describeAccess). */
export const AccessDescriptionSchema = z.union([
  z.object({ public: z.literal(true) }),
  z.object({
    merchantSession: z.boolean().describe('the merchant\'s API session (login) may call it'),
    userPrivileges: z.array(PrivilegeSchema).nullable().describe('the privileges a user\'s session (loginUser) needs; null: user sessions may not call it'),
    conditions: z.array(z.object({
      when: z.string(),
      merchantSession: z.literal(false).optional().describe('the merchant\'s API session may not send these params'),
      userPrivileges: z.array(PrivilegeSchema)
    }))
  })
])
export type AccessDescription = z.output<typeof AccessDescriptionSchema>

/** The OpenRPC document this service publishes (rpc.discover, schemas/openrpc.json). */
export const OpenRpcDocumentSchema = z.object({
  openrpc: z.string(),
  info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
  servers: z.array(z.object({ name: z.string(), url: z.string() })),
  methods: z.array(z.object({
    name: z.string(),
    summary: z.string(),
    paramStructure: z.literal('either'),
    params: z.array(z.object({ name: z.string(), required: z.boolean(), schema: JsonSchemaSchema })),
    result: z.object({ name: z.string(), schema: JsonSchemaSchema }),
    'x-access': AccessDescriptionSchema,
    errors: z.array(z.object({ code: z.number().int(), message: z.string(), data: z.object({ error_code: z.string() }) }))
  }))
}).describe('OpenRPC document')
export type OpenRpcDocument = z.output<typeof OpenRpcDocumentSchema>

/** JSON Schema (draft-07) of what a client sends (`input`) or receives (`output`). */
export function toJsonSchema (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema & { $schema?: string }
  return json
}

const VERSION = '0.1.0'

/** The OpenRPC document of every method, with the errors each can return (from ERRORS). */
export function buildOpenRpcDocument (methods: readonly MethodDefinition[]): OpenRpcDocument {
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
