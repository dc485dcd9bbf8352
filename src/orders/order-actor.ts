import type { Merchant } from '../auth/merchant-store.js'
import type { MerchantUser } from '../auth/merchant-users.js'

/** Who changed an order. */
export type OrderActor =
  | { kind: 'MERCHANT_API', merchantCode: string }
  | { kind: 'USER', userId: bigint, username?: string }
  | { kind: 'SHOPPER' }
  | { kind: 'SYSTEM', name: string }

/**
 * The actor as order_events keeps it, in its `actor` text and `user_id` columns:
 *
 * | kind           | actor               | user_id | written by                                        |
 * |----------------|---------------------|---------|---------------------------------------------------|
 * | `MERCHANT_API` | `merchant:<CODE>`   | null    | a call on the merchant's API session (login)       |
 * | `USER`         | `user:<id>`         | `<id>`  | a call on a staff user's session (loginUser)       |
 * | `SHOPPER`      | `shopper`           | null    | the sandbox 3-D Secure and redirect pages          |
 * | `SYSTEM`       | `system:<name>`     | null    | `system:sweep` (the sweeps), `system:fraud-rules` (a review opened) |
 *
 * The username is not stored (a user may be renamed; user_id references merchant_users).
 */
export type ActorColumns = { actor: string, userId: bigint | null }

export function actorColumns (actor: OrderActor): ActorColumns {
  switch (actor.kind) {
    case 'MERCHANT_API': return { actor: `merchant:${actor.merchantCode}`, userId: null }
    case 'USER': return { actor: `user:${actor.userId}`, userId: actor.userId }
    case 'SHOPPER': return { actor: 'shopper', userId: null }
    case 'SYSTEM': return { actor: `system:${actor.name}`, userId: null }
  }
}

/**
 * The actor of a stored history row (the inverse of actorColumns). A row of a staff user
 * takes its id from user_id; text of no known form (none is written) reads as a system actor
 * of that name, so an old row never breaks a history.
 */
export function actorOfColumns (row: ActorColumns): OrderActor {
  if (row.userId !== null) return { kind: 'USER', userId: row.userId }
  if (row.actor === 'shopper') return { kind: 'SHOPPER' }
  const colon = row.actor.indexOf(':')
  const prefix = colon < 0 ? '' : row.actor.slice(0, colon)
  const rest = row.actor.slice(colon + 1)
  if (prefix === 'merchant') return { kind: 'MERCHANT_API', merchantCode: rest }
  if (prefix === 'user' && /^\d+$/.test(rest)) return { kind: 'USER', userId: BigInt(rest) }
  if (prefix === 'system') return { kind: 'SYSTEM', name: rest }
  return { kind: 'SYSTEM', name: row.actor }
}

/** The actor of an RPC session: the staff user when a loginUser session made the call, else the merchant's API. */
export function sessionActor (merchant: Pick<Merchant, 'code'>, user: Pick<MerchantUser, 'id' | 'username'> | undefined): OrderActor {
  return user !== undefined ? { kind: 'USER', userId: user.id, username: user.username } : { kind: 'MERCHANT_API', merchantCode: merchant.code }
}

/** The sweeps and the fraud rules. */
export const systemActor = (name: string): OrderActor => ({ kind: 'SYSTEM', name })
export const SHOPPER: OrderActor = { kind: 'SHOPPER' }
