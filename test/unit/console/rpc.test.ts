import t from 'tap'
import { call, callWithSession, setSession } from '../../../src/console/web/rpc.js'

// Issue 16, finding 9: /rpc refuses bodies above 1 MiB, so the console sends addOrderAttachment
// (a PDF of up to 5 MiB) to its own route, and everything else to /rpc.
t.test('the console client posts addOrderAttachment to /rpc/attachments and every other method to /rpc', async (t) => {
  const posted: Array<{ url: string, body: unknown }> = []
  const realFetch = globalThis.fetch
  globalThis.fetch = (async (url: string, init: { body: string }) => {
    posted.push({ url, body: JSON.parse(init.body) })
    return new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'ok' }), { headers: { 'content-type': 'application/json' } })
  }) as unknown as typeof fetch
  t.teardown(() => { globalThis.fetch = realFetch; setSession(undefined) })
  setSession('s'.repeat(64))
  await callWithSession('addOrderAttachment', { RefNo: '1', FileName: 'a.pdf', Content: 'JVBERi0=' })
  await callWithSession('getOrderAttachment', { RefNo: '1', AttachmentId: 1 })
  await call('loginUser', { merchantCode: 'M', username: 'u', password: 'p' })
  t.same(posted.map((p) => p.url), ['/rpc/attachments', '/rpc', '/rpc'])
  t.match(posted[0]?.body, { jsonrpc: '2.0', method: 'addOrderAttachment', params: { sessionID: 's'.repeat(64), FileName: 'a.pdf' } })
})
