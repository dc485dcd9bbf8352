import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { loginHash } from '../../src/auth/login.js'
import { gmdate } from './app.js'
import { checkRpcExchange } from './result-conformance.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const run = promisify(execFile)

/** The e2e tests run the built package (dist/), as users do; `npm test` builds it first. */
export async function ensureBuilt (): Promise<void> {
  if (existsSync(join(ROOT, 'dist', 'src', 'server.js'))) return
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT })
}

/**
 * The environment for a node process a test starts (the CLI, a server): the test's own, without
 * the hook tap puts in NODE_OPTIONS to record each child process for coverage while coverage is
 * off (.taprc): loaded in every child, it cost a CLI run as much CPU as the run itself.
 */
export function childEnv (env: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env }
  if (coverageOff() && merged.NODE_OPTIONS !== undefined) {
    const options = merged.NODE_OPTIONS.split(/\s+/).filter((option) => option !== '' && !option.includes('@tapjs/processinfo'))
    if (options.length > 0) merged.NODE_OPTIONS = options.join(' ')
    else delete merged.NODE_OPTIONS
  }
  return merged
}

function coverageOff (): boolean {
  return process.env._TAPJS_PROCESSINFO_COVERAGE_ === '0'
}

/**
 * How to start `file` with `args` in childEnv(env). tap's hook patches ChildProcess#spawn in the
 * test process and puts itself back into the NODE_OPTIONS of every process spawned, whatever
 * environment is passed (so childEnv alone left every CLI run and server paying for it: a refused
 * CLI call took 1.0 s of CPU instead of 0.4). While coverage is off the program is therefore
 * started through env(1), which sets NODE_OPTIONS to childEnv's after the hook, then execs it
 * (same pid, so signals and exit codes are the program's own).
 */
export function childCommand (file: string, args: readonly string[], env: Record<string, string> = {}): { file: string, args: string[], env: NodeJS.ProcessEnv } {
  const merged = childEnv(env)
  if (!coverageOff()) return { file, args: [...args], env: merged }
  return { file: 'env', args: [`NODE_OPTIONS=${merged.NODE_OPTIONS ?? ''}`, file, ...args], env: merged }
}

export type CliResult = { code: number, stdout: string, stderr: string }

/** Runs the built CLI; `input` is written to its standard input (which is then closed). */
export async function runOrdergate (args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  await ensureBuilt()
  return await new Promise((resolve) => {
    const command = childCommand(process.execPath, [join(ROOT, 'bin', 'ordergate.js'), ...args], env)
    const child = execFile(command.file, command.args, { cwd: ROOT, env: command.env }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
    })
    if (input !== undefined) child.stdin?.end(input)
  })
}

export type RunningServer = { url: string, output: () => string, stop: () => Promise<number | null>, child: ChildProcess }

/** Starts `node dist/src/server.js` on a free port and waits for its banner. */
export async function startServer (env: Record<string, string>): Promise<RunningServer> {
  await ensureBuilt()
  // Approved orders stay AUTHRECEIVED unless a test asks (the real clock would complete them
  // mid-test, SANDBOX_COMPLETE_AFTER_MS after approval); completion is tested on the fake clock.
  const command = childCommand(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')],
    { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX_COMPLETE_AFTER_MS: 'off', ...env })
  const child = spawn(command.file, command.args, { cwd: ROOT, env: command.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000)
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)) })
  })
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      return await exited
    }
  }
}

/** One JSON-RPC call to a started server's /rpc. */
export async function rpcOver (url: string, method: string, params: unknown): Promise<any> {
  const request = { jsonrpc: '2.0', method, params, id: 1 }
  const response = await fetch(`${url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
  const reply: unknown = await response.json()
  checkRpcExchange(request, reply)
  return reply
}

/** `login` to a started server with the merchant's secret (md5, the current time). */
export async function loginOver (url: string, code: string, secret: string): Promise<any> {
  const date = gmdate(new Date())
  return await rpcOver(url, 'login', [code, date, loginHash(secret, code, date)])
}
