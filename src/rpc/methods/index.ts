import type { MethodDefinition } from '../registry.js'
import { createDiscoverMethod } from './discover.js'
import { isValidOrderReferenceMethod } from './is-valid-order-reference.js'
import { loginMethod } from './login.js'

/** Every JSON-RPC method ordergate answers. */
export const METHODS: readonly MethodDefinition[] = [
  loginMethod,
  isValidOrderReferenceMethod,
  createDiscoverMethod(() => METHODS)
]
