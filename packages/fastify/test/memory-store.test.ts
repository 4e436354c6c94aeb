import { startWechatMock } from '@wx-login/wechat-mock'
import Fastify from 'fastify'
import t from 'tap'
import wxLogin, { memoryStores } from '../src/index.js'

// The in-memory stores are what the demo picks when MySQL or Redis is away.
t.test('memoryStores: login, authenticate, logout, logout-all, expiry, prune', async t => {
  const mock = await startWechatMock()
  let now = Date.now()
  const app = Fastify()
  t.teardown(async () => { await app.close(); await mock.close() })
  const stores = memoryStores()
  await app.register(wxLogin, { appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, stores, now: () => now, idleTtl: 60_000 })
  app.get('/me', { onRequest: app.wxLogin.authenticate }, async request => request.user)
  const login = async (user: string) => (await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode(user) } })).json()
  const me = async (token: string) => (await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode

  const a = await login('ann')
  t.equal(a.isNewUser, true)
  const b = await login('ann')
  t.equal(b.isNewUser, false)
  t.equal(b.user.id, a.user.id)
  t.equal(await me(a.token), 200)
  t.same(await stores.users.findById(a.user.id), a.user)
  t.equal(await stores.users.findById(999), null)

  await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: { authorization: `Bearer ${a.token}` } })
  t.equal(await me(a.token), 401)
  t.equal(await me(b.token), 200)
  const c = await login('ann')
  t.equal(await app.wxLogin.revokeAll(a.user.id), 2)
  t.equal(await me(c.token), 401)

  const d = await login('ben')
  now += 30_000
  t.equal(await me(d.token), 200, 'used within the idle window')
  now += 61_000
  t.equal(await me(d.token), 401, 'idle too long')
  t.equal(await app.wxLogin.pruneSessions(), 0, 'ended sessions are kept for endedRetention, to say why a token is refused')
  now += 7 * 24 * 3600_000
  t.equal(await app.wxLogin.pruneSessions(), 4, 'then pruned: the revoked and the idle ones')
})
