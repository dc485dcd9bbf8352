import { z } from 'zod'
import { IPN_HASH_ALGORITHMS, MAX_IPN_URL_LENGTH, MAX_IPN_URLS, readIpnSettings, saveIpnSettings, type IpnSettings } from '../../notifications/ipn-settings.js'
import { resendIpn } from '../../notifications/resend-ipn.js'
import { ORDER_STATUSES } from '../../orders/order.js'
import { RefNoSchema } from '../../orders/order-reference.js'
import { formatWireDate } from '../../wire/wire-date.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

// 2Checkout sets IPN in its control panel, not its API: these method names and shapes are ordergate's.

const IpnSettingsParamSchema = z.strictObject({
  Urls: z.array(z.string()).max(MAX_IPN_URLS).describe(`the listener URLs, 0-${MAX_IPN_URLS}: absolute http(s), at most ${MAX_IPN_URL_LENGTH} characters, no user:password@ or #fragment, no loopback/private/link-local address (unless IPN_ALLOW_PRIVATE_NETWORKS=true); [] turns IPN off`),
  HashAlgorithm: z.string().transform((a) => a.toLowerCase()).pipe(z.enum(IPN_HASH_ALGORITHMS)).default('md5').describe('signs each message\'s HASH and the expected read receipt; md5 (2Checkout\'s legacy default), sha256 or sha3-256'),
  Statuses: z.array(z.enum(ORDER_STATUSES)).min(1).nullable().default(null).describe('the order statuses that send a notification; null or absent: every status change')
})

const IpnSettingsResultSchema = z.object({
  Urls: z.array(z.string()).describe('as they are called (normal form); [] : IPN is off'),
  HashAlgorithm: z.enum(IPN_HASH_ALGORITHMS),
  Statuses: z.array(z.enum(ORDER_STATUSES)).nullable().describe('null: every status change'),
  UpdatedAt: z.string().nullable().describe('YYYY-MM-DD HH:mm:ss (UTC); null: never set (the defaults)'),
  UpdatedBy: z.string().nullable().describe('merchant:<CODE> (this method) or system:cli (ordergate merchant ipn)')
})

function toWireSettings (settings: IpnSettings): z.output<typeof IpnSettingsResultSchema> {
  return {
    Urls: settings.urls,
    HashAlgorithm: settings.algorithm,
    Statuses: settings.statuses,
    UpdatedAt: settings.updatedAt === null ? null : formatWireDate(settings.updatedAt),
    UpdatedBy: settings.updatedBy
  }
}

/** setIpnSettings(sessionID, IpnSettings) → the stored IPN settings (merchant API session only). */
export const setIpnSettingsMethod = defineMethod({
  name: 'setIpnSettings',
  summary: 'Replaces the merchant\'s IPN settings (listener URLs, hash algorithm, statuses) and returns them as stored; Urls [] turns IPN off (merchant API session only)',
  params: z.object({ sessionID: z.string(), IpnSettings: IpnSettingsParamSchema }),
  result: IpnSettingsResultSchema,
  session: true,
  // Where the merchant's order data is sent: its API session only, whatever a user's privileges.
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    const { Urls, HashAlgorithm, Statuses } = params.IpnSettings
    const saved = await saveIpnSettings(ctx.deps, ctx.merchant.id, { urls: Urls, algorithm: HashAlgorithm, statuses: Statuses }, `merchant:${ctx.merchant.code}`)
    ctx.log.info({ urls: saved.urls.length, algorithm: saved.algorithm }, 'IPN settings changed')
    return toWireSettings(saved)
  }
})

/** getIpnSettings(sessionID) → the IPN settings, or the defaults (no URL, md5, every status). */
export const getIpnSettingsMethod = defineMethod({
  name: 'getIpnSettings',
  summary: 'Returns the merchant\'s IPN settings, or the defaults (Urls [], md5, every status) when never set (merchant API session only)',
  params: z.object({ sessionID: z.string() }),
  result: IpnSettingsResultSchema,
  session: true,
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (_params, ctx) => toWireSettings(await readIpnSettings(ctx.deps.db, ctx.merchant.id))
})

/** resendIpn(sessionID, RefNo) → the notifications queued again: the order's latest, one per URL. */
export const resendIpnMethod = defineMethod({
  name: 'resendIpn',
  summary: 'Queues the order\'s latest IPN notification again, due now: one per URL that change went to (a user\'s session needs RESEND_NOTIFICATIONS)',
  params: z.object({ sessionID: z.string(), RefNo: RefNoSchema }),
  result: z.object({
    RefNo: z.string(),
    Queued: z.array(z.object({ NotificationId: z.number().int(), Url: z.string() })).describe('the new notifications (getOrderHistory shows them with ResendOf)')
  }),
  session: true,
  access: { merchantSession: true, userPrivileges: ['RESEND_NOTIFICATIONS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'IPN_NOTIFICATION_NOT_FOUND'],
  handler: async (params, ctx) => {
    const { refNo, queued } = await resendIpn(ctx.deps, ctx.merchant, params.RefNo, ctx.log)
    return { RefNo: refNo, Queued: queued.map((n) => ({ NotificationId: Number(n.id), Url: n.url })) }
  }
})
