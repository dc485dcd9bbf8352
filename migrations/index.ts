import type { Migration } from 'kysely'
import * as createMerchants from './202611231000_create_merchants.js'
import * as createSessions from './202611231001_create_sessions.js'
import * as createCustomers from './202611231010_create_customers.js'
import * as createOrders from './202611231020_create_orders.js'
import * as createCatalog from './202611231030_create_catalog.js'

/**
 * Every migration, by name (names sort in the order they run). Listed statically so the
 * same list works from the TypeScript sources (tests) and from the built dist/ (server, CLI).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '202611231000_create_merchants': createMerchants,
  '202611231001_create_sessions': createSessions,
  '202611231010_create_customers': createCustomers,
  '202611231020_create_orders': createOrders,
  '202611231030_create_catalog': createCatalog
}
