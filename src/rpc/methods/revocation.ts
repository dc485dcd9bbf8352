import { z } from 'zod'
import { rotateMerchantSecret, setMerchantUserActive } from '../../auth/revocation.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** rotateSecretKey(sessionID) → the merchant's new secret key, shown once; every API session ends. */
export const rotateSecretKeyMethod = defineMethod({
  name: 'rotateSecretKey',
  summary: 'Replaces the merchant\'s secret key and returns the new one (shown once); every API session, the caller\'s too, ends at once (merchant API session only)',
  params: z.object({ sessionID: z.string() }),
  result: z.string().describe('the new secret key'),
  session: true,
  // The merchant's own keys and staff: its API session only, whatever a user's privileges.
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (params, ctx) => {
    return (await rotateMerchantSecret(ctx.deps, ctx.merchant, ctx.log)).secret
  }
})

/** setMerchantUserActive(sessionID, Username, Active) → the user's state; deactivating ends the user's sessions at once. */
export const setMerchantUserActiveMethod = defineMethod({
  name: 'setMerchantUserActive',
  summary: 'Activates or deactivates a merchant user (staff); deactivating ends every session of the user at once and refuses loginUser (merchant API session only)',
  params: z.object({ sessionID: z.string(), Username: z.string().min(1).max(255), Active: z.boolean() }),
  result: z.object({ Username: z.string(), Active: z.boolean(), SessionsEnded: z.number().int().describe('sessions of the user ended by this call') }),
  session: true,
  // The merchant's own keys and staff: its API session only, whatever a user's privileges.
  access: { merchantSession: true, userPrivileges: null },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED', 'USER_NOT_FOUND'],
  handler: async (params, ctx) => {
    const { username, active, sessionsEnded } = await setMerchantUserActive(ctx.deps, ctx.merchant, params.Username, params.Active, ctx.log)
    return { Username: username, Active: active, SessionsEnded: sessionsEnded }
  }
})
