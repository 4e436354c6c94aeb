import t from 'tap'
import { createWxLogin, LoginError, NetworkError, type LoginResult, type WxLoginUser } from '../src/index.js'
import { createWx } from '@wx-login/wechat-mock/wx'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'login')

t.test('login() posts a fresh wx.login code, stores the token under tokenKey and resolves with the server’s answer', async (t) => {
  const onLogin: LoginResult[] = []
  const { auth, wx } = server.newClient({ tokenKey: 'session_token', onLogin: (result) => { onLogin.push(result) } })
  t.equal(auth.isLoggedIn(), false)
  t.equal(auth.getToken(), null)

  const result = await auth.login()
  t.equal(wx.loginCount, 1)
  t.type(result.token, 'string')
  t.ok(result.token.length > 20)
  t.ok(Date.parse(result.expiresAt) > Date.now(), 'expiresAt is an ISO date in the future')
  t.match(result.user, { id: /\S/, openid: /\S/ } as unknown as WxLoginUser)
  t.equal(result.isNewUser, true)
  t.match(wx.getStorageSync('session_token'), { token: result.token, expiresAt: result.expiresAt }, 'kept with wx.setStorageSync under tokenKey, with its expiry')
  t.equal(wx.getStorageSync('token'), '', 'not under the default key')
  t.equal(auth.getToken(), result.token)
  t.equal(auth.isLoggedIn(), true)
  t.same(onLogin, [result])
  t.ok(await server.verify(result.token), 'the server knows the token')

  const again = await auth.login()
  t.equal(again.isNewUser, false, 'same WeChat user, same account')
  t.equal(again.user.id, result.user.id)
  t.not(again.token, result.token)
  t.equal(wx.loginCount, 2)
})

t.test('login() while a login runs shares it: one wx.login, one POST', async (t) => {
  const { auth, wx } = server.newClient()
  const before = server.seen.filter((r) => r.url === '/auth/wechat/login').length
  const results = await Promise.all([auth.login(), auth.login(), auth.login()])
  t.equal(wx.loginCount, 1)
  t.equal(results[1], results[0])
  t.equal(results[2], results[0])
  t.equal(server.seen.filter((r) => r.url === '/auth/wechat/login').length - before, 1)
})

t.test('loginData() fields are posted with the code; the code cannot be overridden', async (t) => {
  const { auth } = server.newClient({ loginData: async () => ({ inviteCode: 'X42', code: 'forged' }) })
  await auth.login()
  const body = server.seen.filter((r) => r.url === '/auth/wechat/login').at(-1)!.body as Record<string, unknown>
  t.equal(body.inviteCode, 'X42')
  t.not(body.code, 'forged')
  t.type(body.code, 'string')
})

t.test('loginData() throwing rejects login() with a LoginError', async (t) => {
  const { auth, wx } = server.newClient({ loginData: () => { throw new Error('no profile') } })
  const err = await auth.login().catch((e: unknown) => e)
  t.ok(err instanceof LoginError)
  t.match(err, { message: 'loginData() failed: no profile' })
  t.equal(wx.loginCount, 0, 'wx.login is not called when the extra data cannot be built')
  const { auth: auth2 } = server.newClient({ loginData: () => Promise.reject('plain string') })
  t.match(await auth2.login().catch((e: unknown) => e), { message: 'loginData() failed: plain string' })
})

t.test('onLogin() throwing rejects login() with a LoginError; the token is kept', async (t) => {
  const { auth } = server.newClient({ onLogin: () => { throw new Error('analytics down') } })
  const err = await auth.login().catch((e: unknown) => e)
  t.ok(err instanceof LoginError)
  t.match(err, { message: 'onLogin() failed: analytics down' })
  t.ok(auth.getToken(), 'the login itself succeeded')
  const { auth: auth2 } = server.newClient({ onLogin: () => { throw 'plain' } })
  t.match(await auth2.login().catch((e: unknown) => e), { message: 'onLogin() failed: plain' })
})

t.test('a refused code rejects with LoginError carrying statusCode, the server code and res', async (t) => {
  const errors: Error[] = []
  const { auth, wx } = server.newClient({ onError: (err) => { errors.push(err) } })
  server.mock.addFault({ path: '/sns/jscode2session', errcode: 40029, times: 1 })
  const err = await auth.login().catch((e: unknown) => e) as LoginError
  t.ok(err instanceof LoginError)
  t.equal(err.name, 'LoginError')
  t.equal(err.statusCode, 401)
  t.equal(err.code, 'FST_WX_LOGIN_CODE_INVALID')
  t.equal(err.res?.statusCode, 401)
  t.match(err.message, /code/i)
  t.equal(auth.getToken(), null)
  t.same(errors, [err], 'onError saw it')

  server.mock.addFault({ path: '/sns/jscode2session', errcode: 40226, times: 1 })
  const blocked = await auth.request({ url: '/api/me' }).catch((e: unknown) => e) as LoginError
  t.ok(blocked instanceof LoginError, 'a request that needs a login rejects with the login’s error')
  t.equal(blocked.statusCode, 403)
  t.equal(blocked.code, 'FST_WX_LOGIN_USER_BLOCKED')
  t.equal(wx.loginCount, 2, 'no retry loop on a refused login')

  const ok = await auth.request<{ id: unknown }>({ url: '/api/me' })
  t.equal(ok.statusCode, 200, 'the next call logs in normally')
})

t.test('a login answer without a token is a LoginError, whatever its status', async (t) => {
  // loginPath pointed at routes that do not log in (a misconfigured proxy, a wrong path).
  const noToken = await server.newClient({ loginPath: '/api/no-token' }).auth.login().catch((e: unknown) => e) as LoginError
  t.ok(noToken instanceof LoginError)
  t.equal(noToken.statusCode, 200)
  t.equal(noToken.message, 'login failed with HTTP 200')
  t.same(noToken.res?.data, { ok: true })
  const notFound = await server.newClient({ loginPath: 'nowhere' }).auth.login().catch((e: unknown) => e) as LoginError
  t.ok(notFound instanceof LoginError)
  t.equal(notFound.statusCode, 404)
  t.equal(notFound.code, undefined, 'Fastify’s 404 has no code')
  t.match(notFound.message, /not found/, 'the server’s message is kept')
})

t.test('wx.login failing rejects with LoginError carrying errMsg', async (t) => {
  const { auth } = server.newClient({}, createWx({ mockUrl: 'http://127.0.0.1:9', user: 'alice' }))
  const err = await auth.login().catch((e: unknown) => e) as LoginError
  t.ok(err instanceof LoginError)
  t.match(err.errMsg, /^login:fail /)
  t.match(err.message, /^wx\.login failed: login:fail /)
  t.equal(err.statusCode, undefined)
  t.equal(server.seen.filter((r) => r.url === '/auth/wechat/login' && (r.body as { code?: unknown }).code === undefined).length, 0)
})

t.test('the login POST failing on the network is a NetworkError', async (t) => {
  const { auth } = server.newClient({ baseURL: 'http://127.0.0.1:9' })
  const err = await auth.login().catch((e: unknown) => e) as NetworkError
  t.ok(err instanceof NetworkError)
  t.match(err.errMsg, /^request:fail /)
  t.equal(err.isTimeout, false)
})

t.test('createWxLogin() checks its options', async (t) => {
  t.throws(() => createWxLogin({ baseURL: '' }), TypeError)
  t.throws(() => createWxLogin(undefined as never), TypeError)
  t.throws(() => createWxLogin({ baseURL: server.baseURL }), { message: /no global wx/ }, 'Node has no global wx')
})
