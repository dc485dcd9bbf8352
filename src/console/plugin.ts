import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { pageSecurityHeaders } from '../http/security-headers.js'

/**
 * The operator console (issue 9): a static web page at GET /console for call-centre staff, built
 * only on the public JSON-RPC methods. Its files (HTML, CSS and the browser scripts that the build
 * compiles from src/console/web) are read once at start from `root` into memory, so no request
 * path ever reaches the file system (no traversal, no symlinks, no stat per request).
 */
export const CONSOLE_PREFIX = '/console'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon'
}

/**
 * Scripts only from this origin, no inline script or style, no framing, no referrer leaking a
 * RefNo to the sandbox or elsewhere. connect-src 'self' keeps the page talking to this server's
 * /rpc only.
 */
export const CONSOLE_SECURITY_HEADERS = {
  ...pageSecurityHeaders("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'"),
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()'
}

type Asset = { body: Buffer, type: string }

/** Every servable file under `root`, keyed by its URL path below /console/ ('app/main.js'). */
export function loadConsoleAssets (root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  const walk = (dir: string): void => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      const stat = statSync(path)
      if (stat.isDirectory()) {
        walk(path)
        continue
      }
      const type = CONTENT_TYPES[extname(name)]
      if (type === undefined) continue
      assets.set(relative(root, path).split(sep).join('/'), { body: readFileSync(path), type })
    }
  }
  walk(root)
  return assets
}

export type ConsolePluginOptions = {
  /** the directory of the built page; default: `public/` beside this module (dist/src/console/public once built) */
  root?: string
}

async function send (reply: FastifyReply, code: number, type: string, body: Buffer | string): Promise<FastifyReply> {
  return await reply.code(code).headers(CONSOLE_SECURITY_HEADERS).header('content-type', type).header('cache-control', 'no-cache').send(body)
}

/** GET /console (the page) and GET /console/<file> (its styles and scripts). */
export async function consolePlugin (app: FastifyInstance, options: ConsolePluginOptions = {}): Promise<void> {
  const root = options.root ?? fileURLToPath(new URL('./public/', import.meta.url))
  const assets = loadConsoleAssets(root)
  const notBuilt = 'The operator console is not built: run `npm run build` (it compiles src/console/web and copies src/console/public into dist/).'

  const serve = async (path: string, reply: FastifyReply): Promise<FastifyReply> => {
    const asset = assets.get(path)
    if (asset !== undefined) return await send(reply, 200, asset.type, asset.body)
    const missingScript = path === 'index.html' || (path.startsWith('app/') && !assets.has('app/main.js'))
    return await send(reply, 404, 'text/plain; charset=utf-8', missingScript ? notBuilt : 'Not found')
  }

  app.get(CONSOLE_PREFIX, async (_request, reply) => await serve('index.html', reply))
  app.get(`${CONSOLE_PREFIX}/*`, async (request, reply) => {
    const path = (request.params as { '*': string })['*']
    return await serve(path === '' ? 'index.html' : path, reply)
  })
}
