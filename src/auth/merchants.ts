import { randomBytes } from 'node:crypto'
import { AppError } from '../errors.js'
import type { AuthDeps } from './login.js'
import { findMerchantByCode, insertMerchant, type Merchant } from './merchant-store.js'

export const MERCHANT_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** A fresh secret key: 32 random bytes, base64url (43 characters). */
export function generateSecret (): string {
  return randomBytes(32).toString('base64url')
}

/** A secret key the operator chose: 16-255 characters (a generated one has 43). */
export function checkSecret (secret: string): void {
  if (secret.length < 16 || secret.length > 255) {
    throw new AppError('INVALID_PARAMS', { fields: [{ path: 'secret', error_code: 'SECRET_INVALID', message: 'a secret key is 16-255 characters' }] })
  }
}

export type CreatedMerchant = { merchant: Merchant, secret: string }

/** Creates a merchant; the secret is stored encrypted and returned once, to the caller. */
export async function createMerchant (
  deps: Pick<AuthDeps, 'db' | 'secretBox'>,
  input: { code: string, name?: string, secret?: string, poAutoApprove?: boolean }
): Promise<CreatedMerchant> {
  if (!MERCHANT_CODE_PATTERN.test(input.code)) {
    throw new AppError('INVALID_PARAMS', { fields: [{ path: 'code', error_code: 'MERCHANT_CODE_INVALID', message: 'a merchant code is 1-64 letters, digits, _ or -' }] })
  }
  if (input.secret !== undefined) checkSecret(input.secret)
  const secret = input.secret ?? generateSecret()
  const { secretCiphertext: _sealed, ...merchant } = await insertMerchant(deps.db, {
    code: input.code,
    name: input.name ?? input.code,
    secretCiphertext: deps.secretBox.seal(secret),
    poAutoApprove: input.poAutoApprove ?? false
  })
  return { merchant, secret }
}

/** The demo merchant of SPEC §6 (PO auto-approve on); created once, its secret read back after. */
export async function ensureDemoMerchant (
  deps: Pick<AuthDeps, 'db' | 'secretBox'>,
  secret: string | undefined
): Promise<CreatedMerchant & { created: boolean }> {
  const existing = await findMerchantByCode(deps.db, 'DEMO')
  if (existing !== undefined) {
    const { secretCiphertext, ...merchant } = existing
    return { merchant, secret: deps.secretBox.open(secretCiphertext), created: false }
  }
  const created = await createMerchant(deps, { code: 'DEMO', name: 'Demo merchant', ...(secret !== undefined ? { secret } : {}), poAutoApprove: true })
  return { ...created, created: true }
}
