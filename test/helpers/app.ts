import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loginHash, type LoginAlgorithm } from '../../src/auth/login.js'
import { createMerchant } from '../../src/auth/merchants.js'
import { createFakeClock } from '../../src/clock.js'
import { loadConfig } from '../../src/config.js'
import { createDeps, type Deps } from '../../src/deps.js'
import { createLogger } from '../../src/logger.js'
import type { MethodDefinition } from '../../src/rpc/registry.js'
import { createTestDb, type TestDb } from './db.js'
import { checkRpcExchange } from './result-conformance.js'

export const TEST_START = new Date('2026-11-23T10:00:00.000Z')
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7)

type Teardown = { teardown: (fn: () => unknown) => void }

export type TestApp = {
  app: FastifyInstance
  deps: Deps
  db: TestDb
  clock: ReturnType<typeof createFakeClock>
  /** every log line the app wrote, as JSON text */
  logs: string[]
  rpc: (method: string, params?: unknown, id?: number | string | null) => Promise<RpcReply>
  post: (body: unknown, path?: string) => Promise<{ statusCode: number, json: unknown, body: string }>
  merchant: (options?: { code?: string, poAutoApprove?: boolean }) => Promise<{ code: string, secret: string }>
  login: (merchant: { code: string, secret: string }, algorithm?: LoginAlgorithm) => Promise<string>
}

export type RpcReply = { jsonrpc: '2.0', id: unknown, result?: any, error?: { code: number, message: string, data?: any } }

/** `YYYY-MM-DD HH:mm:ss` in UTC, as PHP's gmdate('Y-m-d H:i:s'). */
export function gmdate (date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ')
}

export function uniqueCode (prefix = 'M'): string {
  return `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`
}

function parseOrUndefined (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** buildApp over a fresh test database, a fake clock and a captured log stream. */
export async function createTestApp (t: Teardown, env: Record<string, string> = {}, db?: TestDb, extraMethods: readonly MethodDefinition[] = []): Promise<TestApp> {
  const database = db ?? await createTestDb()
  const clock = createFakeClock(TEST_START)
  const logs: string[] = []
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => { logs.push(line) } } })
  const config = loadConfig({ LOG_LEVEL: 'debug', ...env })
  const deps = await createDeps(config, logger, { database, clock, encryptionKey: TEST_ENCRYPTION_KEY })
  const app = await buildApp({ deps, logger, extraMethods })
  t.teardown(async () => {
    await app.close()
    await database.close()
  })

  // Every successful result is checked against its schema in schemas/openrpc.json (test/helpers/result-conformance.ts).
  const post: TestApp['post'] = async (body, path = '/rpc') => {
    const response = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) })
    const json = response.body === '' ? undefined : JSON.parse(response.body)
    checkRpcExchange(typeof body === 'string' ? parseOrUndefined(body) : body, json)
    return { statusCode: response.statusCode, body: response.body, json }
  }
  const rpc: TestApp['rpc'] = async (method, params, id = 1) => {
    const { json } = await post({ jsonrpc: '2.0', method, ...(params !== undefined ? { params } : {}), id })
    return json as RpcReply
  }
  return {
    app,
    deps,
    db: database,
    clock,
    logs,
    post,
    rpc,
    async merchant (options = {}) {
      const created = await createMerchant(deps, { code: options.code ?? uniqueCode(), poAutoApprove: options.poAutoApprove ?? false })
      return { code: created.merchant.code, secret: created.secret }
    },
    async login (merchant, algorithm = 'md5') {
      const date = gmdate(clock.now())
      const reply = await rpc('login', [merchant.code, date, loginHash(merchant.secret, merchant.code, date, algorithm), algorithm])
      if (typeof reply.result !== 'string') throw new Error(`login failed: ${JSON.stringify(reply.error)}`)
      return reply.result
    }
  }
}
