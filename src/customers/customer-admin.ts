/**
 * Customers as call-centre staff see them (SPEC §5, seeds 001, 003): create, update, get,
 * search (name, e-mail, customer id, CustomerReference, order number); B2B flag; customer level;
 * fraud-review flag; address book; stored cards and store credit (read-only here: the payments
 * side writes them). Wire names are PascalCase; ids are numbers.
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import { z } from 'zod'
import { fromMinor } from '../catalog/money.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { StoredCardOutputSchema } from '../wire/order-output.js'

// The answers on the wire, closed: the keys listed are the keys sent.

/** A customer as searchCustomers lists them. */
export const CustomerSummarySchema = z.object({
  CustomerId: z.number().int(),
  CustomerReference: z.number().int().nullable().describe('2Checkout CustomerReference (AV_CUSTOMERID)'),
  FirstName: z.string(),
  LastName: z.string(),
  Email: z.string(),
  Company: z.string().nullable(),
  Phone: z.string().nullable(),
  B2B: z.boolean(),
  FraudReview: z.boolean().describe('every order of the customer is held in fraud review')
}).describe('CustomerSummary')
export type CustomerSummary = z.output<typeof CustomerSummarySchema>

/** An address of a customer's address book. */
export const CustomerAddressSchema = z.object({
  AddressId: z.number().int(),
  Label: z.string().nullable(),
  FirstName: z.string(),
  LastName: z.string(),
  Company: z.string().nullable(),
  Address1: z.string(),
  Address2: z.string().nullable(),
  City: z.string(),
  State: z.string().nullable(),
  Zip: z.string(),
  CountryCode: z.string().describe('ISO 3166 code, lower-case'),
  Phone: z.string().nullable(),
  Email: z.string().nullable()
}).describe('CustomerAddress')
export type CustomerAddress = z.output<typeof CustomerAddressSchema>

/** A customer with level, address book, stored cards and store credit (getCustomer, createCustomer, updateCustomer). */
export const CustomerSchema = CustomerSummarySchema.extend({
  Level: z.object({ Code: z.string(), Name: z.string(), PercentOff: z.number() }).nullable().describe('the customer level, or null'),
  Addresses: z.array(CustomerAddressSchema),
  StoredCards: z.array(StoredCardOutputSchema).describe('most recently used first'),
  StoreCredit: z.array(z.object({ Currency: z.string().describe('ISO 4217 code, lower-case'), Balance: z.number().describe('decimal, in that currency') }))
}).describe('Customer')
export type Customer = z.output<typeof CustomerSchema>

export const CustomerSearchSchema = z.object({ Total: z.number().int().describe('customers matching, all pages'), Customers: z.array(CustomerSummarySchema) }).describe('CustomerSearch')

export type CustomerInput = {
  CustomerReference?: number | null | undefined
  FirstName?: string | undefined
  LastName?: string | undefined
  Email?: string | undefined
  Company?: string | null | undefined
  Phone?: string | null | undefined
  B2B?: boolean | undefined
  /** a customer level's Code, or null for none */
  Level?: string | null | undefined
  /** hold every order of this customer in fraud review until a user marks them OKAY */
  FraudReview?: boolean | undefined
}

export type AddressInput = {
  Label?: string | null | undefined
  FirstName: string
  LastName: string
  Company?: string | null | undefined
  Address1: string
  Address2?: string | null | undefined
  City: string
  State?: string | null | undefined
  Zip: string
  CountryCode: string
  Phone?: string | null | undefined
  Email?: string | null | undefined
}

export type CustomerSearch = {
  Text?: string | undefined
  Name?: string | undefined
  Email?: string | undefined
  CustomerId?: number | undefined
  CustomerReference?: number | undefined
  RefNo?: string | undefined
  B2B?: boolean | undefined
  Limit: number
  Offset: number
}

const notFound = (path: string, id: unknown) => new AppError('CUSTOMER_NOT_FOUND', { fields: [{ path, error_code: 'CUSTOMER_NOT_FOUND', message: `no customer ${String(id)} for this merchant` }] })

async function levelIdOf (db: Kysely<Database>, merchantId: bigint, code: string | null | undefined): Promise<bigint | null | undefined> {
  if (code === undefined || code === null) return code
  const row = await db.selectFrom('customer_levels').select('id').where('merchant_id', '=', merchantId).where('code', '=', code).executeTakeFirst()
  if (row === undefined) throw new AppError('CUSTOMER_LEVEL_NOT_FOUND', { fields: [{ path: 'Customer.Level', error_code: 'CUSTOMER_LEVEL_NOT_FOUND', message: `no customer level "${code}"` }] })
  return row.id
}

function uniqueViolation (err: unknown): AppError | undefined {
  if ((err as { code?: unknown }).code !== '23505') return undefined
  return new AppError('CUSTOMER_EXISTS', { fields: [{ path: 'Customer', error_code: 'CUSTOMER_EXISTS', message: 'a customer with this CustomerReference (or, without one, this e-mail address) exists: search for it' }], cause: err })
}

/** Creates a customer; answers it as getCustomer does. */
export async function createCustomer (db: Kysely<Database>, merchantId: bigint, input: CustomerInput & { FirstName: string, LastName: string, Email: string }): Promise<Customer> {
  const levelId = await levelIdOf(db, merchantId, input.Level)
  let id: bigint
  try {
    const row = await db.insertInto('customers').values({
      merchant_id: merchantId,
      customer_reference: input.CustomerReference === undefined || input.CustomerReference === null ? null : BigInt(input.CustomerReference),
      first_name: input.FirstName,
      last_name: input.LastName,
      email: input.Email,
      company: input.Company ?? null,
      phone: input.Phone ?? null,
      b2b: input.B2B ?? false,
      level_id: levelId ?? null,
      fraud_review: input.FraudReview ?? false
    }).returning('id').executeTakeFirstOrThrow()
    id = row.id
  } catch (err) {
    throw uniqueViolation(err) ?? err
  }
  return await getCustomer(db, merchantId, id)
}

/** Changes the fields given (absent fields stay); answers the customer. */
export async function updateCustomer (db: Kysely<Database>, merchantId: bigint, customerId: bigint, input: CustomerInput): Promise<Customer> {
  const levelId = await levelIdOf(db, merchantId, input.Level)
  const set = {
    ...(input.CustomerReference !== undefined ? { customer_reference: input.CustomerReference === null ? null : BigInt(input.CustomerReference) } : {}),
    ...(input.FirstName !== undefined ? { first_name: input.FirstName } : {}),
    ...(input.LastName !== undefined ? { last_name: input.LastName } : {}),
    ...(input.Email !== undefined ? { email: input.Email } : {}),
    ...(input.Company !== undefined ? { company: input.Company } : {}),
    ...(input.Phone !== undefined ? { phone: input.Phone } : {}),
    ...(input.B2B !== undefined ? { b2b: input.B2B } : {}),
    ...(levelId !== undefined ? { level_id: levelId } : {}),
    ...(input.FraudReview !== undefined ? { fraud_review: input.FraudReview } : {})
  }
  try {
    const result = await db.updateTable('customers').set({ ...set, updated_at: sql`now()` })
      .where('merchant_id', '=', merchantId).where('id', '=', customerId).executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw notFound('CustomerId', customerId)
  } catch (err) {
    throw uniqueViolation(err) ?? err
  }
  return await getCustomer(db, merchantId, customerId)
}

/** The customer row of this merchant, for use cases (placeOrder on behalf); undefined when unknown. */
export async function findCustomer (db: Kysely<Database>, merchantId: bigint, by: { id?: bigint, customerReference?: bigint }): Promise<{ id: bigint, customerReference: bigint | null, b2b: boolean, levelId: bigint | null, fraudReview: boolean } | undefined> {
  let query = db.selectFrom('customers').select(['id', 'customer_reference', 'b2b', 'level_id', 'fraud_review']).where('merchant_id', '=', merchantId)
  if (by.id !== undefined) query = query.where('id', '=', by.id)
  if (by.customerReference !== undefined) query = query.where('customer_reference', '=', by.customerReference)
  if (by.id === undefined && by.customerReference === undefined) return undefined
  const row = await query.executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, customerReference: row.customer_reference, b2b: row.b2b, levelId: row.level_id, fraudReview: row.fraud_review }
}

function wireAddress (row: Selectable<Database['customer_addresses']>): CustomerAddress {
  return {
    AddressId: Number(row.id),
    Label: row.label,
    FirstName: row.first_name,
    LastName: row.last_name,
    Company: row.company,
    Address1: row.address1,
    Address2: row.address2,
    City: row.city,
    State: row.state,
    Zip: row.zip,
    CountryCode: String(row.country_code).toLowerCase(),
    Phone: row.phone,
    Email: row.email
  }
}

/** getCustomer: the customer with level, address book, stored cards and store credit. */
export async function getCustomer (db: Kysely<Database>, merchantId: bigint, customerId: bigint): Promise<Customer> {
  const row = await db.selectFrom('customers')
    .leftJoin('customer_levels', 'customer_levels.id', 'customers.level_id')
    .selectAll('customers')
    .select(['customer_levels.code as level_code', 'customer_levels.name as level_name', 'customer_levels.percent_off_bp'])
    .where('customers.merchant_id', '=', merchantId)
    .where('customers.id', '=', customerId)
    .executeTakeFirst()
  if (row === undefined) throw notFound('CustomerId', customerId)
  const addresses = await db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).orderBy('id').execute()
  const cards = await db.selectFrom('stored_cards').select(['brand', 'first6', 'last4', 'expiry', 'holder_name', 'last_used_at'])
    .where('merchant_id', '=', merchantId).where('customer_id', '=', customerId).orderBy('last_used_at', 'desc').execute()
  const credits = await db.selectFrom('customer_credits').select(['currency', 'balance_minor']).where('customer_id', '=', customerId).orderBy('currency').execute()
  return {
    ...summary(row),
    // Both come from the joined level (left join: null without one).
    Level: row.level_code === null || row.level_name === null ? null : { Code: row.level_code, Name: row.level_name, PercentOff: (row.percent_off_bp ?? 0) / 100 },
    Addresses: addresses.map(wireAddress),
    StoredCards: cards.map((card) => {
      const [year, month] = card.expiry.split('-')
      return { CardType: card.brand, FirstDigits: card.first6, LastDigits: card.last4, ExpirationMonth: month ?? null, ExpirationYear: year ?? null, HolderName: card.holder_name }
    }),
    StoreCredit: credits.map((c) => ({ Currency: c.currency.trim().toLowerCase(), Balance: fromMinor(c.balance_minor, c.currency.trim()) }))
  }
}

function summary (row: { id: bigint, customer_reference: bigint | null, first_name: string, last_name: string, email: string, company: string | null, phone: string | null, b2b: boolean, fraud_review: boolean }): CustomerSummary {
  return {
    CustomerId: Number(row.id),
    CustomerReference: row.customer_reference === null ? null : Number(row.customer_reference),
    FirstName: row.first_name,
    LastName: row.last_name,
    Email: row.email,
    Company: row.company,
    Phone: row.phone,
    B2B: row.b2b,
    FraudReview: row.fraud_review
  }
}

const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * searchCustomers: every condition given must match. Text matches a name, the e-mail, the
 * company, or (when numeric) the customer id, CustomerReference or an order's RefNo.
 */
export async function searchCustomers (db: Kysely<Database>, merchantId: bigint, search: CustomerSearch): Promise<z.output<typeof CustomerSearchSchema>> {
  let query = db.selectFrom('customers').where('customers.merchant_id', '=', merchantId)
  const text = search.Text?.trim() ?? ''
  if (text !== '') {
    const pattern = containing(text)
    const numeric = /^[0-9]{1,18}$/.test(text) ? BigInt(text) : undefined
    query = query.where((eb) => eb.or([
      eb(sql`first_name || ' ' || last_name`, 'ilike', pattern),
      eb('email', 'ilike', pattern),
      eb('company', 'ilike', pattern),
      ...(numeric !== undefined
        ? [eb('customers.id', '=', numeric), eb('customer_reference', '=', numeric),
            eb.exists(eb.selectFrom('orders').select(sql`1`.as('one')).where('orders.merchant_id', '=', merchantId).where('orders.ref_no', '=', numeric).whereRef('orders.customer_id', '=', 'customers.id'))]
        : [])
    ]))
  }
  if (search.Name !== undefined && search.Name.trim() !== '') query = query.where(sql`first_name || ' ' || last_name`, 'ilike', containing(search.Name.trim()))
  if (search.Email !== undefined && search.Email.trim() !== '') query = query.where('email', 'ilike', containing(search.Email.trim()))
  if (search.CustomerId !== undefined) query = query.where('customers.id', '=', BigInt(search.CustomerId))
  if (search.CustomerReference !== undefined) query = query.where('customer_reference', '=', BigInt(search.CustomerReference))
  if (search.RefNo !== undefined) {
    const ref = /^[0-9]{1,18}$/.test(search.RefNo) ? BigInt(search.RefNo) : -1n
    query = query.where((eb) => eb.exists(eb.selectFrom('orders').select(sql`1`.as('one')).where('orders.merchant_id', '=', merchantId).where('orders.ref_no', '=', ref).whereRef('orders.customer_id', '=', 'customers.id')))
  }
  if (search.B2B !== undefined) query = query.where('b2b', '=', search.B2B)
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()
  const rows = await query.selectAll('customers').orderBy('last_name').orderBy('first_name').orderBy('customers.id').limit(search.Limit).offset(search.Offset).execute()
  return { Total: Number(total.n), Customers: rows.map(summary) }
}

/** Adds an address to the book, or replaces one (AddressId); answers the address. */
export async function saveCustomerAddress (db: Kysely<Database>, merchantId: bigint, customerId: bigint, address: AddressInput, addressId?: bigint): Promise<CustomerAddress> {
  const customer = await findCustomer(db, merchantId, { id: customerId })
  if (customer === undefined) throw notFound('CustomerId', customerId)
  const values = {
    customer_id: customerId,
    label: address.Label ?? null,
    first_name: address.FirstName,
    last_name: address.LastName,
    company: address.Company ?? null,
    address1: address.Address1,
    address2: address.Address2 ?? null,
    city: address.City,
    state: address.State ?? null,
    zip: address.Zip,
    country_code: address.CountryCode.toUpperCase(),
    phone: address.Phone ?? null,
    email: address.Email ?? null
  }
  const row = addressId === undefined
    ? await db.insertInto('customer_addresses').values(values).returningAll().executeTakeFirstOrThrow()
    : await db.updateTable('customer_addresses').set(values).where('id', '=', addressId).where('customer_id', '=', customerId).returningAll().executeTakeFirst()
  if (row === undefined) throw new AppError('ADDRESS_NOT_FOUND', { fields: [{ path: 'AddressId', error_code: 'ADDRESS_NOT_FOUND', message: `customer ${customerId} has no address ${String(addressId)}` }] })
  return wireAddress(row)
}

/** Removes an address from the book. */
export async function deleteCustomerAddress (db: Kysely<Database>, merchantId: bigint, customerId: bigint, addressId: bigint): Promise<boolean> {
  const result = await db.deleteFrom('customer_addresses')
    .where('id', '=', addressId)
    .where('customer_id', '=', customerId)
    .where('customer_id', 'in', db.selectFrom('customers').select('id').where('merchant_id', '=', merchantId))
    .executeTakeFirst()
  if (result.numDeletedRows === 0n) throw new AppError('ADDRESS_NOT_FOUND', { fields: [{ path: 'AddressId', error_code: 'ADDRESS_NOT_FOUND', message: `customer ${customerId} has no address ${addressId}` }] })
  return true
}
