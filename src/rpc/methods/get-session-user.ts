import { z } from 'zod'
import { SessionUserSchema, toSessionUser } from '../../auth/session-user.js'
import { defineMethod, SESSION_ERRORS } from '../registry.js'

/** getSessionUser(sessionID) → the merchant user signed in on this session, with their privileges. */
export const getSessionUserMethod = defineMethod({
  name: 'getSessionUser',
  summary: 'The merchant user (staff) of this loginUser session: username, merchant and privileges, so a client offers only what the user may do',
  params: z.object({ sessionID: z.string() }),
  result: SessionUserSchema,
  session: true,
  // Any user's session may ask who it is; the merchant's API session has no user.
  access: { merchantSession: false, userPrivileges: [] },
  errors: [...SESSION_ERRORS, 'NOT_ALLOWED'],
  handler: async (_params, ctx) => toSessionUser(ctx.merchant, ctx.user)
})
