import t from 'tap'
import { configSecrets, failureReason } from '../../src/failure-reason.js'

t.test('failureReason follows the cause chain into one line', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
  t.equal(failureReason(new Error('migration up failed', { cause: refused })), 'migration up failed: connect ECONNREFUSED 127.0.0.1:1')
  const pgError = Object.assign(new Error('role "nouser"\ndoes not exist'), { code: '28000' })
  t.equal(failureReason(new Error('migration up failed', { cause: pgError })), 'migration up failed: role "nouser" does not exist (28000)')
})

t.test('failureReason names every error of an AggregateError whose own message is empty', async (t) => {
  const both = new AggregateError([
    Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
  ], '')
  t.equal(failureReason(new Error('migration up failed', { cause: both })), 'migration up failed: connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1')
})

t.test('failureReason never shows a URL password or a configured secret', async (t) => {
  const env = { DATABASE_URL: 'postgres://app:s%40cret-pw@db.example:5432/og', SECRET_ENCRYPTION_KEY: 'k'.repeat(64) }
  const err = new Error('cannot reach postgres://app:s%40cret-pw@db.example:5432/og', { cause: new Error(`bad key ${'k'.repeat(64)} near s@cret-pw`) })
  const line = failureReason(err, configSecrets(env))
  t.equal(line, 'cannot reach postgres://app:***@db.example:5432/og: bad key *** near ***')
})
