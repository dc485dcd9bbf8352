import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config.js'
import { leaseMs } from '../../../src/notifications/delivery-worker.js'

t.test('IPN delivery settings: defaults, and the private-network guard on unless asked', async (t) => {
  const config = loadConfig({})
  t.match(config, { IPN_WORKER: true, IPN_POLL_MS: 500, IPN_TIMEOUT_MS: 10_000, IPN_CONCURRENCY: 8, IPN_PER_URL_CONCURRENCY: 2, IPN_ALLOW_PRIVATE_NETWORKS: false })
  t.match(loadConfig({ IPN_WORKER: 'false', IPN_ALLOW_PRIVATE_NETWORKS: 'true' }), { IPN_WORKER: false, IPN_ALLOW_PRIVATE_NETWORKS: true })
  t.throws(() => loadConfig({ IPN_TIMEOUT_MS: '50' }), ConfigError, 'a timeout under 100 ms is refused')
  t.throws(() => loadConfig({ IPN_CONCURRENCY: '0' }), ConfigError)
  t.throws(() => loadConfig({ IPN_ALLOW_PRIVATE_NETWORKS: 'yes' }), ConfigError)
})

t.test('the lease outlives the longest try', async (t) => {
  for (const timeout of [100, 10_000, 120_000]) t.ok(leaseMs(timeout) > timeout + 10_000, `timeout ${timeout} ms: lease ${leaseMs(timeout)} ms`)
})

t.test('IPN_LEASE_MS sets the lease, never shorter than a try plus 5 s', async (t) => {
  t.equal(leaseMs(2_000, loadConfig({ IPN_TIMEOUT_MS: '2000', IPN_LEASE_MS: '7000' }).IPN_LEASE_MS), 7_000)
  t.equal(leaseMs(2_000, loadConfig({ IPN_TIMEOUT_MS: '2000' }).IPN_LEASE_MS), 34_000, 'unset: 2 × IPN_TIMEOUT_MS + 30 s')
  t.throws(() => loadConfig({ IPN_TIMEOUT_MS: '2000', IPN_LEASE_MS: '6999' }), new ConfigError('Invalid configuration:\n  IPN_LEASE_MS: must be at least IPN_TIMEOUT_MS + 5000 ms (7000), so a lease outlives every try'))
  t.throws(() => loadConfig({ IPN_LEASE_MS: '14999' }), /IPN_LEASE_MS: must be at least IPN_TIMEOUT_MS \+ 5000 ms \(15000\)/, 'against the default 10 s timeout')
  t.throws(() => loadConfig({ IPN_LEASE_MS: '5000' }), ConfigError, 'under the floor')
})
