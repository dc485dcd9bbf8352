import t from 'tap'
import { loadConfig } from '../../../src/config.js'
import { refusedAddressRange } from '../../../src/notifications/delivery-address-guard.js'
import { checkIpnUrls, isInsideNetworkHost } from '../../../src/notifications/ipn-settings.js'

const strict = { allowPrivateNetworks: false }
const codes = (urls: string[], options = strict) => checkIpnUrls(urls, options).errors.map((e) => `${e.path} ${e.error_code}`)

t.test('checkIpnUrls accepts absolute http and https URLs and answers them in normal form', async (t) => {
  t.same(checkIpnUrls(['https://shop.example/ipn', 'HTTP://Shop.Example:80/ipn?x=1', ' https://b.example:8443/a b '], strict), {
    urls: ['https://shop.example/ipn', 'http://shop.example/ipn?x=1', 'https://b.example:8443/a%20b'],
    errors: []
  })
  t.same(checkIpnUrls([], strict), { urls: [], errors: [] }, 'no URL: IPN off')
})

t.test('checkIpnUrls refuses each bad URL at IpnSettings.Urls.N, saying why, without quoting it', async (t) => {
  const { urls, errors } = checkIpnUrls(['https://ok.example/ipn', '/relative/ipn', 'https://merchant:s3cret@shop.example/ipn', 'https://ok.example/b'], strict)
  t.same(urls, ['https://ok.example/ipn', 'https://ok.example/b'], 'the good ones, in order')
  t.same(errors.map((e) => `${e.path} ${e.error_code}`), ['IpnSettings.Urls.1 FIELD_INVALID', 'IpnSettings.Urls.2 FIELD_INVALID'], 'each bad one at its index')
  t.notOk(JSON.stringify(errors).includes('s3cret'), 'a password in a URL is never quoted back')

  const why: Array<[string, string, RegExp]> = [
    ['/relative/ipn', 'FIELD_INVALID', /absolute http/],
    ['ftp://files.example/ipn', 'FIELD_INVALID', /absolute http/],
    ['javascript:alert(1)', 'FIELD_INVALID', /absolute http/],
    ['https://merchant:s3cret@shop.example/ipn', 'FIELD_INVALID', /user name or password/],
    ['https://merchant@shop.example/ipn', 'FIELD_INVALID', /user name or password/],
    ['https://shop.example/ipn#top', 'FIELD_INVALID', /fragment/],
    ['https://shop.example/ipn#', 'FIELD_INVALID', /fragment/],
    [`https://shop.example/${'a'.repeat(2048)}`, 'FIELD_TOO_LONG', /2048/]
  ]
  for (const [url, code, message] of why) {
    const found = checkIpnUrls([url], strict).errors
    t.match(found, [{ path: 'IpnSettings.Urls.0', error_code: code, message }], `${url.slice(0, 48)}: ${code}`)
    t.equal(found.length, 1)
  }
  t.same(codes([`https://shop.example/${'a'.repeat(2048 - 'https://shop.example/'.length)}`]), [], '2048 characters is allowed')
})

t.test('checkIpnUrls refuses more than 5 URLs and the same URL twice (after normalising)', async (t) => {
  t.same(codes(['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4', 'https://a.example/5', 'https://a.example/6']), ['IpnSettings.Urls FIELD_OUT_OF_RANGE'])
  const twice = checkIpnUrls(['https://a.example/ipn', 'https://b.example/ipn', 'HTTPS://A.EXAMPLE:443/ipn'], strict)
  t.same(twice.errors, [{ path: 'IpnSettings.Urls.2', error_code: 'FIELD_INVALID', message: 'the same URL as IpnSettings.Urls.0' }])
})

t.test('checkIpnUrls refuses loopback, private and link-local IP literals and localhost unless allowed', async (t) => {
  const inside = [
    'http://127.0.0.1/ipn', 'http://127.1/ipn', 'http://2130706433/ipn', 'http://0x7f.0.0.1/ipn', 'http://0.0.0.0/ipn',
    'http://10.1.2.3/ipn', 'http://172.16.0.1/ipn', 'http://172.31.255.255/ipn', 'http://192.168.1.1/ipn', 'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/ipn', 'http://[::1]/ipn', 'http://[::]/ipn', 'http://[fd00::1]/ipn', 'http://[fe80::1]/ipn', 'http://[::ffff:10.0.0.1]/ipn',
    'http://[::ffff:127.0.0.1]:8080/ipn', 'http://localhost:3000/ipn', 'http://LOCALHOST./ipn', 'http://shop.localhost/ipn'
  ]
  for (const url of inside) {
    t.same(codes([url]), ['IpnSettings.Urls.0 FIELD_INVALID'], `${url}: refused`)
    t.same(codes([url], { allowPrivateNetworks: true }), [], `${url}: allowed with IPN_ALLOW_PRIVATE_NETWORKS`)
  }
  t.match(checkIpnUrls(['http://10.0.0.1/'], strict).errors[0]?.message, /IPN_ALLOW_PRIVATE_NETWORKS=true/)
  for (const url of ['http://172.32.0.1/ipn', 'http://8.8.8.8/ipn', 'http://[2606:4700:4700::1111]/ipn', 'http://192.169.0.1/', 'http://localhost.example/ipn', 'http://10.example/ipn']) {
    t.same(codes([url]), [], `${url}: outside`)
  }
})

t.test('checkIpnUrls refuses what the delivery address guard refuses: multicast, reserved and documentation literals, and their IPv4-mapped and NAT64 forms, unless allowed', async (t) => {
  // The guard (delivery-address-guard.ts) would refuse every try to these: saved, they would
  // only ever fail. One classifier, so the save-time check and the send-time check agree.
  const refusedWhenSent = [
    ['http://224.0.0.1/ipn', 'multicast'], ['http://239.255.255.250:1900/', 'multicast'], ['http://[ff02::1]/ipn', 'multicast'],
    ['http://192.0.2.10/ipn', 'reserved'], ['http://198.51.100.7/ipn', 'reserved'], ['http://203.0.113.9/ipn', 'reserved'],
    ['http://198.18.0.1/ipn', 'reserved'], ['http://240.0.0.1/ipn', 'reserved'], ['http://192.0.0.8/ipn', 'reserved'],
    ['http://[2001:db8::1]/ipn', 'reserved'], ['http://[100::1]/ipn', 'reserved'],
    ['http://[::ffff:224.0.0.1]/ipn', 'IPv4-mapped multicast'], ['http://[64:ff9b::127.0.0.1]/ipn', 'IPv4-mapped loopback']
  ] as const
  for (const [url, range] of refusedWhenSent) {
    t.equal(refusedAddressRange(new URL(url).hostname), range, `${url}: the guard refuses it as ${range}`)
    t.same(codes([url]), ['IpnSettings.Urls.0 FIELD_INVALID'], `${url}: refused when saved`)
    t.same(codes([url], { allowPrivateNetworks: true }), [], `${url}: allowed with IPN_ALLOW_PRIVATE_NETWORKS`)
  }
  t.match(checkIpnUrls(['http://224.0.0.1/ipn'], strict).errors[0]?.message, /multicast.*IPN_ALLOW_PRIVATE_NETWORKS=true/)
})

t.test('isInsideNetworkHost reads URL hostnames, brackets included', async (t) => {
  t.equal(isInsideNetworkHost('[::1]'), true)
  t.equal(isInsideNetworkHost('[2001:db8::1]'), true, 'documentation range')
  t.equal(isInsideNetworkHost('[2606:4700:4700::1111]'), false)
  t.equal(isInsideNetworkHost('224.0.0.251'), true, 'multicast')
  t.equal(isInsideNetworkHost('127.0.0.1'), true)
  t.equal(isInsideNetworkHost('example.com'), false)
})

t.test('IPN_ALLOW_PRIVATE_NETWORKS is false unless set to true', async (t) => {
  t.equal(loadConfig({}).IPN_ALLOW_PRIVATE_NETWORKS, false)
  t.equal(loadConfig({ IPN_ALLOW_PRIVATE_NETWORKS: 'true' }).IPN_ALLOW_PRIVATE_NETWORKS, true)
  t.equal(loadConfig({ IPN_ALLOW_PRIVATE_NETWORKS: 'false' }).IPN_ALLOW_PRIVATE_NETWORKS, false)
  t.throws(() => loadConfig({ IPN_ALLOW_PRIVATE_NETWORKS: 'yes' }), { name: 'ConfigError', message: /IPN_ALLOW_PRIVATE_NETWORKS/ })
})
