import type { Migration } from 'kysely'
import * as createMerchants from './202611231000_create_merchants.js'
import * as createSessions from './202611231001_create_sessions.js'
import * as createCustomers from './202611231010_create_customers.js'
import * as createOrders from './202611231020_create_orders.js'
import * as createCatalog from './202611231030_create_catalog.js'
import * as createOrderEvents from './202611241000_create_order_events.js'
import * as createStoredCards from './202611241010_create_stored_cards.js'
import * as createCustomerCredits from './202611241020_create_customer_credits.js'
import * as addMerchantPoPaymentTerms from './202611241030_add_merchant_po_payment_terms.js'
import * as createMerchantUsers from './202611241200_create_merchant_users.js'
import * as createCustomerLevels from './202611241210_create_customer_levels.js'
import * as createOrderAdjustments from './202611241220_create_order_adjustments.js'
import * as createFraudReviews from './202611241230_create_fraud_reviews.js'
import * as createIdempotencyKeys from './202611241240_create_idempotency_keys.js'
import * as createOrderAttachments from './202611241250_create_order_attachments.js'
import * as createInventoryReservations from './202611241260_create_inventory_reservations.js'
import * as addMerchantCatalogVersion from './202611241300_add_merchant_catalog_version.js'
import * as makeCustomerReferenceKeyPartial from './202611291000_make_customer_reference_key_partial.js'
import * as addSessionOwnerIndexes from './202612011200_add_session_owner_indexes.js'
import * as discardUnkeyedRequestHashes from './202612012000_discard_unkeyed_request_hashes.js'
import * as sealPaymentPageTokens from './202612012100_seal_payment_page_tokens.js'
import * as addOrderEventActors from './202612021000_add_order_event_actors.js'
import * as createIpnSettings from './202612021010_create_ipn_settings.js'
import * as createIpnNotifications from './202612021020_create_ipn_notifications.js'
import * as createRefunds from './202612031100_create_refunds.js'
import * as addAuthreceivedOrdersIndex from './202612031200_add_authreceived_orders_index.js'
import * as createLoginLimits from './202612031400_create_login_limits.js'
import * as addMerchantUserRoles from './202612042000_add_merchant_user_roles.js'
import * as createDiscountLimits from './202612042010_create_discount_limits.js'
import * as createPaymentLinks from './202612050010_create_payment_links.js'
import * as addPendingPaymentLinkExpiryIndex from './202612060010_add_pending_payment_link_expiry_index.js'
import * as createDiscountReasons from './202612042020_create_discount_reasons.js'
import * as addAdjustmentApprovals from './202612042030_add_adjustment_approvals.js'
import * as grantSupervisorsDiscountPrivileges from './202612042040_grant_supervisors_discount_privileges.js'
import * as grantSupervisorsRecordPayments from './202612012110_grant_supervisors_record_payments.js'
import * as addOrderSearchIndexes from './202612031000_add_order_search_indexes.js'
import * as createDrafts from './202612041000_create_drafts.js'
import * as createDraftStockHolds from './202612041010_create_draft_stock_holds.js'
import * as addOrderPaymentTerms from './202612043000_add_order_payment_terms.js'
import * as grantSupervisorsRefundsAndResend from './202612046000_grant_supervisors_refunds_and_resend.js'
import * as grantSupervisorsCustomLineItems from './202612041030_grant_supervisors_custom_line_items.js'

/**
 * Every migration, by name (names sort in the order they run). Listed statically so the
 * same list works from the TypeScript sources (tests) and from the built dist/ (server, CLI).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '202611231000_create_merchants': createMerchants,
  '202611231001_create_sessions': createSessions,
  '202611231010_create_customers': createCustomers,
  '202611231020_create_orders': createOrders,
  '202611231030_create_catalog': createCatalog,
  '202611241000_create_order_events': createOrderEvents,
  '202611241010_create_stored_cards': createStoredCards,
  '202611241020_create_customer_credits': createCustomerCredits,
  '202611241030_add_merchant_po_payment_terms': addMerchantPoPaymentTerms,
  '202611241200_create_merchant_users': createMerchantUsers,
  '202611241210_create_customer_levels': createCustomerLevels,
  '202611241220_create_order_adjustments': createOrderAdjustments,
  '202611241230_create_fraud_reviews': createFraudReviews,
  '202611241240_create_idempotency_keys': createIdempotencyKeys,
  '202611241250_create_order_attachments': createOrderAttachments,
  '202611241260_create_inventory_reservations': createInventoryReservations,
  '202611241300_add_merchant_catalog_version': addMerchantCatalogVersion,
  '202611291000_make_customer_reference_key_partial': makeCustomerReferenceKeyPartial,
  '202612011200_add_session_owner_indexes': addSessionOwnerIndexes,
  '202612012000_discard_unkeyed_request_hashes': discardUnkeyedRequestHashes,
  '202612012100_seal_payment_page_tokens': sealPaymentPageTokens,
  '202612012110_grant_supervisors_record_payments': grantSupervisorsRecordPayments,
  '202612021000_add_order_event_actors': addOrderEventActors,
  '202612021010_create_ipn_settings': createIpnSettings,
  '202612021020_create_ipn_notifications': createIpnNotifications,
  '202612031000_add_order_search_indexes': addOrderSearchIndexes,
  '202612031100_create_refunds': createRefunds,
  '202612031200_add_authreceived_orders_index': addAuthreceivedOrdersIndex,
  '202612031400_create_login_limits': createLoginLimits,
  '202612041000_create_drafts': createDrafts,
  '202612041010_create_draft_stock_holds': createDraftStockHolds,
  '202612041030_grant_supervisors_custom_line_items': grantSupervisorsCustomLineItems,
  '202612042000_add_merchant_user_roles': addMerchantUserRoles,
  '202612042010_create_discount_limits': createDiscountLimits,
  '202612042020_create_discount_reasons': createDiscountReasons,
  '202612042030_add_adjustment_approvals': addAdjustmentApprovals,
  '202612042040_grant_supervisors_discount_privileges': grantSupervisorsDiscountPrivileges,
  '202612043000_add_order_payment_terms': addOrderPaymentTerms,
  '202612046000_grant_supervisors_refunds_and_resend': grantSupervisorsRefundsAndResend,
  '202612050010_create_payment_links': createPaymentLinks,
  '202612060010_add_pending_payment_link_expiry_index': addPendingPaymentLinkExpiryIndex
}
