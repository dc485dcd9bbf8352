/**
 * The public JSON-RPC methods the console's order screens use (issue 19 item 6): the signed-in
 * user, order search, one order with its history, the actions on it and its attachments. The
 * same methods any merchant integration calls; the server checks every privilege again.
 */
import type { Customer } from './order-draft.js'
import { callWithSession } from './rpc.js'

export type SessionUser = { UserId: number, Username: string, DisplayName: string | null, MerchantCode: string, MerchantName: string, Privileges: string[], Role: string | null }

export type Actor = { Type: string, UserId?: number, Username?: string }
export type StaffUser = { UserId: number, Username: string }
export type Attachment = { AttachmentId: number, FileName: string, Size: number, AddedAt: string, AddedBy?: StaffUser }

export type Order = Record<string, any> & {
  RefNo: string
  Status: string
  ApproveStatus: string
  OrderDate: string
  Currency: string
  GrossDiscountedPrice?: number
  BillingDetails: Record<string, string | undefined>
  DeliveryDetails?: Record<string, string | undefined> | null
  Items: Array<{ Code: string, Name: string, Quantity: number, PriceOptions: string[], Price: Record<string, number> }>
  PaymentDetails: { Type: string }
  ExtraInformation?: { CustomerId?: number, PlacedBy?: StaffUser } | null
  FraudReview?: { Status: string, Reason: string } | null
  PODetails?: { Status: string, InternalPONumber: string, DueDate: string } | null
  Cancellation?: { By: StaffUser | null, Source: 'STAFF' | 'MERCHANT_API' | 'SHOPPER' | 'SYSTEM', At: string, Reason: string }
}

export type History = {
  RefNo: string
  Events: Array<{ At: string, FromStatus: string | null, Status: string, Event: string, Actor: Actor, Reason: string | null }>
  Refunds: Array<{ RefundId: number, Amount: number, Kind: string, Reason: string, Comment: string | null, Actor: Actor, At: string }>
  FraudReview: { Status: string, Reason: string } | null
  Notifications: Array<{ NotificationId: number, Url: string, Event: string, State: string, CreatedAt: string }>
}

export type OrderSearch = { CustomerEmail?: string, CustomerId?: number, CustomerReference?: number, ProductCode?: string, Status?: string, StartDate?: string, EndDate?: string, Page: number, Limit: number }

/** getSessionUser: who is signed in, with the privileges that decide which controls are offered. */
export async function getSessionUser (): Promise<SessionUser> {
  return await callWithSession<SessionUser>('getSessionUser', {})
}

export async function searchOrders (search: OrderSearch): Promise<{ orders: Order[], count: number, page: number, limit: number }> {
  const { Page, Limit, ...options } = search
  const found = await callWithSession<{ Items: Order[], Pagination: { Page: number, Limit: number, Count: number } }>('searchOrders', { orderSearchOptions: { ...options, Pagination: { Page, Limit } } })
  return { orders: found.Items, count: found.Pagination.Count, page: found.Pagination.Page, limit: found.Pagination.Limit }
}

export async function getOrder (refNo: string): Promise<Order> {
  return await callWithSession<Order>('getOrder', { RefNo: refNo })
}

export async function getOrderHistory (refNo: string): Promise<History> {
  return await callWithSession<History>('getOrderHistory', { RefNo: refNo })
}

export async function cancelOrder (refNo: string, reason: string): Promise<Order> {
  return await callWithSession<Order>('cancelOrder', { RefNo: refNo, Reason: reason })
}

export async function approvePurchaseOrder (refNo: string): Promise<Order> {
  return await callWithSession<Order>('approvePurchaseOrder', { RefNo: refNo })
}

/** issueRefund by amount (2Checkout's Items empty); the key makes a retry refund once. */
export async function issueRefund (refNo: string, amount: string, reason: string, comment: string, idempotencyKey: string): Promise<true> {
  return await callWithSession<true>('issueRefund', { RefNo: refNo, Amount: amount, Items: [], Comment: comment === '' ? null : comment, Reason: reason, IdempotencyKey: idempotencyKey })
}

export async function resendIpn (refNo: string): Promise<{ RefNo: string, Queued: Array<{ NotificationId: number, Url: string }> }> {
  return await callWithSession('resendIpn', { RefNo: refNo })
}

/** reviewCustomer OKAY: the customer's orders held in fraud review move on. */
export async function releaseFraudHold (customerId: number, note: string): Promise<unknown> {
  return await callWithSession('reviewCustomer', { CustomerId: customerId, Outcome: 'OKAY', ...(note !== '' ? { Note: note } : {}) })
}

export async function listOrderAttachments (refNo: string): Promise<Attachment[]> {
  return await callWithSession<Attachment[]>('listOrderAttachments', { RefNo: refNo })
}

export async function getOrderAttachment (refNo: string, attachmentId: number): Promise<Attachment & { Content: string }> {
  return await callWithSession('getOrderAttachment', { RefNo: refNo, AttachmentId: attachmentId })
}

export async function addOrderAttachment (refNo: string, fileName: string, content: string): Promise<Attachment> {
  return await callWithSession<Attachment>('addOrderAttachment', { RefNo: refNo, FileName: fileName, Content: content })
}

export async function getCustomer (customerId: number): Promise<Customer> {
  return await callWithSession<Customer>('getCustomer', { CustomerId: customerId })
}

export async function updateCustomer (customerId: number, patch: Record<string, unknown>): Promise<Customer> {
  return await callWithSession<Customer>('updateCustomer', { CustomerId: customerId, Customer: patch })
}
