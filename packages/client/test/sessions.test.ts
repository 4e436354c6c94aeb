import t from 'tap'
import { SessionEndedError, WxLoginError, type LoginDevice, type WxLike } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'sessions')

const loginBodies = (since: number): Array<Record<string, unknown>> =>
  server.seen.slice(since).filter((r) => r.url === '/auth/wechat/login').map((r) => r.body as Record<string, unknown>)

t.test('the login posts the device from wx.getDeviceInfo() and wx.getAppBaseInfo()', async (t) => {
  const wx = server.newWx('gina', undefined, {
    deviceInfo: { platform: 'android', brand: 'HUAWEI', model: 'unknown', system: 'Android 12' },
    appBaseInfo: { version: '8.0.49', SDKVersion: '3.4.1' }
  })
  const since = server.seen.length
  await server.newClient({}, wx).auth.login()
  t.same(loginBodies(since)[0]!.device, { platform: 'android', brand: 'HUAWEI', model: 'unknown', system: 'Android 12', version: '8.0.49', SDKVersion: '3.4.1' },
    'the six fields, nothing else (no memorySize, no language)')
})

t.test('on a base library without them, the device comes from wx.getSystemInfoSync()', async (t) => {
  const wx = server.newWx('gina', undefined, { missing: ['getDeviceInfo', 'getAppBaseInfo'], deviceInfo: { model: 'MI 8' }, appBaseInfo: { SDKVersion: '2.16.0' } })
  const since = server.seen.length
  await server.newClient({}, wx).auth.login()
  t.match(loginBodies(since)[0]!.device, { model: 'MI 8', SDKVersion: '2.16.0', platform: 'ios' })
})

t.test('device fields: canIUse is asked, strings only, each cut to 64 characters; sendDevice: false sends none', async (t) => {
  const real = server.newWx('gina')
  let systemInfoCalls = 0
  // A wx whose getDeviceInfo exists but canIUse says no (as on some frameworks' shims).
  const shim: WxLike = {
    login: (o) => real.login(o),
    request: (o) => real.request(o),
    uploadFile: (o) => real.uploadFile(o),
    downloadFile: (o) => real.downloadFile(o),
    getStorageSync: (k) => real.getStorageSync(k),
    setStorageSync: (k, v) => real.setStorageSync(k, v),
    removeStorageSync: (k) => real.removeStorageSync(k),
    canIUse: (name) => name !== 'getDeviceInfo' && name !== 'getAppBaseInfo',
    getDeviceInfo: () => { throw new Error('must not be called') },
    getSystemInfoSync: () => {
      systemInfoCalls++
      return { platform: 'devtools', brand: 'devtools', model: 'x'.repeat(100), system: 42, version: '', SDKVersion: null }
    }
  }
  const since = server.seen.length
  await server.newClient({}, shim).auth.login()
  const device = loginBodies(since)[0]!.device as LoginDevice
  t.equal(systemInfoCalls, 1)
  t.same(device, { platform: 'devtools', brand: 'devtools', model: 'x'.repeat(64) })

  // A device API that throws costs the description, not the login; an empty answer sends none.
  const throwing = { ...shim, getSystemInfoSync: () => { throw new Error('getSystemInfoSync:fail') } }
  const empty = { ...shim, getSystemInfoSync: () => ({}) }
  const none = { ...shim, getSystemInfoSync: undefined }
  for (const wx of [throwing, empty, none]) {
    const before = server.seen.length
    await server.newClient({}, wx).auth.login()
    t.equal(loginBodies(before)[0]!.device, undefined)
  }
  const before = server.seen.length
  await server.newClient({ sendDevice: false }).auth.login()
  t.equal(loginBodies(before)[0]!.device, undefined)
})

t.test('listSessions() lists the user’s live sessions, this one marked current, with its device', async (t) => {
  const phone = server.newClient({}, server.newWx('hana', undefined, { deviceInfo: { model: 'iPhone 12' } }))
  const pad = server.newClient({}, server.newWx('hana', undefined, { deviceInfo: { model: 'iPad' } }))
  await phone.auth.login()
  await pad.auth.login()
  const sessions = await phone.auth.listSessions()
  t.equal(sessions.length, 2)
  const mine = sessions.find((s) => s.current)!
  const other = sessions.find((s) => !s.current)!
  t.match(mine, { id: /\S/, device: { model: 'iPhone 12' }, current: true })
  t.match(other, { device: { model: 'iPad' }, current: false })
  for (const s of sessions) {
    t.ok(Date.parse(s.createdAt) <= Date.parse(s.lastSeenAt) + 1000)
    t.ok(s.ip === null || typeof s.ip === 'string')
  }
  t.equal((await pad.auth.listSessions()).find((s) => s.current)!.id, other.id, 'each sees itself as current')

  // Ending the iPad's session from the phone: the iPad's next call learns it was revoked.
  let ended = ''
  const padEnded = server.newClient({ onSessionEnded: ({ reason }) => { ended = reason } }, pad.wx)
  await phone.auth.endSession(other.id)
  t.same((await phone.auth.listSessions()).map((s) => s.id), [mine.id])
  const err = await padEnded.auth.request({ url: '/api/me' }).catch((e: unknown) => e) as SessionEndedError
  t.ok(err instanceof SessionEndedError)
  t.equal(err.reason, 'revoked')
  t.equal(ended, 'revoked')
  t.equal(pad.wx.loginCount, 1)
})

t.test('endSession() of an unknown or another user’s session rejects with the server’s 404', async (t) => {
  const errors: Error[] = []
  const ivan = server.newClient({ onError: (err) => { errors.push(err) } }, server.newWx('ivan'))
  const jane = server.newClient({}, server.newWx('jane'))
  await jane.auth.login()
  const janes = (await jane.auth.listSessions())[0]!.id
  for (const id of [janes, 'no-such-session']) {
    const err = await ivan.auth.endSession(id).catch((e: unknown) => e) as WxLoginError
    t.ok(err instanceof WxLoginError)
    t.equal(err.statusCode, 404)
    t.equal(err.code, 'FST_WX_LOGIN_SESSION_NOT_FOUND')
    t.equal(err.res?.statusCode, 404)
  }
  t.equal(errors.length, 2, 'onError saw both')
  t.equal((await jane.auth.request({ url: '/api/me' })).statusCode, 200, 'jane’s session is untouched')
  t.equal(ivan.wx.loginCount, 1, 'ivan logged in first, as any authorized call does')
})

t.test('listSessions() on a server without the route rejects with its status', async (t) => {
  const { auth } = server.newClient({ sessionsPath: '/api/nowhere' })
  const err = await auth.listSessions().catch((e: unknown) => e) as WxLoginError
  t.ok(err instanceof WxLoginError)
  t.equal(err.statusCode, 404)
  t.match(err.message, /not found/)
  const bare = await server.newClient({ sessionsPath: '/api/text-500' }).auth.listSessions().catch((e: unknown) => e) as WxLoginError
  t.equal(bare.message, 'HTTP 500', 'a generic message when the body has none')
})

t.test('ensureSessionKey(): nothing to do while wx.checkSession() passes; a login when it fails', async (t) => {
  const { auth, wx } = server.newClient({}, server.newWx('kate'))
  await auth.ensureSessionKey()
  t.equal(wx.loginCount, 1, 'no token yet: it logged in')
  await auth.ensureSessionKey()
  t.equal(wx.loginCount, 1, 'checkSession passed: no login')
  t.equal(wx.checkSessionCount, 2)
  wx.expireSession()
  const since = server.seen.length
  await auth.ensureSessionKey()
  t.equal(wx.loginCount, 2, 'WeChat’s session expired: one login, so the server holds the new session_key')
  t.equal(server.loginsSince(since), 1)
  // The server can now decrypt what the button gives.
  const data = server.mock.encryptedData('kate', { nickName: 'Kate' })
  const res = await auth.request<{ nickName: string }>({ url: '/api/decrypt', method: 'POST', data: { encryptedData: data.encryptedData, iv: data.iv } })
  t.equal(res.data.nickName, 'Kate')
})

t.test('ensureSessionKey() without wx.checkSession logs in; after the session ended it rejects instead', async (t) => {
  const bare = server.newClient({}, server.newWx('lena', undefined, { missing: ['checkSession'] }))
  await bare.auth.login()
  await bare.auth.ensureSessionKey()
  t.equal(bare.wx.loginCount, 2)

  const { auth, wx } = server.newClient({}, server.newWx('lena'))
  const { token } = await auth.login()
  await server.app.wxLogin.revoke(token)
  await auth.request({ url: '/api/me' }).catch(() => undefined)
  const err = await auth.ensureSessionKey().catch((e: unknown) => e)
  t.ok(err instanceof SessionEndedError, 'the app, not ensureSessionKey, decides to sign in again')
  t.equal(wx.loginCount, 1)
})
