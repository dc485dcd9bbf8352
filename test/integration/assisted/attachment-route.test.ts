import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { staffMerchant } from '../../helpers/assisted.js'
import { testCardOrder } from '../../helpers/orders.js'

// Issue 16, finding 9: the documented 5 MiB PDF (6.7 MB of base64) did not fit /rpc's 1 MiB body
// limit. addOrderAttachment has its own route with the limit its contract needs; every other
// method, on either route, stays under the small limit.
const MIB = 1024 * 1024
const ATTACHMENTS = '/rpc/attachments'

function pdfOf (size: number): Buffer {
  const bytes = randomBytes(size)
  bytes.write('%PDF-1.7\n', 'latin1')
  return bytes
}

t.test('POST /rpc/attachments: the body limit of a 5 MiB PDF for addOrderAttachment alone; /rpc keeps 1 MiB for every method', async (t) => {
  const ta = await createTestApp(t)
  const m = await staffMerchant(ta)
  const order = (await ta.rpc('placeOrder', [m.apiSession, testCardOrder()])).result
  const attach = (content: string, id: number | string = 1, method = 'addOrderAttachment') => ({ jsonrpc: '2.0', method, params: { sessionID: m.staffSession, RefNo: order.RefNo, FileName: 'contract.pdf', Content: content }, id })
  const stored = async () => Number((await ta.db.db.selectFrom('order_attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  t.test('a PDF of exactly 5 MiB is stored and read back whole through getOrderAttachment', async (t) => {
    const pdf = pdfOf(5 * MIB)
    const reply = await ta.post(attach(pdf.toString('base64')), ATTACHMENTS)
    t.equal(reply.statusCode, 200)
    t.match(reply.json, { jsonrpc: '2.0', id: 1, result: { AttachmentId: Number, FileName: 'contract.pdf', ContentType: 'application/pdf', Size: 5 * MIB, Sha256: createHash('sha256').update(pdf).digest('hex') } })
    const id = (reply.json as { result: { AttachmentId: number } }).result.AttachmentId
    const got = await ta.rpc('getOrderAttachment', [m.staffSession, order.RefNo, id])
    t.equal(got.result.Size, 5 * MIB)
    t.ok(Buffer.from(got.result.Content, 'base64').equals(pdf), 'the content read back is the PDF, byte for byte')
    const row = await ta.db.db.selectFrom('order_attachments').select(['size_bytes', 'content']).where('id', '=', BigInt(id)).executeTakeFirstOrThrow()
    t.equal(row.size_bytes, 5 * MIB)
    t.ok(Buffer.from(row.content).equals(pdf), 'and so is the stored content')
  })

  t.test('a PDF of 5 MiB + 1 byte is ATTACHMENT_INVALID naming Content and the limit, and writes nothing', async (t) => {
    const before = await stored()
    const reply = await ta.post(attach(pdfOf(5 * MIB + 1).toString('base64')), ATTACHMENTS)
    t.equal(reply.statusCode, 200)
    t.match(reply.json, { jsonrpc: '2.0', id: 1, error: { code: 55201, data: { error_code: 'ATTACHMENT_INVALID', fields: [{ path: 'Content', error_code: 'ATTACHMENT_INVALID', message: 'the attachment exceeds 5242880 bytes' }] } } })
    t.equal(await stored(), before)
  })

  t.test('a body above ATTACHMENT_BODY_LIMIT_BYTES (7 MiB) is the JSON-RPC 413 naming that limit', async (t) => {
    const reply = await ta.post(attach('A'.repeat(7 * MIB)), ATTACHMENTS)
    t.equal(reply.statusCode, 413)
    t.match(reply.json, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { error_code: 'REQUEST_TOO_LARGE', limit: 7 * MIB } } })
  })

  t.test('on /rpc an attachment body above 1 MiB is the JSON-RPC 413 pointing to the attachment route; a small attachment is still taken', async (t) => {
    const before = await stored()
    const reply = await ta.post(attach(pdfOf(MIB).toString('base64')))
    t.equal(reply.statusCode, 413)
    t.match(reply.json, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { error_code: 'REQUEST_TOO_LARGE', limit: MIB, attachmentPath: ATTACHMENTS, attachmentLimit: 7 * MIB, message: /addOrderAttachment.*POST \/rpc\/attachments/ } } })
    t.equal(await stored(), before)
    const small = await ta.post(attach(pdfOf(1000).toString('base64')))
    t.match(small.json, { id: 1, result: { Size: 1000 } })
  })

  t.test('any other method with a body above 1 MiB is refused on either route, and writes nothing', async (t) => {
    const ordersBefore = Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const bigOrder = { jsonrpc: '2.0', method: 'placeOrder', params: [m.apiSession, testCardOrder({ ExternalReference: 'BIG', Padding: 'x'.repeat(MIB + 1) })], id: 7 }
    const onRpc = await ta.post(bigOrder)
    t.equal(onRpc.statusCode, 413)
    t.match(onRpc.json, { id: null, error: { code: -32600, data: { error_code: 'REQUEST_TOO_LARGE', limit: MIB } } })
    const onAttachments = await ta.post(bigOrder, ATTACHMENTS)
    t.equal(onAttachments.statusCode, 200)
    t.same(onAttachments.json, { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found', data: { error_code: 'METHOD_NOT_ON_THIS_ROUTE', method: 'placeOrder', message: 'POST /rpc/attachments answers only a single addOrderAttachment call; send placeOrder to POST /rpc' } } })
    t.equal(Number((await ta.db.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), ordersBefore, 'no order was placed')

    const small = await ta.post({ jsonrpc: '2.0', method: 'getOrder', params: [m.apiSession, order.RefNo], id: 'g' }, ATTACHMENTS)
    t.match(small.json, { jsonrpc: '2.0', id: 'g', error: { code: -32601, data: { error_code: 'METHOD_NOT_ON_THIS_ROUTE', method: 'getOrder' } } }, 'also a small call of another method')
    t.notOk('result' in (small.json as object))
    const before = await stored()
    const batch = await ta.post([attach(pdfOf(1000).toString('base64'), 1), attach(pdfOf(1000).toString('base64'), 2)], ATTACHMENTS)
    t.same(batch.json, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { error_code: 'BATCH_NOT_ALLOWED', message: 'POST /rpc/attachments answers only a single addOrderAttachment call, not a batch' } } })
    t.equal(await stored(), before, 'a batch of attachments stores nothing')
    t.match((await ta.post('{"jsonrpc":', ATTACHMENTS)).json, { id: null, error: { code: -32700 } }, 'invalid JSON is a parse error there too')
  })

  t.test('the attachment route\'s answers are no-store and nosniff', async (t) => {
    const response = await ta.app.inject({ method: 'POST', url: ATTACHMENTS, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(attach(pdfOf(100).toString('base64'))) })
    t.match(response.headers, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  })
})
