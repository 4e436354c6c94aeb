import t from 'tap'
import type { WxLike, WxLoginUser } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'refresh')
const HOUR = 60 * 60 * 1000

const sent = (url: string, since: number): Array<string | undefined> =>
  server.seen.slice(since).filter((r) => r.url === url).map((r) => r.authorization)
const refreshesSince = (since: number): number => sent('/auth/wechat/refresh', since).length
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check()` holds (the refresh runs in the background). */
async function until (check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await wait(10)
}

interface Stored { token: string, expiresAt: string, receivedAt: number, ttl: number }

/** Pretends the stored token arrived `share` of its life ago (the device's clock moved on). */
function age (storage: Map<string, unknown>, share: number): Stored {
  const stored = storage.get('token') as Stored
  const aged = { ...stored, receivedAt: stored.receivedAt - share * stored.ttl }
  storage.set('token', aged)
  return aged
}

t.test('the stored token records its expiry and its life on the server’s clock', async (t) => {
  const { auth, wx } = server.newClient()
  const before = Date.now()
  const { token, expiresAt } = await auth.login()
  const stored = wx.getStorageSync('token') as Stored
  t.same(Object.keys(stored).sort(), ['expiresAt', 'receivedAt', 'token', 'ttl'])
  t.equal(stored.token, token)
  t.equal(stored.expiresAt, expiresAt)
  t.ok(stored.receivedAt >= before && stored.receivedAt <= Date.now())
  // The server's Date header has whole seconds: the life is known to within one.
  t.ok(Math.abs(stored.ttl - (Date.parse(expiresAt) - stored.receivedAt)) < 2000, 'ttl = expiresAt - the server’s now')
})

/** A wx whose answers pass through `rewrite` first (headers as WeChat spells them, another server's body …). */
function rewriting (real: ReturnType<typeof server.newWx>, rewrite: (res: { header: Record<string, string>, data: unknown }) => { header?: Record<string, string>, data: unknown }): WxLike {
  return {
    login: (o) => real.login(o),
    request: (o) => real.request({ ...o, success: (res) => o.success!({ ...res, ...rewrite(res as never) } as never) }),
    uploadFile: (o) => real.uploadFile(o),
    downloadFile: (o) => real.downloadFile(o),
    getStorageSync: (k) => real.getStorageSync(k),
    setStorageSync: (k, v) => real.setStorageSync(k, v),
    removeStorageSync: (k) => real.removeStorageSync(k)
  }
}

t.test('the life is measured on the server’s clock: the Date header however it is spelled, else the device’s', async (t) => {
  const DAY = 24 * HOUR
  // WeChat hands headers over as the server spelled them ('Date'); here the server's clock is a day behind the phone's.
  const behind = server.newWx()
  const { expiresAt } = await server.newClient({}, rewriting(behind, ({ header, data }) => {
    const { date, ...rest } = header
    return { header: { ...rest, Date: new Date(Date.parse(date!) - DAY).toUTCString() }, data }
  })).auth.login()
  const stored = behind.getStorageSync('token') as Stored
  t.ok(Math.abs(stored.ttl - (Date.parse(expiresAt) - (stored.receivedAt - DAY))) < 2000, 'a day longer than the device clock would say')

  const noHeader = server.newWx()
  await server.newClient({}, rewriting(noHeader, ({ data }) => ({ header: undefined, data }))).auth.login()
  const plain = noHeader.getStorageSync('token') as Stored
  t.equal(plain.ttl, Date.parse(plain.expiresAt) - plain.receivedAt, 'without headers, the device’s clock')

  // A server that answers no expiresAt: the expiry is unknown, never treated as expired, never refreshed.
  const noExpiry = server.newWx()
  const { auth } = server.newClient({}, rewriting(noExpiry, ({ header, data }) => {
    const { expiresAt: _, ...rest } = (data ?? {}) as Record<string, unknown>
    return { header, data: rest }
  }))
  await auth.login()
  const unknown = noExpiry.getStorageSync('token') as Stored
  t.equal(unknown.expiresAt, undefined)
  t.ok(!(unknown.ttl > 0))
  const since = server.seen.length
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  await wait(50)
  t.equal(refreshesSince(since), 0)
})

t.test('a refusal met while the refresh runs: one login, the request retried', async (t) => {
  const { auth, wx } = server.newClient()
  await auth.login()
  age(wx.storage, 0.9)
  server.travel(40 * 24 * HOUR)
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.equal(wx.loginCount, 2)
})

t.test('an expired stored token is not sent: the client logs in first', async (t) => {
  const { auth, wx } = server.newClient()
  const { token } = await auth.login()
  age(wx.storage, 1.01)
  t.equal(auth.getToken(), null, 'getToken() does not hand out an expired token')
  t.equal(auth.isLoggedIn(), false)
  const since = server.seen.length
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.notOk(server.seen.slice(since).some((r) => r.authorization === `Bearer ${token}`), 'the expired token never left the device')
  t.same(server.codesSince('/api/me', since), [], 'no 401 round trip')
  t.equal(wx.loginCount, 2)
})

t.test('a token stored by version 0.1 (a bare string) is used as is; its expiry is unknown, so it is not refreshed', async (t) => {
  const first = server.newClient()
  const { token, user } = await first.auth.login()
  const storage = new Map<string, unknown>([['token', token]])
  const { auth, wx } = server.newClient({}, server.newWx('alice', storage))
  const since = server.seen.length
  const res = await auth.request<WxLoginUser>({ url: '/api/me' })
  t.equal(res.statusCode, 200)
  t.equal(res.data.id, user.id)
  t.same(sent('/api/me', since), [`Bearer ${token}`])
  await wait(50)
  t.equal(refreshesSince(since), 0)
  t.equal(wx.loginCount, 0)
  t.equal(storage.get('token'), token, 'left as it was')
})

t.test('in the last half of its life the token is refreshed once for many concurrent requests; those in flight with the old token succeed', async (t) => {
  const { auth, wx } = server.newClient({}, server.newWx('rita'))
  const { token: oldToken, user } = await auth.login()
  const [before] = await auth.listSessions()
  age(wx.storage, 0.6)
  const since = server.seen.length

  const N = 6
  const results = await Promise.all(Array.from({ length: N }, () => auth.request<{ late: boolean }>({ url: '/api/slow?ms=300' })))
  t.same(results.map((r) => r.statusCode), Array(N).fill(200), 'every request with the old token succeeded')
  t.same(sent('/api/slow?ms=300', since), Array(N).fill(`Bearer ${oldToken}`), 'none waited for the refresh')
  await until(() => auth.getToken() !== oldToken)
  t.equal(refreshesSince(since), 1, 'one POST /refresh')
  t.same(sent('/auth/wechat/refresh', since), [`Bearer ${oldToken}`])
  const newToken = auth.getToken()!
  t.not(newToken, oldToken)
  t.equal(wx.loginCount, 1, 'a refresh is not a login')

  const me = await auth.request<WxLoginUser>({ url: '/api/me' })
  t.equal(me.data.id, user.id)
  t.same(sent('/api/me', since), [`Bearer ${newToken}`])
  t.equal(refreshesSince(since), 1, 'the new token is young: no second refresh')
  const sessions = await auth.listSessions()
  t.same(sessions.map((s) => [s.id, s.current]), [[before!.id, true]], 'the same session, not a new one')

  // Within the grace period the old token still works; after it the server calls it replaced.
  t.ok(await server.verify(oldToken))
  server.travel(31_000)
  const old = await fetch(`${server.baseURL}/api/me`, { headers: { authorization: `Bearer ${oldToken}` } })
  t.equal(old.status, 401)
  t.equal((await old.json() as { code: string }).code, 'FST_WX_LOGIN_TOKEN_REPLACED')
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
})

t.test('a refresh that fails is not retried for that token; the requests go on with it', async (t) => {
  const { auth, wx } = server.newClient({ refreshPath: '/api/nowhere' })
  const { token } = await auth.login()
  age(wx.storage, 0.9)
  const since = server.seen.length
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  await until(() => sent('/api/nowhere', since).length === 1)
  await wait(20)
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
  t.equal(sent('/api/nowhere', since).length, 1, 'tried once')
  t.equal(auth.getToken(), token)
})

t.test('a refresh that cannot extend the token (the session’s maximum lifetime) is not repeated', async (t) => {
  // A refresh route answering the same expiry, as the server does at the session's maximum lifetime.
  const { auth, wx } = server.newClient({ refreshPath: '/api/refresh-same-expiry' })
  const { token } = await auth.login()
  const stored = age(wx.storage, 0.9)
  const since = server.seen.length
  await auth.request({ url: '/api/me' })
  await until(() => auth.getToken() !== token)
  t.match(wx.getStorageSync('token'), { token: /\S/, expiresAt: stored.expiresAt })
  age(wx.storage, 0.9)
  await auth.request({ url: '/api/me' })
  await wait(50)
  t.equal(sent('/api/refresh-same-expiry', since).length, 1)
})

t.test('refreshShare: 0 never refreshes', async (t) => {
  const { auth, wx } = server.newClient({ refreshShare: 0 })
  await auth.login()
  age(wx.storage, 0.99)
  const since = server.seen.length
  await auth.request({ url: '/api/me' })
  await wait(50)
  t.equal(refreshesSince(since), 0)
})

t.test('a logout while a refresh runs wins: the refreshed token is not stored', async (t) => {
  const { auth, wx } = server.newClient()
  await auth.login()
  age(wx.storage, 0.9)
  const request = auth.request({ url: '/api/me' })
  await auth.logout()
  // The request may meet the logout on the server (REVOKED) or not: either way the refresh must not resurrect the token.
  await request.catch(() => undefined)
  await wait(100)
  t.equal(auth.getToken(), null)
  t.equal(wx.getStorageSync('token'), '')
})
