import type { MethodDefinition } from '../registry.js'
import { createDiscoverMethod } from './discover.js'
import { getOrderMethod } from './get-order.js'
import { isValidOrderReferenceMethod } from './is-valid-order-reference.js'
import { loginMethod } from './login.js'
import { placeOrderMethod } from './place-order.js'

/** Every JSON-RPC method ordergate answers. */
export const METHODS: readonly MethodDefinition[] = [
  loginMethod,
  placeOrderMethod,
  isValidOrderReferenceMethod,
  getOrderMethod,
  createDiscoverMethod(() => METHODS)
]
