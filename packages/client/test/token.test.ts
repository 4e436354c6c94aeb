import t from 'tap'
import { AuthError, type WxLoginUser } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'token')
const DAY = 24 * 60 * 60 * 1000

const tokensSentTo = (url: string, since: number): Array<string | undefined> =>
  server.seen.slice(since).filter((r) => r.url === url).map((r) => r.authorization)

t.test('request(): relative URLs join baseURL and the stored token goes in Authorization: Bearer', async (t) => {
  const { auth, wx } = server.newClient({ baseURL: server.baseURL + '/' })
  const { token, user } = await auth.login()
  const since = server.seen.length
  const res = await auth.request<WxLoginUser>({ url: 'api/me' })
  t.equal(res.statusCode, 200)
  t.equal(res.data.id, user.id)
  t.equal(res.data.openid, user.openid)
  t.match(res.header['content-type'], /json/)
  t.same(tokensSentTo('/api/me', since), [`Bearer ${token}`])
  t.equal(wx.loginCount, 1)
})

t.test('header and scheme options, and the caller’s own headers, are kept', async (t) => {
  const { auth } = server.newClient({ header: 'X-Session', scheme: '' })
  const { token } = await auth.login()
  const res = await auth.request<Record<string, string>>({ url: '/api/headers', header: { 'X-Trace': 'abc' } })
  t.equal(res.data['x-session'], token, 'bare token when scheme is empty')
  t.equal(res.data['x-trace'], 'abc')
  t.equal(res.data.authorization, undefined)

  const custom = server.newClient({ scheme: 'Token' }).auth
  const { token: token2 } = await custom.login()
  const res2 = await custom.request<Record<string, string>>({ url: '/api/headers' })
  t.equal(res2.data.authorization, `Token ${token2}`)
})

t.test('with no token, request() logs in first; three at once cause one login', async (t) => {
  const { auth, wx } = server.newClient()
  const since = server.seen.length
  const results = await Promise.all([
    auth.request<WxLoginUser>({ url: '/api/me' }),
    auth.request<WxLoginUser>({ url: '/api/me' }),
    auth.request<WxLoginUser>({ url: '/api/me' })
  ])
  t.same(results.map((r) => r.statusCode), [200, 200, 200])
  t.equal(wx.loginCount, 1, 'exactly one wx.login')
  t.equal(server.seen.slice(since).filter((r) => r.url === '/auth/wechat/login').length, 1)
  const sent = tokensSentTo('/api/me', since)
  t.equal(sent.length, 3, 'no request went out before the token was there')
  t.same(sent, Array(3).fill(`Bearer ${auth.getToken()}`))
})

t.test('after the token expired on the server, N concurrent requests cause exactly one wx.login', async (t) => {
  const { auth, wx } = server.newClient()
  const { token: oldToken } = await auth.login()
  // Past the server's token lifetime; the client's clock does not know.
  server.travel(31 * DAY)
  t.equal(await server.verify(oldToken), null)
  const since = server.seen.length

  const N = 8
  const results = await Promise.all(Array.from({ length: N }, () => auth.request<WxLoginUser>({ url: '/api/me' })))
  t.same(results.map((r) => r.statusCode), Array(N).fill(200))
  t.equal(wx.loginCount, 2, 'the first login plus exactly one re-login')
  const newToken = auth.getToken()!
  t.not(newToken, oldToken)
  const sent = tokensSentTo('/api/me', since)
  t.equal(sent.length, 2 * N, 'each request was sent twice: once with the old token, once with the new one')
  t.equal(sent.filter((h) => h === `Bearer ${oldToken}`).length, N)
  t.equal(sent.filter((h) => h === `Bearer ${newToken}`).length, N)
})

t.test('a request that fails with a token already replaced retries with the new token, without logging in again', async (t) => {
  const { auth, wx } = server.newClient()
  const { token: oldToken } = await auth.login()
  const since = server.seen.length
  // A sends with the old token and is checked only after 300 ms.
  const slow = auth.request<{ userId: unknown }>({ url: '/api/slow-check?ms=300' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  server.travel(31 * DAY)
  // B meets the expiry first and logs in again.
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.equal(wx.loginCount, 2)
  const newToken = auth.getToken()
  // A then gets its 401 for the old token: the stored one is newer, so it just retries.
  const res = await slow
  t.equal(res.statusCode, 200)
  t.equal(wx.loginCount, 2, 'no second re-login')
  t.same(tokensSentTo('/api/slow-check?ms=300', since), [`Bearer ${oldToken}`, `Bearer ${newToken}`])
})

t.test('a request started while a login runs waits for it instead of sending the old token', async (t) => {
  const { auth, wx } = server.newClient()
  const { token: oldToken } = await auth.login()
  const since = server.seen.length
  const relogin = auth.login()
  const res = await auth.request({ url: '/api/me' })
  const { token: newToken } = await relogin
  t.equal(res.statusCode, 200)
  t.equal(wx.loginCount, 2)
  t.same(tokensSentTo('/api/me', since), [`Bearer ${newToken}`])
  t.not(newToken, oldToken)
})

t.test('a second auth error after the retry rejects with AuthError instead of looping', async (t) => {
  const errors: Error[] = []
  const { auth, wx } = server.newClient({ onError: (err) => { errors.push(err) } })
  await auth.login()
  const since = server.seen.length
  const err = await auth.request({ url: '/api/always-401' }).catch((e: unknown) => e) as AuthError
  t.ok(err instanceof AuthError)
  t.equal(err.name, 'AuthError')
  t.equal(err.statusCode, 401)
  t.equal(err.code, 'FST_WX_LOGIN_TOKEN_INVALID')
  t.equal(err.message, 'Authentication token is invalid or expired')
  t.same(err.res?.data, { statusCode: 401, code: 'FST_WX_LOGIN_TOKEN_INVALID', error: 'Unauthorized', message: 'Authentication token is invalid or expired' })
  t.equal(tokensSentTo('/api/always-401', since).length, 2, 'sent once, retried once')
  t.equal(wx.loginCount, 2, 'one re-login between the two')
  t.same(errors, [err])
  t.equal(auth.isLoggedIn(), true, 'the fresh token is kept: the route, not the token, is at fault')
})

t.test('isAuthError decides what means "log in again"', async (t) => {
  // A server that signals expiry with 200 + a body code.
  const isAuthError = (res: { statusCode: number, data?: unknown }): boolean =>
    res.statusCode === 401 || (res.data as { ok?: boolean } | undefined)?.ok === true
  const { auth, wx } = server.newClient({ isAuthError })
  await auth.login()
  const err = await auth.request({ url: '/api/public' }).catch((e: unknown) => e) as AuthError
  t.ok(err instanceof AuthError)
  t.equal(err.statusCode, 200)
  t.equal(err.message, 'still unauthorized after logging in again', 'generic message when the body has none')
  t.equal(wx.loginCount, 2)
})

t.test('HTTP errors other than auth errors resolve, as wx.request does', async (t) => {
  const { auth, wx } = server.newClient()
  const res = await auth.request<{ message: string }>({ url: '/api/nowhere', method: 'POST', data: { a: 1 } })
  t.equal(res.statusCode, 404)
  t.match(res.data.message, /not found/)
  t.equal(wx.loginCount, 1)
})

t.test('a new client over the stored token uses it without logging in (app restart)', async (t) => {
  const storage = new Map<string, unknown>()
  const first = server.newClient({}, server.newWx('carol', storage))
  const { token, user } = await first.auth.login()

  const wx = server.newWx('carol', storage)
  const { auth } = server.newClient({}, wx)
  t.equal(auth.isLoggedIn(), true)
  t.equal(auth.getToken(), token)
  const res = await auth.request<WxLoginUser>({ url: '/api/me' })
  t.equal(res.statusCode, 200)
  t.equal(res.data.id, user.id)
  t.equal(wx.loginCount, 0, 'no wx.login after the restart')
})

t.test('logout() tells the server, clears the token and calls onLogout; the next request logs in again', async (t) => {
  let loggedOut = 0
  const { auth, wx } = server.newClient({ onLogout: () => { loggedOut++ } })
  const { token } = await auth.login()
  const since = server.seen.length
  await auth.logout()
  t.same(tokensSentTo('/auth/wechat/logout', since), [`Bearer ${token}`])
  t.equal(await server.verify(token), null, 'revoked on the server')
  t.equal(auth.getToken(), null)
  t.equal(wx.getStorageSync('token'), '')
  t.equal(auth.isLoggedIn(), false)
  t.equal(loggedOut, 1)

  await auth.logout()
  t.equal(loggedOut, 2, 'logging out twice is fine')
  t.equal(tokensSentTo('/auth/wechat/logout', since).length, 1, 'nothing to tell the server the second time')

  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.equal(wx.loginCount, 2)
})

t.test('logout() during a login waits for it, then revokes the new token', async (t) => {
  const { auth } = server.newClient()
  const login = auth.login()
  await auth.logout()
  const { token } = await login
  t.equal(auth.getToken(), null)
  t.equal(await server.verify(token), null)
})

t.test('logout() is best effort: an unreachable server still clears the token', async (t) => {
  const storage = new Map<string, unknown>([['token', 'stale-token']])
  const { auth } = server.newClient({ baseURL: 'http://127.0.0.1:9' }, server.newWx('alice', storage))
  await auth.logout()
  t.equal(auth.getToken(), null)
  t.equal(storage.has('token'), false)
})
