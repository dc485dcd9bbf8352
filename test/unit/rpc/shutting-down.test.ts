import t from 'tap'
import { shuttingDownAnswer } from '../../../src/rpc/shutting-down.js'
import { createLogger } from '../../../src/logger.js'

const log = createLogger({ level: 'silent' })
const error = {
  code: -32000,
  message: 'Service temporarily unavailable: the server is shutting down; retry on a new connection',
  data: { error_code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNAVAILABLE', retryable: true, requestId: 'req-1' }
}

t.test('a call that arrives during the drain is answered SERVICE_UNAVAILABLE under its own id', async (t) => {
  t.strictSame(shuttingDownAnswer({ jsonrpc: '2.0', id: 7, method: 'login', params: [] }, 'req-1', log), { jsonrpc: '2.0', id: 7, error })
  t.strictSame(shuttingDownAnswer({ jsonrpc: '2.0', id: 'a', method: 'getOrder' }, 'req-1', log), { jsonrpc: '2.0', id: 'a', error })
})

t.test('a batch during the drain gets one error per request with an id, none for its notifications', async (t) => {
  const batch = [{ jsonrpc: '2.0', id: 1, method: 'a' }, { jsonrpc: '2.0', method: 'note' }, { jsonrpc: '2.0', id: 2, method: 'b' }]
  t.strictSame(shuttingDownAnswer(batch, 'req-1', log), [{ jsonrpc: '2.0', id: 1, error }, { jsonrpc: '2.0', id: 2, error }])
  t.equal(shuttingDownAnswer([{ jsonrpc: '2.0', method: 'note' }], 'req-1', log), undefined, 'only notifications: no answer')
  t.equal(shuttingDownAnswer({ jsonrpc: '2.0', method: 'note' }, 'req-1', log), undefined)
})

t.test('a body whose ids cannot be read during the drain is answered with id null', async (t) => {
  for (const body of [[], 'text', null, [5], { jsonrpc: '2.0', id: { no: 1 }, method: 'a' }]) {
    const answer = shuttingDownAnswer(body, 'req-1', log)
    t.strictSame(Array.isArray(answer) ? answer[0] : answer, { jsonrpc: '2.0', id: null, error }, JSON.stringify(body))
  }
})
