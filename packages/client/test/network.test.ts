import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import t from 'tap'
import { AuthError, NetworkError, WxLoginError } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'network')
const DAY = 24 * 60 * 60 * 1000

/** The URL of a port nothing listens on any more. */
async function deadURL (): Promise<string> {
  const app = Fastify()
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  await app.close()
  return url
}

t.test('a network failure rejects with NetworkError carrying errMsg', async (t) => {
  const errors: Error[] = []
  const storage = new Map<string, unknown>([['token', 'some-token']])
  const { auth } = server.newClient({ baseURL: await deadURL(), onError: (err) => { errors.push(err) } }, server.newWx('alice', storage))
  const err = await auth.request({ url: '/api/me' }).catch((e: unknown) => e) as NetworkError
  t.ok(err instanceof NetworkError)
  t.ok(err instanceof WxLoginError)
  t.ok(err instanceof Error)
  t.equal(err.name, 'NetworkError')
  t.match(err.errMsg, /^request:fail .*ECONNREFUSED/)
  t.equal(err.message, err.errMsg)
  t.equal(err.isTimeout, false)
  t.equal(err.res, undefined, 'no answer, no res')
  t.same(errors, [err])
  t.equal(auth.getToken(), 'some-token', 'a network failure does not drop the token')
})

t.test('a timeout rejects with NetworkError whose errMsg says timeout', async (t) => {
  // Logged in without the short timeout (a login may take longer than 150 ms on a busy machine).
  const wx = server.newWx()
  await server.newClient({}, wx).auth.login()
  const { auth } = server.newClient({ timeout: 150 }, wx)
  const started = Date.now()
  const err = await auth.request({ url: '/api/slow?ms=1000' }).catch((e: unknown) => e) as NetworkError
  t.ok(err instanceof NetworkError)
  t.equal(err.errMsg, 'request:fail timeout')
  t.equal(err.isTimeout, true)
  t.ok(Date.now() - started < 900)

  const res = await auth.request({ url: '/api/slow?ms=300', timeout: 2000 })
  t.equal(res.statusCode, 200, 'a per-request timeout overrides the client’s')
})

t.test('auth: false sends no token and never logs in', async (t) => {
  const { auth, wx } = server.newClient()
  const res = await auth.request<Record<string, string>>({ url: '/api/headers', auth: false })
  t.equal(res.statusCode, 200)
  t.equal(res.data.authorization, undefined)
  t.equal(wx.loginCount, 0)
})

t.test('an absolute URL on another host gets no token and no login', async (t) => {
  const other = Fastify({ forceCloseConnections: true })
  other.get('/headers', async (request) => request.headers)
  const otherURL = await other.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => other.close())
  const { auth, wx } = server.newClient()
  await auth.login()
  const foreign = await auth.request<Record<string, string>>({ url: `${otherURL}/headers` })
  t.equal(foreign.data.authorization, undefined, 'the token never leaves baseURL')
  // A baseURL without the port is a string prefix of the URL, but another origin.
  const lookalike = server.newClient({ baseURL: server.baseURL.replace(/:\d+$/, '') }).auth
  const sameHostOtherPort = await lookalike.request<Record<string, string>>({ url: `${server.baseURL}/api/headers` })
  t.equal(sameHostOtherPort.data.authorization, undefined)
  const own = await auth.request<Record<string, string>>({ url: `${server.baseURL}/api/headers` })
  t.match(own.data.authorization, /^Bearer /, 'an absolute URL under baseURL does get it')
  t.equal(wx.loginCount, 1)
})

t.test('uploadFile() sends the file with the token and formData; data is the body string', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wxl-client-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const filePath = join(dir, 'photo.jpg')
  await writeFile(filePath, 'JPEG-DATA')
  const { auth, wx } = server.newClient()
  const res = await auth.uploadFile({ url: '/api/upload', filePath, name: 'photo', formData: { caption: 'hi' } })
  t.equal(res.statusCode, 200)
  t.type(res.data, 'string')
  const body = JSON.parse(res.data) as { userId: unknown, fileName: string, content: string, caption: string }
  t.same(body, { userId: body.userId, fileName: 'photo.jpg', content: 'JPEG-DATA', caption: 'hi' })
  t.ok(body.userId)
  t.equal(wx.loginCount, 1, 'logged in first')

  server.travel(31 * DAY)
  const again = await auth.uploadFile({ url: '/api/upload', filePath, name: 'photo' })
  t.equal(again.statusCode, 200, 'an upload with a token the server let expire logs in again and retries')
  t.equal(wx.loginCount, 2)

  const missing = await auth.uploadFile({ url: '/api/upload', filePath: join(dir, 'nope.jpg'), name: 'photo' }).catch((e: unknown) => e) as NetworkError
  t.ok(missing instanceof NetworkError)
  t.match(missing.errMsg, /^uploadFile:fail /)

  // uploadFile hands the body over as a string: the error still carries the server's code.
  const denied = await auth.uploadFile({ url: '/api/always-401', filePath, name: 'photo' }).catch((e: unknown) => e) as AuthError
  t.ok(denied instanceof AuthError)
  t.equal(denied.code, 'FST_WX_LOGIN_TOKEN_INVALID')
  t.equal(denied.statusCode, 401)
})

t.test('downloadFile() fetches with the token and resolves with tempFilePath', async (t) => {
  const { auth, wx } = server.newClient()
  const { user } = await auth.login()
  server.travel(31 * DAY)
  const res = await auth.downloadFile({ url: '/api/files/report.txt' })
  t.teardown(() => rm(res.tempFilePath, { force: true }))
  t.equal(res.statusCode, 200)
  t.equal(await readFile(res.tempFilePath, 'utf8'), `report.txt for user ${user.id}`)
  t.equal(wx.loginCount, 2, 'the 401 download logged in again and retried once')
})

t.test('downloadFile() with an auth error twice rejects with AuthError', async (t) => {
  const { auth } = server.newClient()
  const err = await auth.downloadFile({ url: '/api/always-401' }).catch((e: unknown) => e) as AuthError
  t.equal(err.name, 'AuthError')
  t.equal(err.statusCode, 401)
  t.equal(err.code, undefined, 'a download has no body to read a code from')
})
