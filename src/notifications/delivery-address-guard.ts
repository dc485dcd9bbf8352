import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// A merchant chooses its IPN URLs, so without a guard ordergate would POST wherever they point:
// its own admin ports, the cloud metadata service (169.254.169.254), the database. Addresses
// outside the public internet are refused, after the name is resolved (a public name may
// resolve to a private address) and before the connection is made.

type Range = { name: string, list: BlockList }

function range (name: string, subnets: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>): Range {
  const list = new BlockList()
  for (const [net, prefix, family] of subnets) list.addSubnet(net, prefix, family)
  return { name, list }
}

const IPV4_RANGES: readonly Range[] = [
  range('unspecified', [['0.0.0.0', 8, 'ipv4']]),
  range('loopback', [['127.0.0.0', 8, 'ipv4']]),
  range('private', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4']]),
  range('CGNAT', [['100.64.0.0', 10, 'ipv4']]),
  range('link-local', [['169.254.0.0', 16, 'ipv4']]),
  // IETF protocol assignments, documentation, benchmarking: never a merchant's listener
  range('reserved', [['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'], ['240.0.0.0', 4, 'ipv4']]),
  range('multicast', [['224.0.0.0', 4, 'ipv4']])
]

const IPV6_RANGES: readonly Range[] = [
  range('unspecified', [['::', 128, 'ipv6']]),
  range('loopback', [['::1', 128, 'ipv6']]),
  range('private', [['fc00::', 7, 'ipv6'], ['fec0::', 10, 'ipv6']]),
  range('link-local', [['fe80::', 10, 'ipv6']]),
  range('reserved', [['2001:db8::', 32, 'ipv6'], ['100::', 64, 'ipv6']]),
  range('multicast', [['ff00::', 8, 'ipv6']])
]

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 IPv6 address. */
function embeddedIpv4 (address: string): string | undefined {
  const lower = address.toLowerCase()
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
  if (dotted?.[1] !== undefined) return dotted[1]
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (hex?.[1] === undefined || hex[2] === undefined) return undefined
  const high = parseInt(hex[1], 16)
  const low = parseInt(hex[2], 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

/** Why `address` (an IP literal) is not a public internet address, or undefined when it is one. */
export function refusedAddressRange (address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const family = isIP(bare)
  if (family === 4) return IPV4_RANGES.find((r) => r.list.check(bare, 'ipv4'))?.name
  if (family !== 6) return 'not an IP address'
  const v4 = embeddedIpv4(bare)
  if (v4 !== undefined && isIP(v4) === 4) {
    const inner = IPV4_RANGES.find((r) => r.list.check(v4, 'ipv4'))?.name
    return inner === undefined ? undefined : `IPv4-mapped ${inner}`
  }
  return IPV6_RANGES.find((r) => r.list.check(bare, 'ipv6'))?.name
}

/** A connection refused by the address guard; `code` is what the attempt records. */
export class RefusedAddressError extends Error {
  readonly code = 'IPN_ADDRESS_REFUSED'
  constructor (address: string, rangeName: string) {
    super(`refused ${rangeName} address ${address} (IPN_ALLOW_PRIVATE_NETWORKS is not set)`)
    this.name = 'RefusedAddressError'
  }
}

/**
 * A `lookup` for node:http(s) that resolves as dns.lookup does, then refuses the connection
 * when any resolved address is outside the public internet (every address is checked, so a name
 * cannot slip a private one in beside a public one).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err !== null) {
      callback(err, '', 0)
      return
    }
    const refused = addresses.map((a) => [a.address, refusedAddressRange(a.address)] as const).find(([, r]) => r !== undefined)
    if (refused !== undefined) {
      callback(new RefusedAddressError(refused[0], refused[1] ?? ''), '', 0)
      return
    }
    if (options.all === true) {
      (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses)
      return
    }
    const first = addresses[0]
    if (first === undefined) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0)
    else callback(null, first.address, first.family)
  })
}
