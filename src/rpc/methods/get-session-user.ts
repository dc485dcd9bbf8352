import { z } from 'zod'
import { hashSessionId } from '../../auth/login.js'
import { findSession } from '../../auth/session-store.js'
import { SessionUserSchema, toSessionUser } from '../../auth/session-user.js'
import { AppError } from '../../errors.js'
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
  handler: async (params, ctx) => {
    // The dispatcher authenticated this very session; its expiry is read from its row (a user's
    // session is never cached).
    const session = await findSession(ctx.deps.db, hashSessionId(params.sessionID))
    if (session === undefined) throw new AppError('INVALID_SESSION')
    return toSessionUser(ctx.merchant, ctx.user, { expiresAt: session.expiresAt, now: ctx.deps.clock.now() })
  }
})
