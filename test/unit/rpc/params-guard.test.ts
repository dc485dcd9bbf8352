import t from 'tap'
import { AppError } from '../../../src/errors.js'
import { METHODS } from '../../../src/rpc/methods/index.js'
import { toJsonSchema, type JsonSchema } from '../../../src/rpc/openrpc.js'
import { guardParams, MAX_PARAMS_DEPTH, NOT_FREE_TEXT } from '../../../src/rpc/params-guard.js'
import type { MethodDefinition } from '../../../src/rpc/registry.js'
import { PAYMENT_METHOD_SUB_OBJECTS } from '../../../src/wire/payment-methods/method-input.js'

type Segment = string | number

/** Every path of a string (or string-or-number) field in a JSON Schema, and the schema's depth. */
function stringPaths (schema: JsonSchema, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  const branches = [...(schema.anyOf as JsonSchema[] | undefined ?? []), ...(schema.oneOf as JsonSchema[] | undefined ?? [])]
  for (const branch of branches) stringPaths(branch, at, out)
  if ((schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'))) && !out.some((p) => JSON.stringify(p) === JSON.stringify(at))) out.push(at)
  for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema> | undefined ?? {})) stringPaths(child, [...at, key], out)
  if (typeof schema.items === 'object' && schema.items !== null) stringPaths(schema.items as JsonSchema, [...at, 0], out)
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) stringPaths(schema.additionalProperties as JsonSchema, [...at, 'AnyKey'], out)
  return out
}

function paramSchemas (method: MethodDefinition): JsonSchema {
  const properties = Object.fromEntries(Object.entries(method.params.shape).map(([name, schema]) => [name, toJsonSchema(method.paramDocs?.[name] ?? schema as never)]))
  return { type: 'object', properties }
}

/** Params holding `value` at `path` (objects and arrays made on the way). */
function paramsWith (path: readonly Segment[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  let node: any = root
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      node[segment] = value
      return
    }
    node[segment] ??= typeof path[index + 1] === 'number' ? [] : {}
    node = node[segment]
  })
  return root
}

function refusal (method: MethodDefinition, params: unknown): Array<{ path: string, error_code: string, message: string }> {
  try {
    guardParams(method, params as never)
    return []
  } catch (err) {
    if (!(err instanceof AppError) || err.reason !== 'INVALID_PARAMS') throw err
    return err.fields ?? []
  }
}

// src/wire/payment-methods/token.ts accepts these names for PaymentToken (not in the JSON Schema)
const WALLET_TOKEN_ALIASES: Record<string, string> = { ApplePayToken: 'PaymentToken', GooglePayToken: 'PaymentToken' }
const wirePath = (path: readonly Segment[]) => (path[0] === 'Order' ? path.slice(1) : path).join('.')
const CARD = '4111 1111 1111 1111'

t.test('a card number in any string field of any method is refused unless the field is declared not free text', async (t) => {
  let checked = 0
  let exempted = 0
  for (const method of METHODS) {
    const exempt = new Set([...(NOT_FREE_TEXT['*'] ?? []), ...(NOT_FREE_TEXT[method.name] ?? [])].map((p) => JSON.stringify(p)))
    for (const path of stringPaths(paramSchemas(method))) {
      const fields = refusal(method, paramsWith(path, CARD))
      if (exempt.has(JSON.stringify(path))) {
        exempted++
        t.same(fields, [], `${method.name} ${path.join('.')} is a card, token or secret field`)
      } else {
        checked++
        t.same(fields, [{ path: wirePath(path), error_code: 'CARD_NUMBER_IN_TEXT', message: 'Do not type a card number in this field: card numbers are accepted only in PaymentDetails.PaymentMethod.CardNumber.' }], `${method.name} ${path.join('.')}`)
      }
    }
  }
  t.ok(checked > 150, `${checked} free-text fields checked, ${exempted} card/secret fields exempted`)
  t.comment(`${checked} free-text fields of ${METHODS.length} methods refuse a card number; ${exempted} card, token and secret fields take it`)
})

t.test('every declared exemption names a method and a string field it has (no stale or misspelt exemption)', async (t) => {
  const subObjects = new Set(Object.values(PAYMENT_METHOD_SUB_OBJECTS))
  for (const [name, paths] of Object.entries(NOT_FREE_TEXT)) {
    const methods = name === '*' ? METHODS : METHODS.filter((m) => m.name === name)
    t.ok(methods.length > 0, `${name} is a method`)
    const known = new Set(methods.flatMap((m) => stringPaths(paramSchemas(m))).map((p) => JSON.stringify(p)))
    for (const path of paths) {
      // seed 002's named sub-object (PaymentMethod.CardPayment.CardNumber) is the same field
      const flat = path.filter((segment, index) => !(index === 3 && path[2] === 'PaymentMethod' && subObjects.has(segment)))
        .map((segment) => WALLET_TOKEN_ALIASES[segment] ?? segment)
      t.ok(known.has(JSON.stringify(flat)), `${name}: ${path.join('.')} is a string field`)
    }
  }
})

t.test('card numbers are caught in numbers, keys and named payment sub-objects; card fields take them', async (t) => {
  const placeOrder = METHODS.find((m) => m.name === 'placeOrder') as MethodDefinition
  const searchCatalog = METHODS.find((m) => m.name === 'searchCatalog') as MethodDefinition
  t.same(refusal(placeOrder, { Order: { PaymentDetails: { PaymentMethod: { InternalPONumber: 4111111111111111 } } } }).map((f) => [f.path, f.error_code]),
    [['PaymentDetails.PaymentMethod.InternalPONumber', 'CARD_NUMBER_IN_TEXT']], 'a JSON number is stored as its digits')
  t.same(refusal(placeOrder, { Order: { PaymentDetails: { PaymentMethod: { CardPayment: { CardNumber: '4111111111111111', HolderName: '5555-5555-5555-4444' } } } } }).map((f) => [f.path, f.error_code]),
    [['PaymentDetails.PaymentMethod.CardPayment.HolderName', 'CARD_NUMBER_IN_TEXT']], 'CardNumber under CardPayment is the card field; HolderName beside it is not')
  t.same(refusal(searchCatalog, { Query: { Attributes: { 378282246310005: 'x' } } }),
    [{ path: 'Query.Attributes.***************', error_code: 'CARD_NUMBER_IN_TEXT', message: 'Do not type a card number in this field: card numbers are accepted only in PaymentDetails.PaymentMethod.CardNumber.' }],
    'a key: refused, and not echoed in the path')
  t.same(refusal(placeOrder, [undefined, { Unknown: { Deeper: '6011 1111 1111 1117' } }]).map((f) => f.path), ['Unknown.Deeper'], 'unknown fields and positional params too')
})

t.test('lone surrogates and U+0000 in strings and keys are refused naming the field, valid pairs pass', async (t) => {
  const placeOrder = METHODS.find((m) => m.name === 'placeOrder') as MethodDefinition
  const lone = 'text must be valid Unicode: a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair) cannot be stored'
  for (const [label, text] of [['high alone', 'Jo\ud83dhn'], ['low alone', 'Jo\ude00hn'], ['reversed pair', 'Jo\ude00\ud83dhn'], ['at the end', 'John\ud800']] as const) {
    t.same(refusal(placeOrder, { Order: { BillingDetails: { FirstName: text } } }), [{ path: 'BillingDetails.FirstName', error_code: 'FIELD_INVALID', message: lone }], label)
  }
  t.same(refusal(placeOrder, { Order: { AdditionalFields: [{ Code: 'a', Value: 'ok' }, { 'k\udc00': 'v' }] } }),
    [{ path: 'AdditionalFields.1.k\uFFFD', error_code: 'FIELD_INVALID', message: `the field name: ${lone}` }], 'a key, named without the surrogate')
  t.same(refusal(placeOrder, { Order: { GiftDetails: { GiftNote: 'x\u0000' } } }), [{ path: 'GiftDetails.GiftNote', error_code: 'FIELD_INVALID', message: 'text must not contain the NUL character (U+0000)' }])
  t.same(refusal(placeOrder, { Order: { BillingDetails: { FirstName: 'Zoë 😀 Ω 中文' } } }), [], 'astral characters (valid pairs) and other scripts pass')
  const many = refusal(placeOrder, { Order: { Notes: Array.from({ length: 5000 }, () => '\ud800') } })
  t.equal(many.length, 100, 'at most 100 field errors are answered')
})

t.test(`params nest at most ${MAX_PARAMS_DEPTH} levels, far above the deepest legitimate params of any method`, async (t) => {
  // the deepest legitimate params, measured on every method's JSON Schema (+1: seed 002's named PaymentMethod sub-object)
  let deepest = 0
  for (const method of METHODS) {
    for (const path of stringPaths(paramSchemas(method))) deepest = Math.max(deepest, path.length + (path.includes('PaymentMethod') ? 1 : 0))
  }
  t.equal(deepest, 6, 'Order.Items.0.AdditionalFields.0.Code: params, Order, Items, item, AdditionalFields, field')
  t.ok(MAX_PARAMS_DEPTH >= 4 * deepest, `the cap (${MAX_PARAMS_DEPTH}) leaves room for extensions of the wire format`)
  const placeOrder = METHODS.find((m) => m.name === 'placeOrder') as MethodDefinition
  const nested = (levels: number, leaf: unknown = 'x'): unknown => {
    let value = leaf
    for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value }
    return value
  }
  t.same(refusal(placeOrder, { Order: nested(MAX_PARAMS_DEPTH - 1) }), [], `${MAX_PARAMS_DEPTH} levels in all pass`)
  const deep = refusal(placeOrder, { Order: nested(MAX_PARAMS_DEPTH) })
  t.same(deep.map((f) => f.error_code), ['NESTING_TOO_DEEP'])
  t.equal(deep[0]?.path.split('.').length, MAX_PARAMS_DEPTH - 1, 'the path names the first level past the cap (Order. left out)')
  for (const levels of [2_000, 100_000, 1_000_000]) {
    const params = [undefined, nested(levels, '\ud800')]
    const start = process.hrtime.bigint()
    t.same(refusal(placeOrder, params).map((f) => f.error_code), ['NESTING_TOO_DEEP'], `${levels} levels: refused, no RangeError`)
    t.ok(Number(process.hrtime.bigint() - start) / 1e6 < 50, 'in well under 50 ms: the walk stops at the cap')
  }
})
