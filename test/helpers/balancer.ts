import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { startTcpProxy } from './tcp-proxy.js'

/**
 * A load balancer on 127.0.0.1 in front of several ordergate processes: HAProxy (Debian's
 * package, `balance roundrobin`, each HTTP request to the next server) when `haproxy` is on
 * PATH, else a Node TCP proxy handing each new connection to the next server. `counts()` says
 * how many requests (HAProxy) or connections (Node) each server was given.
 */
export type Balancer = { kind: 'haproxy' | 'node', url: string, counts: () => Promise<number[]>, close: () => Promise<void> }

export function haproxyAvailable (): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0
}

export async function startBalancer (targets: readonly string[], options: { prefer?: 'haproxy' | 'node' } = {}): Promise<Balancer> {
  const ports = targets.map((target) => Number(new URL(target).port))
  if ((options.prefer ?? 'haproxy') === 'haproxy' && haproxyAvailable()) return await startHaproxy(ports)
  return await startRoundRobinProxy(ports)
}

async function startHaproxy (ports: readonly number[]): Promise<Balancer> {
  const dir = await mkdtemp(join(tmpdir(), 'ordergate-haproxy-'))
  const port = await freePort()
  const socket = join(dir, 'stats.sock')
  const config = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    'frontend ordergate',
    `  bind 127.0.0.1:${port}`,
    '  default_backend ordergate',
    'backend ordergate',
    '  balance roundrobin',
    ...ports.map((p, i) => `  server ordergate${i + 1} 127.0.0.1:${p}`),
    ''
  ].join('\n')
  const file = join(dir, 'haproxy.cfg')
  await writeFile(file, config)
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${output}`)
    const up = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1', () => { probe.destroy(); resolve(true) })
      probe.on('error', () => resolve(false))
    })
    if (up) break
    if (Date.now() > deadline) throw new Error(`haproxy did not listen in 10 s: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const stats = async (): Promise<string> => await new Promise((resolve, reject) => {
    let text = ''
    const client = connect(socket, () => { client.write('show stat\n') })
    client.on('data', (chunk: Buffer) => { text += chunk.toString() })
    client.on('end', () => resolve(text))
    client.on('error', reject)
  })
  return {
    kind: 'haproxy',
    url,
    counts: async () => {
      // CSV: pxname,svname,...; column req_tot (HTTP requests) of each server row.
      const lines = (await stats()).split('\n')
      const header = (lines[0] ?? '').replace(/^# /, '').split(',')
      const at = header.indexOf('req_tot')
      return ports.map((_, i) => Number(lines.find((line) => line.startsWith(`ordergate,ordergate${i + 1},`))?.split(',')[at] ?? 0))
    },
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The fallback: test/helpers/tcp-proxy.ts handing each new connection to the next port, bytes piped both ways. */
export async function startRoundRobinProxy (ports: readonly number[]): Promise<Balancer> {
  let next = 0
  const counts = ports.map(() => 0)
  const proxy = await startTcpProxy('127.0.0.1', () => {
    const i = next++ % ports.length
    counts[i] = (counts[i] ?? 0) + 1
    return ports[i] as number
  })
  return {
    kind: 'node',
    url: `http://127.0.0.1:${proxy.port}`,
    counts: async () => [...counts],
    close: async () => { await proxy.close() }
  }
}
