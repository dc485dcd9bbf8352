import t from 'tap'
import { checkResult, checkRpcExchange } from '../helpers/result-conformance.js'

// The check every test helper runs on each reply (test/helpers/result-conformance.ts): it must
// refuse a result that breaks its committed schema, or the suite's "every result validates" means nothing.

const settings = { Urls: [], HashAlgorithm: 'md5', Statuses: null, UpdatedAt: null, UpdatedBy: null }

t.test('a result that matches its committed schema passes', async (t) => {
  t.doesNotThrow(() => checkResult('getIpnSettings', settings))
  t.doesNotThrow(() => checkResult('isValidOrderReference', true))
})

t.test('a result with a missing field, a wrong type or an undocumented key throws naming the method', async (t) => {
  const { Urls: _urls, ...withoutUrls } = settings
  t.throws(() => checkResult('getIpnSettings', withoutUrls), /getIpnSettings: the result does not match its schema in schemas\/openrpc\.json:[\s\S]*must have required property 'Urls'/)
  t.throws(() => checkResult('getIpnSettings', { ...settings, HashAlgorithm: 'crc32' }), /\/HashAlgorithm must be equal to one of the allowed values/)
  t.throws(() => checkResult('getIpnSettings', { ...settings, Secret: 'x' }), /must NOT have additional properties/)
  t.throws(() => checkResult('isValidOrderReference', 'yes'), /isValidOrderReference: .*[\s\S]*must be boolean/)
})

t.test('replies are matched to their requests by id, in a batch too; errors and unlisted methods are not checked', async (t) => {
  const batch = [
    { jsonrpc: '2.0', method: 'isValidOrderReference', params: [], id: 1 },
    { jsonrpc: '2.0', method: 'getIpnSettings', params: [], id: 2 }
  ]
  t.doesNotThrow(() => checkRpcExchange(batch, [{ jsonrpc: '2.0', id: 2, result: settings }, { jsonrpc: '2.0', id: 1, result: false }]))
  t.throws(() => checkRpcExchange(batch, [{ jsonrpc: '2.0', id: 1, result: settings }]), /isValidOrderReference/)
  t.doesNotThrow(() => checkRpcExchange(batch[1], { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'Invalid params' } }))
  t.doesNotThrow(() => checkRpcExchange({ jsonrpc: '2.0', method: 'aTestOnlyMethod', id: 3 }, { jsonrpc: '2.0', id: 3, result: { anything: 1 } }))
  t.doesNotThrow(() => checkRpcExchange(undefined, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }))
})
