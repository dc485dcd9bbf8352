import { z } from 'zod'
import { LOGIN_ALGORITHMS, login, parseLoginDate } from '../../auth/login.js'
import { PUBLIC } from '../access.js'
import { defineMethod } from '../registry.js'

/** login(merchantCode, date, hash[, algorithm]) → sessionID, valid for SESSION_TTL_SECONDS. */
export const loginMethod = defineMethod({
  name: 'login',
  summary: 'Opens a session: HMAC of strlen(code)+code+strlen(date)+date keyed with the secret key; returns the sessionID',
  params: z.object({
    merchantCode: z.string().min(1).max(64),
    date: z.string().refine((d) => parseLoginDate(d) !== undefined, { message: 'date must be YYYY-MM-DD HH:mm:ss in UTC', params: { error_code: 'DATE_INVALID' } }),
    hash: z.string().regex(/^[0-9a-fA-F]{32,128}$/, 'hash must be the hex HMAC digest'),
    algorithm: z.string().transform((a) => a.toLowerCase()).pipe(z.enum(LOGIN_ALGORITHMS)).default('md5')
  }),
  result: z.string().describe('sessionID'),
  session: false,
  access: PUBLIC,
  errors: ['INVALID_PARAMS', 'AUTHENTICATION_FAILED', 'DATE_OUT_OF_RANGE', 'TOO_MANY_REQUESTS'],
  handler: async (params, ctx) => await login(ctx.deps, { ...params, clientIp: ctx.clientIp }, ctx.log)
})
