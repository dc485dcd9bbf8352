import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { ORDER_STATUSES } from './order.js'
import { searchStoredOrders, type OrderFilter } from './order-search-store.js'
import type { StoredOrder } from './order-store.js'

// searchOrders' options as 2Checkout API 6.0 names them (orderSearchOptions: StartDate, EndDate,
// Newer, Status, ApproveStatus, ExternalRefNo, PartnerOrders, Pagination {Page, Limit}), plus
// ordergate's customer and product filters. Every option is checked strictly: an unknown name,
// a date that is not one, a Limit over 2Checkout's maximum are refused with the field's path.

/** 2Checkout's search methods: page 1 of 10 results unless told; at most 200 on a page. */
export const SEARCH_DEFAULT_LIMIT = 10
export const SEARCH_MAX_LIMIT = 200
/** 2Checkout: without Newer (or StartDate), the orders of the last 7 days. */
export const SEARCH_DEFAULT_DAYS = 7

/** 2Checkout's ApproveStatus values; ordergate's orders are WAITING or OK, so FRAUD and INVALIDDATA find none. */
export const SEARCH_APPROVE_STATUSES = ['WAITING', 'OK', 'FRAUD', 'INVALIDDATA'] as const

const DAY_MS = 86_400_000

const issue = (message: string) => ({ code: 'custom' as const, message, params: { error_code: 'FIELD_INVALID' } })

/** `YYYY-MM-DD`, a real calendar day (2026-02-30 is refused), as the Date of its 00:00:00 UTC. */
const DaySchema = z.string().transform((text, ctx) => {
  const day = parseDay(text)
  if (day === undefined) {
    ctx.addIssue(issue('a date as YYYY-MM-DD (Y-m-d), between 2000-01-01 and 9999-12-31'))
    return z.NEVER
  }
  return day
})

function parseDay (text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (m === null) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return real && year >= 2000 ? date : undefined
}

/** Newer: `YYYY-MM-DD HH:mm:ss` (UTC, 2Checkout's date-time format), `YYYY-MM-DD`, or a Unix timestamp in seconds. */
const NewerSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  let at: Date | undefined
  if (typeof value === 'number') {
    at = Number.isSafeInteger(value) && value >= 946_684_800 && value <= 253_402_300_799 ? new Date(value * 1000) : undefined
  } else {
    const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(value)
    const day = m === null ? undefined : parseDay(m[1] as string)
    const [h, min, s] = [Number(m?.[2] ?? 0), Number(m?.[3] ?? 0), Number(m?.[4] ?? 0)]
    at = day === undefined || h > 23 || min > 59 || s > 59 ? undefined : new Date(day.getTime() + ((h * 60 + min) * 60 + s) * 1000)
  }
  if (at === undefined) {
    ctx.addIssue(issue('a date-time as YYYY-MM-DD HH:mm:ss (UTC) or YYYY-MM-DD, or a Unix timestamp in seconds, from 2000 on'))
    return z.NEVER
  }
  return at
})

const text = (max: number) => z.string().trim().min(1).max(max)

export const PaginationSchema = z.strictObject({
  Page: z.number().int().min(1).max(1_000_000).default(1).describe('the page to answer, from 1'),
  Limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).default(SEARCH_DEFAULT_LIMIT).describe(`orders on a page, 1-${SEARCH_MAX_LIMIT} (2Checkout's maximum); ${SEARCH_DEFAULT_LIMIT} unless given`)
})

// Strict: an option name searchOrders does not have is refused (FIELD_UNKNOWN at its path).
export const OrderSearchOptionsSchema = z.strictObject({
  StartDate: DaySchema.optional().describe('orders placed on or after this day (YYYY-MM-DD, UTC); overrides Newer'),
  EndDate: DaySchema.optional().describe('orders placed on or before this day (YYYY-MM-DD, UTC, the whole day)'),
  Newer: NewerSchema.optional().describe(`orders placed at or after this time (YYYY-MM-DD HH:mm:ss UTC, YYYY-MM-DD, or Unix seconds); without it and StartDate, the last ${SEARCH_DEFAULT_DAYS} days (up to EndDate, when given)`),
  Status: z.enum(ORDER_STATUSES).optional().describe('the order status'),
  ApproveStatus: z.enum(SEARCH_APPROVE_STATUSES).optional().describe('2Checkout\'s approval status; ordergate\'s orders are WAITING or OK'),
  ExternalRefNo: text(100).optional().describe('the order\'s ExternalReference, exactly'),
  PartnerOrders: z.boolean().optional().describe('2Checkout: include partner orders; ordergate has none, so it changes nothing'),
  CustomerEmail: z.email().max(255).optional().describe('ordergate\'s: the order\'s BillingDetails.Email, in any case'),
  CustomerReference: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().describe('ordergate\'s: the order\'s CustomerReference (2Checkout\'s external customer reference, AV_CUSTOMERID)'),
  CustomerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('ordergate\'s: the customer\'s CustomerId (createCustomer, searchCustomers)'),
  ProductCode: text(256).optional().describe('ordergate\'s: orders with a line of this product Code'),
  Overdue: z.literal(true).optional().describe('ordergate\'s: only orders past their payment terms\' DueDate and still awaiting payment (PENDING, PURCHASE_PENDING, UNFINISHED); with no StartDate, Newer or EndDate, of any date'),
  Pagination: PaginationSchema.optional().describe(`Page (from 1) and Limit (1-${SEARCH_MAX_LIMIT}); page 1 of ${SEARCH_DEFAULT_LIMIT} unless given`)
})
  .superRefine((options, ctx) => {
    if (options.StartDate !== undefined && options.EndDate !== undefined && options.EndDate < options.StartDate) {
      ctx.addIssue({ ...issue('EndDate is before StartDate'), path: ['EndDate'] })
    }
  })

export type OrderSearchOptions = z.output<typeof OrderSearchOptionsSchema>

/** One page of a merchant's orders, newest first, and how many match in all. */
export type OrderSearchPage = { orders: StoredOrder[], page: number, limit: number, count: number }

/** The options as the store filters by them: a half-open time range and the equalities. */
export function toOrderFilter (options: OrderSearchOptions, now: Date): OrderFilter {
  const before = options.EndDate === undefined ? undefined : new Date(options.EndDate.getTime() + DAY_MS)
  // 2Checkout: StartDate overrides Newer; without either, the last 7 days (of the range, when an
  // EndDate ends it: an EndDate alone is not answered with nothing for being older than a week).
  const anyDate = options.Overdue === true && options.StartDate === undefined && options.Newer === undefined && before === undefined
  const from = options.StartDate ?? options.Newer ?? (anyDate ? new Date(0) : new Date((before ?? now).getTime() - SEARCH_DEFAULT_DAYS * DAY_MS))
  return {
    from,
    before,
    status: options.Status,
    // FRAUD and INVALIDDATA are never stored: the filter stays and matches nothing.
    approveStatus: options.ApproveStatus,
    externalReference: options.ExternalRefNo,
    email: options.CustomerEmail?.toLowerCase(),
    customerReference: options.CustomerReference === undefined ? undefined : BigInt(options.CustomerReference),
    customerId: options.CustomerId === undefined ? undefined : BigInt(options.CustomerId),
    productCode: options.ProductCode,
    overdueAt: options.Overdue === true ? now : undefined
  }
}

/** searchOrders: this merchant's orders matching the options, newest first, one page of them with the total. */
export async function searchOrders (deps: { db: Kysely<Database>, clock: Clock }, merchant: Merchant, options: OrderSearchOptions | undefined): Promise<OrderSearchPage> {
  const page = options?.Pagination?.Page ?? 1
  const limit = options?.Pagination?.Limit ?? SEARCH_DEFAULT_LIMIT
  const found = await searchStoredOrders(deps.db, merchant.id, toOrderFilter(options ?? {}, deps.clock.now()), { offset: (page - 1) * limit, limit })
  return { orders: found.orders, page, limit, count: found.count }
}
