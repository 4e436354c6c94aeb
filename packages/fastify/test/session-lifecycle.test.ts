import diagnosticsChannel from 'node:diagnostics_channel'
import mysql from 'mysql2/promise'
import t from 'tap'
import { sessionIdOf } from '../src/session-id.js'
import { hashToken } from '../src/index.js'
import { bearer, buildTestApp, type TestApp } from './fixtures/app.js'

const hour = 3600_000
const phone = { platform: 'ios', brand: 'Apple', model: 'iPhone 15', system: 'iOS 17.4', version: '8.0.50', SDKVersion: '3.4.0' }
const pc = { platform: 'windows', brand: 'microsoft', model: 'PC', system: 'Windows 11', version: '3.9.10', SDKVersion: '3.4.0' }

function loginWith (app: TestApp, user: string, device?: unknown, remoteAddress?: string) {
  return app.app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: app.mock.mintCode(user), device }, remoteAddress })
}

async function reason (app: TestApp, token?: string): Promise<[number, string]> {
  const res = await app.app.inject({ url: '/api/me', headers: token === undefined ? {} : bearer(token) })
  return [res.statusCode, res.statusCode === 200 ? 'ok' : res.json().code]
}

t.test('every reason a token is refused has its own code, on every instance', async t => {
  let now = Date.now()
  const plugin = { now: () => now, tokenTtl: 10 * hour, idleTtl: 2 * hour, maxSessionsPerUser: 1 }
  const a = await buildTestApp(t, 'lifecycle_reasons', { plugin })
  const b = await buildTestApp(t, 'lifecycle_reasons_b', { plugin, instanceOf: a })

  for (const app of [a, b]) {
    t.same(await reason(app), [401, 'FST_WX_LOGIN_TOKEN_MISSING'])
    t.same(await reason(app, 'not-a-token'), [401, 'FST_WX_LOGIN_TOKEN_INVALID'])
    t.same(await reason(app, 'A'.repeat(43)), [401, 'FST_WX_LOGIN_TOKEN_INVALID'], 'well-formed but unknown')
  }

  const loggedOut = (await a.login('rita')).token
  t.same(await reason(b, loggedOut), [200, 'ok'])
  await a.app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(loggedOut) })
  t.same(await reason(b, loggedOut), [401, 'FST_WX_LOGIN_TOKEN_REVOKED'], 'logged out on A, refused on B as revoked')

  const first = (await a.login('sam')).token
  t.same(await reason(b, first), [200, 'ok'])
  now += 1000
  const second = (await b.login('sam')).token
  t.same(await reason(a, first), [401, 'FST_WX_LOGIN_TOKEN_REPLACED'], 'a newer login took its place (maxSessionsPerUser: 1)')
  t.same(await reason(b, first), [401, 'FST_WX_LOGIN_TOKEN_REPLACED'])
  t.same(await reason(a, second), [200, 'ok'])

  const { user } = await a.login('tom')
  now += 1000
  const banned = (await b.login('tom')).token
  await a.app.wxLogin.ban(user.id, { until: now + hour })
  const res = await b.app.inject({ url: '/api/me', headers: bearer(banned) })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'FST_WX_LOGIN_BANNED')
  await a.app.wxLogin.unban(user.id)
  t.same(await reason(b, banned), [401, 'FST_WX_LOGIN_TOKEN_REVOKED'], 'after unban, the ended session says revoked')

  const idle = (await a.login('uma')).token
  const expiring = (await a.login('vic')).token
  for (let i = 0; i < 6; i++) {
    now += 1.5 * hour
    t.same(await reason(b, expiring), [200, 'ok'])
    await new Promise(resolve => setTimeout(resolve, 1100)) // last-seen batches land (every second)
  }
  t.same(await reason(a, idle), [401, 'FST_WX_LOGIN_TOKEN_IDLE'], 'unused for longer than idleTtl')
  now += 1.5 * hour
  t.same(await reason(a, expiring), [401, 'FST_WX_LOGIN_TOKEN_EXPIRED'], 'used all along, but past tokenTtl')
  t.same(await reason(b, expiring), [401, 'FST_WX_LOGIN_TOKEN_EXPIRED'])
})

t.test('lastSeenInterval: last-seen is written once per interval, and the idle timeout counts from it', async t => {
  let now = Date.now()
  const minute = 60_000
  const a = await buildTestApp(t, 'lifecycle_last_seen', { plugin: { now: () => now, idleTtl: 2 * hour, lastSeenInterval: 30 * minute } })
  const db = await mysql.createConnection(a.dbUrl)
  t.teardown(() => db.end())
  const { token } = await a.login('lena')
  const stored = async (): Promise<number> => {
    await new Promise(resolve => setTimeout(resolve, 1100)) // last-seen batches land (every second)
    const [rows] = await db.query('SELECT last_seen_at FROM wx_sessions') as [Array<{ last_seen_at: string }>, unknown]
    return Number(rows[0]!.last_seen_at)
  }
  const loggedInAt = now

  now += 20 * minute
  t.same(await reason(a, token), [200, 'ok'])
  t.equal(await stored(), loggedInAt, 'used within the interval: nothing written')
  now += 15 * minute
  t.same(await reason(a, token), [200, 'ok'])
  const usedAt = now
  t.equal(await stored(), usedAt, 'used after the interval: written')
  // The local copy is past its 10-minute backstop: this read gets the Redis
  // copy, which still says the login time and so looks due.
  now += 20 * minute
  t.same(await reason(a, token), [200, 'ok'])
  t.equal(await stored(), usedAt, 'the next use within the interval is not written, though a stale copy looked due')

  // The idle timeout counts from the last use written: up to one interval early.
  const b = await buildTestApp(t, 'lifecycle_last_seen_b', { plugin: { now: () => now, idleTtl: 2 * hour, lastSeenInterval: 30 * minute }, instanceOf: a })
  now = usedAt + 2 * hour + 1
  t.same(await reason(b, token), [401, 'FST_WX_LOGIN_TOKEN_IDLE'], 'a cold instance: idle, though used 20 minutes after the written use')
  t.same(await reason(a, token), [401, 'FST_WX_LOGIN_TOKEN_IDLE'], 'the instance that saw that use agrees')
})

t.test('the caller\'s sessions: listed with device, ip and times; one ended by id; another user\'s id is not found', async t => {
  const app = await buildTestApp(t, 'lifecycle_devices')
  const onPhone = (await loginWith(app, 'wes', phone, '203.0.113.7')).json()
  const onPc = (await loginWith(app, 'wes', pc, '2001:db8::1')).json()
  const bare = (await loginWith(app, 'wes')).json()
  const stranger = (await loginWith(app, 'xia', phone)).json()

  const list = await app.app.inject({ url: '/auth/wechat/sessions', headers: bearer(onPhone.token) })
  t.equal(list.statusCode, 200)
  const { sessions } = list.json()
  t.equal(sessions.length, 3)
  t.match(sessions[2], { device: phone, ip: '203.0.113.7', current: true })
  t.match(sessions[1], { device: pc, ip: '2001:db8::1', current: false })
  t.match(sessions[0], { device: null, current: false })
  for (const s of sessions) {
    t.match(s.id, /^[0-9a-f]{32}$/)
    t.notOk([onPhone.token, onPc.token, bare.token].some(token => s.id === token || s.id === hashToken(token)), 'the id is neither a token nor its hash')
    t.ok(Date.parse(s.createdAt) > 0 && Date.parse(s.lastSeenAt) >= Date.parse(s.createdAt))
  }

  const pcId = sessions[1].id
  const strangerId = (await app.app.wxLogin.listSessions(stranger.user.id))[0]!.id
  const end = (id: string, token = onPhone.token) => app.app.inject({ method: 'DELETE', url: `/auth/wechat/sessions/${id}`, headers: bearer(token) })
  const notFound = await end(strangerId)
  t.equal(notFound.statusCode, 404, 'another user\'s session')
  t.equal(notFound.json().code, 'FST_WX_LOGIN_SESSION_NOT_FOUND')
  t.same((await end('0'.repeat(32))).json(), notFound.json(), 'answers exactly like an unknown id')
  t.same(await reason(app, stranger.token), [200, 'ok'], 'and the stranger\'s session lives on')
  t.equal((await end('../../etc')).statusCode, 404, 'a path outside the route')
  t.equal((await end('x'.repeat(65))).statusCode, 400, 'a malformed id')

  t.equal((await end(pcId)).statusCode, 204)
  t.same(await reason(app, onPc.token), [401, 'FST_WX_LOGIN_TOKEN_REVOKED'], 'the PC\'s token is refused as revoked')
  t.equal((await end(pcId)).statusCode, 404, 'ended sessions are not found again')
  t.equal((await app.app.wxLogin.listSessions(onPhone.user.id)).length, 2)
  t.equal(await app.app.wxLogin.revokeSession(strangerId), true, 'the admin API ends any session by id')
  t.same(await reason(app, stranger.token), [401, 'FST_WX_LOGIN_TOKEN_REVOKED'])
})

t.test('hostile device bodies are refused with 400, and nothing is stored', async t => {
  const app = await buildTestApp(t, 'lifecycle_hostile')
  const bodies = [
    { platform: 'ios', extra: 'x' },
    { platform: { nested: 'object' } },
    { model: 'x'.repeat(65) },
    Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'])),
    'a string',
    ['ios']
  ]
  for (const device of bodies) {
    const res = await loginWith(app, 'yan', device)
    t.equal(res.statusCode, 400, JSON.stringify(device).slice(0, 40))
    t.equal(res.json().code, 'FST_WX_LOGIN_INVALID_BODY')
  }
  const db = await mysql.createConnection(app.dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT COUNT(*) AS n FROM wx_sessions') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 0, 'no session row for a refused body')
})

t.test('session policy: evict-oldest, reject-new, one per kind of device', async t => {
  let now = Date.now()
  const evict = await buildTestApp(t, 'lifecycle_evict', { plugin: { maxSessionsPerUser: 2, now: () => now++ } })
  const tokens = []
  for (let i = 0; i < 3; i++) tokens.push((await evict.login('zoe')).token)
  t.same(await Promise.all(tokens.map(async token => (await reason(evict, token))[1])), ['FST_WX_LOGIN_TOKEN_REPLACED', 'ok', 'ok'])

  const reject = await buildTestApp(t, 'lifecycle_reject', { plugin: { maxSessionsPerUser: 1, sessionPolicy: 'reject-new', now: () => now++ } })
  const kept = (await reject.login('abe')).token
  const refused = await loginWith(reject, 'abe')
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'FST_WX_LOGIN_SESSION_LIMIT')
  t.same(await reason(reject, kept), [200, 'ok'], 'the existing session is kept')
  await reject.app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(kept) })
  t.equal((await loginWith(reject, 'abe')).statusCode, 200, 'after a logout there is room again')

  const kinds = await buildTestApp(t, 'lifecycle_kinds', { plugin: { maxSessionsPerPlatform: 1, now: () => now++ } })
  const oldPhone = (await loginWith(kinds, 'bea', phone)).json().token
  const laptop = (await loginWith(kinds, 'bea', pc)).json().token
  const newPhone = (await loginWith(kinds, 'bea', { ...phone, platform: 'android' })).json().token
  t.same(await reason(kinds, oldPhone), [401, 'FST_WX_LOGIN_TOKEN_REPLACED'], 'one phone: the newer phone replaces the older')
  t.same(await reason(kinds, laptop), [200, 'ok'], 'the PC stays')
  t.same(await reason(kinds, newPhone), [200, 'ok'])
})

t.test('refresh: a new token for the same session; requests in flight with the old one succeed; then it says replaced', async t => {
  let now = Date.now()
  const app = await buildTestApp(t, 'lifecycle_refresh', { plugin: { now: () => now, tokenTtl: 10 * hour, maxLifetime: 20 * hour } })
  const first = (await loginWith(app, 'cal', phone)).json()
  const refresh = (token: string) => app.app.inject({ method: 'POST', url: '/auth/wechat/refresh', headers: bearer(token) })

  now += 5 * hour
  const inFlight = Array.from({ length: 20 }, () => app.app.inject({ url: '/api/me', headers: bearer(first.token) }))
  const renewed = await refresh(first.token)
  t.equal(renewed.statusCode, 200)
  const { token, expiresAt } = renewed.json()
  t.equal(Date.parse(expiresAt), now + 10 * hour, 'a full tokenTtl from now')
  t.ok((await Promise.all(inFlight)).every(res => res.statusCode === 200), 'the requests in flight with the old token succeed')
  t.same(await reason(app, token), [200, 'ok'])
  t.same(await reason(app, first.token), [200, 'ok'], 'the old token works during the grace period')
  t.equal((await refresh(first.token)).json().code, 'FST_WX_LOGIN_TOKEN_REPLACED', 'an old token cannot be refreshed twice')
  const listed = (await app.app.inject({ url: '/auth/wechat/sessions', headers: bearer(token) })).json().sessions
  t.equal(listed.length, 1, 'still one session')
  t.match(listed[0], { device: phone, current: true }, 'same device, and it is this one')
  t.equal(listed[0].createdAt, new Date(Date.parse(first.expiresAt) - 10 * hour).toISOString(), 'created at the first login')

  now += 30_001
  t.same(await reason(app, first.token), [401, 'FST_WX_LOGIN_TOKEN_REPLACED'], 'after the grace period')

  now += 9 * hour
  const second = (await refresh(token)).json()
  t.equal(Date.parse(second.expiresAt), Date.parse(first.expiresAt) + 10 * hour, 'never past maxLifetime (20 h) after the first login')
  now += 7 * hour
  const late = await refresh(second.token)
  t.equal(late.statusCode, 401)
  t.equal(late.json().code, 'FST_WX_LOGIN_TOKEN_EXPIRED', 'at the end of maxLifetime: log in again')
})

t.test('sessions from before ids existed are listed and ended by a derived id', async t => {
  const app = await buildTestApp(t, 'lifecycle_legacy')
  const { token, user } = await app.login('dee')
  const db = await mysql.createConnection(app.dbUrl)
  t.teardown(() => db.end())
  await db.query('UPDATE wx_sessions SET session_id = NULL, device = NULL, ip = NULL')
  const [listed] = await app.app.wxLogin.listSessions(user.id)
  t.equal(listed!.id, sessionIdOf(hashToken(token)), 'the id SQL derives is the one the code derives')
  t.equal(await app.app.wxLogin.revokeSession(listed!.id, user.id), true)
  t.same(await reason(app, token), [401, 'FST_WX_LOGIN_TOKEN_REVOKED'])
})

t.test('diagnostics_channel events: login, refresh, session end, ban, WeChat calls; no secrets in them', async t => {
  const seen: Array<[string, unknown]> = []
  const names = ['wx-login:login', 'wx-login:refresh', 'wx-login:session-end', 'wx-login:ban', 'wx-login:wechat']
  const listeners = names.map(name => {
    const listener = (message: unknown) => seen.push([name, message])
    diagnosticsChannel.subscribe(name, listener)
    return () => diagnosticsChannel.unsubscribe(name, listener)
  })
  t.teardown(() => listeners.forEach(stop => stop()))
  const app = await buildTestApp(t, 'lifecycle_events', { plugin: { sessionKeyEncryptionKey: 'k'.repeat(64).replace(/k/g, 'a') } })
  const code = app.mock.mintCode('eli')
  const login = (await app.app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })).json()
  const renewed = (await app.app.inject({ method: 'POST', url: '/auth/wechat/refresh', headers: bearer(login.token) })).json()
  await app.app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(renewed.token) })
  await app.app.wxLogin.ban(login.user.id, { until: Date.now() + hour })

  const byName = (name: string) => seen.filter(([n]) => n === name).map(([, m]) => m)
  t.match(byName('wx-login:login'), [{ userId: String(login.user.id), appId: app.mock.apps[0]!.appId, isNewUser: true, sessionId: /^[0-9a-f]{32}$/ }])
  t.match(byName('wx-login:refresh'), [{ userId: String(login.user.id) }])
  t.match(byName('wx-login:session-end'), [{ reason: 'revoked', count: 1 }, { reason: 'banned', count: 1, userId: String(login.user.id) }])
  t.match(byName('wx-login:ban'), [{ userId: String(login.user.id), until: Number }])
  t.match(byName('wx-login:wechat'), [{ path: '/sns/jscode2session', errcode: 0, durationMs: Number }])
  const everything = JSON.stringify(seen)
  for (const secret of [login.token, renewed.token, code, app.mock.apps[0]!.appSecret, app.mock.sessionKey('eli')!]) {
    t.notOk(everything.includes(secret), 'no token, code, secret or session_key in any event')
  }
})
