import { z } from 'zod'
import { PUBLISHED_FILTERS, searchProducts } from '../../catalog/catalog-search.js'
import { fromMinor } from '../../catalog/money.js'
import { PRODUCT_KINDS } from '../../catalog/catalog-file.js'
import {
  addOrderAttachment, cancelOrder, CustomerReviewSchema, getOrderAttachment, listOrderAttachments, OrderAttachmentContentSchema, OrderAttachmentSchema,
  REVIEW_OUTCOMES, reviewCustomer
} from '../../orders/order-admin.js'
import { openPageTokens } from '../../payments/payment-page-token.js'
import { OrderOutputSchema } from '../../wire/order-output.js'
import { toWireOrder } from '../../wire/wire-order.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

const RefNo = z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])

const Prices = z.record(z.string().describe('ISO 4217 code'), z.number()).describe('net price per currency, decimal')
const Attributes = z.record(z.string(), z.string()).describe('variant attributes, e.g. {"color": "red"}')

/** A product as searchCatalog shows it to staff. */
const CatalogProductSchema = z.object({
  Code: z.string(),
  Name: z.string(),
  Kind: z.enum(PRODUCT_KINDS),
  Published: z.boolean(),
  AllowCustomPrice: z.boolean(),
  Prices,
  PriceOptionGroups: z.array(z.object({
    Code: z.string(),
    Name: z.string(),
    Required: z.boolean(),
    Options: z.array(z.object({ Code: z.string(), Name: z.string(), Modifiers: Prices.describe('the price added per currency, decimal') }))
  })),
  Attributes,
  SKUs: z.array(z.object({ Code: z.string(), Name: z.string().nullable(), Attributes, PriceOptions: z.array(z.string()) })),
  Inventory: z.object({ OnHand: z.number().int(), Reserved: z.number().int(), BackorderLimit: z.number().int(), Available: z.number().int() }).nullable().describe('null: stock is not kept')
}).describe('CatalogProduct')

const CatalogSearchSchema = z.object({ Total: z.number().int().describe('products matching, all pages'), Products: z.array(CatalogProductSchema) }).describe('CatalogSearch')

/** searchCatalog(sessionID, Query) → {Total, Products}: published and unpublished products for staff. */
export const searchCatalogMethod = defineMethod({
  name: 'searchCatalog',
  summary: 'Searches the catalog for staff: PUBLISHED, UNPUBLISHED or ALL; by name, product code, variant attribute, SKU name / code (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({
    sessionID: z.string(),
    Query: z.object({
      Text: z.string().max(255).optional().describe('name, product code, variant attribute value, SKU code or name'),
      Published: z.enum(PUBLISHED_FILTERS).default('ALL'),
      Attributes: z.record(z.string().max(64), z.string().max(255)).optional().describe('exact variant attributes, e.g. {"color": "red"}'),
      SKU: z.string().max(255).optional().describe('SKU code or name'),
      Limit: z.number().int().min(1).max(500).default(50),
      Offset: z.number().int().min(0).default(0)
    })
  }),
  result: CatalogSearchSchema,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    const q = params.Query
    const found = await searchProducts(ctx.deps.db, ctx.merchant.id, {
      ...(q.Text !== undefined ? { query: q.Text } : {}),
      published: q.Published,
      ...(q.Attributes !== undefined ? { attributes: q.Attributes } : {}),
      ...(q.SKU !== undefined ? { sku: q.SKU } : {}),
      limit: q.Limit,
      offset: q.Offset
    })
    const prices = (map: Readonly<Record<string, bigint>>): Record<string, number> => Object.fromEntries(Object.entries(map).map(([c, m]) => [c, fromMinor(m, c, found.minorUnits)]))
    return {
      Total: found.total,
      Products: found.products.map((p) => ({
        Code: p.code,
        Name: p.name,
        Kind: p.kind,
        Published: p.published,
        AllowCustomPrice: p.allowCustomPrice,
        Prices: prices(p.prices),
        PriceOptionGroups: p.priceOptionGroups.map((g) => ({ Code: g.code, Name: g.name, Required: g.required, Options: g.options.map((o) => ({ Code: o.code, Name: o.name, Modifiers: prices(o.modifiers) })) })),
        Attributes: { ...p.attributes },
        SKUs: p.skus.map((s) => ({ Code: s.code, Name: s.name, Attributes: { ...s.attributes }, PriceOptions: [...s.priceOptions] })),
        Inventory: p.inventory === null ? null : { OnHand: p.inventory.onHand, Reserved: p.inventory.reserved, BackorderLimit: p.inventory.backorderLimit, Available: p.inventory.available }
      }))
    }
  }
})

/** cancelOrder(sessionID, RefNo, Reason) → the Order, CANCELED, its stock given back. */
export const cancelOrderMethod = defineMethod({
  name: 'cancelOrder',
  summary: 'Cancels an order not yet complete: CANCELED, payment voided, reserved stock released (privilege CANCEL_ORDERS)',
  params: z.object({ sessionID: z.string(), RefNo, Reason: z.string().min(1).max(255) }),
  result: OrderOutputSchema.describe('the Order, CANCELED'),
  session: true,
  access: { merchantSession: false, userPrivileges: ['CANCEL_ORDERS'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ORDER_STATUS_INVALID'],
  handler: async (params, ctx) => openPageTokens(ctx.deps.pageKey, toWireOrder(await cancelOrder(ctx.deps, ctx.merchant, ctx.user, params.RefNo, params.Reason)))
})

/** reviewCustomer(sessionID, CustomerId, Outcome[, Note]) → the orders released (OKAY) or canceled (REJECTED). */
export const reviewCustomerMethod = defineMethod({
  name: 'reviewCustomer',
  summary: 'Ends a customer\'s fraud review: OKAY moves their orders in review on (approved card → AUTHRECEIVED), REJECTED cancels them (privilege APPROVE_FRAUD)',
  params: z.object({ sessionID: z.string(), CustomerId: z.number().int().positive(), Outcome: z.enum(REVIEW_OUTCOMES), Note: z.string().max(1000).optional() }),
  result: CustomerReviewSchema,
  session: true,
  access: { merchantSession: false, userPrivileges: ['APPROVE_FRAUD'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'CUSTOMER_NOT_FOUND'],
  handler: async (params, ctx) => await reviewCustomer(ctx.deps, ctx.merchant, ctx.user, BigInt(params.CustomerId), params.Outcome, params.Note)
})

/** addOrderAttachment(sessionID, RefNo, FileName, Content) → the attachment (PDF, base64, ≤ 5 MiB). */
export const addOrderAttachmentMethod = defineMethod({
  name: 'addOrderAttachment',
  summary: 'Attaches a PDF (base64 Content, at most 5 MiB, checked by its %PDF- magic bytes) to an order (privilege PLACE_ORDERS_ON_BEHALF); a body above 1 MiB goes to POST /rpc/attachments',
  params: z.object({ sessionID: z.string(), RefNo, FileName: z.string().min(1).max(255), Content: z.string().min(1) }),
  result: OrderAttachmentSchema,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ATTACHMENT_INVALID'],
  handler: async (params, ctx) => await addOrderAttachment(ctx.deps, ctx.merchant, ctx.user, params.RefNo, params.FileName, params.Content)
})

/** listOrderAttachments(sessionID, RefNo) → the attachments' metadata. */
export const listOrderAttachmentsMethod = defineMethod({
  name: 'listOrderAttachments',
  summary: 'The PDF attachments of an order, without their content (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string(), RefNo }),
  result: z.array(OrderAttachmentSchema),
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND'],
  handler: async (params, ctx) => await listOrderAttachments(ctx.deps.db, ctx.merchant, params.RefNo)
})

/** getOrderAttachment(sessionID, RefNo, AttachmentId) → the attachment with its base64 Content. */
export const getOrderAttachmentMethod = defineMethod({
  name: 'getOrderAttachment',
  summary: 'One PDF attachment of an order with its base64 Content (privilege PLACE_ORDERS_ON_BEHALF)',
  params: z.object({ sessionID: z.string(), RefNo, AttachmentId: z.number().int().positive() }),
  result: OrderAttachmentContentSchema,
  session: true,
  access: { merchantSession: false, userPrivileges: ['PLACE_ORDERS_ON_BEHALF'] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'ORDER_NOT_FOUND', 'ATTACHMENT_NOT_FOUND'],
  handler: async (params, ctx) => await getOrderAttachment(ctx.deps.db, ctx.merchant, params.RefNo, BigInt(params.AttachmentId))
})
