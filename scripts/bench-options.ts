// The bench's numeric options, read strictly: `--warm-up 3O` or `--connections 1,,50` would
// otherwise become NaN or 0 and the run would measure something else than asked (a warm-up of
// NaN seconds is no warm-up at all) and still write its table to bench/results.md.

export interface NumberRule {
  /** smallest value allowed */
  min: number
  integer?: boolean
}

/** The option's value as a number, or an Error naming the option and what it must be. */
export function numberOption (name: string, text: string, rule: NumberRule): number {
  const value = /^\s*$/.test(text) ? Number.NaN : Number(text)
  const kind = rule.integer === true ? 'an integer' : 'a number'
  if (!Number.isFinite(value) || (rule.integer === true && !Number.isInteger(value)) || value < rule.min) {
    throw new Error(`--${name} must be ${kind} ≥ ${rule.min}, got ${JSON.stringify(text)}`)
  }
  return value
}

/** A comma-separated list of numbers, each checked by `rule`; at least one. */
export function numberListOption (name: string, text: string, rule: NumberRule): number[] {
  return text.split(',').map((part) => numberOption(name, part, rule))
}
