import t from 'tap'
import { createTestApp, gmdate, type TestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

const DEFAULTS = { Urls: [], HashAlgorithm: 'md5', Statuses: null, UpdatedAt: null, UpdatedBy: null }

async function settingsRows (ta: TestApp) {
  return await ta.db.db.selectFrom('ipn_settings').selectAll().orderBy('merchant_id').execute()
}

async function outboxUrls (ta: TestApp, refNo: string): Promise<string[]> {
  const rows = await ta.db.db.selectFrom('ipn_notifications as n').innerJoin('orders as o', 'o.id', 'n.order_id')
    .select('n.url').where('o.ref_no', '=', BigInt(refNo)).orderBy('n.id').execute()
  return rows.map((r) => r.url)
}

t.test('setIpnSettings stores the settings in normal form, getIpnSettings reads them back, and the next order notifies those URLs', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)

  t.same(await ta.rpc('getIpnSettings', [m.apiSession]), { jsonrpc: '2.0', id: 1, result: DEFAULTS }, 'never set: the defaults, IPN off')

  const set = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['HTTPS://Shop.Example:443/ipn', 'https://backup.example/ipn?src=og'], HashAlgorithm: 'SHA256', Statuses: ['COMPLETE', 'AUTHRECEIVED', 'COMPLETE'] }])
  const stored = {
    Urls: ['https://shop.example/ipn', 'https://backup.example/ipn?src=og'],
    HashAlgorithm: 'sha256',
    Statuses: ['COMPLETE', 'AUTHRECEIVED'],
    UpdatedAt: gmdate(ta.clock.now()),
    UpdatedBy: `merchant:${m.code}`
  }
  t.same(set, { jsonrpc: '2.0', id: 1, result: stored }, 'the settings as stored: URLs normalised, algorithm lower-case, statuses once each')
  t.same((await ta.rpc('getIpnSettings', { sessionID: m.apiSession })).result, stored, 'getIpnSettings answers the same')
  t.match(await settingsRows(ta), [{ merchant_id: m.merchantId, urls: stored.Urls, algorithm: 'sha256', statuses: ['COMPLETE', 'AUTHRECEIVED'], updated_by: `merchant:${m.code}` }])

  const order = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
  t.equal(order.result?.Status, 'AUTHRECEIVED', JSON.stringify(order.error))
  t.same(await outboxUrls(ta, order.result.RefNo), stored.Urls, 'the next status change notifies each URL')

  ta.clock.advance(60_000)
  const defaults = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['https://shop.example/ipn'] }])
  t.same(defaults.result, { Urls: ['https://shop.example/ipn'], HashAlgorithm: 'md5', Statuses: null, UpdatedAt: gmdate(ta.clock.now()), UpdatedBy: `merchant:${m.code}` },
    'a replacement: HashAlgorithm defaults to md5 and Statuses to every status')

  const off = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: [], HashAlgorithm: 'sha3-256' }])
  t.same(off.result, { Urls: [], HashAlgorithm: 'sha3-256', Statuses: null, UpdatedAt: gmdate(ta.clock.now()), UpdatedBy: `merchant:${m.code}` }, 'Urls [] turns IPN off')
  const quiet = await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])
  t.same(await outboxUrls(ta, quiet.result.RefNo), [], 'no notification once IPN is off')
  t.same(await outboxUrls(ta, order.result.RefNo), stored.Urls, 'the earlier order keeps the notifications it was given')
})

t.test('setIpnSettings with a bad URL, algorithm or status names each field and writes nothing', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const kept = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['https://shop.example/ipn'] }])
  t.notOk(kept.error, JSON.stringify(kept.error))
  const before = await settingsRows(ta)

  const urls = await ta.rpc('setIpnSettings', [m.apiSession, {
    Urls: ['https://ok.example/ipn', 'http://10.0.0.7/ipn', 'https://user:pw-123@shop.example/ipn', 'https://ok.example/ipn', 'shop.example/ipn']
  }])
  t.match(urls, {
    jsonrpc: '2.0',
    id: 1,
    error: {
      code: -32602,
      message: /^Invalid params: IpnSettings\.Urls\.1: .*private.* \(and 3 more\)$/,
      data: {
        error_code: 'INVALID_PARAMS',
        fields: [
          { path: 'IpnSettings.Urls.1', error_code: 'FIELD_INVALID', message: /IPN_ALLOW_PRIVATE_NETWORKS/ },
          { path: 'IpnSettings.Urls.2', error_code: 'FIELD_INVALID', message: /user name or password/ },
          { path: 'IpnSettings.Urls.3', error_code: 'FIELD_INVALID', message: 'the same URL as IpnSettings.Urls.0' },
          { path: 'IpnSettings.Urls.4', error_code: 'FIELD_INVALID', message: /absolute http/ }
        ]
      }
    }
  })
  t.equal(urls.error?.data.fields.length, 4, 'one error per bad URL')
  t.notOk(JSON.stringify(urls).includes('pw-123'), 'the password in the URL is not quoted back')
  t.notOk(ta.logs.some((line) => line.includes('pw-123')), 'nor logged')

  const shapes: Array<[unknown, string, string]> = [
    [{ Urls: Array.from({ length: 6 }, (_, i) => `https://a.example/${i}`) }, 'IpnSettings.Urls', 'FIELD_OUT_OF_RANGE'],
    [{ Urls: ['https://a.example/'], HashAlgorithm: 'sha1' }, 'IpnSettings.HashAlgorithm', 'FIELD_INVALID'],
    [{ Urls: ['https://a.example/'], Statuses: ['COMPLETE', 'SHIPPED'] }, 'IpnSettings.Statuses.1', 'FIELD_INVALID'],
    [{ Urls: ['https://a.example/'], Statuses: [] }, 'IpnSettings.Statuses', 'FIELD_OUT_OF_RANGE'],
    [{ Urls: ['https://a.example/'], Status: ['COMPLETE'] }, 'IpnSettings.Status', 'FIELD_UNKNOWN'],
    [{ HashAlgorithm: 'md5' }, 'IpnSettings.Urls', 'FIELD_REQUIRED'],
    [{ Urls: [`https://a.example/${'x'.repeat(2048)}`] }, 'IpnSettings.Urls.0', 'FIELD_TOO_LONG']
  ]
  for (const [settings, path, code] of shapes) {
    const reply = await ta.rpc('setIpnSettings', [m.apiSession, settings])
    t.match(reply.error, { code: -32602, data: { error_code: 'INVALID_PARAMS', fields: [{ path, error_code: code }] } }, `${JSON.stringify(settings).slice(0, 60)}: ${path} ${code}`)
  }
  t.same(await settingsRows(ta), before, 'the settings are as they were')
  t.same((await ta.rpc('getIpnSettings', [m.apiSession])).result.Urls, ['https://shop.example/ipn'])
})

t.test('with IPN_ALLOW_PRIVATE_NETWORKS=true a listener on a private or loopback address is allowed', async (t) => {
  const ta = await createTestApp(t, { IPN_ALLOW_PRIVATE_NETWORKS: 'true' })
  const m = await staffMerchant(ta)
  const reply = await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['http://127.0.0.1:9000/ipn', 'http://10.0.0.7/ipn', 'http://localhost:3000/ipn'] }])
  t.same(reply.result?.Urls, ['http://127.0.0.1:9000/ipn', 'http://10.0.0.7/ipn', 'http://localhost:3000/ipn'], JSON.stringify(reply.error))
  t.match((await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['https://u:p@a.example/'] }])).error, { code: -32602, data: { fields: [{ path: 'IpnSettings.Urls.0' }] } }, 'the other rules still hold')
})

t.test('a merchant user\'s session, whatever its privileges, may neither read nor change the IPN settings', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const other = await staffMerchant(ta)
  await ta.rpc('setIpnSettings', [m.apiSession, { Urls: ['https://shop.example/ipn'] }])
  const before = await settingsRows(ta)
  for (const session of [m.staffSession, m.noPrivilegeSession]) {
    for (const [method, params] of [['setIpnSettings', [session, { Urls: ['https://evil.example/ipn'] }]], ['getIpnSettings', [session]]] as const) {
      t.match(await ta.rpc(method, params), { id: 1, error: { code: 10004, message: /merchant's API session \(login\)/, data: { error_code: 'NOT_ALLOWED', privileges: [] } } }, `${method}: NOT_ALLOWED`)
    }
  }
  t.same(await settingsRows(ta), before, 'nothing changed')
  t.same((await ta.rpc('getIpnSettings', [other.apiSession])).result, DEFAULTS, 'another merchant has its own settings (the defaults), not these')
  t.notOk(JSON.stringify(await ta.rpc('getIpnSettings', [other.apiSession])).includes('shop.example'))
})
