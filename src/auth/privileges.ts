import { AppError, type FieldError } from '../errors.js'

/**
 * Merchant users (call-centre staff) and their privileges (seed 000: a role privilege "Place
 * orders on behalf of customer" gates every on-behalf action). A role is a named set of privileges.
 * RECORD_PAYMENTS exists because approving a purchase order and marking an order paid move money
 * owed to COMPLETE without a charge: no on-behalf or cancel privilege is that. REFUND_ORDERS and
 * RESEND_NOTIFICATIONS let the console's order screen refund and resend IPN (issue 19 item 6):
 * before them only the merchant's API session could, no staff privilege covering either.
 * CUSTOM_LINE_ITEMS because a line whose price staff type in sells what the catalog does not (issue 19).
 */
export const PRIVILEGES = {
  PLACE_ORDERS_ON_BEHALF: 'Place orders on behalf of customer',
  MANAGE_CUSTOMERS: 'Create and update customers, their levels and address books',
  REPLACEMENT_ORDERS: 'Place "payment not required" replacement orders, or orders that staff discounts make free',
  APPROVE_FRAUD: 'Mark a customer OKAY or rejected in fraud review',
  CANCEL_ORDERS: 'Cancel orders',
  RECORD_PAYMENTS: 'Approve purchase orders and record payments received (mark an order paid)',
  REFUND_ORDERS: 'Refund completed orders in full or in part (issueRefund)',
  RESEND_NOTIFICATIONS: 'Send an order\'s latest IPN notification again (resendIpn)',
  CUSTOM_LINE_ITEMS: 'Add custom (non-catalog) line items with their own name, price and tax class to an assisted order',
  APPROVE_DISCOUNTS: 'Approve, with their own credentials, a staff discount above the user\'s limit',
  MANAGE_DISCOUNTS: 'Set the merchant\'s discount limits per role and its discount reason codes'
} as const
export type Privilege = keyof typeof PRIVILEGES
export const PRIVILEGE_NAMES = Object.keys(PRIVILEGES) as Privilege[]

/** The roles a user may have (merchant_users.role); the discount limits are set per role. */
export const ROLE_NAMES = ['AGENT', 'SUPERVISOR', 'ADMIN'] as const
export type Role = typeof ROLE_NAMES[number]

export const ROLES: Record<Role, readonly Privilege[]> = {
  AGENT: ['PLACE_ORDERS_ON_BEHALF', 'MANAGE_CUSTOMERS'],
  SUPERVISOR: PRIVILEGE_NAMES,
  ADMIN: PRIVILEGE_NAMES
}

export const isRole = (name: string): name is Role => (ROLE_NAMES as readonly string[]).includes(name)

export type MerchantUser = { id: bigint, merchantId: bigint, username: string, displayName: string | null, privileges: Privilege[], active: boolean, role: Role | null }

export type MerchantUserRow = { id: bigint, merchant_id: bigint, username: string, display_name: string | null, privileges: string[], active: boolean, role: string | null }

export function toMerchantUser (row: MerchantUserRow): MerchantUser {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    username: row.username,
    displayName: row.display_name,
    privileges: row.privileges.filter((p): p is Privilege => p in PRIVILEGES),
    active: row.active,
    role: row.role !== null && isRole(row.role) ? row.role : null
  }
}

const named = (privileges: readonly Privilege[]) => privileges.map((p) => `${p} ("${PRIVILEGES[p]}")`).join(', ')

/** NOT_ALLOWED for a merchant API session on a method (or params) that needs a user's session. */
export function userSessionRequired (privileges: readonly Privilege[]): AppError {
  return new AppError('NOT_ALLOWED', {
    message: privileges.length === 0
      ? 'Not allowed: this needs a merchant user\'s session (loginUser)'
      : `Not allowed: this needs a merchant user's session (loginUser) with the privilege ${named(privileges)}`,
    data: { ...(privileges[0] !== undefined ? { privilege: privileges[0] } : {}), privileges: [...privileges] }
  })
}

/** NOT_ALLOWED for a user's session on a method only the merchant's API session may call. */
export function merchantSessionRequired (): AppError {
  return new AppError('NOT_ALLOWED', { message: 'Not allowed: this needs the merchant\'s API session (login), not a merchant user\'s', data: { privileges: [] } })
}

/**
 * The one privilege check: the user holds every privilege given, or NOT_ALLOWED names what is
 * missing (and `fields`, the params that needed it, when a param's value asked for it).
 */
export function requirePrivileges (user: MerchantUser, privileges: readonly Privilege[], fields?: FieldError[]): void {
  const missing = privileges.filter((p) => !user.privileges.includes(p))
  if (missing.length > 0) {
    throw new AppError('NOT_ALLOWED', {
      message: `Not allowed: user ${user.username} lacks the privilege ${named(missing)}`,
      ...(fields !== undefined && fields.length > 0 ? { fields } : {}),
      data: { privilege: missing[0], privileges: missing }
    })
  }
}
