import t from 'tap'
import { guardedLookup, refusedAddressRange } from '../../../src/notifications/delivery-address-guard.js'

t.test('addresses outside the public internet are refused, each with its range', async (t) => {
  const refused: Record<string, string> = {
    '127.0.0.1': 'loopback',
    '127.255.0.9': 'loopback',
    '::1': 'loopback',
    '10.1.2.3': 'private',
    '172.16.0.1': 'private',
    '172.31.255.255': 'private',
    '192.168.1.1': 'private',
    'fd12:3456::1': 'private',
    '100.64.0.1': 'CGNAT',
    '100.127.255.254': 'CGNAT',
    '169.254.169.254': 'link-local',
    'fe80::1': 'link-local',
    '224.0.0.1': 'multicast',
    'ff02::1': 'multicast',
    '0.0.0.0': 'unspecified',
    '::': 'unspecified',
    '::ffff:127.0.0.1': 'IPv4-mapped loopback',
    '::ffff:7f00:1': 'IPv4-mapped loopback',
    '::ffff:10.0.0.1': 'IPv4-mapped private',
    '::ffff:169.254.169.254': 'IPv4-mapped link-local',
    '64:ff9b::a9fe:a9fe': 'IPv4-mapped link-local',
    '[::1]': 'loopback'
  }
  for (const [address, range] of Object.entries(refused)) t.equal(refusedAddressRange(address), range, address)
})

t.test('public addresses pass, including their IPv4-mapped form and neighbours of the private ranges', async (t) => {
  for (const address of ['93.184.216.34', '8.8.8.8', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '11.0.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    t.equal(refusedAddressRange(address), undefined, address)
  }
  t.equal(refusedAddressRange('example.com'), 'not an IP address')
})

t.test('the lookup hook refuses a name that resolves to loopback, and passes the error to the connection', async (t) => {
  const result = await new Promise<{ err: NodeJS.ErrnoException | null, address: unknown }>((resolve) => {
    guardedLookup('localhost', { family: 0 }, (err, address) => { resolve({ err, address }) })
  })
  t.match(result.err, { code: 'IPN_ADDRESS_REFUSED', message: /refused loopback address (127\.0\.0\.1|::1)/ })
  const all = await new Promise<{ err: NodeJS.ErrnoException | null }>((resolve) => {
    guardedLookup('localhost', { family: 0, all: true }, (err) => { resolve({ err }) })
  })
  t.match(all.err, { code: 'IPN_ADDRESS_REFUSED' }, 'also when every address is asked for')
})
