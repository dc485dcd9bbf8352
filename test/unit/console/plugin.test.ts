import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import t from 'tap'
import { CONSOLE_SECURITY_HEADERS, consolePlugin } from '../../../src/console/plugin.js'

async function appWith (files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'ordergate-console-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true })
    await writeFile(join(root, name), content)
  }
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
  await app.register(consolePlugin, { root })
  return { app, close: async () => { await app.close(); await rm(root, { recursive: true, force: true }) } }
}

t.test('GET /console answers index.html and its files with the security headers', async (t) => {
  const { app, close } = await appWith({ 'index.html': '<!doctype html><title>c</title>', 'app/main.js': 'export {}', 'console.css': 'body{}', 'notes.txt': 'secret', 'app/main.ts': 'source' })
  t.teardown(close)
  for (const url of ['/console', '/console/']) {
    const page = await app.inject({ url })
    t.equal(page.statusCode, 200, url)
    t.equal(page.body, '<!doctype html><title>c</title>')
    t.match(page.headers['content-type'], /^text\/html; charset=utf-8/)
    t.match(page.headers, CONSOLE_SECURITY_HEADERS, 'CSP, nosniff, frame and referrer headers')
  }
  const script = await app.inject({ url: '/console/app/main.js' })
  t.equal(script.statusCode, 200)
  t.match(script.headers['content-type'], /^text\/javascript/)
  t.match(script.headers, CONSOLE_SECURITY_HEADERS)
  t.equal((await app.inject({ url: '/console/console.css' })).headers['content-type'], 'text/css; charset=utf-8')
  for (const url of ['/console/notes.txt', '/console/app/main.ts', '/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/app/%2f..%2f..%2fpackage.json']) {
    const refused = await app.inject({ url })
    t.equal(refused.statusCode, 404, `${url} is not served`)
  }
  t.match((await app.inject({ url: '/console/notes.txt' })).headers, CONSOLE_SECURITY_HEADERS, 'a refusal of the console carries its headers too')
})

t.test('an unbuilt console says how to build it instead of serving a page without its scripts', async (t) => {
  const { app, close } = await appWith({})
  t.teardown(close)
  const page = await app.inject({ url: '/console' })
  t.equal(page.statusCode, 404)
  t.match(page.body, /npm run build/)
})

t.test('the Content-Security-Policy allows no inline script or style and no framing', async (t) => {
  const csp = CONSOLE_SECURITY_HEADERS['content-security-policy']
  t.match(csp, /default-src 'none'/)
  t.match(csp, /script-src 'self';/)
  t.match(csp, /style-src 'self';/)
  t.match(csp, /frame-ancestors 'none'/)
  t.notMatch(csp, /unsafe/)
})

t.test('the console\'s files are served compressed (br, else gzip) with ETag validators and 304s', async (t) => {
  const script = `export const x = ${JSON.stringify('a'.repeat(4000))}\n`
  const { app, close } = await appWith({ 'index.html': '<!doctype html><title>c</title>', 'app/main.js': script })
  t.teardown(close)
  const { brotliDecompressSync, gunzipSync } = await import('node:zlib')

  const plain = await app.inject({ url: '/console/app/main.js' })
  t.equal(plain.statusCode, 200)
  t.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity')
  t.equal(plain.body, script)
  t.match(plain.headers.etag, /^"[\w-]{27}"$/)
  t.equal(plain.headers.vary, 'accept-encoding')
  t.equal(plain.headers['cache-control'], 'no-cache')

  const br = await app.inject({ url: '/console/app/main.js', headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.equal(br.headers['content-encoding'], 'br')
  t.ok(br.rawPayload.length < script.length / 10, `brotli: ${br.rawPayload.length} of ${script.length} bytes`)
  t.equal(brotliDecompressSync(br.rawPayload).toString(), script)
  t.equal(br.headers.etag, `${String(plain.headers.etag).slice(0, -1)}-br"`, 'a tag of its own per encoding')
  t.match(br.headers, CONSOLE_SECURITY_HEADERS)

  const gz = await app.inject({ url: '/console/app/main.js', headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } })
  t.equal(gz.headers['content-encoding'], 'gzip', 'br refused with q=0: gzip')
  t.equal(gunzipSync(gz.rawPayload).toString(), script)
  t.equal((await app.inject({ url: '/console/app/main.js', headers: { 'accept-encoding': 'identity, *;q=0' } })).headers['content-encoding'], undefined)

  for (const [encoding, tag] of [[undefined, plain.headers.etag], ['br', br.headers.etag], ['gzip', gz.headers.etag]] as const) {
    const headers: Record<string, string> = { 'if-none-match': `"other", ${String(tag)}` }
    if (encoding !== undefined) headers['accept-encoding'] = encoding
    const again = await app.inject({ url: '/console/app/main.js', headers })
    t.equal(again.statusCode, 304, `${encoding ?? 'identity'}: revalidated`)
    t.equal(again.body, '', 'no body')
    t.equal(again.headers.etag, tag)
    t.match(again.headers, CONSOLE_SECURITY_HEADERS)
  }
  const stale = await app.inject({ url: '/console/app/main.js', headers: { 'accept-encoding': 'br', 'if-none-match': plain.headers.etag as string } })
  t.equal(stale.statusCode, 200, 'the identity tag does not validate the brotli variant')
  t.equal((await app.inject({ url: '/console', headers: { 'if-none-match': 'W/' + String(plain.headers.etag) } })).statusCode, 200, 'another file\'s tag: the page')

  const tiny = await app.inject({ url: '/console', headers: { 'accept-encoding': 'br' } })
  t.equal(tiny.headers['content-encoding'], undefined, 'a file under 256 bytes is sent as it is')
  t.equal(tiny.body, '<!doctype html><title>c</title>')
  t.equal((await app.inject({ url: '/console', headers: { 'if-none-match': String(tiny.headers.etag) } })).statusCode, 304)
})
