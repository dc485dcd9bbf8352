/**
 * The one catalog of error reasons. Domain code throws `AppError(reason)`; the RPC layer maps
 * the reason to a JSON-RPC error (code + message) with `toRpcError`. Reasons and codes are
 * stable (clients switch on them); messages may be improved.
 *
 * Codes follow 2Checkout API 6.0 where it has them (SPEC §2): 10000-range for authentication,
 * 55200/55201 for payment and order refusals; -32602 for params of the wrong shape.
 */
export type FieldError = { path: string, error_code: string, message: string }

export const ERRORS = {
  INVALID_PARAMS: { code: -32602, message: 'Invalid params' },
  AUTHENTICATION_FAILED: { code: 10000, message: 'Authentication failed: unknown merchant code or wrong hash' },
  DATE_OUT_OF_RANGE: { code: 10000, message: 'Authentication failed: the login date is outside the allowed window of the server clock' },
  INVALID_SESSION: { code: 10001, message: 'Invalid session: the sessionID is unknown or malformed' },
  SESSION_EXPIRED: { code: 10002, message: 'Session expired: log in again to get a new sessionID' },
  NOT_ALLOWED: { code: 10004, message: 'Not allowed for this merchant or user' },
  TOO_MANY_REQUESTS: { code: 10005, message: 'Too many failed attempts: try again later' },
  PAYMENT_ERROR: { code: 55200, message: 'The payment could not be attempted' },
  ORDER_NOT_FOUND: { code: 55201, message: 'Order not found' },
  // Order refused by business rules after look-ups (SPEC §2: 55201 with 2Checkout's names).
  ORDER_PRODUCTS_EMPTY: { code: 55201, message: 'The order has no products' },
  ORDER_ITEMS_QUANTITY_INVALID: { code: 55201, message: 'A quantity is not allowed for this product' },
  ORDER_PRODUCT_CODE_INVALID: { code: 55201, message: 'A product code is unknown for this merchant' },
  ORDER_PRODUCT_NOT_PUBLISHED: { code: 55201, message: 'A product is not published' },
  ORDER_PRODUCT_CURRENCY_INVALID: { code: 55201, message: 'A product has no price in the order currency' },
  ORDER_PRICE_OPTION_INVALID: { code: 55201, message: 'A price option is unknown or not allowed' },
  ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID: { code: 55201, message: 'A custom price is not allowed for this product' },
  ORDER_CROSS_SELL_INVALID: { code: 55201, message: 'A cross-sell campaign does not apply' },
  ORDER_TRIAL_INVALID: { code: 55201, message: 'A trial does not match the product\'s trial terms' },
  PROMOTION_CODE_INVALID: { code: 55201, message: 'A promotion code is unknown, expired or not valid for this order' },
  SHIPPING_METHOD_INVALID: { code: 55201, message: 'The shipping method is unknown or not needed' },
  DISCOUNT_INVALID: { code: 55201, message: 'A discount is not valid' },
  ORDER_DELIVERY_DETAILS_REQUIRED: { code: 55201, message: 'Physical products need DeliveryDetails' },
  ORDER_FREE_TOTAL_NOT_ZERO: { code: 55201, message: 'FREE is only for orders whose total is 0' },
  ORDER_STATUS_INVALID: { code: 55201, message: 'The order\'s status or payment type does not allow this' },
  CUSTOMER_NOT_FOUND: { code: 55201, message: 'Customer not found' },
  STORED_PAYMENT_DATA_NOT_FOUND: { code: 55201, message: 'The customer has no stored card' },
  IDEMPOTENCY_KEY_REUSED: { code: 55201, message: 'The idempotency key was already used with a different request' },
  // Assisted sale (SPEC §5)
  IDEMPOTENCY_KEY_IN_USE: { code: 55201, message: 'A request with this idempotency key is still being processed: retry it later' },
  PROMOTION_NOT_ALLOWED_FOR_B2B: { code: 55201, message: 'Coupons are for retail customers only, not for B2B (wholesale) customers' },
  CUSTOMER_EXISTS: { code: 55201, message: 'A customer with this e-mail address or CustomerReference already exists' },
  CUSTOMER_LEVEL_NOT_FOUND: { code: 55201, message: 'Customer level not found' },
  ADDRESS_NOT_FOUND: { code: 55201, message: 'Address not found in the customer\'s address book' },
  ATTACHMENT_INVALID: { code: 55201, message: 'The attachment is not a PDF document within the size limit' },
  ATTACHMENT_NOT_FOUND: { code: 55201, message: 'Attachment not found' },
  USER_NOT_FOUND: { code: 55201, message: 'Merchant user not found' },
  CARD_CONSENT_INVALID: { code: 55201, message: 'Card consent does not apply to this order' },
  // Custom (non-catalog) line items of an assisted sale (Assisted.CustomItems)
  CUSTOM_ITEM_INVALID: { code: 55201, message: 'A custom line item is not valid' },
  PAYMENT_TERMS_INVALID: { code: 55201, message: 'The payment terms are not valid' },
  // Refunds (issueRefund, issue 18)
  REFUND_NOT_ALLOWED: { code: 55201, message: 'The order cannot be refunded: 2Checkout refunds COMPLETE orders with a total above 0, up to a year old' },
  REFUND_EXCEEDS_REMAINDER: { code: 55201, message: 'The refund exceeds what is left to refund of the order (or of the item)' },
  REFUND_ITEM_INVALID: { code: 55201, message: 'A refunded item is not a product of the order' },
  REFUND_DECLINED: { code: 55200, message: 'The payment processor declined the refund' },
  // Catalog look-ups (getProductByCode): an unknown, archived or other merchant's product
  PRODUCT_NOT_FOUND: { code: 55201, message: 'Product not found' },
  // IPN (resendIpn): the order never had a notification, since no IPN URL was set when it changed
  IPN_NOTIFICATION_NOT_FOUND: { code: 55201, message: 'The order has no IPN notification to send again' },
  // Draft orders (issue 19 item 1)
  DRAFT_NOT_FOUND: { code: 55201, message: 'Draft not found' },
  DRAFT_VERSION_CONFLICT: { code: 55201, message: 'The draft was changed since the version given: get it again and apply the change to the new version' },
  DRAFT_NOT_OPEN: { code: 55201, message: 'The draft is no longer open (completed, abandoned or expired)' },
  DRAFT_PAYMENT_DECLINED: { code: 55200, message: 'The payment was declined: the draft stays open, with its stock held' },
  // Payment links (issue 19 item 2)
  PAYMENT_LINK_NOT_FOUND: { code: 55201, message: 'Payment link not found' },
  PAYMENT_LINK_NOT_PENDING: { code: 55201, message: 'The payment link is no longer pending (paid, expired or cancelled)' },
  // Discount authority (issue 19 item 3)
  DISCOUNT_LIMIT_EXCEEDED: { code: 55201, message: 'A staff discount exceeds the user\'s limit: a supervisor\'s approval (Assisted.Approval) is needed' },
  DISCOUNT_APPROVAL_FAILED: { code: 55201, message: 'The approval was refused: unknown supervisor, wrong password, or no APPROVE_DISCOUNTS privilege' },
  DISCOUNT_REASON_INVALID: { code: 55201, message: 'The discount reason code is missing or not one of the merchant\'s reason codes' },
  DISCOUNT_LIMIT_INVALID: { code: 55201, message: 'A discount limit is not valid' },
  SERVICE_UNAVAILABLE: { code: -32000, message: 'Service temporarily unavailable: the database cannot be reached; retry later' },
  INTERNAL_ERROR: { code: -32603, message: 'Internal error' }
} as const satisfies Record<string, { code: number, message: string }>

export type ErrorReason = keyof typeof ERRORS

export type AppErrorOptions = {
  /** field-level detail (path + error_code + message), as SPEC §2 asks for */
  fields?: FieldError[]
  /** extra data for the client (never secrets, never internal messages) */
  data?: Record<string, unknown>
  /** a human message that replaces the catalog's message */
  message?: string
  cause?: unknown
}

export class AppError extends Error {
  readonly reason: ErrorReason
  readonly fields: FieldError[] | undefined
  readonly data: Record<string, unknown> | undefined

  constructor (reason: ErrorReason, options: AppErrorOptions = {}) {
    super(options.message ?? ERRORS[reason].message, { cause: options.cause })
    this.name = 'AppError'
    this.reason = reason
    this.fields = options.fields
    this.data = options.data
  }
}

export function isAppError (err: unknown): err is AppError {
  return err instanceof AppError
}

/** Business reasons carry their first field's 2Checkout name as the error's reason. */
export function businessError (fields: readonly FieldError[]): AppError {
  const first = fields[0]
  const reason = first !== undefined && first.error_code in ERRORS ? first.error_code as ErrorReason : 'ORDER_PRODUCT_CODE_INVALID'
  return new AppError(reason, { fields: [...fields] })
}
