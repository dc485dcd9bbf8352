import t from 'tap'
import { ConfigError, fastifyTrustProxy, loadConfig } from '../../src/config.js'
import { PAYMENT_PAGE_TTL_MS } from '../../src/payments/payment-page-token.js'

t.test('TRUST_PROXY takes false, a hop count, or proxy addresses and CIDRs', async (t) => {
  t.equal(loadConfig({}).TRUST_PROXY, false, 'unset: no proxy')
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, false)
  t.equal(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY, false)
  t.equal(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY, 1, '1 is one proxy, no longer "trust every hop"')
  t.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback' }).TRUST_PROXY, ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback'])
})

t.test('TRUST_PROXY=true is refused with a message saying what to write instead', async (t) => {
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), ConfigError)
  try {
    loadConfig({ TRUST_PROXY: 'true' })
  } catch (err) {
    t.match((err as Error).message, /TRUST_PROXY: true would trust every X-Forwarded-For hop/)
    t.match((err as Error).message, /TRUST_PROXY=1/)
    t.match((err as Error).message, /10\.0\.0\.0\/8/)
  }
})

t.test('TRUST_PROXY refuses what is neither a hop count of 1-10 nor addresses, naming the bad entries', async (t) => {
  for (const value of ['yes', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', '300.1.1.1', '11', 'proxy.example.com']) {
    t.throws(() => loadConfig({ TRUST_PROXY: value }), { name: 'ConfigError', message: /TRUST_PROXY: / }, value)
  }
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.1,nonsense' }), { message: /not an IP address or CIDR: "nonsense"/ })
})

t.test("a hop count becomes a trust function: the peer and the next hops-1 entries are proxies (Fastify's bare number trusts none)", async (t) => {
  const trust = fastifyTrustProxy(2)
  t.type(trust, 'function')
  if (typeof trust !== 'function') return
  t.same([0, 1, 2, 3].map((hop) => trust('203.0.113.1', hop)), [true, true, false, false])
  t.equal(fastifyTrustProxy(false), false)
  t.same(fastifyTrustProxy(['10.0.0.0/8']), ['10.0.0.0/8'])
})

t.test('ABANDONED_PAYMENT_MS: 24 h by default, never below the payment page\'s 30-minute life', async (t) => {
  t.equal(loadConfig({}).ABANDONED_PAYMENT_MS, 86_400_000)
  t.equal(loadConfig({ ABANDONED_PAYMENT_MS: String(PAYMENT_PAGE_TTL_MS) }).ABANDONED_PAYMENT_MS, PAYMENT_PAGE_TTL_MS, 'the page\'s life is the least')
  t.throws(() => loadConfig({ ABANDONED_PAYMENT_MS: String(PAYMENT_PAGE_TTL_MS - 1) }), { name: 'ConfigError', message: /ABANDONED_PAYMENT_MS: / }, 'a page still usable is never canceled')
})
