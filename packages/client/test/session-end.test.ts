import t from 'tap'
import { AuthError, LoginError, refusalOf, SessionEndedError, WxLoginError, type WxLoginUser } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'session_end')
const DAY = 24 * 60 * 60 * 1000

/** Runs `fn` and returns what it rejected with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(() => { throw new Error('expected a rejection') }, (err: unknown) => err)

t.test('INVALID (a token the server does not know): one silent login and a retry', async (t) => {
  // A bare string, as version 0.1 stored tokens: still read after the upgrade.
  const storage = new Map<string, unknown>([['token', 'not-a-token-the-server-knows']])
  const { auth, wx } = server.newClient({}, server.newWx('alice', storage))
  t.equal(auth.getToken(), 'not-a-token-the-server-knows', 'the old format is read')
  const since = server.seen.length
  const res = await auth.request<WxLoginUser>({ url: '/api/me' })
  t.equal(res.statusCode, 200)
  t.same(server.codesSince('/api/me', since), ['FST_WX_LOGIN_TOKEN_INVALID'])
  t.equal(wx.loginCount, 1)
  t.match(storage.get('token'), { token: auth.getToken(), expiresAt: /^\d{4}-/ }, 'stored in the new format from then on')
})

t.test('MISSING (the server saw no token): one silent login, then AuthError instead of a loop', async (t) => {
  // The token goes in a header the server does not read (a proxy dropping it plays the same).
  const { auth, wx } = server.newClient({ header: 'X-Token' })
  await auth.login()
  const since = server.seen.length
  const err = await rejection(auth.request({ url: '/api/me' })) as AuthError
  t.ok(err instanceof AuthError)
  t.equal(err.code, 'FST_WX_LOGIN_TOKEN_MISSING')
  t.same(server.codesSince('/api/me', since), ['FST_WX_LOGIN_TOKEN_MISSING', 'FST_WX_LOGIN_TOKEN_MISSING'])
  t.equal(wx.loginCount, 2, 'one re-login between the two')
})

t.test('EXPIRED and IDLE: one silent login for all concurrent requests', async (t) => {
  for (const [reason, travel] of [['IDLE', 8 * DAY], ['EXPIRED', 31 * DAY]] as const) {
    const { auth, wx } = server.newClient()
    await auth.login()
    if (reason === 'EXPIRED') {
      // Used every 5 days, so that it ends by its absolute lifetime (30 days), not by idleness (7).
      for (let i = 0; i < 5; i++) {
        server.travel(5 * DAY)
        t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
      }
      server.travel(travel - 25 * DAY)
    } else {
      server.travel(travel)
    }
    const since = server.seen.length
    const results = await Promise.all([1, 2, 3].map(() => auth.request({ url: '/api/me' })))
    t.same(results.map((r) => r.statusCode), [200, 200, 200], reason)
    t.same(server.codesSince('/api/me', since), Array(3).fill(`FST_WX_LOGIN_TOKEN_${reason}`), `the server said ${reason}`)
    t.equal(wx.loginCount, 2, `${reason}: exactly one re-login`)
    t.equal(server.loginsSince(since), 1)
  }
})

t.test('REVOKED: SessionEndedError for every request, onSessionEnded once, token cleared, no wx.login', async (t) => {
  const ended: SessionEndedError[] = []
  const errors: Error[] = []
  const { auth, wx } = server.newClient({ onSessionEnded: (err) => { ended.push(err) }, onError: (err) => { errors.push(err) } })
  const { token } = await auth.login()
  await server.app.wxLogin.revoke(token)
  const since = server.seen.length

  const outcomes = await Promise.all([1, 2, 3].map(() => rejection(auth.request({ url: '/api/me' }))))
  for (const err of outcomes as SessionEndedError[]) {
    t.ok(err instanceof SessionEndedError)
    t.ok(err instanceof WxLoginError)
    t.equal(err.name, 'SessionEndedError')
    t.equal(err.reason, 'revoked')
    t.equal(err.code, 'FST_WX_LOGIN_TOKEN_REVOKED')
    t.equal(err.statusCode, 401)
    t.equal(err.until, undefined)
  }
  t.equal(ended.length, 1, 'onSessionEnded once, however many requests met the refusal')
  t.equal(ended[0], outcomes.find((err) => err === ended[0]), 'with one of the rejections')
  t.equal(errors.length, 3, 'onError for each rejection')
  t.equal(wx.loginCount, 1, 'no silent login')
  t.equal(server.loginsSince(since), 0)
  t.equal(auth.getToken(), null)
  t.equal(auth.isLoggedIn(), false)
  t.same(wx.getStorageSync('token'), { ended: 'revoked' }, 'the storage remembers why, so a restart does not log in silently')

  // Later calls reject the same way without asking the server, on this instance and after a restart.
  const before = server.seen.length
  const later = await rejection(auth.request({ url: '/api/me' })) as SessionEndedError
  t.ok(later instanceof SessionEndedError)
  t.equal(later.reason, 'revoked')
  const restarted = server.newClient({}, server.newWx('alice', wx.storage))
  t.match(await rejection(restarted.auth.request({ url: '/api/me' })), { name: 'SessionEndedError', reason: 'revoked' })
  t.equal(server.seen.length, before, 'nothing was sent')
  t.equal(ended.length, 1)
  t.equal(wx.loginCount + restarted.wx.loginCount, 1)

  // A public route still works; the app decides to sign in again.
  t.equal((await auth.request({ url: '/api/public', auth: false })).statusCode, 200)
  await auth.login()
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.equal(wx.loginCount, 2)
})

t.test('logout-all elsewhere is REVOKED here', async (t) => {
  const ended: string[] = []
  const { auth, wx } = server.newClient({ onSessionEnded: ({ reason }) => { ended.push(reason) } })
  const { token } = await auth.login()
  const res = await server.app.inject({ method: 'POST', url: '/auth/wechat/logout-all', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 204)
  const outcomes = await Promise.all([auth.request({ url: '/api/me' }), auth.request({ url: '/api/slow?ms=10' })].map(rejection))
  t.match(outcomes, [{ reason: 'revoked' }, { reason: 'revoked' }])
  t.same(ended, ['revoked'])
  t.equal(wx.loginCount, 1)
})

t.test('BANNED: SessionEndedError with until; the login it would take is refused with LoginError', async (t) => {
  const ended: SessionEndedError[] = []
  const { auth, wx } = server.newClient({ onSessionEnded: (err) => { ended.push(err) } }, server.newWx('mallory'))
  const { user } = await auth.login()
  const until = new Date(server.now() + 60 * 60 * 1000)
  await server.app.wxLogin.ban(user.id, { until })
  // The plugin's own routes answer `until`; a host route's answer depends on the host's error handler.
  const err = await rejection(auth.listSessions()) as SessionEndedError
  t.ok(err instanceof SessionEndedError)
  t.equal(err.reason, 'banned')
  t.equal(err.statusCode, 403)
  t.equal(err.code, 'FST_WX_LOGIN_BANNED')
  t.equal(Date.parse(err.until!), until.getTime(), 'until, as the server said')
  t.equal(ended.length, 1)
  t.equal(ended[0]!.until, err.until)
  t.same(wx.getStorageSync('token'), { ended: 'banned', until: err.until })
  t.match(await rejection(auth.request({ url: '/api/me' })), { reason: 'banned', until: err.until })
  t.equal(wx.loginCount, 1)

  const refused = await rejection(auth.login()) as LoginError
  t.ok(refused instanceof LoginError)
  t.equal(refused.statusCode, 403)
  t.equal(refused.code, 'FST_WX_LOGIN_BANNED')
  await server.app.wxLogin.unban(user.id)
  await auth.login()
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
})

t.test('reloginOn decides which refusals log in silently', async (t) => {
  const lenient = server.newClient({ reloginOn: ['invalid', 'expired', 'idle', 'missing', 'revoked'] })
  const { token } = await lenient.auth.login()
  await server.app.wxLogin.revoke(token)
  t.equal((await lenient.auth.request({ url: '/api/me' })).statusCode, 200, 'revoked is in the list: a silent login')
  t.equal(lenient.wx.loginCount, 2)

  const strict = server.newClient({ reloginOn: [] })
  await strict.auth.login()
  strict.wx.setStorageSync('token', 'garbled')
  const err = await rejection(strict.auth.request({ url: '/api/me' })) as SessionEndedError
  t.ok(err instanceof SessionEndedError, 'an empty list ends the session on any refusal')
  t.equal(err.reason, 'invalid')
  t.equal(strict.wx.loginCount, 1)
})

t.test('a session ended while a request was in flight: the refusal of the old token is retried with the new one', async (t) => {
  const { auth, wx } = server.newClient()
  const { token } = await auth.login()
  const slow = auth.request({ url: '/api/slow-check?ms=300' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await server.app.wxLogin.revoke(token)
  // The app signs in again meanwhile (say, after onSessionEnded on another call).
  await auth.login()
  t.equal((await slow).statusCode, 200, 'retried with the newer token')
  t.equal(wx.loginCount, 2)
})

t.test('FST_WX_LOGIN_SESSION_KEY_STALE resolves as an answer: no silent login that would rotate the key again', async (t) => {
  const { auth, wx } = server.newClient({}, server.newWx('dora'))
  await auth.login()
  // Something else called wx.login(): WeChat's session_key moved on, the server still holds the old one.
  await wx.login()
  const data = server.mock.encryptedData('dora', { nickName: 'Dora' })
  const before = wx.loginCount
  const res = await auth.request<{ code: string }>({ url: '/api/decrypt', method: 'POST', data: { encryptedData: data.encryptedData, iv: data.iv } })
  t.equal(res.statusCode, 401)
  t.equal(res.data.code, 'FST_WX_LOGIN_SESSION_KEY_STALE')
  t.equal(wx.loginCount, before, 'no wx.login')
  t.equal(auth.isLoggedIn(), true, 'the token is still good')

  // What the app does instead: log in (the server gets the current key), then fetch the data again.
  await auth.login()
  const fresh = server.mock.encryptedData('dora', { nickName: 'Dora' })
  const ok = await auth.request<{ nickName: string }>({ url: '/api/decrypt', method: 'POST', data: { encryptedData: fresh.encryptedData, iv: fresh.iv } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.data.nickName, 'Dora')
})

t.test('refusalOf: the reason in a refusal\'s code, for answers the app fetched itself', async (t) => {
  const { auth } = server.newClient()
  await auth.login()
  const token = auth.getToken()!
  await server.app.wxLogin.revoke(token)
  // Not through the client: what an app sees when it calls wx.request (or a socket's handshake) on its own.
  const res = await server.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(refusalOf(res.json().code), 'revoked')
  t.equal(refusalOf('FST_WX_LOGIN_BANNED'), 'banned')
  t.equal(refusalOf('FST_WX_LOGIN_TOKEN_MISSING'), 'missing')
  for (const other of ['FST_WX_LOGIN_SESSION_LIMIT', 'FST_WX_LOGIN_TOKEN_REVOKED_X', 'fst_wx_login_token_idle', '', undefined, null, 401, { code: 'FST_WX_LOGIN_BANNED' }]) {
    t.equal(refusalOf(other), undefined, `not a refusal: ${JSON.stringify(other)}`)
  }
})
