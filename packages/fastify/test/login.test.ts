import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import type { WxLoginDecoratorName } from '../src/index.js'

t.test('a code logs the user in and the token resolves to request.user', async t => {
  const { app, mock, login } = await buildTestApp(t, 'login_basic')
  const first = await login('alice')
  t.match(first.token, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit base64url token')
  t.equal(first.isNewUser, true)
  t.equal(first.user.openid, mock.openid('alice'))
  t.equal(first.user.unionid, mock.unionid('alice') ?? null)
  t.ok(Date.parse(first.expiresAt) > Date.now() + 29 * 24 * 3600_000, 'expires in 30 days by default')
  t.notOk('session_key' in first, 'no session_key in the answer')

  const second = await login('alice')
  t.equal(second.isNewUser, false, 'the same person again is not new')
  t.equal(second.user.id, first.user.id)
  t.not(second.token, first.token, 'each login gets its own token')

  const me = await app.inject({ url: '/api/me', headers: bearer(first.token) })
  t.equal(me.statusCode, 200)
  t.same(me.json(), { id: first.user.id, appId: mock.apps[0]!.appId, openid: mock.openid('alice'), unionid: first.user.unionid })

  const bob = await login('bob')
  t.not(bob.user.id, first.user.id, 'another person is another user')
})

t.test('GET /session answers the user and expiry of the token', async t => {
  const { app, login } = await buildTestApp(t, 'login_session')
  const { token, user, expiresAt } = await login('carol')
  const res = await app.inject({ url: '/auth/wechat/session', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { user, expiresAt })
  const anonymous = await app.inject({ url: '/auth/wechat/session' })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.json().code, 'FST_WX_LOGIN_TOKEN_MISSING')
  t.equal(anonymous.headers['www-authenticate'], 'Bearer')
})

t.test('logout revokes this token only; logout-all every session of the user', async t => {
  const { app, login } = await buildTestApp(t, 'login_logout')
  const a = await login('dave')
  const b = await login('dave')
  const c = await login('dave')
  const other = await login('erin')

  const out = await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(a.token) })
  t.equal(out.statusCode, 204)
  t.equal(out.body, '')
  const revoked = await app.inject({ url: '/api/me', headers: bearer(a.token) })
  t.equal(revoked.statusCode, 401)
  t.equal(revoked.json().code, 'FST_WX_LOGIN_TOKEN_REVOKED', 'a logged-out token says so')
  t.equal(revoked.headers['www-authenticate'], 'Bearer error="invalid_token"')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(b.token) })).statusCode, 200, 'other sessions live on')

  const all = await app.inject({ method: 'POST', url: '/auth/wechat/logout-all', headers: bearer(b.token) })
  t.equal(all.statusCode, 204)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(b.token) })).statusCode, 401)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(c.token) })).statusCode, 401)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(other.token) })).statusCode, 200, 'other users are untouched')

  const again = await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(a.token) })
  t.equal(again.statusCode, 401, 'a revoked token cannot log out twice')
})

t.test('the programmatic API: verify, revoke, revokeAll, issueToken', async t => {
  const { app, login } = await buildTestApp(t, 'login_api')
  const { token, user } = await login('frank')
  const session = await app.wxLogin.verify(token)
  t.equal(session?.user.id, user.id)
  t.equal(await app.wxLogin.verify('not-a-token'), null)

  const issued = await app.wxLogin.issueToken(user.id)
  t.equal((await app.wxLogin.verify(issued.token))?.user.openid, user.openid)
  const forObject = await app.wxLogin.issueToken({ id: 'ext-1', appId: 'wxapp', openid: 'o-ext', unionid: null })
  t.equal((await app.wxLogin.verify(forObject.token))?.user.id, 'ext-1')
  await t.rejects(app.wxLogin.issueToken(999999), { code: 'FST_WX_LOGIN_NOT_BOUND' })

  await app.wxLogin.revoke(token)
  t.equal(await app.wxLogin.verify(token), null)
  await app.wxLogin.revoke('garbage')
  t.equal(await app.wxLogin.revokeAll(user.id), 1, 'the issued token was the one left')
  t.equal(await app.wxLogin.verify(issued.token), null)
})

t.test('prefix, decoratorName and a custom token header are honoured', async t => {
  const { app, mock } = await buildTestApp(t, 'login_custom', {
    // Typed code declares the name in WxLoginTypes; this program keeps the default types.
    plugin: { prefix: '/v1/wx', decoratorName: 'member' as WxLoginDecoratorName, tokenHeader: 'X-Token', tokenScheme: '' },
    setup: app => app.get('/whoami', { onRequest: app.wxLogin.authenticate }, async request => ({
      member: (request as unknown as { member: unknown }).member,
      user: request.user
    }))
  })
  const res = await app.inject({ method: 'POST', url: '/v1/wx/login', payload: { code: mock.mintCode('gina') } })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: 'x' } })).statusCode, 404)
  const { token } = res.json()
  const who = await app.inject({ url: '/whoami', headers: { 'x-token': token } })
  t.equal(who.statusCode, 200)
  t.equal(who.json().member.openid, mock.openid('gina'))
  t.equal(who.json().user, undefined, 'request.user is left alone under another decorator name')
  t.equal((await app.inject({ url: '/whoami', headers: bearer(token) })).statusCode, 401)
})
