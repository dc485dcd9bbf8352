import type { MethodDefinition } from '../registry.js'
import { createDiscoverMethod } from './discover.js'
import { getCustomerTransientTokenMethod } from './get-customer-transient-token.js'
import { getOrderMethod } from './get-order.js'
import { getOrderHistoryMethod } from './get-order-history.js'
import { getIpnSettingsMethod, resendIpnMethod, setIpnSettingsMethod } from './ipn.js'
import { isValidOrderReferenceMethod } from './is-valid-order-reference.js'
import { loginMethod } from './login.js'
import { approvePurchaseOrderMethod, cancelPurchaseOrderMethod, markOrderPaidMethod } from './order-actions.js'
import { placeOrderMethod } from './place-order.js'
import { searchOrdersMethod } from './search-orders.js'
import { rotateSecretKeyMethod, setMerchantUserActiveMethod } from './revocation.js'
import { placeAssistedOrderMethod, quoteMethod } from './assisted-orders.js'
import { createCustomerMethod, deleteCustomerAddressMethod, getCustomerMethod, saveCustomerAddressMethod, saveCustomerLevelMethod, searchCustomersMethod, updateCustomerMethod } from './customers.js'
import { loginUserMethod } from './login-user.js'
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
  createDiscoverMethod(() => METHODS)
]
