import { z } from 'zod'
import {
  createCustomer, CustomerAddressSchema, CustomerSchema as CustomerResult, CustomerSearchSchema, deleteCustomerAddress, getCustomer, saveCustomerAddress, searchCustomers, updateCustomer
} from '../../customers/customer-admin.js'
import { CustomerLevelSchema, saveCustomerLevel } from '../../customers/customer-levels.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

const name = (max = 255) => z.string().trim().min(1).max(max)
const optionalText = (max = 255) => z.string().max(max).nullable().optional()
const id = z.number().int().positive()

const CustomerFields = {
  CustomerReference: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable().optional().describe('2Checkout CustomerReference (AV_CUSTOMERID)'),
  FirstName: name(),
  LastName: name(),
  Email: z.email().max(255),
  Company: optionalText(),
  Phone: optionalText(64),
  B2B: z.boolean().optional().describe('a B2B (wholesale) customer: coupons are refused'),
  Level: z.string().min(1).max(64).nullable().optional().describe('a customer level Code (saveCustomerLevel), or null'),
  FraudReview: z.boolean().optional().describe('hold every order of this customer in fraud review until reviewCustomer OKAY')
}
const CustomerSchema = z.object(CustomerFields)
const CustomerPatchSchema = z.object(CustomerFields).partial()

const AddressSchema = z.object({
  Label: optionalText(64),
  FirstName: name(),
  LastName: name(),
  Company: optionalText(),
  Address1: name(),
  Address2: optionalText(),
  City: name(),
  State: optionalText(64),
  Zip: name(32),
  CountryCode: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter ISO 3166 country code'),
  Phone: optionalText(64),
  Email: z.email().max(255).nullable().optional()
})

/** createCustomer(sessionID, Customer) → the Customer. */
export const createCustomerMethod = defineMethod({
  name: 'createCustomer',
  summary: 'Creates a customer (privileges PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS)',
  params: z.object({ sessionID: z.string(), Customer: CustomerSchema }),
  result: CustomerResult,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'CUSTOMER_EXISTS', 'CUSTOMER_LEVEL_NOT_FOUND'],
  handler: async (params, ctx) => await createCustomer(ctx.deps.db, ctx.merchant.id, params.Customer)
})

/** updateCustomer(sessionID, CustomerId, Customer) → the Customer; absent fields stay. */
export const updateCustomerMethod = defineMethod({
  name: 'updateCustomer',
  summary: 'Changes the given fields of a customer (privileges PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS)',
  params: z.object({ sessionID: z.string(), CustomerId: id, Customer: CustomerPatchSchema }),
  result: CustomerResult,
  session: true,
  access: {
    merchantSession: false,
    userPrivileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'],
    // Clearing the flag releases the customer's orders from fraud review, as reviewCustomer OKAY does.
    conditions: [{ when: 'Customer.FraudReview is false', applies: (params) => params.Customer.FraudReview === false, userPrivileges: ['APPROVE_FRAUD'] }]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'CUSTOMER_NOT_FOUND', 'CUSTOMER_EXISTS', 'CUSTOMER_LEVEL_NOT_FOUND'],
  handler: async (params, ctx) => await updateCustomer(ctx.deps.db, ctx.merchant.id, BigInt(params.CustomerId), params.Customer)
})

/** getCustomer(sessionID, CustomerId) → the Customer with level, address book, stored cards and store credit. */
export const getCustomerMethod = defineMethod({
  name: 'getCustomer',
  summary: 'A customer with level, address book, stored cards and store credit (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string(), CustomerId: id }),
  result: CustomerResult,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'CUSTOMER_NOT_FOUND'],
  handler: async (params, ctx) => await getCustomer(ctx.deps.db, ctx.merchant.id, BigInt(params.CustomerId))
})

/** searchCustomers(sessionID, Query) → {Total, Customers}. */
export const searchCustomersMethod = defineMethod({
  name: 'searchCustomers',
  summary: 'Searches customers by text (name, e-mail, company, customer id, CustomerReference, order RefNo) or by field; B2B filter (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({
    sessionID: z.string(),
    Query: z.object({
      Text: z.string().max(255).optional(),
      Name: z.string().max(255).optional(),
      Email: z.string().max(255).optional(),
      CustomerId: id.optional(),
      CustomerReference: z.number().int().nonnegative().optional(),
      RefNo: z.union([z.string().max(32), z.number().int().nonnegative().transform(String)]).optional(),
      B2B: z.boolean().optional(),
      Limit: z.number().int().min(1).max(200).default(50),
      Offset: z.number().int().min(0).default(0)
    })
  }),
  result: CustomerSearchSchema,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => await searchCustomers(ctx.deps.db, ctx.merchant.id, params.Query)
})

/** saveCustomerAddress(sessionID, CustomerId, Address[, AddressId]) → the address (added, or replaced when AddressId is given). */
export const saveCustomerAddressMethod = defineMethod({
  name: 'saveCustomerAddress',
  summary: 'Adds an address to a customer\'s address book, or replaces one by AddressId (privileges PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS)',
  params: z.object({ sessionID: z.string(), CustomerId: id, Address: AddressSchema, AddressId: id.optional() }),
  result: CustomerAddressSchema.describe('the address, with its AddressId'),
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'CUSTOMER_NOT_FOUND', 'ADDRESS_NOT_FOUND'],
  handler: async (params, ctx) => await saveCustomerAddress(ctx.deps.db, ctx.merchant.id, BigInt(params.CustomerId), params.Address, params.AddressId === undefined ? undefined : BigInt(params.AddressId))
})

/** deleteCustomerAddress(sessionID, CustomerId, AddressId) → true. */
export const deleteCustomerAddressMethod = defineMethod({
  name: 'deleteCustomerAddress',
  summary: 'Removes an address from a customer\'s address book (privileges PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS)',
  params: z.object({ sessionID: z.string(), CustomerId: id, AddressId: id }),
  result: z.boolean(),
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ADDRESS_NOT_FOUND'],
  handler: async (params, ctx) => await deleteCustomerAddress(ctx.deps.db, ctx.merchant.id, BigInt(params.CustomerId), BigInt(params.AddressId))
})

/** saveCustomerLevel(sessionID, Level) → the level; its price list is replaced whole. */
export const saveCustomerLevelMethod = defineMethod({
  name: 'saveCustomerLevel',
  summary: 'Creates or replaces a customer level (by Code) and its price list: per-product unit prices, else a percent off the list price (privilege MANAGE_CUSTOMERS; a free price needs REPLACEMENT_ORDERS too)',
  params: z.object({
    sessionID: z.string(),
    Level: z.object({
      Code: z.string().min(1).max(64),
      Name: name(),
      PercentOff: z.number().min(0).max(100).optional(),
      Prices: z.array(z.object({ ProductCode: z.string().min(1).max(256), Currency: z.string().regex(/^[A-Za-z]{3}$/), Amount: z.number().nonnegative() })).max(10_000).optional()
    })
  }),
  result: CustomerLevelSchema,
  session: true,
  access: {
    merchantSession: false,
    userPrivileges: ['MANAGE_CUSTOMERS'],
    // A level's prices apply to every order of its customers: a free one gives free orders, as a replacement does.
    conditions: [{
      when: 'Level makes a product free (PercentOff 100, or a price of 0)',
      applies: (params) => params.Level.PercentOff === 100 || (params.Level.Prices ?? []).some((price) => price.Amount === 0),
      userPrivileges: ['REPLACEMENT_ORDERS']
    }]
  },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'DISCOUNT_INVALID'],
  handler: async (params, ctx) => await saveCustomerLevel(ctx.deps.db, ctx.merchant.id, params.Level)
})
