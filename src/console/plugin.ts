import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * A file of the page, kept in memory as it is and compressed once at start (brotli and gzip:
 * the files never change while the process runs, so nothing is compressed per request), with a
 * strong ETag of its content (the same in every encoding's variant, suffixed per encoding, as
 * RFC 9110 §8.8.3 wants distinct tags for distinct representations).
 */
type Asset = { body: Buffer, type: string, br?: Buffer, gzip?: Buffer, etag: string }

// Below this the headers cost more than compression saves (the favicon, a tiny script).
const COMPRESS_MIN_BYTES = 256
const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.svg'])

function asset (body: Buffer, type: string, ext: string): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  if (!COMPRESSIBLE.has(ext) || body.length < COMPRESS_MIN_BYTES) return { body, type, etag }
  return {
    body,
    type,
    etag,
    br: brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzip: gzipSync(body, { level: 9 })
  }
}

/** The encoding to send: br, then gzip, when the client accepts it (q > 0); identity otherwise. */
export function chooseEncoding (acceptEncoding: string | undefined, available: { br: boolean, gzip: boolean }): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>()
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name === undefined || name === '') continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0
  if (available.br && ok('br')) return 'br'
  if (available.gzip && ok('gzip')) return 'gzip'
  return undefined
}

/** If-None-Match names this representation (or `*`): a 304 may answer. Weak comparison (RFC 9110 §13.1.2). */
function notModified (ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === etag)
}

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
      assets.set(relative(root, path).split(sep).join('/'), asset(readFileSync(path), type, extname(name)))
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

/**
 * One file: compressed when the client accepts it, with its ETag; `no-cache` makes the browser
 * revalidate every time (a new build must show at once), and the validator makes that a 304
 * without a body.
 */
async function sendAsset (request: FastifyRequest, reply: FastifyReply, file: Asset): Promise<FastifyReply> {
  const encoding = chooseEncoding(request.headers['accept-encoding'], { br: file.br !== undefined, gzip: file.gzip !== undefined })
  const etag = encoding === undefined ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`
  reply.headers(CONSOLE_SECURITY_HEADERS).header('cache-control', 'no-cache').header('etag', etag)
  if (file.br !== undefined) reply.header('vary', 'accept-encoding')
  if (notModified(request.headers['if-none-match'], etag)) return await reply.code(304).send()
  if (encoding !== undefined) reply.header('content-encoding', encoding)
  return await reply.code(200).header('content-type', file.type).send(encoding === undefined ? file.body : file[encoding])
}

/** GET /console (the page) and GET /console/<file> (its styles and scripts). */
export async function consolePlugin (app: FastifyInstance, options: ConsolePluginOptions = {}): Promise<void> {
  const root = options.root ?? fileURLToPath(new URL('./public/', import.meta.url))
  const assets = loadConsoleAssets(root)
  const notBuilt = 'The operator console is not built: run `npm run build` (it compiles src/console/web and copies src/console/public into dist/).'

  const serve = async (path: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const file = assets.get(path)
    if (file !== undefined) return await sendAsset(request, reply, file)
    const missingScript = path === 'index.html' || (path.startsWith('app/') && !assets.has('app/main.js'))
    return await send(reply, 404, 'text/plain; charset=utf-8', missingScript ? notBuilt : 'Not found')
  }

  app.get(CONSOLE_PREFIX, async (request, reply) => await serve('index.html', request, reply))
  app.get(`${CONSOLE_PREFIX}/*`, async (request, reply) => {
    const path = (request.params as { '*': string })['*']
    return await serve(path === '' ? 'index.html' : path, request, reply)
  })
}
