import { AppError } from '../errors.js'
import type { Log } from '../logger.js'
import type { ApprovalContext } from '../orders/discount-authority.js'
import type { AuthDeps } from './login.js'
import type { Merchant } from './merchant-store.js'
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.js'
import { toMerchantUser, type MerchantUser } from './privileges.js'
import { clientAddressKey } from './rate-limiter.js'

/**
 * A supervisor's approval of discounts above a user's limit (issue 19 item 3): their username
 * and password, checked as loginUser checks them — the same scrypt check, the same login limits
 * in the database (a failed approval is a failed login of that user, and a locked-out user cannot
 * approve) — and the privilege APPROVE_DISCOUNTS. The password is never stored, logged or echoed.
 * Refusals name `path`, the param the credentials came in.
 */
export async function verifyApproval (deps: AuthDeps, merchant: Merchant, requester: MerchantUser, approval: { Username: string, Password: string }, clientIp: string, log: Log, path = 'Assisted.Approval'): Promise<ApprovalContext> {
  const refused = (message: string) => new AppError('DISCOUNT_APPROVAL_FAILED', { fields: [{ path, error_code: 'DISCOUNT_APPROVAL_FAILED', message }] })
  const username = approval.Username
  const begun = await deps.loginLimiter.begin({ credential: `user:${merchant.code}:${username.toLowerCase()}`, clientIp })
  if ('refused' in begun) {
    log.warn({ merchantCode: merchant.code, clientIp, limit: begun.refused }, 'discount approval refused: too many failures')
    throw new AppError('TOO_MANY_REQUESTS')
  }
  const { attempt, trusted } = begun
  try {
    const checked = await deps.passwordGate.run(clientAddressKey(clientIp), async () => {
      const row = await deps.db.selectFrom('merchant_users').selectAll().where('merchant_id', '=', merchant.id)
        .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase())).executeTakeFirst()
      // An unknown user still costs one scrypt, so timing does not tell them apart.
      const matches = await verifyPassword(approval.Password, row?.password_hash ?? await DUMMY_HASH_PROMISE())
      return { row, matches }
    }, trusted)
    if (checked === undefined) throw new AppError('TOO_MANY_REQUESTS')
    const { row, matches } = checked
    if (row === undefined || !matches || !row.active) {
      await attempt.failed()
      log.warn({ merchantCode: merchant.code, clientIp, userId: String(requester.id), why: row === undefined ? 'unknown user' : !matches ? 'wrong password' : 'user inactive' }, 'discount approval failed')
      throw refused('unknown supervisor or wrong password')
    }
    await attempt.succeeded()
    const approver = toMerchantUser(row)
    if (!approver.privileges.includes('APPROVE_DISCOUNTS')) throw refused(`user ${approver.username} lacks the privilege APPROVE_DISCOUNTS`)
    if (approver.id === requester.id) throw refused('a discount is approved by another user than the one who gives it')
    log.info({ merchantCode: merchant.code, userId: String(requester.id), approverId: String(approver.id) }, 'discount approved')
    return { approverId: approver.id, approverUsername: approver.username }
  } finally {
    await attempt.released()
  }
}
