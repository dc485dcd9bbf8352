import t, { type Test } from 'tap'
import { createHashingGate } from '../../src/auth/passwords.js'
import { clientAddressKey, createLoginLimiter } from '../../src/auth/rate-limiter.js'
import { createFakeClock } from '../../src/clock.js'
import { createDb } from '../../src/db/database.js'
import { createEmbeddedTestDb, createTestDb, postgresAvailable, type TestDb } from '../helpers/db.js'

t.test('clientAddressKey counts IPv6 clients by their /64 and IPv4-mapped clients as IPv4', async (t) => {
  t.equal(clientAddressKey('203.0.113.9'), '203.0.113.9')
  t.equal(clientAddressKey('::ffff:203.0.113.9'), '203.0.113.9')
  t.equal(clientAddressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64')
  t.equal(clientAddressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64', 'any host of the same /64')
  t.equal(clientAddressKey('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(clientAddressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  t.equal(clientAddressKey('::1'), '0:0:0:0::/64')
  t.equal(clientAddressKey('64:ff9b::203.0.113.9'), '64:ff9b:0:0::/64')
  t.equal(clientAddressKey('not-an-address'), 'not-an-address')
})

// The limiter's counts live in the database: its tests run on PostgreSQL and on the embedded backend.
const backends: Array<[string, () => Promise<TestDb>]> = [['PostgreSQL', createTestDb], ['the embedded backend', createEmbeddedTestDb]]

for (const [backend, open] of backends) {
  // One database per backend for the file (an embedded one takes seconds to migrate): each test has its own keys.
  let opened: Promise<TestDb> | undefined
  t.teardown(async () => { await (await opened)?.close() })
  const limiterOn = async (_t: Test, options: { maxFailures: number, addressMaxFailures?: number, windowSeconds?: number }, clock = createFakeClock(new Date(0))) => {
    opened ??= open()
    const db = await opened
    return { db, clock, limiter: createLoginLimiter({ db: db.db, clock, maxFailures: options.maxFailures, addressMaxFailures: options.addressMaxFailures ?? 100, windowSeconds: options.windowSeconds ?? 60 }) }
  }

  t.test(`on ${backend}: one address rotating through its /64 is still one address for the limiter`, async (t) => {
    const { limiter } = await limiterOn(t, { maxFailures: 2 })
    for (const host of ['1', '2']) {
      const begun = await limiter.begin({ credential: 'login:M1', clientIp: `2001:db8:1:2::${host}` })
      if ('attempt' in begun) await begun.attempt.failed()
    }
    t.same(await limiter.begin({ credential: 'login:M1', clientIp: '2001:db8:1:2::3' }), { refused: 'credential-from-address' })
    t.ok('attempt' in await limiter.begin({ credential: 'login:M1', clientIp: '2001:db8:1:3::1' }), 'another /64 is another address')
  })

  t.test(`on ${backend}: a released or succeeded reservation gives the attempt back; a failed one keeps it`, async (t) => {
    const { limiter } = await limiterOn(t, { maxFailures: 2 })
    const keys = { credential: 'user:M1:alice', clientIp: '203.0.113.1' }
    for (let i = 0; i < 5; i++) {
      const begun = await limiter.begin(keys)
      if (!('attempt' in begun)) return t.fail(`attempt ${i} refused`)
      await begun.attempt.released()
      await begun.attempt.failed() // after an end, further ends do nothing
    }
    const first = await limiter.begin(keys)
    const second = await limiter.begin(keys)
    t.ok('attempt' in first && 'attempt' in second)
    t.same(await limiter.begin(keys), { refused: 'credential-from-address' }, 'two in flight fill the limit of 2')
    if ('attempt' in first) await first.attempt.succeeded()
    t.ok('attempt' in await limiter.begin(keys), 'a success frees its place')
  })

  t.test(`on ${backend}: decide admits and records a known outcome in one statement: correct attempts at once never fill the limit, failures do, a refused one records nothing`, async (t) => {
    const { db, limiter } = await limiterOn(t, { maxFailures: 3 })
    const keys = { credential: 'login:DECIDE', clientIp: '203.0.113.30' }
    const correct = await Promise.all(Array.from({ length: 20 }, async () => await limiter.decide(keys, 'succeeded')))
    t.same(correct, Array(20).fill({ admitted: true }), '20 correct logins at once all admitted')
    const wrong = []
    for (let i = 0; i < 5; i++) wrong.push(await limiter.decide(keys, 'failed'))
    t.same(wrong, [...Array(3).fill({ admitted: true }), ...Array(2).fill({ refused: 'credential-from-address' })])
    t.same(await limiter.decide(keys, 'succeeded'), { refused: 'credential-from-address' }, 'the right credential is refused too, and not recorded')
    const pair = await db.db.selectFrom('login_limits').select(['failures', 'pending']).where('key', '=', 'p:login:DECIDE|203.0.113.30').executeTakeFirstOrThrow()
    t.same(pair, { failures: 3, pending: 0 }, 'three failures, nothing pending')
  })

  t.test(`on ${backend}: failures count until the window ends; a reservation whose attempt never ended lapses after 60 s; expired rows are deleted`, async (t) => {
    const { db, clock, limiter } = await limiterOn(t, { maxFailures: 10, addressMaxFailures: 2, windowSeconds: 300 })
    const from = (credential: string) => ({ credential, clientIp: '203.0.113.2' })
    const begun = await limiter.begin(from('login:A'))
    if ('attempt' in begun) await begun.attempt.failed()
    t.ok('attempt' in await limiter.begin(from('login:B')), 'a reservation left open (its process died during the check)')
    t.same(await limiter.begin(from('login:C')), { refused: 'address' }, 'one failure and one open reservation fill the address\'s limit of 2')
    clock.advance(60_000)
    const after = await limiter.begin(from('login:D'))
    t.ok('attempt' in after, 'the open reservation lapsed after 60 s; the failure still counts')
    if ('attempt' in after) await after.attempt.failed()
    t.same(await limiter.begin(from('login:E')), { refused: 'address' }, 'two failures in the window')
    clock.advance(301_000)
    t.ok('attempt' in await limiter.begin({ credential: 'login:M3', clientIp: '198.51.100.3' }), 'after the window (this call also prunes)')
    const mine = /203\.0\.113\.2$|198\.51\.100\.3$|login:([A-E]|M3)$/
    const keysLeft = (await db.db.selectFrom('login_limits').select('key').execute()).map((row) => row.key).filter((key) => mine.test(key)).sort()
    t.same(keysLeft, ['a:198.51.100.3', 'c:login:M3', 'p:login:M3|198.51.100.3'], 'the rows of the ended window were deleted; only the new attempt\'s remain')
    t.ok('attempt' in await limiter.begin(from('login:E')), 'and the address is allowed again')
  })
}

t.test('two processes (their own pools and limiters) on one PostgreSQL database share the counts: 60 concurrent wrong attempts from one address check exactly LOGIN_MAX_FAILURES', { skip: (await postgresAvailable()) ? false : 'needs a PostgreSQL server' }, async (t) => {
  const db = await createTestDb()
  t.teardown(() => db.close())
  const other = await createDb({ kind: 'pg', url: db.url as string, poolMax: 10 })
  t.teardown(() => other.close())
  const clock = createFakeClock(new Date(0))
  const options = { clock, maxFailures: 10, addressMaxFailures: 50, windowSeconds: 300 }
  const limiters = [createLoginLimiter({ db: db.db, ...options }), createLoginLimiter({ db: other.db, ...options })]
  const outcomes = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
    const begun = await limiters[i % 2]?.begin({ credential: 'login:SHARED', clientIp: '203.0.113.60' })
    if (begun === undefined || !('attempt' in begun)) return 'refused'
    await begun.attempt.failed()
    return 'checked'
  }))
  t.equal(outcomes.filter((o) => o === 'checked').length, 10, 'ten checked across both processes')
  t.equal(outcomes.filter((o) => o === 'refused').length, 50, 'the rest refused before checking')
  const pair = await db.db.selectFrom('login_limits').select(['failures', 'pending']).where('key', '=', 'p:login:SHARED|203.0.113.60').executeTakeFirstOrThrow()
  t.same(pair, { failures: 10, pending: 0 }, 'ten failures stored, no reservation left')
})

t.test('the hashing gate refuses a second concurrent check from one address at once and makes others wait, at most maxWaitMs', async (t) => {
  const gate = createHashingGate({ global: 2, perAddress: 1, perAddressQueue: 0, maxWaitMs: 50, maxQueue: 1 })
  const releases: Array<() => void> = []
  const work = async () => await new Promise<string>((resolve) => { releases.push(() => { resolve('done') }) })
  const a = gate.run('A', work)
  t.equal(await gate.run('A', async () => 'second'), undefined, 'the same address is refused at once')
  const b = gate.run('B', work)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(releases.length, 2, 'two run at once')
  const c = gate.run('C', async () => 'c ran')
  t.equal(await gate.run('D', async () => 'd'), undefined, 'the wait queue is full: refused at once')
  releases[0]?.()
  t.equal(await a, 'done')
  t.equal(await c, 'c ran', 'the waiting check runs when a place frees')
  const e = gate.run('E', work)
  await new Promise((resolve) => setImmediate(resolve))
  const f = gate.run('F', async () => 'f')
  t.equal(await f, undefined, 'refused after waiting maxWaitMs')
  releases.forEach((release) => { release() })
  t.equal(await b, 'done')
  t.equal(await e, 'done')
  t.equal(await gate.run('A', async () => 'again'), 'again', 'places are given back')
})

t.test('the hashing gate lets a few checks of one address wait behind its running one, in order, and refuses the rest at once; they never hold a second global place', async (t) => {
  const gate = createHashingGate({ global: 2, perAddress: 1, perAddressQueue: 2, maxWaitMs: 200, maxQueue: 10 })
  const releases: Array<() => void> = []
  const ran: string[] = []
  const work = (label: string) => async () => { ran.push(label); return await new Promise<string>((resolve) => { releases.push(() => { resolve(label) }) }) }
  const first = gate.run('NAT', work('first'))
  const second = gate.run('NAT', work('second'))
  const third = gate.run('NAT', work('third'))
  t.equal(await gate.run('NAT', async () => 'fourth'), undefined, 'beyond the address\'s queue: refused at once')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['first'], 'one check of the address runs at a time')
  t.equal(await gate.run('OTHER', async () => 'other'), 'other', 'another address still finds a global place')
  releases.shift()?.()
  t.equal(await first, 'first')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['first', 'second'], 'the next of the address runs when its check ends, in order')
  releases.shift()?.()
  t.equal(await second, 'second')
  await new Promise((resolve) => setImmediate(resolve))
  releases.shift()?.()
  t.equal(await third, 'third')
  const slow = gate.run('SLOW', work('slow'))
  const late = gate.run('SLOW', async () => 'late')
  t.equal(await late, undefined, 'a check that waited maxWaitMs behind its address is refused')
  releases.shift()?.()
  t.equal(await slow, 'slow')
  t.equal(await gate.run('NAT', async () => 'again'), 'again', 'places are given back')
})

t.test('a check from an address that signed in before passes a full global queue and runs first: attackers on many addresses cannot keep the staff out', async (t) => {
  const gate = createHashingGate({ global: 1, perAddress: 1, perAddressQueue: 0, maxWaitMs: 500, maxQueue: 2 })
  const releases: Array<() => void> = []
  const ran: string[] = []
  const work = (label: string) => async () => { ran.push(label); return await new Promise<string>((resolve) => { releases.push(() => { resolve(label) }) }) }
  const running = gate.run('attacker-1', work('attacker-1'))
  const queued = [gate.run('attacker-2', work('attacker-2')), gate.run('attacker-3', work('attacker-3'))]
  t.equal(await gate.run('attacker-4', async () => 'attacker-4'), undefined, 'the global queue is full: a new address is refused')
  const staff = gate.run('staff-desk', work('staff'), true)
  await new Promise((resolve) => setImmediate(resolve))
  releases.shift()?.()
  t.equal(await running, 'attacker-1')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['attacker-1', 'staff'], 'the trusted check waited ahead of the queue and runs next')
  releases.shift()?.()
  t.equal(await staff, 'staff')
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    releases.shift()?.()
  }
  t.same(await Promise.all(queued), ['attacker-2', 'attacker-3'], 'the queue is served after it, in order')
})
