import t from 'tap'
import { createSessionCache } from '../../src/auth/session-cache.js'

const record = (code: string) => ({ merchant: { id: 1n, code, name: code, poAutoApprove: false }, user: null, expiresAt: new Date('2026-11-23T10:10:00Z') })

t.test('the session cache serves an entry until it is freshnessMs old, and stays bounded', async (t) => {
  let now = 0
  const cache = createSessionCache({ maxEntries: 2, freshnessMs: 1000, now: () => now })
  cache.set('a', record('A'))
  now = 999
  t.equal(cache.get('a')?.merchant.code, 'A')
  now = 1000
  t.equal(cache.get('a'), undefined, 'read again once freshnessMs has passed')
  cache.set('a', record('A'))
  cache.set('b', record('B'))
  cache.set('c', record('C'))
  t.equal(cache.get('a'), undefined, 'the oldest entry went first')
  t.equal(cache.get('c')?.merchant.code, 'C')
  const off = createSessionCache({ maxEntries: 2, freshnessMs: 0, now: () => now })
  off.set('a', record('A'))
  t.equal(off.get('a'), undefined, 'freshnessMs 0 turns it off')
})

t.test('a forgotten (ended) session is not served, and a read begun before it ended does not put it back', async (t) => {
  let now = 0
  const cache = createSessionCache({ maxEntries: 10, freshnessMs: 1000, now: () => now })
  cache.set('a', record('A'))
  cache.forget('a')
  t.equal(cache.get('a'), undefined, 'forgotten at once')
  now = 500
  cache.set('a', record('A'))
  t.equal(cache.get('a'), undefined, 'a late set within freshnessMs is ignored')
  now = 1000
  cache.set('a', record('A'))
  t.equal(cache.get('a')?.merchant.code, 'A', 'after freshnessMs a read may cache it again (the database no longer has an ended session)')
  cache.set('b', record('B'))
  cache.forget('c')
  t.equal(cache.get('b')?.merchant.code, 'B', 'forgetting another session leaves this one')
})
