import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { createEmptyServerDatabase } from '../helpers/db.js'
import { childCommand, ensureBuilt, ROOT } from '../helpers/process.js'

// `npm pack` must give a package whose `ordergate` bin starts the server. The package is built
// by `prepare` (npm install / npm ci / npm pack run it); here dist/ is already built, so the
// packing skips scripts rather than rebuild dist/ under the other test files' feet.

const exec = promisify(execFile)
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npm = (args: string[], cwd: string) => {
  const command = childCommand(NPM, args, { npm_config_update_notifier: 'false' })
  return exec(command.file, command.args, { cwd, maxBuffer: 16 * 1024 * 1024, env: command.env })
}

type PackedFile = { path: string }

await ensureBuilt()
const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>, files: string[], scripts: Record<string, string> }

t.test('package.json: the ordergate bin, prepare builds dist/', async (t) => {
  t.strictSame(manifest.bin, { ordergate: 'bin/ordergate.js' })
  t.equal(manifest.scripts.prepare, 'npm run build', 'npm install / npm pack build dist/ first')
  t.match(manifest.scripts.build, /tsc -p tsconfig\.build\.json/)
  const buildConfig = JSON.parse(await readFile(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string } }
  t.equal(buildConfig.compilerOptions.outDir, 'dist')
})

t.test('npm pack --dry-run lists the bin, the compiled server, CLI and migrations, and nothing private', async (t) => {
  const { stdout } = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT)
  const [pack] = JSON.parse(stdout) as [{ name: string, files: PackedFile[] }]
  const files = pack.files.map((file) => file.path)
  for (const path of ['bin/ordergate.js', 'dist/src/server.js', 'dist/src/cli.js', 'dist/migrations/index.js', 'package.json', 'README.md', 'samples/curl/login.sh', 'samples/php/purchase-order.php', 'samples/catalog/demo-catalog.json', 'schemas/openrpc.json']) {
    t.ok(files.includes(path), `${path} is packed`)
  }
  const forbidden = files.filter((path) => /^(test|src|scripts|data|node_modules|coverage|\.tap|\.ci|\.git)\//.test(path) || /(^|\/)\.env$/.test(path) || path.startsWith('dist/test/') || path.startsWith('dist/scripts/'))
  t.strictSame(forbidden, [], 'no tests, sources, data, .env or tooling')
})

t.test('the packed tarball installs and its ordergate bin starts the server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-pack-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)
  const [pack] = JSON.parse(stdout) as [{ filename: string }]
  const app = join(dir, 'app')
  await exec('mkdir', ['-p', app])
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'ordergate-pack-test', version: '1.0.0', private: true }))
  // From the npm cache when it has the dependencies (npm ci filled it), else from the registry.
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', join(dir, pack.filename)], app)

  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(dir, 'data'),
    DATABASE_URL: '',
    DEMO_SEED: 'true',
    DEMO_MERCHANT_SECRET: `pack-${randomBytes(8).toString('hex')}`,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex')
  }
  const databaseUrl = await createEmptyServerDatabase(t, 'ordergate_pack')
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl

  // The installed bin, run from the installing project as `npx ordergate start` would.
  const command = childCommand(join(app, 'node_modules', '.bin', 'ordergate'), ['start'], env)
  const child = spawn(command.file, command.args, { cwd: app, env: command.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the packed server did not start in 45 s:\n${output}`)), 45_000)
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`the packed server exited with ${code}:\n${output}`)) })
  })
  t.match(output, /demo merchant code: DEMO/)
  t.equal((await fetch(`${url}/health`)).status, 200)
  t.equal((await fetch(`${url}/ready`)).status, 200, 'migrated and connected')
  const discover = await fetch(`${url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"rpc.discover","id":1}' })
  t.match(await discover.json(), { result: { openrpc: /^1\./ } })
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM stops it cleanly')
})
