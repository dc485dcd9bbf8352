/**
 * Stock (SPEC §5, seed 001): the quantity of a line is capped at on hand − reserved + backorder
 * limit, for every product with an inventory row. placeOrder reserves in its transaction with one
 * conditional UPDATE per product (the row lock makes racing orders take turns, and each re-checks
 * what is left), so stock is never oversold; cancelling an order releases what it reserved.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { businessError, type FieldError } from '../errors.js'

/** A cart line; `product.inventory` null (known from the catalog) means the product keeps no stock. */
export type StockLine = { readonly index: number, readonly code: string, readonly quantity: number, readonly product?: { readonly inventory: unknown } }

type Need = { productId: bigint, code: string, quantity: number, firstIndex: number }

const mayKeepStock = (line: StockLine): boolean => line.product?.inventory !== null

/** Whether any line may keep stock; lines the catalog says keep none need no look-up (most carts: digital products only). */
export const keepsStock = (lines: readonly StockLine[]): boolean => lines.some(mayKeepStock)

async function needs (db: Kysely<Database>, merchantId: bigint, lines: readonly StockLine[]): Promise<Need[]> {
  const codes = [...new Set(lines.filter(mayKeepStock).map((line) => line.code))]
  if (codes.length === 0) return []
  const rows = await db.selectFrom('products')
    .innerJoin('inventory', 'inventory.product_id', 'products.id')
    .select(['products.id', 'products.code'])
    .where('products.merchant_id', '=', merchantId)
    .where('products.archived_at', 'is', null)
    .where('products.code', 'in', codes)
    .execute()
  const ids = new Map(rows.map((row) => [row.code, row.id]))
  const byProduct = new Map<string, Need>()
  for (const line of lines) {
    const productId = ids.get(line.code)
    if (productId === undefined) continue
    const need = byProduct.get(line.code)
    if (need === undefined) byProduct.set(line.code, { productId, code: line.code, quantity: line.quantity, firstIndex: line.index })
    else need.quantity += line.quantity
  }
  // A fixed lock order (by product id): two orders for the same products never deadlock.
  return [...byProduct.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
}

async function available (db: Kysely<Database>, productId: bigint): Promise<number> {
  const row = await db.selectFrom('inventory').select(sql<number>`greatest(0, on_hand - reserved + backorder_limit)::int`.as('available')).where('product_id', '=', productId).executeTakeFirst()
  return row?.available ?? 0
}

function tooMany (need: Need, left: number): FieldError {
  return {
    path: `Items.${need.firstIndex}.Quantity`,
    error_code: 'ORDER_ITEMS_QUANTITY_INVALID',
    message: `only ${left} of "${need.code}" can be ordered (on hand + backorder limit − reserved); the order asks for ${need.quantity}`
  }
}

/** Read-only check (quote): the lines whose quantity exceeds what is available now. */
export async function checkInventory (db: Kysely<Database>, merchantId: bigint, lines: readonly StockLine[]): Promise<FieldError[]> {
  const errors: FieldError[] = []
  for (const need of await needs(db, merchantId, lines)) {
    const left = await available(db, need.productId)
    if (need.quantity > left) errors.push(tooMany(need, left))
  }
  return errors
}

export type Reservation = {
  /**
   * After the order is stored: keeps the reservation for it (recorded per order and product),
   * or gives it back when the payment was declined (a declined order holds no stock).
   */
  settle: (orderId: bigint, declined: boolean) => Promise<void>
}

/**
 * Reserves the lines' quantities in the caller's transaction, or refuses the order with
 * ORDER_ITEMS_QUANTITY_INVALID at `Items.N.Quantity` naming what is available. Run it before
 * the payment, so an order that cannot be filled is never charged.
 */
export async function reserveInventory (trx: Kysely<Database>, merchantId: bigint, lines: readonly StockLine[]): Promise<Reservation> {
  const errors: FieldError[] = []
  const reserved: Need[] = []
  for (const need of await needs(trx, merchantId, lines)) {
    const row = await trx.updateTable('inventory')
      .set((eb) => ({ reserved: eb('reserved', '+', need.quantity), updated_at: sql`now()` }))
      .where('product_id', '=', need.productId)
      .where(sql<boolean>`on_hand - reserved + backorder_limit >= ${need.quantity}`)
      .returning('product_id')
      .executeTakeFirst()
    if (row === undefined) errors.push(tooMany(need, await available(trx, need.productId)))
    else reserved.push(need)
  }
  if (errors.length > 0) throw businessError(errors)
  return {
    settle: async (orderId, declined) => {
      if (reserved.length === 0) return
      if (declined) {
        for (const need of reserved) await giveBack(trx, need.productId, need.quantity)
        return
      }
      await trx.insertInto('inventory_reservations')
        .values(reserved.map((need) => ({ order_id: orderId, product_id: need.productId, quantity: need.quantity })))
        .execute()
    }
  }
}

async function giveBack (trx: Kysely<Database>, productId: bigint, quantity: number): Promise<void> {
  await trx.updateTable('inventory')
    .set((eb) => ({ reserved: sql`greatest(0, ${eb.ref('reserved')} - ${quantity})`, updated_at: sql`now()` }))
    .where('product_id', '=', productId)
    .execute()
}

/**
 * Gives back what an order holds (order cancel, fraud rejection, a canceled payment), exactly
 * once: the reservation rows are deleted as they are given back. Call it in the transaction
 * that cancels the order.
 */
export async function releaseOrderInventory (trx: Kysely<Database>, orderId: bigint): Promise<void> {
  const rows = await trx.deleteFrom('inventory_reservations').where('order_id', '=', orderId).returning(['product_id', 'quantity']).execute()
  rows.sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0))
  for (const row of rows) await giveBack(trx, row.product_id, row.quantity)
}

/**
 * Sets what an open draft holds (issue 19 item 1) to its lines' quantities, in the caller's
 * transaction, after the draft's row is locked: counted in `reserved` like an order's
 * reservation, recorded per draft and product. One pass in product-id order over what it held
 * and what it needs (only the difference moves), so racing changes never deadlock. Refuses like
 * reserveInventory (ORDER_ITEMS_QUANTITY_INVALID at `Items.N.Quantity`) when too few are left.
 */
export async function holdDraftStock (trx: Kysely<Database>, merchantId: bigint, draftId: bigint, lines: readonly StockLine[]): Promise<void> {
  const wanted = await needs(trx, merchantId, lines)
  const before = await trx.selectFrom('draft_stock_holds').select(['product_id', 'quantity']).where('draft_id', '=', draftId).execute()
  const held = new Map(before.map((row) => [row.product_id, row.quantity]))
  const ids = [...new Set([...wanted.map((need) => need.productId), ...held.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const errors: FieldError[] = []
  for (const productId of ids) {
    const need = wanted.find((w) => w.productId === productId)
    const delta = (need?.quantity ?? 0) - (held.get(productId) ?? 0)
    if (delta < 0) await giveBack(trx, productId, -delta)
    if (delta <= 0 || need === undefined) continue
    const row = await trx.updateTable('inventory')
      .set((eb) => ({ reserved: eb('reserved', '+', delta), updated_at: sql`now()` }))
      .where('product_id', '=', productId)
      .where(sql<boolean>`on_hand - reserved + backorder_limit >= ${delta}`)
      .returning('product_id')
      .executeTakeFirst()
    // what is left for this draft: what others leave, plus what it holds already
    if (row === undefined) errors.push(tooMany(need, await available(trx, productId) + (held.get(productId) ?? 0)))
  }
  if (errors.length > 0) throw businessError(errors)
  await trx.deleteFrom('draft_stock_holds').where('draft_id', '=', draftId).execute()
  if (wanted.length === 0) return
  await trx.insertInto('draft_stock_holds')
    .values(wanted.map((need) => ({ draft_id: draftId, product_id: need.productId, quantity: need.quantity })))
    .execute()
}

/**
 * Gives back what a draft holds (a change of its lines, completion, abandonment, expiry), exactly
 * once: the hold rows are deleted as they are given back. Call it in the transaction that
 * changes the draft, after its row is locked.
 */
export async function releaseDraftStock (trx: Kysely<Database>, draftId: bigint): Promise<void> {
  const rows = await trx.deleteFrom('draft_stock_holds').where('draft_id', '=', draftId).returning(['product_id', 'quantity']).execute()
  rows.sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0))
  for (const row of rows) await giveBack(trx, row.product_id, row.quantity)
}
