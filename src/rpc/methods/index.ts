import type { MethodDefinition } from '../registry.js'
import { getDiscountLimitsMethod, getDiscountReasonsMethod, setDiscountLimitsMethod, setDiscountReasonsMethod } from './discount-settings.js'
import { createDiscoverMethod } from './discover.js'
import { getCustomerTransientTokenMethod } from './get-customer-transient-token.js'
import { getOrderMethod } from './get-order.js'
import { getOrderHistoryMethod } from './get-order-history.js'
import { getSessionUserMethod } from './get-session-user.js'
import { getIpnSettingsMethod, resendIpnMethod, setIpnSettingsMethod } from './ipn.js'
import { getPaymentTermsMethod, setPaymentTermsMethod } from './payment-terms.js'
import { isValidOrderReferenceMethod } from './is-valid-order-reference.js'
import { issueRefundMethod } from './issue-refund.js'
import { loginMethod } from './login.js'
import { approvePurchaseOrderMethod, cancelPurchaseOrderMethod, confirmDeliveryMethod, markOrderPaidMethod } from './order-actions.js'
import { placeOrderMethod } from './place-order.js'
import { searchOrdersMethod } from './search-orders.js'
import { rotateSecretKeyMethod, setMerchantUserActiveMethod } from './revocation.js'
import { placeAssistedOrderMethod, quoteMethod } from './assisted-orders.js'
import { createCustomerMethod, deleteCustomerAddressMethod, getCustomerMethod, saveCustomerAddressMethod, saveCustomerLevelMethod, searchCustomersMethod, updateCustomerMethod } from './customers.js'
import { loginUserMethod } from './login-user.js'
import { getAvailableCountriesMethod, getAvailableCurrenciesMethod, getProductByCodeMethod, getShippingPriceMethod, searchProductsMethod } from './catalog.js'
import { abandonDraftMethod, completeDraftMethod, createDraftMethod, getDraftMethod, searchDraftsMethod, updateDraftMethod } from './drafts.js'
import { cancelPaymentLinkMethod, createPaymentLinkMethod, getPaymentLinkMethod } from './payment-links.js'
import { addOrderAttachmentMethod, cancelOrderMethod, getOrderAttachmentMethod, listOrderAttachmentsMethod, reviewCustomerMethod, searchCatalogMethod } from './staff-orders.js'

/** Every JSON-RPC method ordergate answers. */
export const METHODS: readonly MethodDefinition[] = [
  loginMethod,
  placeOrderMethod,
  isValidOrderReferenceMethod,
  getOrderMethod,
  searchOrdersMethod,
  getCustomerTransientTokenMethod,
  approvePurchaseOrderMethod,
  cancelPurchaseOrderMethod,
  markOrderPaidMethod,
  confirmDeliveryMethod,
  // Revocation (issue 16, finding 11): merchant API session only
  rotateSecretKeyMethod,
  setMerchantUserActiveMethod,
  // Assisted sale (SPEC §5)
  loginUserMethod,
  placeAssistedOrderMethod,
  quoteMethod,
  createCustomerMethod,
  updateCustomerMethod,
  getCustomerMethod,
  searchCustomersMethod,
  saveCustomerAddressMethod,
  deleteCustomerAddressMethod,
  saveCustomerLevelMethod,
  searchCatalogMethod,
  cancelOrderMethod,
  reviewCustomerMethod,
  addOrderAttachmentMethod,
  listOrderAttachmentsMethod,
  getOrderAttachmentMethod,
  // Order history and IPN (issue 17): ordergate's own, 2Checkout shows and sets these in its control panel
  getOrderHistoryMethod,
  setIpnSettingsMethod,
  getIpnSettingsMethod,
  resendIpnMethod,
  // Refunds (issue 18)
  issueRefundMethod,
  // Catalog and reference look-ups (issue 18): the merchant's API, staff with the on-behalf privilege
  getProductByCodeMethod,
  searchProductsMethod,
  getShippingPriceMethod,
  getAvailableCountriesMethod,
  getAvailableCurrenciesMethod,
  // The console (issue 19 item 6): who is signed in, with which privileges
  getSessionUserMethod,
  // Draft orders (issue 19 item 1): merchant users with PLACE_ORDERS_ON_BEHALF
  createDraftMethod,
  updateDraftMethod,
  getDraftMethod,
  searchDraftsMethod,
  abandonDraftMethod,
  completeDraftMethod,
  // Payment links (issue 19 item 2): the customer pays a draft on a hosted page
  createPaymentLinkMethod,
  getPaymentLinkMethod,
  cancelPaymentLinkMethod,
  // Payment terms for B2B (issue 19 item 4): the merchant's PO terms
  setPaymentTermsMethod,
  getPaymentTermsMethod,
  // Discount authority (issue 19 item 3)
  setDiscountLimitsMethod,
  getDiscountLimitsMethod,
  setDiscountReasonsMethod,
  getDiscountReasonsMethod,
  createDiscoverMethod(() => METHODS)
]
