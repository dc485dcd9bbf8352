import type { z } from 'zod'
import type { FieldError } from './errors.js'

/** Dotted path as clients write it: `Items.0.Quantity`, `BillingDetails.State`. */
export function formatPath (path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.')
}

/**
 * Maps Zod issues to field errors. A rule that knows its 2Checkout name puts it in
 * `params.error_code`; the rest get a generic, stable code by kind.
 */
export function zodIssuesToFields (issues: ReadonlyArray<z.core.$ZodIssue>, prefix: ReadonlyArray<PropertyKey> = []): FieldError[] {
  return issues.flatMap((issue) => {
    // A strict object's unknown names: each at its own path, as the client wrote it, cut short
    // (params-guard has already refused keys holding card numbers or unstorable text).
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...prefix, ...issue.path, key.length > 64 ? `${key.slice(0, 64)}…` : key]),
        error_code: 'FIELD_UNKNOWN',
        message: 'not a field of this object'
      }))
    }
    const path = formatPath([...prefix, ...issue.path])
    const named = issue.code === 'custom' ? (issue.params as { error_code?: unknown } | undefined)?.error_code : undefined
    return { path, error_code: typeof named === 'string' ? named : genericCode(issue), message: issue.message }
  })
}

function genericCode (issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'FIELD_REQUIRED'
      // a field the object does not have (catchall(z.never())): named by its own path
      return issue.expected === 'never' ? 'FIELD_UNKNOWN' : 'FIELD_TYPE_INVALID'
    case 'too_big':
      return issue.origin === 'string' ? 'FIELD_TOO_LONG' : 'FIELD_OUT_OF_RANGE'
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1 ? 'FIELD_REQUIRED' : 'FIELD_OUT_OF_RANGE'
    case 'unrecognized_keys':
      return 'FIELD_UNKNOWN'
    default:
      return 'FIELD_INVALID'
  }
}
