import t from 'tap'
import fc from 'fast-check'
import {
  allocateProportionally,
  divideHalfUp,
  formatMinor,
  fromMinor,
  MAX_MINOR,
  minorUnitsOf,
  percentOf,
  percentToBasisPoints,
  toMinor,
  tryToMinor
} from '../../../src/catalog/money.js'

t.test('minorUnitsOf knows the ISO 4217 exponents, defaults to 2 and honours overrides', async t => {
  t.equal(minorUnitsOf('JPY'), 0)
  t.equal(minorUnitsOf('KRW'), 0)
  t.equal(minorUnitsOf('HUF'), 2)
  t.equal(minorUnitsOf('USD'), 2)
  t.equal(minorUnitsOf('eur'), 2)
  for (const code of ['BHD', 'KWD', 'OMR', 'JOD', 'TND']) t.equal(minorUnitsOf(code), 3, code)
  t.equal(minorUnitsOf('XYZ'), 2)
  t.equal(minorUnitsOf('XBT', { XBT: 4 }), 4)
})

t.test('toMinor parses decimal strings and numbers exactly', async t => {
  t.equal(toMinor('99.00', 'USD'), 9900n)
  t.equal(toMinor(99, 'USD'), 9900n)
  t.equal(toMinor('19.99', 'EUR'), 1999n)
  t.equal(toMinor(19.99, 'EUR'), 1999n)
  t.equal(toMinor('0.1', 'USD'), 10n)
  t.equal(toMinor('25.000', 'USD'), 2500n, 'trailing zeros are not extra precision')
  t.equal(toMinor(1000, 'JPY'), 1000n)
  t.equal(toMinor('1000', 'JPY'), 1000n)
  t.equal(toMinor('12.345', 'BHD'), 12345n)
  t.equal(toMinor(12.345, 'BHD'), 12345n)
  t.equal(toMinor('0.001', 'KWD'), 1n)
  t.equal(toMinor('-4.50', 'EUR'), -450n)
  t.equal(toMinor(-0, 'EUR'), 0n)
  t.equal(toMinor(1e-2, 'USD'), 1n, 'exponent notation of a number is expanded')
})

t.test('toMinor refuses excess precision, non-decimals and huge amounts with a clear message', async t => {
  t.throws(() => toMinor('1.005', 'USD'), { name: 'RangeError', message: 'Invalid amount: 1.005 has more than 2 decimal places for USD' })
  t.throws(() => toMinor('10.5', 'JPY'), { message: 'Invalid amount: 10.5 has more than 0 decimal places for JPY' })
  t.throws(() => toMinor('1.2345', 'BHD'), { message: /more than 3 decimal places for BHD/ })
  t.throws(() => toMinor(0.1 + 0.2, 'USD'), { message: /0\.30000000000000004 has more than 2 decimal places/ }, 'float noise is refused, not rounded')
  t.throws(() => toMinor('abc', 'USD'), { message: /"abc" is not a decimal amount/ })
  t.throws(() => toMinor('1e3', 'USD'), { message: /not a decimal amount/ })
  t.throws(() => toMinor(' 1.00', 'USD'), { message: /not a decimal amount/ })
  t.throws(() => toMinor(Number.NaN, 'USD'), { message: /not a finite amount/ })
  t.throws(() => toMinor(Infinity, 'USD'), { message: /not a finite amount/ })
  t.throws(() => toMinor('10000000000000.00', 'USD'), { message: /too large/ })
  t.throws(() => toMinor(1e21, 'JPY'), { message: /too large/ })
  t.same(tryToMinor('1.001', 'EUR'), { ok: false, message: '1.001 has more than 2 decimal places for EUR' })
})

t.test('no float drift: sums are done in minor units', async t => {
  t.equal(toMinor(0.1, 'USD') + toMinor(0.2, 'USD'), toMinor(0.3, 'USD'))
  t.equal(fromMinor(toMinor(0.1, 'USD') + toMinor(0.2, 'USD'), 'USD'), 0.3)
  t.equal(fromMinor(toMinor('1.10', 'USD') * 3n, 'USD'), 3.3)
  t.equal(fromMinor(toMinor('0.07', 'USD') * 100n, 'USD'), 7)
})

t.test('formatMinor and fromMinor give the currency precision', async t => {
  t.equal(formatMinor(9900n, 'USD'), '99.00')
  t.equal(formatMinor(5n, 'USD'), '0.05')
  t.equal(formatMinor(-5n, 'USD'), '-0.05')
  t.equal(formatMinor(1000n, 'JPY'), '1000')
  t.equal(formatMinor(12345n, 'BHD'), '12.345')
  t.equal(formatMinor(1n, 'KWD'), '0.001')
  t.equal(fromMinor(9900n, 'USD'), 99)
  t.equal(fromMinor(1999n, 'EUR'), 19.99)
  t.equal(fromMinor(1000n, 'JPY'), 1000)
  t.equal(fromMinor(12345n, 'BHD'), 12.345)
  t.equal(fromMinor(MAX_MINOR, 'USD'), 9999999999999.99)
})

t.test('property: fromMinor(toMinor(x)) === x for every valid amount (USD, JPY, BHD)', async t => {
  for (const [currency, digits] of [['USD', 2], ['JPY', 0], ['BHD', 3]] as const) {
    const scale = 10 ** digits
    fc.assert(fc.property(fc.bigInt({ min: -MAX_MINOR, max: MAX_MINOR }), minor => {
      const x = Number(formatMinor(minor, currency))
      const back = fromMinor(toMinor(x, currency), currency)
      return back === x && toMinor(formatMinor(minor, currency), currency) === minor
    }), { numRuns: 2000 })
    fc.assert(fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), n => {
      const x = n / scale
      return fromMinor(toMinor(x, currency), currency) === x
    }), { numRuns: 2000 })
    t.pass(`${currency} round trips`)
  }
})

t.test('percentOf rounds half up on the minor unit', async t => {
  t.equal(percentOf(9900n, 1900), 1881n)
  t.equal(percentOf(1050n, 1000), 105n)
  t.equal(percentOf(5n, 1000), 1n, '0.5 goes up')
  t.equal(percentOf(4n, 1000), 0n, '0.4 goes down')
  t.equal(percentOf(15n, 1000), 2n, '1.5 goes up (not half-even)')
  t.equal(percentOf(25n, 1000), 3n, '2.5 goes up (not half-even)')
  t.equal(percentOf(333n, 1900), 63n)
  t.equal(percentOf(-5n, 1000), -1n, 'half away from zero for negatives')
  t.equal(percentOf(9900n, 2050n), 2030n)
  t.equal(divideHalfUp(7n, 2n), 4n)
  t.throws(() => divideHalfUp(1n, 0n), RangeError)
})

t.test('percentToBasisPoints', async t => {
  t.equal(percentToBasisPoints(19), 1900)
  t.equal(percentToBasisPoints(20.5), 2050)
  t.equal(percentToBasisPoints('7.25'), 725)
  t.throws(() => percentToBasisPoints(19.125), { message: /more than 2 decimal places/ })
})

t.test('allocateProportionally always sums to the total (largest remainder)', async t => {
  t.same(allocateProportionally(500n, [9900n, 2500n]), [399n, 101n])
  t.same(allocateProportionally(100n, [1n, 1n, 1n]), [34n, 33n, 33n], 'ties go to the earlier part')
  t.same(allocateProportionally(0n, [0n, 0n]), [0n, 0n])
  t.same(allocateProportionally(10n, [10n, 0n]), [10n, 0n])
  t.throws(() => allocateProportionally(1n, [0n]), RangeError)
  t.throws(() => allocateProportionally(-1n, [1n]), RangeError)
  fc.assert(fc.property(
    fc.array(fc.bigInt({ min: 0n, max: 10_000_000n }), { minLength: 1, maxLength: 8 }).filter(ws => ws.some(w => w > 0n)),
    fc.double({ min: 0, max: 1, noNaN: true }),
    (weights, fraction) => {
      const sum = weights.reduce((a, b) => a + b, 0n)
      const total = BigInt(Math.floor(Number(sum) * fraction))
      const parts = allocateProportionally(total, weights)
      return parts.reduce((a, b) => a + b, 0n) === total && parts.every((part, i) => part >= 0n && part <= (weights[i] ?? 0n))
    }
  ))
})
