import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { ADMIN_URL, postgresAvailable } from './db.js'
import { startServer, type RunningServer } from './process.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

export type DemoServer = RunningServer & { code: string, secret: string, backend: 'postgresql' | 'embedded', proxy: TcpProxy | undefined, close: () => Promise<void> }

export type DemoServerOptions = {
  /** more environment for the server (timeouts, limits) */
  env?: Record<string, string>
  /** reach PostgreSQL through a TCP proxy the test can hold or cut (PostgreSQL only) */
  throughProxy?: boolean
}

/**
 * The built server (`node dist/src/server.js`) on a fresh PostgreSQL database created for the
 * caller (dropped by `close()`), with the DEMO merchant and catalog seeded and a known secret.
 * Where no PostgreSQL answers (never in CI: postgresAvailable() throws there) it runs on the
 * embedded database in a temporary directory instead.
 */
export async function startDemoServer (options: DemoServerOptions = {}): Promise<DemoServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordergate-demo-'))
  const secret = `demo-${randomBytes(12).toString('hex')}`
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    DEMO_SEED: 'true',
    DEMO_MERCHANT_SECRET: secret,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...options.env
  }
  let dropDatabase = async () => {}
  let proxy: TcpProxy | undefined
  if (await postgresAvailable()) {
    const name = `ordergate_demo_${process.pid}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    try {
      await admin.query(`create database "${name}"`)
    } finally {
      await admin.end()
    }
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    if (options.throughProxy === true) {
      proxy = await startTcpProxy(url.hostname, Number(url.port || 5432))
      url.port = String(proxy.port)
    }
    env.DATABASE_URL = url.toString()
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL })
      await client.connect()
      try {
        await client.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await client.end()
      }
    }
  }
  let server: RunningServer
  try {
    server = await startServer(env)
  } catch (err) {
    await proxy?.close()
    await dropDatabase()
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    ...server,
    code: 'DEMO',
    secret,
    backend: env.DATABASE_URL === '' ? 'embedded' : 'postgresql',
    proxy,
    close: async () => {
      await server.stop()
      await proxy?.close()
      await dropDatabase()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
