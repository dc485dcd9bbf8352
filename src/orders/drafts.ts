/**
 * Draft orders (issue 19 item 1; seed 003's "Done Order", Shopify's draft orders, 2Checkout's
 * proposals): staff build an order for a customer over many calls. Each change replaces the
 * draft's Order (without PaymentDetails) and Assisted part, names the version it saw (a stale
 * one is refused) and holds the stock of its lines; every answer is priced by `priceQuote`,
 * exactly as placeOrder prices it. A draft expires (DRAFT_TTL_MINUTES, the sweep), is abandoned,
 * or is completed into one order (draft-completion.ts).
 */
import type { Kysely } from 'kysely'
import type { Merchant } from '../auth/merchant-store.js'
import { requirePrivileges, type MerchantUser } from '../auth/privileges.js'
import type { CatalogCache } from '../catalog/catalog-cache.js'
import { holdDraftStock, releaseDraftStock } from '../catalog/inventory.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Database } from '../db/schema.js'
import { AppError, type FieldError } from '../errors.js'
import type { Order } from '../wire/order-schema.js'
import { validateDraftOrder } from '../wire/draft-order.js'
import { z } from 'zod'
import { CustomItemSchema, DraftAssistedSchema, type DraftAssisted } from './assisted-order.js'
import type { ApprovalContext, DiscountGiver } from './discount-authority.js'
import { draftNotFound, lockOpenDraft, requireOpen, requireVersion } from './draft-claim.js'
import { closeDraft, expiredDraftIds, findDraft, insertDraft, lockDraft, searchStoredDrafts, updateDraftContent, type DraftContent, type DraftFilter, type StoredDraft } from './draft-store.js'
import { priceQuote, type Quote } from './quote-order.js'

export type DraftDeps = { db: Kysely<Database>, clock: Clock, catalogCache?: CatalogCache, config: Pick<Config, 'DRAFT_TTL_MINUTES' | 'DRAFT_MAX_TTL_MINUTES'> }

/**
 * A draft's content as a change gives it: the validated Order (with the placeholder payment) and
 * the staff's part; `approval`, a supervisor's verified before, of the discounts above the limits.
 */
export type DraftInput = { order: Order, assisted: DraftAssisted, expiresInMinutes?: number | undefined, approval?: ApprovalContext | undefined }

/** A draft as its answers show it: the stored draft and, while OPEN, its price now (or why it cannot be priced now). */
export type DraftView = { draft: StoredDraft, price: Quote | null, priceErrors: FieldError[] }

const MINUTE_MS = 60_000

function expiresAt (deps: DraftDeps, now: Date, minutes: number | undefined): Date {
  if (minutes !== undefined && minutes > deps.config.DRAFT_MAX_TTL_MINUTES) {
    throw new AppError('INVALID_PARAMS', { fields: [{ path: 'ExpiresInMinutes', error_code: 'FIELD_INVALID', message: `at most ${deps.config.DRAFT_MAX_TTL_MINUTES} minutes (DRAFT_MAX_TTL_MINUTES)` }] })
  }
  return new Date(now.getTime() + (minutes ?? deps.config.DRAFT_TTL_MINUTES) * MINUTE_MS)
}

const StaffRefSchema = z.object({ UserId: z.number().int(), Username: z.string() })

/**
 * Who gave each staff discount of a draft, by its Assisted path (…Discount): the user who set it
 * as it is (Key: discountKeys) and the supervisor who approved it above their limits, verified
 * then (never their password). Kept in the draft's content beside its Assisted part.
 */
const DraftGiversSchema = z.record(z.string(), StaffRefSchema.extend({ Key: z.string(), ApprovedBy: StaffRefSchema.optional() }))
type DraftGivers = z.output<typeof DraftGiversSchema>

/** What the store keeps: the Order without its placeholder payment (a draft never holds payment data) and the discounts' givers. */
function toContent (input: DraftInput, givers: DraftGivers): DraftContent {
  const { PaymentDetails: _placeholder, ...order } = input.order
  return { Order: order, Assisted: input.assisted, Givers: givers }
}

/** The discounts' givers a draft's content holds, for pricing and placing it; none for a draft saved before they were kept (its discounts are then the user's). */
function discountGivers (content: DraftContent): Map<string, DiscountGiver> {
  const givers = DraftGiversSchema.safeParse(content.Givers ?? {})
  if (!givers.success) return new Map()
  return new Map(Object.entries(givers.data).map(([path, g]) => [path, {
    userId: BigInt(g.UserId),
    username: g.Username,
    ...(g.ApprovedBy !== undefined ? { approval: { approverId: BigInt(g.ApprovedBy.UserId), approverUsername: g.ApprovedBy.Username } } : {})
  }]))
}

/** The stored content as the Order and Assisted part pricing takes, checked again (the rules may have changed since). */
function fromContent (content: DraftContent, now: Date): { ok: true, order: Order, assisted: DraftAssisted } | { ok: false, fields: FieldError[] } {
  const order = validateDraftOrder(content.Order, now)
  if (!order.ok) return order
  const assisted = DraftAssistedSchema.safeParse(content.Assisted)
  if (!assisted.success) return { ok: false, fields: [{ path: 'Assisted', error_code: 'FIELD_INVALID', message: 'the draft\'s Assisted part is no longer valid' }] }
  return { ok: true, order: order.order, assisted: assisted.data }
}

/** The draft's Order (with the placeholder payment), Assisted part and discounts' givers, for completion: refused naming the fields when they no longer validate. */
export function draftContent (draft: StoredDraft, now: Date): { order: Order, assisted: DraftAssisted, givers: Map<string, DiscountGiver> } {
  const content = fromContent(draft.content, now)
  if (!content.ok) throw new AppError('INVALID_PARAMS', { message: 'The draft no longer validates: update it first', fields: content.fields })
  return { order: content.order, assisted: content.assisted, givers: discountGivers(draft.content) }
}

/** A decimal as given (50, '50.00', '050.0'): one spelling per value; anything else stays as it is, so it compares unequal. */
function decimalKey (value: number | string): string {
  const text = typeof value === 'number' ? String(value) : value.trim()
  const parts = /^(-?)0*([0-9]+?)(?:\.([0-9]*?)0*)?$/.exec(text)
  if (parts === null) return `raw:${text}`
  const [, sign, whole, fraction] = parts
  const key = `${whole}${fraction === undefined || fraction === '' ? '' : `.${fraction}`}`
  return key === '0' ? key : `${sign}${key}`
}

/**
 * The custom lines as money and words, for telling whether a change changes them: every field of
 * every line in its place, and the order currency their prices are in. The same lines written
 * otherwise (Price 50 for '50.00', Quantity left out, a null Discount) give the same key; stored
 * lines that no longer parse give one no change can match.
 */
function customLinesKey (currency: unknown, lines: unknown): string {
  const parsed = z.array(CustomItemSchema).safeParse(lines ?? [])
  if (!parsed.success) return `unparsed:${JSON.stringify(lines)}`
  if (parsed.data.length === 0) return '[]'
  return JSON.stringify({
    currency: String(currency).toUpperCase(),
    lines: parsed.data.map((line) => [line.Name, decimalKey(line.Price), line.Quantity, line.TaxClass,
      line.Discount === undefined || line.Discount === null ? null : [line.Discount.Type, decimalKey(line.Discount.Value), line.Discount.Reason]])
  })
}

/**
 * Each staff discount of a draft by its Assisted path (…Discount, as the discount authority names
 * it), as money and words: the line it is on (a catalog line's product, a custom line's name and
 * price), the currency, its type, value and reason. The same discount written otherwise (10 for
 * '10.0') gives the same key.
 */
function discountKeys (order: Order, assisted: DraftAssisted): Map<string, string> {
  const keys = new Map<string, string>()
  const key = (line: unknown[], d: { Type: string, Value: number | string, Reason: string }) => JSON.stringify([order.Currency.toUpperCase(), ...line, d.Type, decimalKey(d.Value), d.Reason])
  ;(assisted.Items ?? []).forEach((item, i) => {
    const line = order.Items[i]
    if (item?.Discount !== undefined && item.Discount !== null && line !== undefined) keys.set(`Assisted.Items.${i}.Discount`, key([line.Code.toUpperCase()], item.Discount))
  })
  ;(assisted.CustomItems ?? []).forEach((item, i) => {
    if (item.Discount !== undefined && item.Discount !== null) keys.set(`Assisted.CustomItems.${i}.Discount`, key([item.Name, decimalKey(item.Price)], item.Discount))
  })
  if (assisted.Discount !== undefined) keys.set('Assisted.Discount', key([], assisted.Discount))
  return keys
}

/**
 * Who gives each discount of the draft's new content: a discount the draft holds as it is stays
 * its giver's (with its approval), whoever saves the draft; one the user adds or changes is theirs.
 */
function draftGivers (user: MerchantUser, stored: DraftContent | undefined, input: DraftInput): DraftGivers {
  const before = stored === undefined ? {} : DraftGiversSchema.safeParse(stored.Givers ?? {}).data ?? {}
  const givers: DraftGivers = {}
  for (const [path, key] of discountKeys(input.order, input.assisted)) {
    const kept = before[path]
    givers[path] = kept !== undefined && kept.Key === key ? kept : { Key: key, UserId: Number(user.id), Username: user.username }
  }
  return givers
}

/** The givers with the approval of each discount an approval covered (priceQuote's `approved`, at …Discount.Value). */
function withApprovals (givers: DraftGivers, approved: ReadonlyMap<string, ApprovalContext>): DraftGivers {
  const out: DraftGivers = { ...givers }
  for (const [field, approval] of approved) {
    const path = field.replace(/\.Value$/, '')
    const giver = out[path]
    if (giver !== undefined) out[path] = { ...giver, ApprovedBy: { UserId: Number(approval.approverId), Username: approval.approverUsername } }
  }
  return out
}

/**
 * A draft's custom lines change (dropped, added, any field of one, the currency of their prices)
 * only with CUSTOM_LINE_ITEMS, whatever the call sends: decided against the lines the locked draft
 * holds, so a user without it saves a colleague's draft by sending them back as they are. Refused
 * as the dispatcher refuses Assisted.CustomItems (NOT_ALLOWED naming the field).
 */
function requireCustomLinesKept (user: MerchantUser, stored: DraftContent, input: DraftInput): void {
  if (customLinesKey(stored.Order.Currency, stored.Assisted.CustomItems) === customLinesKey(input.order.Currency, input.assisted.CustomItems)) return
  requirePrivileges(user, ['CUSTOM_LINE_ITEMS'], [{ path: 'Assisted.CustomItems', error_code: 'NOT_ALLOWED', message: 'only a user with CUSTOM_LINE_ITEMS may change the draft\'s custom lines' }])
}

/** The draft with its price now: an OPEN draft is priced as placeOrder would price it; a closed one is not priced. */
export async function viewDraft (deps: DraftDeps, merchant: Merchant, user: MerchantUser, draft: StoredDraft): Promise<DraftView> {
  if (draft.status !== 'OPEN') return { draft, price: null, priceErrors: [] }
  const content = fromContent(draft.content, deps.clock.now())
  if (!content.ok) return { draft, price: null, priceErrors: content.fields }
  try {
    // each discount held to its giver's authority, as completeDraft holds it
    return { draft, price: await priceQuote(deps, merchant, user, content.order, content.assisted, { givers: discountGivers(draft.content) }), priceErrors: [] }
  } catch (err) {
    // The catalog changed under the draft (a product archived, a coupon expired): shown, not thrown.
    if (err instanceof AppError && err.fields !== undefined) return { draft, price: null, priceErrors: err.fields }
    throw err
  }
}

async function readDraft (db: Kysely<Database>, merchantId: bigint, draftId: bigint): Promise<StoredDraft> {
  const draft = await findDraft(db, merchantId, draftId)
  if (draft === undefined) throw draftNotFound(draftId)
  return draft
}

/**
 * createDraft: a new OPEN draft (version 1) for the customer, priced, its stock held, its
 * discounts the user's (those above their limits approved by `input.approval`, recorded on
 * them). A refusal writes nothing.
 */
export async function createDraft (deps: DraftDeps, merchant: Merchant, user: MerchantUser, input: DraftInput): Promise<DraftView> {
  const now = deps.clock.now()
  const expires = expiresAt(deps, now, input.expiresInMinutes)
  const price = await priceQuote(deps, merchant, user, input.order, input.assisted, input.approval === undefined ? {} : { approval: input.approval })
  const givers = withApprovals(draftGivers(user, undefined, input), price.approved)
  const id = await deps.db.transaction().execute(async (trx) => {
    const id = await insertDraft(trx, {
      merchantId: merchant.id,
      customerId: input.assisted.CustomerId === undefined ? null : BigInt(input.assisted.CustomerId),
      customerEmail: input.order.BillingDetails.Email.toLowerCase(),
      currency: input.order.Currency,
      content: toContent(input, givers),
      userId: user.id,
      expiresAt: expires,
      now
    })
    await holdDraftStock(trx, merchant.id, id, price.priced.lines)
    return id
  })
  return { draft: await readDraft(deps.db, merchant.id, id), price, priceErrors: [] }
}

/** getDraft: this merchant's draft, priced now while OPEN. */
export async function getDraft (deps: DraftDeps, merchant: Merchant, user: MerchantUser, draftId: bigint): Promise<DraftView> {
  return await viewDraft(deps, merchant, user, await readDraft(deps.db, merchant.id, draftId))
}

/**
 * updateDraft: replaces the draft's Order and Assisted part, from the version the caller saw
 * (another change since: DRAFT_VERSION_CONFLICT, nothing written); the version grows by one and
 * the stock held follows the new lines. ExpiresInMinutes, given, sets a new expiry from now.
 * Its custom lines change only with CUSTOM_LINE_ITEMS (requireCustomLinesKept, under the lock).
 * A staff discount it keeps as it is stays its giver's, held to their authority; one it adds or
 * changes is the user's (draftGivers); `input.approval` approves those above their giver's limits
 * and is recorded on them.
 */
export async function updateDraft (deps: DraftDeps, merchant: Merchant, user: MerchantUser, draftId: bigint, version: number, input: DraftInput): Promise<DraftView> {
  const now = deps.clock.now()
  const expires = input.expiresInMinutes === undefined ? undefined : expiresAt(deps, now, input.expiresInMinutes)
  // First against the draft as it is now, by the same rules in the same order as under the lock:
  // custom lines sent by a user without the privilege are never priced (their price errors would
  // answer what the privilege refuses), and its discounts' givers are those of `version`, which
  // the lock below holds (it refuses any other version).
  const current = await readDraft(deps.db, merchant.id, draftId)
  requireOpen(current, now)
  requireVersion(current, version)
  if (!user.privileges.includes('CUSTOM_LINE_ITEMS')) requireCustomLinesKept(user, current.content, input)
  const given = draftGivers(user, current.content, input)
  const price = await priceQuote(deps, merchant, user, input.order, input.assisted, {
    givers: discountGivers({ ...current.content, Givers: given }),
    ...(input.approval !== undefined ? { approval: input.approval } : {})
  })
  const givers = withApprovals(given, price.approved)
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockOpenDraft(trx, merchant.id, draftId, version, now)
    requireCustomLinesKept(user, locked.content, input)
    await holdDraftStock(trx, merchant.id, draftId, price.priced.lines)
    const updated = await updateDraftContent(trx, draftId, version, {
      customerId: input.assisted.CustomerId === undefined ? null : BigInt(input.assisted.CustomerId),
      customerEmail: input.order.BillingDetails.Email.toLowerCase(),
      currency: input.order.Currency,
      content: toContent(input, givers),
      userId: user.id,
      expiresAt: expires ?? locked.expiresAt,
      now
    })
    if (!updated) throw new Error(`draft ${draftId} changed under its lock`)
  })
  return { draft: await readDraft(deps.db, merchant.id, draftId), price, priceErrors: [] }
}

/** abandonDraft: an OPEN draft ABANDONED, its stock given back; at `version` when given. */
export async function abandonDraft (deps: DraftDeps, merchant: Merchant, user: MerchantUser, draftId: bigint, version: number | undefined): Promise<DraftView> {
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await lockOpenDraft(trx, merchant.id, draftId, version, now)
    await releaseDraftStock(trx, draftId)
    await closeDraft(trx, draftId, { status: 'ABANDONED', at: now, userId: user.id })
  })
  return await getDraft(deps, merchant, user, draftId)
}

export type DraftSearch = { filter: DraftFilter, page: number, limit: number }

/** searchDrafts: a page of this merchant's drafts, newest first, each as getDraft answers it, and how many match. */
export async function searchDrafts (deps: DraftDeps, merchant: Merchant, user: MerchantUser, search: DraftSearch): Promise<{ drafts: DraftView[], count: number }> {
  const found = await searchStoredDrafts(deps.db, merchant.id, search.filter, search.page, search.limit)
  const drafts: DraftView[] = []
  for (const draft of found.drafts) drafts.push(await viewDraft(deps, merchant, user, draft))
  return { drafts, count: found.count }
}

const SWEEP_BATCH = 500

/**
 * The sweep (src/orders/sweeper.ts): every OPEN draft past its expiry EXPIRED and its stock
 * given back, each under its lock and checked again (a change may have extended it meanwhile).
 * At most SWEEP_BATCH a run; the next run takes the rest.
 */
export async function sweepExpiredDrafts (deps: Pick<DraftDeps, 'db' | 'clock'>): Promise<{ expired: string[] }> {
  const now = deps.clock.now()
  const expired: string[] = []
  for (const { id, merchantId } of await expiredDraftIds(deps.db, now, SWEEP_BATCH)) {
    await deps.db.transaction().execute(async (trx) => {
      const locked = await lockDraft(trx, merchantId, id)
      if (locked === undefined || locked.status !== 'OPEN' || locked.expiresAt.getTime() > now.getTime()) return
      await releaseDraftStock(trx, id)
      if (await closeDraft(trx, id, { status: 'EXPIRED', at: now })) expired.push(String(id))
    })
  }
  return { expired }
}
