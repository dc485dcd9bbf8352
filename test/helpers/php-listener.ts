import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './process.js'
import { freePort } from './free-port.js'

export const IPN_LISTENER = join(ROOT, 'samples', 'php', 'ipn-listener.php')

/** One line of the listener's IPN_LOG. */
export type IpnLogLine = { REFNO: string | null, ORDERSTATUS: string | null, IPN_DATE: string | null, valid: boolean, fields: number, status: number }

export type PhpListener = {
  /** the IPN URL: http://127.0.0.1:PORT/ */
  url: string
  /** the lines the listener has logged so far */
  log: () => Promise<IpnLogLine[]>
  /** what `php -S` printed (its access log and any error) */
  output: () => string
  close: () => Promise<void>
}

export type PhpListenerSettings = { SECRET_KEY: string, IPN_ALGORITHM?: string, IPN_FAIL_FIRST?: string }

/**
 * Why PHP cannot run the listener (php-cli missing, or without sha3-256), or null when it can.
 * Never a reason to skip: CI installs php-cli, and a test that needs it fails without it.
 */
export async function phpListenerUnavailable (): Promise<string | null> {
  return await new Promise((resolve) => {
    execFile('php', ['-r', 'exit(in_array("sha3-256", hash_hmac_algos(), true) ? 0 : 3);'], (err) => {
      if (err === null) resolve(null)
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') resolve('php is not installed (apt-get install php-cli; .ci/run installs it)')
      else resolve(`php cannot run the IPN listener (no sha3-256 in hash_hmac_algos(), PHP >= 7.1 needed): ${err.message}`)
    })
  })
}

/** `php -S 127.0.0.1:PORT samples/php/ipn-listener.php`, as its header says, with its IPN_LOG in a temporary directory. */
export async function startPhpListener (settings: PhpListenerSettings): Promise<PhpListener> {
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-ipn-listener-'))
  const logFile = join(dir, 'ipn.log')
  // php -S takes no port 0: a port free a moment ago may be taken by the time PHP binds it, so try again.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawn('php', ['-S', `127.0.0.1:${port}`, IPN_LISTENER], {
      cwd: ROOT,
      env: { ...process.env, IPN_ALGORITHM: '', IPN_FAIL_FIRST: '', ...settings, IPN_LOG: logFile },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    const started = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`php -S did not start in 20 s:\n${output}`)), 20_000)
      const check = () => {
        if (output.includes(`(http://127.0.0.1:${port}) started`)) {
          clearTimeout(timer)
          resolve(true)
        }
      }
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); check() })
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); check() })
      child.once('error', (err) => { clearTimeout(timer); reject(err) })
      child.once('exit', (code) => {
        clearTimeout(timer)
        if (/Address already in use/i.test(output) && attempt < 5) resolve(false)
        else reject(new Error(`php -S exited with ${code}:\n${output}`))
      })
    })
    if (!started) continue
    return {
      url: `http://127.0.0.1:${port}/`,
      output: () => output,
      log: async () => {
        const text = await readFile(logFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return ''
          throw err
        })
        return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as IpnLogLine)
      },
      close: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.kill('SIGTERM')
          await exited
        }
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
}
