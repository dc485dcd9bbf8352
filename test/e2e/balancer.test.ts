import { Agent, createServer, get, type Server } from 'node:http'
import t from 'tap'
import { haproxyAvailable, startBalancer } from '../helpers/balancer.js'

// The balancer the instances test (test/e2e/instances.test.ts) puts in front of three processes:
// HAProxy when installed, else the Node round-robin proxy (test/helpers/tcp-proxy.ts).

async function backend (name: string): Promise<{ server: Server, url: string }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => { response.setHeader('content-type', 'text/plain'); response.end(name) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
}

for (const kind of ['node', 'haproxy'] as const) {
  t.test(`the ${kind} balancer hands 9 fresh connections round-robin to 3 servers and counts them`, { skip: kind === 'haproxy' && !haproxyAvailable() ? 'haproxy is not installed' : false }, async (t) => {
    const backends = await Promise.all(['one', 'two', 'three'].map(backend))
    t.teardown(async () => { for (const b of backends) await new Promise((resolve) => b.server.close(resolve)) })
    const balancer = await startBalancer(backends.map((b) => b.url), { prefer: kind })
    t.teardown(() => balancer.close())
    t.equal(balancer.kind, kind)
    t.match(balancer.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const agent = new Agent({ keepAlive: false })
    t.teardown(() => agent.destroy())
    const answers: string[] = []
    for (let i = 0; i < 9; i++) {
      answers.push(await new Promise<string>((resolve, reject) => {
        get(`${balancer.url}/`, { agent }, (response) => {
          let body = ''
          response.on('data', (chunk: Buffer) => { body += chunk.toString() })
          response.on('end', () => resolve(body))
        }).on('error', reject)
      }))
    }
    t.same([...answers].sort(), ['one', 'one', 'one', 'three', 'three', 'three', 'two', 'two', 'two'], `each server answered 3: ${answers.join(' ')}`)
    t.same(await balancer.counts(), [3, 3, 3], 'counted 3 each')
  })
}
