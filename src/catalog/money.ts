/**
 * Money is an integer number of the currency's minor units, held as `bigint`.
 * Decimals exist only at the edges: the catalog file (human-friendly amounts) and the
 * wire (2Checkout sends and expects decimal numbers with the currency's precision).
 *
 * Rules, used everywhere in ordergate:
 * - Parsing (`toMinor`) is exact. An amount with more significant fraction digits than the
 *   currency has (USD "1.005", JPY "10.5") is REFUSED with a RangeError naming the amount and
 *   the currency; it is never rounded, because silently changing what a client or merchant
 *   sent is worse than telling them. Trailing zeros are fine ("25.000" USD is 2500).
 * - Amounts are limited to 15 significant digits of minor units (`MAX_MINOR`): beyond that a
 *   JSON number (an IEEE double) cannot carry the value exactly, so `fromMinor` would drift.
 * - Percentages are basis points (1 bp = 0.01 %; 19 % = 1900, 20.5 % = 2050).
 * - Rounding is ROUND HALF UP on the minor unit (half away from zero for negative values),
 *   the commercial rounding of invoices and of 2Checkout's VAT figures: 0.5 minor unit goes up.
 * - Splitting one amount over several parts uses the largest-remainder method, so the parts
 *   always add up to the whole.
 */

/** Minor-unit exponents that differ from the default of 2 (ISO 4217). */
export const ISO_4217_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  // ISO lists HUF with 2 and so does 2Checkout (cash rounding to whole forints is not ours).
  HUF: 2,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4
})

export const DEFAULT_MINOR_UNITS = 2

/** The largest magnitude accepted: 15 significant digits survive a round trip through a double. */
export const MAX_MINOR = 999_999_999_999_999n

/** Per-merchant overrides of the minor-unit exponent, e.g. `{ XBT: 8 }` (catalog `currencies`). */
export type MinorUnitOverrides = Readonly<Record<string, number>>

export type ParseResult<T> = { readonly ok: true, readonly value: T } | { readonly ok: false, readonly message: string }

const CURRENCY_CODE = /^[A-Z]{3}$/
const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/
const EXPONENT_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/

export function isCurrencyCode (code: string): boolean {
  return CURRENCY_CODE.test(code)
}

/** The currency's minor-unit exponent (JPY 0, USD 2, BHD 3); unknown codes default to 2. */
export function minorUnitsOf (currency: string, overrides?: MinorUnitOverrides): number {
  const code = currency.toUpperCase()
  return overrides?.[code] ?? ISO_4217_MINOR_UNITS[code] ?? DEFAULT_MINOR_UNITS
}

/**
 * Exact decimal → integer scaled by 10^digits. Numbers are read through their shortest
 * round-trip representation (`String(19.99)` is "19.99"), so 0.1 + 0.2 style binary noise in
 * a number (0.30000000000000004) is seen for what it is: too many digits, refused.
 */
export function parseScaled (amount: number | string, digits: number): ParseResult<bigint> {
  let text: string
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) return { ok: false, message: `${String(amount)} is not a finite amount` }
    text = expandExponent(String(amount))
  } else {
    text = amount
  }
  const match = PLAIN_DECIMAL.exec(text)
  if (match === null) return { ok: false, message: `"${text}" is not a decimal amount` }
  const [, sign = '', whole = '', fraction = ''] = match
  const significant = fraction.replace(/0+$/, '')
  if (significant.length > digits) {
    return { ok: false, message: `${text} has more than ${digits} decimal place${digits === 1 ? '' : 's'}` }
  }
  const magnitude = BigInt(whole + significant.padEnd(digits, '0'))
  if (magnitude > MAX_MINOR) return { ok: false, message: `${text} is too large` }
  return { ok: true, value: sign === '-' && magnitude !== 0n ? -magnitude : magnitude }
}

function expandExponent (text: string): string {
  const match = EXPONENT_DECIMAL.exec(text)
  if (match === null) return text
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match
  const digits = whole + fraction
  const point = whole.length + Number(exponentText)
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** Like `toMinor`, but answers with a result instead of throwing (for schema refinements). */
export function tryToMinor (amount: number | string, currency: string, overrides?: MinorUnitOverrides): ParseResult<bigint> {
  const parsed = parseScaled(amount, minorUnitsOf(currency, overrides))
  if (parsed.ok) return parsed
  return { ok: false, message: `${parsed.message} for ${currency.toUpperCase()}` }
}

/**
 * A decimal amount (number or string) → minor units, exactly. Throws a RangeError when the
 * amount is not a decimal, has more precision than the currency, or exceeds `MAX_MINOR`.
 */
export function toMinor (amount: number | string, currency: string, overrides?: MinorUnitOverrides): bigint {
  const parsed = tryToMinor(amount, currency, overrides)
  if (!parsed.ok) throw new RangeError(`Invalid amount: ${parsed.message}`)
  return parsed.value
}

/** Minor units → an exact decimal string with the currency's precision ("99.00", "1000", "12.345"). */
export function formatMinor (minor: bigint, currency: string, overrides?: MinorUnitOverrides): string {
  const digits = minorUnitsOf(currency, overrides)
  const negative = minor < 0n
  const text = (negative ? -minor : minor).toString()
  if (digits === 0) return (negative ? '-' : '') + text
  const padded = text.padStart(digits + 1, '0')
  const whole = padded.slice(0, padded.length - digits)
  return `${negative ? '-' : ''}${whole}.${padded.slice(padded.length - digits)}`
}

/** Minor units → the decimal number the wire carries (JSON has no trailing zeros: 99.00 is 99). */
export function fromMinor (minor: bigint, currency: string, overrides?: MinorUnitOverrides): number {
  return Number(formatMinor(minor, currency, overrides))
}

/** numerator / denominator rounded half up (half away from zero); denominator must be > 0. */
export function divideHalfUp (numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive')
  if (numerator < 0n) return -divideHalfUp(-numerator, denominator)
  return (2n * numerator + denominator) / (2n * denominator)
}

/** `basisPoints` / 10 000 of `minor`, rounded half up on the minor unit. */
export function percentOf (minor: bigint, basisPoints: bigint | number): bigint {
  return divideHalfUp(minor * BigInt(basisPoints), 10_000n)
}

/** A percentage (19, 20.5, "7.25") → basis points; more than two decimals is refused. */
export function tryPercentToBasisPoints (percent: number | string): ParseResult<number> {
  const parsed = parseScaled(percent, 2)
  if (!parsed.ok) return { ok: false, message: `percentage ${parsed.message}` }
  return { ok: true, value: Number(parsed.value) }
}

export function percentToBasisPoints (percent: number | string): number {
  const parsed = tryPercentToBasisPoints(percent)
  if (!parsed.ok) throw new RangeError(`Invalid ${parsed.message}`)
  return parsed.value
}

/** Basis points → the percentage number of the wire (1900 → 19, 2050 → 20.5). */
export function basisPointsToPercent (basisPoints: number): number {
  return basisPoints / 100
}

/**
 * Splits `total` over parts in proportion to `weights` (largest-remainder method): each part
 * gets the floor of its exact share, and the minor units left over go one each to the parts
 * with the largest fractional remainders (ties: the earlier part). The result always sums to
 * `total`, and no part exceeds its weight when total ≤ Σ weights. All weights 0 → all parts 0
 * (the caller must not try to spread a non-zero total over nothing).
 */
export function allocateProportionally (total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError('total must not be negative')
  const sum = weights.reduce((acc, weight) => {
    if (weight < 0n) throw new RangeError('weights must not be negative')
    return acc + weight
  }, 0n)
  if (sum === 0n) {
    if (total !== 0n) throw new RangeError('cannot spread a non-zero total over zero weights')
    return weights.map(() => 0n)
  }
  const shares = weights.map(weight => (total * weight) / sum)
  const remainders = weights.map((weight, index) => ({ index, remainder: (total * weight) % sum }))
  let left = total - shares.reduce((acc, share) => acc + share, 0n)
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  for (const { index } of remainders) {
    if (left === 0n) break
    shares[index] = (shares[index] ?? 0n) + 1n
    left -= 1n
  }
  return shares
}
