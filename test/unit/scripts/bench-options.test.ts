import t from 'tap'
import { numberListOption, numberOption } from '../../../scripts/bench-options.js'

t.test('a number within its rule is read as given', async (t) => {
  t.equal(numberOption('warm-up', '30', { min: 0 }), 30)
  t.equal(numberOption('warm-up', '0', { min: 0 }), 0)
  t.equal(numberOption('duration', '2.5', { min: 0.001 }), 2.5)
  t.same(numberListOption('connections', '1,10,50', { min: 1, integer: true }), [1, 10, 50])
})

t.test('anything else is refused with the option named', async (t) => {
  for (const text of ['', ' ', '3O', 'NaN', 'Infinity', '-1', 'abc']) {
    t.throws(() => numberOption('warm-up', text, { min: 0 }), { message: new RegExp(`^--warm-up must be a number ≥ 0, got ${JSON.stringify(JSON.stringify(text)).slice(1, -1)}$`) }, `warm-up ${JSON.stringify(text)}`)
  }
  t.throws(() => numberOption('pool', '2.5', { min: 1, integer: true }), { message: '--pool must be an integer ≥ 1, got "2.5"' })
  t.throws(() => numberOption('duration', '0', { min: 0.001 }), { message: '--duration must be a number ≥ 0.001, got "0"' })
  t.throws(() => numberListOption('connections', '1,,50', { min: 1, integer: true }), { message: '--connections must be an integer ≥ 1, got ""' })
  t.throws(() => numberListOption('connections', '1,0', { min: 1, integer: true }), { message: '--connections must be an integer ≥ 1, got "0"' })
})
