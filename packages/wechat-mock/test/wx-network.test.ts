import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { createWx, type NodeWx } from '../src/wx/index.js'

type Echo = { method: string, url: string, query: Record<string, string>, headers: Record<string, string>, body: string }

/** A real HTTP server that shows what the runtime sent and answers in the ways the tests need. */
async function startServer (t: Test): Promise<string> {
  // Tests abort and time out requests on purpose: do not wait for those sockets on close.
  const app = Fastify({ forceCloseConnections: true })
  t.teardown(() => app.close())
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  const echo = (request: { method: string, url: string, query: unknown, headers: Record<string, unknown>, body: unknown }): Echo => ({
    method: request.method,
    url: request.url,
    query: request.query as Record<string, string>,
    headers: request.headers as Record<string, string>,
    body: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : ''
  })
  app.all('/echo', async (request) => echo(request))
  app.get('/status/:status', async (request, reply) => {
    const status = Number((request.params as { status: string }).status)
    return reply.code(status).send({ statusCode: status, code: 'X_' + status })
  })
  app.get('/text', async (_request, reply) => reply.type('text/plain').send('not json {'))
  app.get('/json-text', async (_request, reply) => reply.type('text/plain').send('{"a":1}'))
  app.get('/bytes', async (_request, reply) => reply.type('application/octet-stream').send(Buffer.from([1, 2, 3])))
  app.get('/cookie', async (_request, reply) => reply.header('set-cookie', ['a=1', 'b=2']).send({ ok: true }))
  app.all('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400))
    return { late: true }
  })
  app.post('/upload', async (request) => {
    const form = await new Response(request.body as Buffer, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData()
    const file = form.get('avatar') as File
    return {
      authorization: request.headers.authorization,
      kind: form.get('kind'),
      meta: form.get('meta'),
      fileName: file.name,
      content: await file.text()
    }
  })
  app.get('/files/report.txt', async (request, reply) => reply.type('text/plain').send(`report for ${request.headers.authorization ?? 'nobody'}`))
  app.get('/missing.txt', async (_request, reply) => reply.code(404).type('text/plain').send('gone'))
  return app.listen({ port: 0, host: '127.0.0.1' })
}

/** wx.request as a promise of what reached success or fail, to assert on either. */
function send (wx: NodeWx, option: WechatMiniprogram.RequestOption): Promise<{ ok: true, res: WechatMiniprogram.RequestSuccessCallbackResult } | { ok: false, err: WechatMiniprogram.RequestFailCallbackErr }> {
  return new Promise((resolve) => {
    wx.request({ ...option, success: (res) => { resolve({ ok: true, res }) }, fail: (err) => { resolve({ ok: false, err }) } })
  })
}

async function succeed (wx: NodeWx, option: WechatMiniprogram.RequestOption): Promise<WechatMiniprogram.RequestSuccessCallbackResult> {
  const out = await send(wx, option)
  if (!out.ok) throw new Error('expected success, got ' + out.err.errMsg)
  return out.res
}

async function failWith (wx: NodeWx, option: WechatMiniprogram.RequestOption): Promise<string> {
  const out = await send(wx, option)
  if (out.ok) throw new Error('expected fail, got status ' + out.res.statusCode)
  return out.err.errMsg
}

const wx = createWx({ mockUrl: 'http://127.0.0.1:9', user: 'alice' })

t.test('request: an object body is sent as JSON with wx’s default content-type', async (t) => {
  const url = await startServer(t)
  const res = await succeed(wx, { url: `${url}/echo`, method: 'POST', data: { a: 1, b: 'x' }, header: { 'X-Trace': 7 } })
  const echo = res.data as Echo
  t.equal(res.statusCode, 200)
  t.equal(res.errMsg, 'request:ok')
  t.equal(echo.method, 'POST')
  t.equal(echo.headers['content-type'], 'application/json')
  t.equal(echo.headers['x-trace'], '7', 'header values are sent as strings')
  t.same(JSON.parse(echo.body), { a: 1, b: 'x' })
  t.match(res.header['content-type'], /application\/json/)
})

t.test('request: GET data becomes the query string', async (t) => {
  const url = await startServer(t)
  const res = await succeed(wx, { url: `${url}/echo?fixed=1`, data: { q: 'a b', n: 2, obj: { x: 1 }, skip: undefined } })
  const echo = res.data as Echo
  t.same(echo.query, { fixed: '1', q: 'a b', n: '2', obj: '{"x":1}' })
  t.equal(echo.body, '')
  const plain = (await succeed(wx, { url: `${url}/echo`, data: 'raw=1' })).data as Echo
  t.same(plain.query, { raw: '1' })
  const empty = (await succeed(wx, { url: `${url}/echo`, data: {} })).data as Echo
  t.equal(empty.url, '/echo')
})

t.test('request: form-urlencoded, string and ArrayBuffer bodies', async (t) => {
  const url = await startServer(t)
  const form = (await succeed(wx, {
    url: `${url}/echo`, method: 'PUT', data: { a: 1, b: 'x y' }, header: { 'Content-Type': 'application/x-www-form-urlencoded' }
  })).data as Echo
  t.equal(form.body, 'a=1&b=x%20y')
  t.equal(form.method, 'PUT')
  const text = (await succeed(wx, { url: `${url}/echo`, method: 'POST', data: 'hello', header: { 'content-type': 'text/plain' } })).data as Echo
  t.equal(text.body, 'hello')
  const bytes = (await succeed(wx, { url: `${url}/echo`, method: 'POST', data: new TextEncoder().encode('bin').buffer as ArrayBuffer })).data as Echo
  t.equal(bytes.body, 'bin')
  const none = (await succeed(wx, { url: `${url}/echo`, method: 'DELETE' })).data as Echo
  t.equal(none.body, '')
})

t.test('request: HTTP errors arrive in success with statusCode, data and header', async (t) => {
  const url = await startServer(t)
  for (const status of [401, 404, 500]) {
    const res = await succeed(wx, { url: `${url}/status/${status}` })
    t.equal(res.statusCode, status)
    t.same(res.data, { statusCode: status, code: 'X_' + status })
    t.type(res.header, 'object')
  }
})

t.test('request: response data is parsed JSON only when it parses and dataType is json', async (t) => {
  const url = await startServer(t)
  t.equal((await succeed(wx, { url: `${url}/text` })).data, 'not json {')
  t.same((await succeed(wx, { url: `${url}/json-text` })).data, { a: 1 }, 'parsed whatever the content-type says')
  t.equal((await succeed(wx, { url: `${url}/json-text`, dataType: 'text' })).data, '{"a":1}')
  const bytes = (await succeed(wx, { url: `${url}/bytes`, responseType: 'arraybuffer' })).data
  t.ok(bytes instanceof ArrayBuffer)
  t.same([...new Uint8Array(bytes as ArrayBuffer)], [1, 2, 3])
  t.same((await succeed(wx, { url: `${url}/cookie` })).cookies, ['a=1', 'b=2'])
})

t.test('request: fail on network failure, with the system error in errMsg', async (t) => {
  const closed = Fastify()
  const closedUrl = await closed.listen({ port: 0, host: '127.0.0.1' })
  await closed.close()
  t.match(await failWith(wx, { url: `${closedUrl}/echo` }), /^request:fail .*ECONNREFUSED/)
  t.match(await failWith(wx, { url: 'not a url' }), /^request:fail /)
})

t.test('request: fail with "request:fail timeout" after the timeout option', async (t) => {
  const url = await startServer(t)
  const started = Date.now()
  t.equal(await failWith(wx, { url: `${url}/slow`, timeout: 100 }), 'request:fail timeout')
  t.ok(Date.now() - started < 390, 'did not wait for the answer')
  t.same((await succeed(wx, { url: `${url}/slow`, timeout: 0 })).data, { late: true }, 'a zero timeout means wx’s default')
})

t.test('request: abort() fails the request with "request:fail abort"; after completion it does nothing', async (t) => {
  const url = await startServer(t)
  const outcome = new Promise<string>((resolve) => {
    const task = wx.request({ url: `${url}/slow`, success: () => { resolve('success') }, fail: (err) => { resolve(err.errMsg) } })
    setTimeout(() => { task.abort() }, 50)
  })
  t.equal(await outcome, 'request:fail abort')

  const calls: string[] = []
  await new Promise<void>((resolve) => {
    const task = wx.request({
      url: `${url}/echo`,
      success: () => { calls.push('success') },
      fail: () => { calls.push('fail') },
      complete: () => {
        task.abort()
        task.abort()
        setTimeout(resolve, 20)
      }
    })
    const listener = (): void => {}
    task.onHeadersReceived(listener)
    task.offHeadersReceived(listener)
    task.onChunkReceived(listener)
    task.offChunkReceived(listener)
  })
  t.same(calls, ['success'])
})

t.test('request: with no callbacks it still runs and returns a task', async (t) => {
  const url = await startServer(t)
  const task = wx.request({ url: `${url}/slow` })
  t.type(task.abort, 'function')
  task.abort()
})

t.test('uploadFile: multipart POST of the file with formData and header; data is a string', async (t) => {
  const url = await startServer(t)
  const dir = await mkdtemp(join(tmpdir(), 'wx-upload-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const filePath = join(dir, 'avatar.png')
  await writeFile(filePath, 'PNG-BYTES')
  const res = await new Promise<WechatMiniprogram.UploadFileSuccessCallbackResult>((resolve, reject) => {
    const task = wx.uploadFile({
      url: `${url}/upload`,
      filePath,
      name: 'avatar',
      header: { authorization: 'Bearer abc', 'content-type': 'text/plain' },
      formData: { kind: 'avatar', meta: { size: 9 } },
      success: resolve,
      fail: reject
    })
    const listener = (): void => {}
    task.onProgressUpdate(listener)
    task.offProgressUpdate(listener)
  })
  t.equal(res.statusCode, 200)
  t.equal(res.errMsg, 'uploadFile:ok')
  t.type(res.data, 'string')
  t.same(JSON.parse(res.data), { authorization: 'Bearer abc', kind: 'avatar', meta: '{"size":9}', fileName: 'avatar.png', content: 'PNG-BYTES' })
})

t.test('uploadFile: fail for a missing file, a dead server or a timeout', async (t) => {
  const url = await startServer(t)
  const upload = (option: Partial<WechatMiniprogram.UploadFileOption>): Promise<string> => new Promise((resolve) => {
    wx.uploadFile({ url: `${url}/upload`, filePath: '/nonexistent/file', name: 'avatar', ...option, success: () => { resolve('success') }, fail: (err) => { resolve(err.errMsg) } })
  })
  t.match(await upload({}), /^uploadFile:fail file not found/)
  const dir = await mkdtemp(join(tmpdir(), 'wx-upload-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const filePath = join(dir, 'a.txt')
  await writeFile(filePath, 'x')
  t.match(await upload({ filePath, url: 'http://127.0.0.1:9/upload' }), /^uploadFile:fail /)
  t.equal(await upload({ filePath, url: `${url}/slow`, timeout: 50 }), 'uploadFile:fail timeout')
})

t.test('downloadFile: writes the body to a temp file; any status is a success', async (t) => {
  const url = await startServer(t)
  const res = await new Promise<WechatMiniprogram.DownloadFileSuccessCallbackResult>((resolve, reject) => {
    wx.downloadFile({ url: `${url}/files/report.txt`, header: { authorization: 'Bearer abc' }, success: resolve, fail: reject })
  })
  t.teardown(() => rm(res.tempFilePath, { force: true }))
  t.equal(res.statusCode, 200)
  t.equal(res.errMsg, 'downloadFile:ok')
  t.ok(res.tempFilePath.startsWith(tmpdir()))
  t.ok(res.tempFilePath.endsWith('.txt'), 'keeps the extension')
  t.equal(await readFile(res.tempFilePath, 'utf8'), 'report for Bearer abc')

  const task = wx.downloadFile({ url: `${url}/missing.txt` })
  t.type(task.abort, 'function', 'without callbacks it still returns a task')
  t.notOk(task instanceof Promise)
  const notFound = await new Promise<WechatMiniprogram.DownloadFileSuccessCallbackResult>((resolve, reject) => {
    wx.downloadFile({ url: `${url}/missing.txt`, success: resolve, fail: reject })
  })
  t.teardown(() => rm(notFound.tempFilePath, { force: true }))
  t.equal(notFound.statusCode, 404)
})

t.test('downloadFile: filePath chooses where the file goes', async (t) => {
  const url = await startServer(t)
  const dir = await mkdtemp(join(tmpdir(), 'wx-download-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const filePath = join(dir, 'copy.txt')
  const res = await new Promise<WechatMiniprogram.DownloadFileSuccessCallbackResult>((resolve, reject) => {
    wx.downloadFile({ url: `${url}/files/report.txt`, filePath, success: resolve, fail: reject })
  })
  t.equal(res.filePath, filePath)
  t.equal(await readFile(filePath, 'utf8'), 'report for nobody')

  const failed = await new Promise<string>((resolve) => {
    wx.downloadFile({ url: `${url}/files/report.txt`, filePath: join(dir, 'no/such/dir/x.txt'), fail: (err) => { resolve(err.errMsg) } })
  })
  t.match(failed, /^downloadFile:fail /)
})

t.test('downloadFile: fail on network failure and timeout', async (t) => {
  const url = await startServer(t)
  const download = (option: WechatMiniprogram.DownloadFileOption): Promise<string> => new Promise((resolve) => {
    wx.downloadFile({ ...option, success: () => { resolve('success') }, fail: (err) => { resolve(err.errMsg) } })
  })
  t.match(await download({ url: 'http://127.0.0.1:9/x' }), /^downloadFile:fail /)
  t.equal(await download({ url: `${url}/slow`, timeout: 50 }), 'downloadFile:fail timeout')
})
