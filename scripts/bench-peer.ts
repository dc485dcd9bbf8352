// The bench's "straightforward server" (issue 20, item 4): what a team would write for placeOrder
// with ordergate's own stack — Fastify + json-rpc-2.0 + Zod + Kysely (pg dialect) — on
// ordergate's own schema (the database its migrations built). Per call: the session is read
// from ordergate's `sessions` table; the Order is validated with Zod; one transaction with
// plain statements writes what ordergate writes for a card placeOrder (customer of a new shopper,
// order, lines, payment, the first history entry, the stored card, the idempotency key's row).
// No batching, no coalescing, no caches, no prepared-statement tuning: one query after another.
//
// It is deliberately simpler than ordergate (no promotions, cross-sells, price options, stock,
// fraud rules, IPN outbox, 3DS, other payment types): it is the yardstick, not a second product.
// Started by scripts/bench.ts (`npm run bench`); tested by test/integration/bench-peer.test.ts.
//
//   PEER_DATABASE_URL=postgres://… SECRET_ENCRYPTION_KEY=<64 hex> [PEER_POOL_MAX=20] node dist/scripts/bench-peer.js
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { z } from 'zod'
import { createSecretBox } from '../src/auth/secret-box.js'
import type { Database } from '../src/db/schema.js'

const SESSION_TTL_MS = 60 * 60 * 1000
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
const INVALID_PARAMS = -32602

const luhn = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9 }
    sum += d
  }
  return sum % 10 === 0
}

const OrderSchema = z.object({
  Currency: z.string().regex(/^[a-zA-Z]{3}$/),
  Country: z.string().regex(/^[a-zA-Z]{2}$/),
  Language: z.string().min(2).max(5).default('en'),
  ExternalReference: z.string().max(100).optional(),
  Items: z.array(z.object({
    Code: z.string().min(1).max(100),
    Quantity: z.number().int().min(1).max(10_000).default(1)
  })).min(1).max(100),
  BillingDetails: z.object({
    FirstName: z.string().min(1).max(100),
    LastName: z.string().min(1).max(100),
    Email: z.string().email().max(254),
    CountryCode: z.string().regex(/^[a-zA-Z]{2}$/),
    State: z.string().max(100).optional(),
    City: z.string().max(100).optional(),
    Address1: z.string().max(200).optional(),
    Address2: z.string().max(200).optional(),
    Zip: z.string().max(20).optional(),
    Phone: z.string().max(40).optional(),
    Company: z.string().max(200).optional()
  }),
  DeliveryDetails: z.record(z.string(), z.string()).optional(),
  PaymentDetails: z.object({
    Type: z.enum(['TEST', 'CC']),
    Currency: z.string().regex(/^[a-zA-Z]{3}$/),
    CustomerIP: z.string().min(1).max(45),
    PaymentMethod: z.object({
      CardNumber: z.string().regex(/^\d{12,19}$/).refine(luhn, 'not a valid card number'),
      CardType: z.string().max(20).optional(),
      ExpirationYear: z.string().regex(/^\d{4}$/),
      ExpirationMonth: z.string().regex(/^(0?[1-9]|1[0-2])$/),
      HolderName: z.string().min(1).max(100),
      CCID: z.string().regex(/^\d{3,4}$/),
      RecurringEnabled: z.boolean().optional(),
      Vendor3DSReturnURL: z.string().url().optional(),
      Vendor3DSCancelURL: z.string().url().optional()
    })
  })
})
type Order = z.infer<typeof OrderSchema>

const PlaceOrderParams = z.tuple([z.string().regex(/^[0-9a-f]{64}$/), OrderSchema, z.string().min(1).max(255).optional()])
const LoginParams = z.tuple([z.string().min(1).max(64), z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), z.string().regex(/^[0-9a-f]{32}$/)])

const invalid = (error: z.ZodError): never => {
  const issue = error.issues[0]
  // the tuple's index 1 is the Order: name the field as the wire does (BillingDetails.Email)
  const path = (issue?.path ?? []).filter((p, i) => !(i === 0 && p === 1)).join('.')
  throw new JSONRPCErrorException(`Invalid params: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`, INVALID_PARAMS, { field: path })
}

const money = (minor: bigint | number): number => Number(minor) / 100
const gmdate = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ')
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The Order as placeOrder answers it (2Checkout API 6.0 field names, decimals on the wire). */
type Answer = Record<string, unknown>

/** `now`: the clock (tests run on a fake one); the real time by default. */
export type PeerOptions = { db: Kysely<Database>, encryptionKey: Buffer, now?: () => Date }

export function createPeerRpc ({ db, encryptionKey, now = () => new Date() }: PeerOptions): JSONRPCServer {
  const box = createSecretBox(encryptionKey)
  // an unexpected failure answers "Internal error" and is logged here; a refusal is only answered
  const rpc = new JSONRPCServer({ errorListener: (message, error) => { if (!(error instanceof JSONRPCErrorException)) console.error(message, error) } })

  rpc.addMethod('login', async (params: unknown) => {
    const parsed = LoginParams.safeParse(params)
    if (!parsed.success) return invalid(parsed.error)
    const [code, date, hash] = parsed.data
    const at = Date.parse(date.replace(' ', 'T') + 'Z')
    if (!Number.isFinite(at) || Math.abs(now().getTime() - at) > 10 * 60 * 1000) throw new JSONRPCErrorException('Invalid date', INVALID_PARAMS, { field: 'date' })
    const merchant = await db.selectFrom('merchants').select(['id', 'secret_ciphertext']).where('code', '=', code).executeTakeFirst()
    const expected = merchant === undefined ? undefined : createHmac('md5', box.open(merchant.secret_ciphertext)).update(`${Buffer.byteLength(code)}${code}${Buffer.byteLength(date)}${date}`).digest()
    if (merchant === undefined || expected === undefined || !timingSafeEqual(expected, Buffer.from(hash, 'hex'))) throw new JSONRPCErrorException('Authentication failed', 1)
    const sessionId = randomBytes(32).toString('hex')
    const at0 = now()
    await db.insertInto('sessions').values({ id_hash: sha256(sessionId), merchant_id: merchant.id, user_id: null, created_at: at0, expires_at: new Date(at0.getTime() + SESSION_TTL_MS) }).execute()
    return sessionId
  })

  rpc.addMethod('placeOrder', async (params: unknown) => {
    const parsed = PlaceOrderParams.safeParse(params)
    if (!parsed.success) return invalid(parsed.error)
    const [sessionId, order, idempotencyKey] = parsed.data
    const session = await db.selectFrom('sessions').innerJoin('merchants', 'merchants.id', 'sessions.merchant_id')
      .select(['merchants.id', 'merchants.code', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', sha256(sessionId)).executeTakeFirst()
    if (session === undefined || session.expires_at.getTime() <= now().getTime()) throw new JSONRPCErrorException('Session expired or unknown', 2)
    return await placeOrder(db, now(), { id: session.id, code: session.code }, order, idempotencyKey)
  })
  return rpc
}

async function placeOrder (db: Kysely<Database>, now: Date, merchant: { id: bigint, code: string }, order: Order, idempotencyKey: string | undefined): Promise<Answer> {
  const currency = order.Currency.toUpperCase()
  const country = order.BillingDetails.CountryCode.toUpperCase()
  const card = order.PaymentDetails.PaymentMethod
  const month = card.ExpirationMonth.padStart(2, '0')
  const expiry = `${card.ExpirationYear}-${month}`
  if (expiry < now.toISOString().slice(0, 7)) throw new JSONRPCErrorException('Invalid params: PaymentDetails.PaymentMethod.ExpirationYear: the card has expired', INVALID_PARAMS, { field: 'PaymentDetails.PaymentMethod.ExpirationYear' })
  const { CardNumber: cardNumber, CCID: _cvv, ...keptCard } = card
  const fingerprint = idempotencyKey === undefined
    ? ''
    : sha256(JSON.stringify({ ...order, PaymentDetails: { ...order.PaymentDetails, PaymentMethod: { ...keptCard, Mask: cardNumber.slice(0, 6) + cardNumber.slice(-4) } } }))

  return await db.transaction().execute(async (trx) => {
    if (idempotencyKey !== undefined) {
      const claimed = await trx.insertInto('idempotency_keys')
        .values({ merchant_id: merchant.id, key: idempotencyKey, method: 'placeOrder', request_hash: fingerprint, state: 'IN_PROGRESS', response: null, locked_at: now, created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
        .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
        .returning('key').executeTakeFirst()
      if (claimed === undefined) {
        // a first request with this key has committed (a concurrent one waited for it on the key's row)
        const first = await trx.selectFrom('idempotency_keys').select(['request_hash', 'response'])
          .where('merchant_id', '=', merchant.id).where('key', '=', idempotencyKey).executeTakeFirstOrThrow()
        if (first.request_hash !== fingerprint) throw new JSONRPCErrorException('IdempotencyKey was used with other params', 3)
        const stored = first.response as { result?: Answer } | null
        if (stored?.result === undefined) throw new JSONRPCErrorException('IdempotencyKey is in use', 4)
        return stored.result
      }
    }

    const codes = [...new Set(order.Items.map((i) => i.Code))]
    const products = await trx.selectFrom('products')
      .innerJoin('product_prices', (join) => join.onRef('product_prices.product_id', '=', 'products.id')
        .on('product_prices.price_type', '=', 'LIST').on('product_prices.currency', '=', currency))
      .select(['products.code', 'products.name', 'product_prices.amount_minor'])
      .where('products.merchant_id', '=', merchant.id).where('products.code', 'in', codes)
      .where('products.archived_at', 'is', null).where('products.published', '=', true)
      .execute()
    const byCode = new Map(products.map((p) => [p.code, p]))
    const vat = await trx.selectFrom('vat_rates').select('basis_points').where('merchant_id', '=', merchant.id).where('country', '=', country).executeTakeFirst()
    const vatBp = vat?.basis_points ?? 0
    const lines = order.Items.map((item, i) => {
      const product = byCode.get(item.Code)
      if (product === undefined) throw new JSONRPCErrorException(`Invalid params: Items.${i}.Code: no product ${item.Code} priced in ${currency}`, INVALID_PARAMS, { field: `Items.${i}.Code` })
      const unit = BigInt(product.amount_minor)
      const net = unit * BigInt(item.Quantity)
      const lineVat = (net * BigInt(vatBp) + 5000n) / 10000n
      return { lineNo: i + 1, code: product.code, name: product.name, quantity: item.Quantity, unit, net, vat: lineVat, gross: net + lineVat }
    })
    const net = lines.reduce((a, l) => a + l.net, 0n)
    const vatTotal = lines.reduce((a, l) => a + l.vat, 0n)
    const gross = net + vatTotal

    const email = order.BillingDetails.Email
    let customer = await trx.selectFrom('customers').select('id')
      .where('merchant_id', '=', merchant.id).where('customer_reference', 'is', null)
      .where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
    customer ??= await trx.insertInto('customers')
      .values({ merchant_id: merchant.id, customer_reference: null, first_name: order.BillingDetails.FirstName, last_name: order.BillingDetails.LastName, email, company: order.BillingDetails.Company ?? null, level_id: null, phone: order.BillingDetails.Phone ?? null })
      .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
    customer ??= await trx.selectFrom('customers').select('id')
      .where('merchant_id', '=', merchant.id).where('customer_reference', 'is', null)
      .where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirstOrThrow()

    // The sandbox processor: a valid, unexpired card is approved.
    const processorReference = `SBX${randomBytes(8).toString('hex').toUpperCase()}`
    const token = `sbx_card_ok_${randomBytes(12).toString('hex')}`
    const brand = (card.CardType ?? (cardNumber.startsWith('4') ? 'visa' : cardNumber.startsWith('5') ? 'mastercard' : 'card')).toLowerCase()
    const billing = { ...order.BillingDetails, CountryCode: country }
    const paymentDetails = {
      Type: order.PaymentDetails.Type,
      Currency: order.PaymentDetails.Currency.toUpperCase(),
      CustomerIP: order.PaymentDetails.CustomerIP,
      PaymentMethod: { CardType: brand, FirstDigits: cardNumber.slice(0, 6), LastDigits: cardNumber.slice(-4), ExpirationMonth: month, ExpirationYear: card.ExpirationYear, HolderName: card.HolderName, RecurringEnabled: card.RecurringEnabled ?? false, Vendor3DSReturnURL: card.Vendor3DSReturnURL, Vendor3DSCancelURL: card.Vendor3DSCancelURL }
    }
    const stored = await trx.insertInto('orders').values({
      merchant_id: merchant.id,
      customer_id: customer.id,
      external_reference: order.ExternalReference ?? null,
      status: 'AUTHRECEIVED',
      approve_status: 'WAITING',
      vendor_approve_status: 'OK',
      fraud_status: null,
      payment_type: order.PaymentDetails.Type,
      currency,
      language: order.Language,
      country: order.Country.toUpperCase(),
      net_price_minor: net,
      gross_price_minor: gross,
      net_discounted_price_minor: net,
      gross_discounted_price_minor: gross,
      discount_minor: 0n,
      vat_minor: vatTotal,
      billing_details: JSON.stringify(billing),
      delivery_details: order.DeliveryDetails === undefined ? null : JSON.stringify(order.DeliveryDetails),
      delivery_information: null,
      payment_details: JSON.stringify(paymentDetails),
      additional_fields: null,
      gift_details: null,
      errors: null,
      order_date: now,
      finish_date: null
    }).returning(['id', 'ref_no', 'order_no']).executeTakeFirstOrThrow()
    await trx.insertInto('order_items').values(lines.map((l) => ({
      order_id: stored.id, line_no: l.lineNo, product_code: l.code, product_name: l.name, sku: null, quantity: l.quantity, unit_net_price_minor: l.unit, net_price_minor: l.net, discount_minor: 0n, vat_minor: l.vat, gross_price_minor: l.gross, vat_percent_bp: vatBp
    }))).execute()
    await trx.insertInto('payments').values({
      order_id: stored.id, type: order.PaymentDetails.Type, status: 'APPROVED', amount_minor: gross, currency, card_brand: brand, card_first6: cardNumber.slice(0, 6), card_last4: cardNumber.slice(-4), card_expiry: expiry, processor_reference: processorReference, decline_reason: null, details: JSON.stringify({ holderName: card.HolderName, paymentToken: token })
    }).execute()
    await trx.insertInto('order_events').values({
      order_id: stored.id, at: now, from_status: null, to_status: 'AUTHRECEIVED', event: 'PLACED', actor: `merchant:${merchant.code}`, user_id: null, reason: null, detail: JSON.stringify({ paymentType: order.PaymentDetails.Type, paymentStatus: 'APPROVED' })
    }).execute()
    await trx.insertInto('stored_cards').values({
      merchant_id: merchant.id, customer_id: customer.id, brand, first6: cardNumber.slice(0, 6), last4: cardNumber.slice(-4), expiry, holder_name: card.HolderName, processor_token: token, created_at: now, last_used_at: now
    }).onConflict((oc) => oc.constraint('stored_cards_customer_card_key').doUpdateSet({ processor_token: token, holder_name: card.HolderName, last_used_at: now })).execute()

    const lower = (s: string) => s.toLowerCase()
    const answer: Answer = {
      RefNo: String(stored.ref_no),
      OrderNo: Number(stored.order_no),
      ExternalReference: order.ExternalReference ?? null,
      MerchantCode: merchant.code,
      Status: 'AUTHRECEIVED',
      ApproveStatus: 'WAITING',
      VendorApproveStatus: 'OK',
      OrderDate: gmdate(now),
      FinishDate: null,
      Currency: lower(currency),
      Language: order.Language,
      Country: lower(order.Country),
      NetPrice: money(net),
      GrossPrice: money(gross),
      NetDiscountedPrice: money(net),
      GrossDiscountedPrice: money(gross),
      Discount: 0,
      VAT: money(vatTotal),
      Errors: null,
      Items: lines.map((l) => ({ Code: l.code, Name: l.name, Quantity: l.quantity, Price: { UnitNetPrice: money(l.unit), NetPrice: money(l.net), GrossPrice: money(l.gross), VAT: money(l.vat), Discount: 0, Currency: lower(currency) } })),
      BillingDetails: { ...order.BillingDetails, CountryCode: lower(country) },
      PaymentDetails: { ...paymentDetails, Currency: lower(paymentDetails.Currency) }
    }
    if (idempotencyKey !== undefined) {
      await trx.updateTable('idempotency_keys').set({ state: 'DONE', response: JSON.stringify({ result: answer }) })
        .where('merchant_id', '=', merchant.id).where('key', '=', idempotencyKey).execute()
    }
    return answer
  })
}

/** The HTTP side: POST /rpc, JSON-RPC 2.0; an unexpected failure is "Internal error" (json-rpc-2.0's default). */
export function createPeerApp (options: PeerOptions): FastifyInstance {
  const rpc = createPeerRpc(options)
  const app = Fastify({ logger: false })
  app.post('/rpc', async (request, reply) => {
    const response = await rpc.receive(request.body as never)
    if (response === null) return await reply.code(204).send()
    return response
  })
  return app
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.PEER_DATABASE_URL
  const key = process.env.SECRET_ENCRYPTION_KEY
  if (url === undefined || key === undefined) throw new Error('PEER_DATABASE_URL and SECRET_ENCRYPTION_KEY (64 hex digits) are required')
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PEER_POOL_MAX ?? 20) })
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const app = createPeerApp({ db, encryptionKey: Buffer.from(key, 'hex') })
  const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  console.log(`peer listening on ${address}`)
  process.on('SIGTERM', () => { app.close().then(async () => { await db.destroy() }).finally(() => process.exit(0)) })
}
