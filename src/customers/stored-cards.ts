import { createHash, randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { formatWireDate } from '../wire/wire-date.js'
import { StoredCardOutputSchema, WireDateSchema } from '../wire/order-output.js'

/** A card a customer stored: display data and the processor's token; never the number or CVV. */
export type StoredCard = {
  id: bigint
  merchantId: bigint
  customerId: bigint
  brand: string
  first6: string
  last4: string
  /** `YYYY-MM` */
  expiry: string
  holderName: string
  processorToken: string
}

/** TransientTokens live this long (2Checkout's are short-lived and single-use). */
export const TRANSIENT_TOKEN_TTL_MS = 15 * 60_000

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

/** Stores (or refreshes) a customer's card after an approved payment. */
export async function saveStoredCard (
  trx: Kysely<Database>,
  card: Omit<StoredCard, 'id'> & { at: Date }
): Promise<void> {
  await trx.insertInto('stored_cards')
    .values({
      merchant_id: card.merchantId,
      customer_id: card.customerId,
      brand: card.brand,
      first6: card.first6,
      last4: card.last4,
      expiry: card.expiry,
      holder_name: card.holderName,
      processor_token: card.processorToken,
      created_at: card.at,
      last_used_at: card.at
    })
    .onConflict((oc) => oc.constraint('stored_cards_customer_card_key').doUpdateSet({
      processor_token: (eb) => eb.ref('excluded.processor_token'),
      holder_name: (eb) => eb.ref('excluded.holder_name'),
      last_used_at: (eb) => eb.ref('excluded.last_used_at')
    }))
    .execute()
}

/** Names a customer of a merchant: by 2Checkout's CustomerReference, or by ordergate's CustomerId (a console-created customer has no reference). */
export type CustomerKey = { customerReference: bigint } | { id: bigint }

/** This merchant's customer (by CustomerReference or CustomerId), with their most recently used card. */
export async function findLatestStoredCard (db: Kysely<Database>, merchantId: bigint, key: CustomerKey): Promise<{ customer: { id: bigint, customerReference: bigint | null } | undefined, card: StoredCard | undefined }> {
  const customer = await db.selectFrom('customers').select(['id', 'customer_reference'])
    .where('merchant_id', '=', merchantId)
    .$call((qb) => 'id' in key ? qb.where('id', '=', key.id) : qb.where('customer_reference', '=', key.customerReference))
    .executeTakeFirst()
  if (customer === undefined) return { customer: undefined, card: undefined }
  const row = await db.selectFrom('stored_cards').selectAll()
    .where('merchant_id', '=', merchantId).where('customer_id', '=', customer.id)
    .orderBy('last_used_at', 'desc').orderBy('id', 'desc')
    .executeTakeFirst()
  return { customer: { id: customer.id, customerReference: customer.customer_reference }, card: row === undefined ? undefined : toStoredCard(row) }
}

function toStoredCard (row: { id: bigint, merchant_id: bigint, customer_id: bigint, brand: string, first6: string, last4: string, expiry: string, holder_name: string, processor_token: string }): StoredCard {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    customerId: row.customer_id,
    brand: row.brand,
    first6: row.first6,
    last4: row.last4,
    expiry: row.expiry,
    holderName: row.holder_name,
    processorToken: row.processor_token
  }
}

/** Issues a single-use TransientToken for a stored card; only its hash is kept. */
export async function issueTransientToken (db: Kysely<Database>, card: StoredCard, now: Date): Promise<{ token: string, expiresAt: Date }> {
  const token = randomBytes(24).toString('base64url')
  const expiresAt = new Date(now.getTime() + TRANSIENT_TOKEN_TTL_MS)
  await db.insertInto('transient_tokens')
    .values({ token_hash: hashToken(token), merchant_id: card.merchantId, stored_card_id: card.id, expires_at: expiresAt })
    .execute()
  return { token, expiresAt }
}

/**
 * Uses up a TransientToken of this merchant: the stored card behind it, or undefined when the
 * token is unknown, another merchant's, used or expired. The update is the check, so two orders
 * racing with one token cannot both get the card.
 */
export async function redeemTransientToken (trx: Kysely<Database>, merchantId: bigint, token: string, now: Date): Promise<StoredCard | undefined> {
  const used = await trx.updateTable('transient_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('merchant_id', '=', merchantId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('stored_card_id')
    .executeTakeFirst()
  if (used === undefined) return undefined
  const row = await trx.selectFrom('stored_cards').selectAll().where('id', '=', used.stored_card_id).executeTakeFirst()
  if (row === undefined) return undefined
  await trx.updateTable('stored_cards').set({ last_used_at: sql`greatest(last_used_at, ${now})` }).where('id', '=', row.id).execute()
  return toStoredCard(row)
}

/** getCustomerTransientToken's answer. */
export const TransientTokenSchema = z.object({
  TransientToken: z.string().describe('single use, for PaymentDetails.Type EXISTING_PAYMENT_DATA'),
  ExpirationDate: WireDateSchema,
  CustomerReference: z.number().int().nullable().describe('null for a customer without one (created in the console)'),
  CustomerId: z.number().int().describe('ordergate\'s id of the customer'),
  PaymentMethod: StoredCardOutputSchema.describe('the stored card it charges')
}).describe('TransientToken')
export type TransientToken = z.output<typeof TransientTokenSchema>

/**
 * getCustomerTransientToken: a single-use TransientToken (TRANSIENT_TOKEN_TTL_MS) for the most
 * recently used card of this merchant's customer — named by CustomerReference or, for a customer
 * created in the console (who has none), by CustomerId — for EXISTING_PAYMENT_DATA, with the card
 * as 2Checkout shows it (brand, first 6, last 4, expiry).
 */
export async function getCustomerTransientToken (deps: { db: Kysely<Database>, clock: { now: () => Date } }, merchantId: bigint, key: CustomerKey): Promise<TransientToken> {
  const { customer, card } = await findLatestStoredCard(deps.db, merchantId, key)
  const [path, named] = 'id' in key ? ['CustomerId', `customer ${key.id}`] : ['CustomerReference', `customer with CustomerReference ${key.customerReference}`]
  if (customer === undefined) {
    throw new AppError('CUSTOMER_NOT_FOUND', { fields: [{ path, error_code: 'CUSTOMER_NOT_FOUND', message: `no ${named} for this merchant` }] })
  }
  if (card === undefined) {
    throw new AppError('STORED_PAYMENT_DATA_NOT_FOUND', { fields: [{ path, error_code: 'STORED_PAYMENT_DATA_NOT_FOUND', message: `${named} has no stored card` }] })
  }
  const issued = await issueTransientToken(deps.db, card, deps.clock.now())
  const [year, month] = card.expiry.split('-')
  return {
    TransientToken: issued.token,
    ExpirationDate: formatWireDate(issued.expiresAt),
    CustomerReference: customer.customerReference === null ? null : Number(customer.customerReference),
    CustomerId: Number(customer.id),
    PaymentMethod: { CardType: card.brand, FirstDigits: card.first6, LastDigits: card.last4, ExpirationMonth: month ?? null, ExpirationYear: year ?? null, HolderName: card.holderName }
  }
}
