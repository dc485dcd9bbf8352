import type { JSONRPCParams } from 'json-rpc-2.0'
import { AppError, type FieldError } from '../errors.js'
import { storableText, unstorableText, walkJson, type JsonSegment } from '../json-walk.js'
import { containsCardNumber } from '../wire/field-checks.js'
import { ORDER_FIELD_ERROR_CODES } from '../wire/order-field-errors.js'
import { PAYMENT_METHOD_SUB_OBJECTS } from '../wire/payment-methods/method-input.js'
import type { MethodDefinition } from './registry.js'

// The checks every method's params pass before anything else looks at them (issue 16, findings
// 4, 8 and 12), over the whole params value as sent: known fields, unknown ones (stripped later,
// but hashed for idempotency) and object keys alike, so no new field can skip them.

/**
 * Arrays and objects nest at most this deep in params (the params array or object is level 1).
 * The deepest legitimate params are an Order's item additional field (params → Order → Items →
 * item → AdditionalFields → field: 6 levels) and seed 002's named PaymentMethod sub-object (5);
 * test/unit/rpc/params-guard.test.ts measures it from every method's JSON Schema. 32 leaves room
 * for any extension of the wire format, and bounds every later walk over the params — Zod, the
 * idempotency hash (canonicalJson), JSON.stringify into jsonb, the logger — far below what
 * overflows the stack (a few thousand levels).
 */
export const MAX_PARAMS_DEPTH = 32

/** At most this many field errors are answered (1 MB of params could hold 100,000 of them). */
const MAX_FIELD_ERRORS = 100

/** Longest object key echoed in an error path. */
const MAX_KEY_IN_PATH = 64

// The payment fields that ARE card, bank or token data: refused elsewhere when malformed, and the
// only strings where a card number (or a number shaped like one: an IBAN's digits, a base64 token)
// belongs. Under PaymentMethod directly, or under seed 002's named sub-object (CardPayment, …).
const PAYMENT_DATA_FIELDS = ['CardNumber', 'CCID', 'Iban', 'BankRoutingNumber', 'AccountNumber', 'TransientToken', 'EesToken', 'PaymentToken', 'ApplePayToken', 'GooglePayToken']
const SUB_OBJECTS = [...new Set(Object.values(PAYMENT_METHOD_SUB_OBJECTS))]
const ORDER_PAYMENT_DATA: ReadonlyArray<readonly string[]> = PAYMENT_DATA_FIELDS.flatMap((field) => [
  ['Order', 'PaymentDetails', 'PaymentMethod', field],
  ...SUB_OBJECTS.map((sub) => ['Order', 'PaymentDetails', 'PaymentMethod', sub, field])
])

/**
 * The params (by name, as paths) that are not free text, so may hold a run of digits shaped like
 * a card number: card and token fields, secrets and hex digests, base64 content. Every other
 * string (and number) of every method is checked. `*` applies to every method.
 */
export const NOT_FREE_TEXT: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  // a hex session id (64 characters): checked against the session store, never stored as text
  '*': [['sessionID']],
  // the hex HMAC digest of login
  login: [['hash']],
  // hashed with scrypt, never stored as typed
  loginUser: [['password']],
  placeOrder: ORDER_PAYMENT_DATA,
  placeAssistedOrder: ORDER_PAYMENT_DATA,
  quote: ORDER_PAYMENT_DATA,
  // completeDraft takes the PaymentDetails beside the draft (issue 19): the same card fields, at the
  // top (not under seed 002's named sub-objects: a card there is refused as text)
  completeDraft: PAYMENT_DATA_FIELDS.map((field) => ['PaymentDetails', 'PaymentMethod', field]),
  // the base64 PDF
  addOrderAttachment: [['Content']]
}

const exemptionsOf = (method: string): ReadonlySet<string> =>
  new Set([...(NOT_FREE_TEXT['*'] ?? []), ...(NOT_FREE_TEXT[method] ?? [])].map((path) => JSON.stringify(path)))

const EXEMPTIONS = new Map<string, ReadonlySet<string>>()

// A key is echoed in the path that names it: never with a card number, an unstorable character
// or at any length.
function keyInPath (key: string): string {
  let shown = storableText(key)
  if (containsCardNumber(shown)) shown = shown.replace(/\d/g, '*')
  return shown.length > MAX_KEY_IN_PATH ? `${shown.slice(0, MAX_KEY_IN_PATH)}…` : shown
}

// Field paths as the method's own errors name them: an Order's fields without the `Order.` prefix.
function fieldPath (segments: readonly JsonSegment[]): string {
  const shown = segments.map((s) => (typeof s === 'number' ? String(s) : keyInPath(s)))
  if (shown[0] === 'Order' && shown.length > 1) shown.shift()
  return shown.join('.')
}

const textError = (path: string, message: string): FieldError => ({ path, error_code: 'FIELD_INVALID', message })

/**
 * Refuses, with -32602 naming each field: params nested deeper than MAX_PARAMS_DEPTH; text
 * PostgreSQL cannot store (U+0000, lone surrogates) in any string or key; a card number in any
 * string, number or key that is not a card field (NOT_FREE_TEXT).
 */
export function guardParams (definition: MethodDefinition, params: JSONRPCParams | undefined): void {
  if (params === undefined || params === null) return
  // Positional params are named as the method names them, so paths and exemptions read the same.
  const names = Object.keys(definition.params.shape)
  const named = (segments: JsonSegment[]): JsonSegment[] => {
    const [first, ...rest] = segments
    return Array.isArray(params) && typeof first === 'number' ? [names[first] ?? first, ...rest] : segments
  }
  let exempt = EXEMPTIONS.get(definition.name)
  if (exempt === undefined) EXEMPTIONS.set(definition.name, exempt = exemptionsOf(definition.name))

  const fields: FieldError[] = []
  const tooDeep = walkJson(params, MAX_PARAMS_DEPTH, (value, kind, pathOf) => {
    const problem = typeof value === 'string' ? unstorableText(value) : undefined
    // A number is stored as its digits where the wire says string (InternalPONumber, Value, …),
    // a fraction too (a card number followed by ".5" is stored as its digits and the fraction).
    const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : ''
    if (problem !== undefined) {
      fields.push(textError(fieldPath(named(pathOf())), kind === 'key' ? `the field name: ${problem}` : problem))
    } else if (text.length >= 13) {
      // the exemption first: a 5 MiB attachment is not scanned for digits
      const segments = named(pathOf())
      if ((kind === 'key' || !exempt.has(JSON.stringify(segments))) && containsCardNumber(text)) {
        fields.push({ path: fieldPath(segments), error_code: 'CARD_NUMBER_IN_TEXT', message: ORDER_FIELD_ERROR_CODES.CARD_NUMBER_IN_TEXT })
      }
    }
    return fields.length < MAX_FIELD_ERRORS
  })
  if (tooDeep !== undefined) {
    throw new AppError('INVALID_PARAMS', {
      fields: [{ path: fieldPath(named(tooDeep)), error_code: 'NESTING_TOO_DEEP', message: `${ORDER_FIELD_ERROR_CODES.NESTING_TOO_DEEP} (at most ${MAX_PARAMS_DEPTH} levels)` }]
    })
  }
  if (fields.length > 0) throw new AppError('INVALID_PARAMS', { fields })
}
