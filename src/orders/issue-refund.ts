/**
 * issueRefund (2Checkout API 6.0, "Refund an order"; issue 18): gives back all or part of what a
 * COMPLETE order's customer paid, by amount or by items and quantities. 2Checkout's rules:
 * "The payment for the refundable order needs to be collected", "You cannot issue a refund for
 * an amount higher than the total order amount", "The order's status must be 'COMPLETE' and it
 * should have a TotalPrice > 0", "The OrderDate cannot be older than a year"; Items are "Required
 * only for partial refunds", each with ProductCode, Quantity ("only positive values") and Amount
 * ("Total amount of the refunded line item, not the unit amount"); Amount is "Required as a
 * supplementary check for partial refunds": here it must equal the Items' sum.
 *
 * In one transaction that locks the order row (lockOrderByRefNo), so concurrent refunds of one
 * order run one after the other and never give back more than was paid: the refunds so far are
 * read, the processor refunds, the lifecycle owner records the change (PARTIALLY_REFUNDED keeps
 * COMPLETE, REFUNDED — the refund reaching what was paid — moves to REFUND), with its history
 * row (who, why) and IPN, and the refund is stored. A client key makes it idempotent as
 * placeOrder is (src/orders/idempotency.ts).
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/privileges.js'
import { formatMinor, tryToMinor } from '../catalog/money.js'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { AppError, type FieldError } from '../errors.js'
import type { PaymentGateway } from '../payments/sandbox-processor.js'
import { answeredMeanwhile, runIdempotent, tieIdempotencyKey, type IdempotentCodec } from './idempotency.js'
import { sessionActor } from './order-actor.js'
import { changeOrderStatus, lockOrderByRefNo } from './order-lifecycle.js'
import { parseRefNo } from './order-reference.js'
import { findRefund, insertRefund, loadRefundBasis, type RefundItem, type StoredRefund } from './refund-store.js'

const DecimalParam = z.union([z.number(), z.string().max(32)])

/** One refunded item, 2Checkout's Items[] element. */
export const RefundItemParamSchema = z.object({
  ProductCode: z.string().min(1).max(255).describe('the product code of the order line refunded'),
  Quantity: z.number().int().positive().describe('units refunded (positive)'),
  Amount: DecimalParam.describe('the total refunded for this line (not the unit amount), in the order currency')
})
export type RefundItemParam = z.output<typeof RefundItemParamSchema>

/** Items: absent, null, "" (2Checkout's total-refund example) or [] for a refund by amount. */
export const RefundItemsParamSchema = z.union([z.array(RefundItemParamSchema).max(100), z.literal('')]).nullable().optional()
  .transform((items) => (Array.isArray(items) ? items : []))
  .describe('only for a refund by items: [{ProductCode, Quantity, Amount}]; absent, null, "" or [] refunds by Amount')

export const RefundAmountParamSchema = DecimalParam.describe('the amount refunded, in the order currency (its minor units at most); with Items, their sum')
export const RefundCommentParamSchema = z.string().max(1000).nullable().optional().describe('shown to the customer with the refund')
export const RefundReasonParamSchema = z.string().trim().min(1).max(255).describe('why (2Checkout: one of the account\'s refund reasons; here any text up to 255 characters)')

/** A refund is possible within a year of the order (2Checkout: "OrderDate cannot be older than a year"). */
export const REFUND_WINDOW_MS = 365 * 24 * 60 * 60 * 1000

export type RefundDeps = { db: Kysely<Database>, clock: Clock, gateway: PaymentGateway, idempotencyKey: Buffer }

export type IssueRefundInput = {
  merchant: Merchant
  user: MerchantUser | undefined
  refNo: string
  amount: number | string
  items: readonly RefundItemParam[]
  comment: string | null
  reason: string
  idempotencyKey?: string | undefined
}

const field = (path: string, code: string, message: string): FieldError => ({ path, error_code: code, message })

const REFUND_CODEC: IdempotentCodec<StoredRefund> = {
  keep: (refund) => ({ refundId: String(refund.id) }),
  replay: async (db, merchantId, stored) => {
    const id = 'result' in stored ? stored.result.refundId : 'refundId' in stored ? stored.refundId : undefined
    const refund = typeof id === 'string' ? await findRefund(db, merchantId, BigInt(id)) : undefined
    if (refund === undefined) throw new AppError('INTERNAL_ERROR', { message: 'the idempotency key belongs to another kind of request' })
    return refund
  }
}

/**
 * Refunds this merchant's order `refNo` (see the module comment) and answers the refund; with an
 * idempotency key a retry answers the first refund (or the first refusal). Unknown or another
 * merchant's RefNo → ORDER_NOT_FOUND; bad amounts → INVALID_PARAMS naming the field; an order
 * that is not refundable → REFUND_NOT_ALLOWED; more than is left → REFUND_EXCEEDS_REMAINDER; the
 * processor's refusal → REFUND_DECLINED. A refusal writes nothing.
 */
export async function issueRefund (deps: RefundDeps, input: IssueRefundInput): Promise<StoredRefund> {
  const key = input.idempotencyKey
  if (key === undefined) return await refund(deps, input, undefined)
  const params = { RefNo: input.refNo, Amount: String(input.amount), Items: input.items.map((i) => ({ ...i, Amount: String(i.Amount) })), Comment: input.comment, Reason: input.reason }
  return await runIdempotent(deps, { merchantId: input.merchant.id, key, method: 'issueRefund', params }, async (claimed) => await refund(deps, input, claimed), REFUND_CODEC)
}

async function refund (deps: RefundDeps, input: IssueRefundInput, key: string | undefined): Promise<StoredRefund> {
  const { merchant } = input
  const notFound = () => new AppError('ORDER_NOT_FOUND', { fields: [field('RefNo', 'ORDER_NOT_FOUND', `no order ${input.refNo} for this merchant`)] })
  const ref = parseRefNo(input.refNo)
  if (ref === undefined) throw notFound()
  return await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrderByRefNo(trx, merchant.id, ref)
    if (order === undefined) throw notFound()
    if (key !== undefined) {
      const earlier = await answeredMeanwhile(trx, merchant.id, key, REFUND_CODEC)
      if (earlier !== undefined) return earlier.value
    }
    const now = deps.clock.now()
    const basis = await loadRefundBasis(trx, order.id)
    const notAllowed = (message: string) => new AppError('REFUND_NOT_ALLOWED', { fields: [field('RefNo', 'REFUND_NOT_ALLOWED', message)] })
    if (order.status !== 'COMPLETE') {
      throw notAllowed(order.status === 'REFUND' ? `order ${input.refNo} is already refunded in full` : `order ${input.refNo} is ${order.status}; only a COMPLETE order (its payment collected) can be refunded`)
    }
    if (order.amountMinor <= 0n) throw notAllowed(`order ${input.refNo} has a total of 0: there is nothing to refund`)
    if (now.getTime() - basis.orderDate.getTime() > REFUND_WINDOW_MS) throw notAllowed(`order ${input.refNo} is older than a year`)

    // The amounts, in the order currency's minor units.
    const currency = order.currency.trim().toUpperCase()
    const invalid: FieldError[] = []
    const minor = (value: number | string, path: string): bigint => {
      const parsed = tryToMinor(value, currency)
      if (!parsed.ok) invalid.push(field(path, 'FIELD_INVALID', `${path}: ${parsed.message}`))
      else if (parsed.value <= 0n) invalid.push(field(path, 'FIELD_INVALID', `${path} must be greater than 0`))
      return parsed.ok ? parsed.value : 0n
    }
    const amount = minor(input.amount, 'Amount')
    const requested = input.items.map((item, i) => ({ index: i, param: item, amountMinor: minor(item.Amount, `Items.${i}.Amount`) }))
    const seen = new Set<string>()
    for (const { index, param } of requested) {
      if (seen.has(param.ProductCode)) invalid.push(field(`Items.${index}.ProductCode`, 'FIELD_INVALID', `product ${param.ProductCode} is listed twice: give one item per product with its total`))
      seen.add(param.ProductCode)
    }
    if (invalid.length === 0 && requested.length > 0) {
      const sum = requested.reduce((total, r) => total + r.amountMinor, 0n)
      if (sum !== amount) invalid.push(field('Amount', 'FIELD_INVALID', `Amount ${formatMinor(amount, currency)} must equal the sum of Items[].Amount (${formatMinor(sum, currency)})`))
    }
    if (invalid.length > 0) throw new AppError('INVALID_PARAMS', { fields: invalid })

    // What is left to refund, of the order and of each line.
    const refunded = basis.refunds.reduce((total, r) => total + r.amountMinor, 0n)
    const remaining = order.amountMinor - refunded
    const items: RefundItem[] = []
    const unknown: FieldError[] = []
    const over: FieldError[] = []
    if (amount > remaining) over.push(field('Amount', 'REFUND_EXCEEDS_REMAINDER', `Amount ${formatMinor(amount, currency)} is more than the ${formatMinor(remaining, currency)} ${currency} left to refund of order ${input.refNo}`))
    for (const { index, param, amountMinor } of requested) {
      const line = basis.lines.find((l) => l.productCode === param.ProductCode)
      if (line === undefined) {
        unknown.push(field(`Items.${index}.ProductCode`, 'REFUND_ITEM_INVALID', `order ${input.refNo} has no product ${param.ProductCode}`))
        continue
      }
      const before = basis.refunds.flatMap((r) => r.items).filter((i) => i.lineNo === line.lineNo)
      const quantityLeft = line.quantity - before.reduce((n, i) => n + i.quantity, 0)
      const amountLeft = line.paidMinor - before.reduce((n, i) => n + i.amountMinor, 0n)
      if (param.Quantity > quantityLeft) over.push(field(`Items.${index}.Quantity`, 'REFUND_EXCEEDS_REMAINDER', `${param.Quantity} units of ${param.ProductCode}: ${quantityLeft} left to refund`))
      if (amountMinor > amountLeft) over.push(field(`Items.${index}.Amount`, 'REFUND_EXCEEDS_REMAINDER', `${formatMinor(amountMinor, currency)} for ${param.ProductCode}: ${formatMinor(amountLeft, currency)} left to refund`))
      items.push({ lineNo: line.lineNo, productCode: line.productCode, quantity: param.Quantity, amountMinor })
    }
    if (unknown.length > 0) throw new AppError('REFUND_ITEM_INVALID', { fields: unknown })
    if (over.length > 0) throw new AppError('REFUND_EXCEEDS_REMAINDER', { fields: over })

    // The processor gives the money back while the order stays locked: a decline writes nothing.
    const processed = await deps.gateway.refundPayment({ paymentReference: basis.paymentReference, amountMinor: amount, currency })
    if (processed.outcome === 'DECLINED') {
      throw new AppError('REFUND_DECLINED', { fields: [field('Amount', 'REFUND_DECLINED', processed.reason)] })
    }

    const last = amount === remaining
    const kind = last && refunded === 0n && items.length === 0 ? 'TOTAL' : 'PARTIAL'
    const actor = sessionActor(merchant, input.user)
    await changeOrderStatus(trx, order, {
      event: last ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
      to: last ? 'REFUND' : 'COMPLETE',
      actor,
      at: now,
      reason: input.reason,
      detail: {
        amount: formatMinor(amount, currency),
        currency,
        kind,
        ...(input.comment !== null && input.comment !== '' ? { comment: input.comment } : {}),
        refundedTotal: formatMinor(refunded + amount, currency)
      }
    })
    const stored = await insertRefund(trx, {
      merchantId: merchant.id,
      orderId: order.id,
      amountMinor: amount,
      currency,
      kind,
      reason: input.reason,
      comment: input.comment === '' ? null : input.comment,
      items,
      actor,
      processorReference: processed.reference,
      createdAt: now
    })
    if (key !== undefined) await tieIdempotencyKey(trx, merchant.id, key, { refundId: String(stored.id) })
    return stored
  })
}
