import { isIP } from 'node:net'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError, type FieldError } from '../errors.js'
import type { OrderStatus } from '../orders/order.js'
import { refusedAddressRange } from './delivery-address-guard.js'
import { findIpnSettings, upsertIpnSettings } from './ipn-settings-store.js'

/**
 * A merchant's IPN settings (2Checkout's Instant Payment Notification): the listener URLs, the
 * algorithm that signs each message's HASH and read receipt, and the order statuses that send
 * one. 2Checkout sets these in its control panel; here they are set with `ordergate merchant
 * ipn` or the setIpnSettings method, both through saveIpnSettings.
 */

/** md5 is 2Checkout's legacy default; sha256 and sha3-256 are its current ones. */
export const IPN_HASH_ALGORITHMS = ['md5', 'sha256', 'sha3-256'] as const
export type IpnHashAlgorithm = typeof IPN_HASH_ALGORITHMS[number]

export const MAX_IPN_URLS = 5
export const MAX_IPN_URL_LENGTH = 2048
const URLS_PATH = 'IpnSettings.Urls'

export type IpnSettings = {
  /** [] : IPN is off */
  urls: string[]
  algorithm: IpnHashAlgorithm
  /** the order statuses that send a notification; null: every status change */
  statuses: OrderStatus[] | null
  /** null while the merchant has never set them (the defaults) */
  updatedAt: Date | null
  updatedBy: string | null
}

/** What a merchant that never set its IPN settings has: no URL (IPN off), md5, every status. */
export function defaultIpnSettings (): IpnSettings {
  return { urls: [], algorithm: 'md5', statuses: null, updatedAt: null, updatedBy: null }
}

/**
 * Whether a URL's host is an IP literal outside the public internet — loopback, private (RFC
 * 1918, unique local), CGNAT, link-local, unspecified, reserved or documentation, multicast, or
 * an IPv4-mapped / NAT64 form of one: the delivery address guard's own ranges
 * (refusedAddressRange), so what is refused when a notification is sent is refused when the
 * settings are saved — or `localhost` (RFC 6761: always loopback). A listener there would let a
 * merchant make the server send requests to its neighbours (SSRF). Other names are not resolved
 * here: what they resolve to when a notification is sent is the sender's check.
 */
export function isInsideNetworkHost (hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  if (isIP(host) !== 0) return refusedAddressRange(host) !== undefined
  const name = host.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost')
}

/**
 * Checks listener URLs (the one check, for the CLI and setIpnSettings alike): at most
 * MAX_IPN_URLS, each an absolute http or https URL of at most MAX_IPN_URL_LENGTH characters,
 * without user:password@ (the message is signed instead) or fragment, whose host is not inside
 * the network unless allowed, and no URL twice. Answers the URLs as they will be called (WHATWG
 * normal form: `HTTPS://Shop.example:443/ipn` is `https://shop.example/ipn`) and one field error
 * per bad URL, naming `IpnSettings.Urls.N`. A URL is never quoted back: it may hold a password.
 */
export function checkIpnUrls (urls: readonly string[], options: { allowPrivateNetworks: boolean }): { urls: string[], errors: FieldError[] } {
  const errors: FieldError[] = []
  if (urls.length > MAX_IPN_URLS) {
    errors.push({ path: URLS_PATH, error_code: 'FIELD_OUT_OF_RANGE', message: `at most ${MAX_IPN_URLS} IPN URLs` })
  }
  const normalized: string[] = []
  const firstIndex = new Map<string, number>()
  urls.forEach((text, index) => {
    const path = `${URLS_PATH}.${index}`
    const invalid = (message: string) => errors.push({ path, error_code: 'FIELD_INVALID', message })
    if (text.length > MAX_IPN_URL_LENGTH) {
      errors.push({ path, error_code: 'FIELD_TOO_LONG', message: `an IPN URL is at most ${MAX_IPN_URL_LENGTH} characters` })
      return
    }
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return invalid('not an absolute http:// or https:// URL')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalid('not an absolute http:// or https:// URL')
    if (url.username !== '' || url.password !== '') return invalid('an IPN URL may not hold a user name or password (user:password@): the messages are signed with the secret key instead')
    if (text.includes('#')) return invalid('an IPN URL may not have a fragment (#…): it is never sent to the listener')
    if (!options.allowPrivateNetworks && isInsideNetworkHost(url.hostname)) {
      return invalid('the host is not a public internet address (loopback, private, link-local, reserved or multicast) or is localhost; set IPN_ALLOW_PRIVATE_NETWORKS=true to allow it, for a test set-up')
    }
    if (url.href.length > MAX_IPN_URL_LENGTH) {
      errors.push({ path, error_code: 'FIELD_TOO_LONG', message: `an IPN URL is at most ${MAX_IPN_URL_LENGTH} characters` })
      return
    }
    const first = firstIndex.get(url.href)
    if (first !== undefined) return invalid(`the same URL as ${URLS_PATH}.${first}`)
    firstIndex.set(url.href, index)
    normalized.push(url.href)
  })
  return { urls: normalized, errors }
}

export type IpnSettingsDeps = { db: Kysely<Database>, clock: Clock, config: { IPN_ALLOW_PRIVATE_NETWORKS: boolean } }

export type IpnSettingsInput = {
  /** [] turns IPN off */
  urls: readonly string[]
  algorithm: IpnHashAlgorithm
  /** null: every status change */
  statuses: readonly OrderStatus[] | null
}

/**
 * Replaces the merchant's IPN settings and answers them as stored; INVALID_PARAMS naming each bad
 * URL, with nothing written. `updatedBy` names who set them (`merchant:<CODE>`, `system:cli`).
 * Changes already recorded keep the notifications they were given.
 */
export async function saveIpnSettings (deps: IpnSettingsDeps, merchantId: bigint, input: IpnSettingsInput, updatedBy: string): Promise<IpnSettings> {
  const checked = checkIpnUrls(input.urls, { allowPrivateNetworks: deps.config.IPN_ALLOW_PRIVATE_NETWORKS })
  if (checked.errors.length > 0) throw new AppError('INVALID_PARAMS', { fields: checked.errors })
  const stored = await upsertIpnSettings(deps.db, merchantId, {
    urls: checked.urls,
    algorithm: input.algorithm,
    statuses: input.statuses === null ? null : [...new Set(input.statuses)],
    updatedAt: deps.clock.now(),
    updatedBy
  })
  return toIpnSettings(stored)
}

/** The merchant's IPN settings, or the defaults (no URL: IPN off) when it never set them. */
export async function readIpnSettings (db: Kysely<Database>, merchantId: bigint): Promise<IpnSettings> {
  const row = await findIpnSettings(db, merchantId)
  return row === undefined ? defaultIpnSettings() : toIpnSettings(row)
}

function toIpnSettings (row: { urls: string[], algorithm: string, statuses: string[] | null, updatedAt: Date, updatedBy: string }): IpnSettings {
  return {
    urls: row.urls,
    algorithm: row.algorithm as IpnHashAlgorithm,
    statuses: row.statuses as OrderStatus[] | null,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy
  }
}
