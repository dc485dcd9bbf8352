import { z } from 'zod'
import { loginUser } from '../../auth/merchant-users.js'
import { PUBLIC } from '../access.js'
import { defineMethod } from '../registry.js'

/** loginUser(merchantCode, username, password) → sessionID of a merchant user (staff), valid for SESSION_TTL_SECONDS. */
export const loginUserMethod = defineMethod({
  name: 'loginUser',
  summary: 'Opens a session for a merchant user (call-centre staff) by username and password; on-behalf methods need such a session',
  params: z.object({
    merchantCode: z.string().min(1).max(64),
    username: z.string().min(1).max(255),
    password: z.string().min(1).max(1024)
  }),
  result: z.string().describe('sessionID'),
  session: false,
  access: PUBLIC,
  errors: ['INVALID_PARAMS', 'AUTHENTICATION_FAILED', 'TOO_MANY_REQUESTS'],
  handler: async (params, ctx) => await loginUser(ctx.deps, { ...params, clientIp: ctx.clientIp }, ctx.log)
})
