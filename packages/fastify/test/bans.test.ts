import { startWechatMock } from '@wx-login/wechat-mock'
import Fastify from 'fastify'
import mysql from 'mysql2/promise'
import t from 'tap'
import { LATE_LOGIN_WINDOW_MS } from '../src/bans.js'
import wxLogin, { errors, memoryStores } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'

const post = (code: string) => ({ method: 'POST' as const, url: '/auth/wechat/login', payload: { code } })

t.test('ban: every session ends, logins answer 403 with when it ends, unban lets the user back', async t => {
  let now = Date.now()
  const { app, mock, login } = await buildTestApp(t, 'bans_basic', { plugin: { now: () => now } })
  const one = await login('ivy')
  const two = await login('ivy')
  const other = await login('jon')
  const me = async (token: string) => (await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode
  t.equal(await me(one.token), 200)

  await app.wxLogin.ban(one.user.id, { until: new Date(now + 60_000), reason: 'chargeback fraud' })
  t.equal(await me(one.token), 403, 'sessions end, answering 403 BANNED')
  t.equal(await me(two.token), 403)
  t.equal(await me(other.token), 200, 'other users are not touched')
  const refused = await app.inject(post(mock.mintCode('ivy')))
  t.equal(refused.statusCode, 403)
  t.same(refused.json(), {
    statusCode: 403,
    code: 'FST_WX_LOGIN_BANNED',
    error: 'Forbidden',
    message: 'This account is banned',
    until: new Date(now + 60_000).toISOString()
  }, 'the reason stays on the server')

  now += 60_001
  t.equal((await app.inject(post(mock.mintCode('ivy')))).statusCode, 200, 'a ban with `until` lapses by itself')

  await app.wxLogin.ban(one.user.id)
  const forever = await app.inject(post(mock.mintCode('ivy')))
  t.equal(forever.statusCode, 403)
  t.notOk('until' in forever.json(), 'a ban without `until` has none in the answer')
  await app.wxLogin.unban(one.user.id)
  const back = await login('ivy')
  t.equal(back.user.id, one.user.id, 'the same user after unban')
  t.equal(await me(back.token), 200)
})

t.test('ban options are checked', async t => {
  const { app, login } = await buildTestApp(t, 'bans_options')
  const { user } = await login('kim')
  await t.rejects(app.wxLogin.ban(user.id, { until: Number.NaN }), /until` must be a Date or epoch milliseconds/)
  await t.rejects(app.wxLogin.ban(user.id, { until: 'tomorrow' as never }), /until` must be a Date/)
  await t.rejects(app.wxLogin.ban(user.id, { reason: 'x'.repeat(256) }), /reason` must be a string of at most 255/)
  t.equal((await app.inject({ url: '/api/me', headers: bearer((await login('kim')).token) })).statusCode, 200, 'a refused ban changes nothing')
})

t.test('logins racing a ban: once ban() has answered, no session of the user is accepted', async t => {
  const { app, mock, login } = await buildTestApp(t, 'bans_race', { plugin: { rateLimit: false } })
  const { user } = await login('lou')
  let before = 0
  let refused = 0
  for (const delay of [0, 5, 10, 20, 40, 80, 160, 320, 640]) {
    await app.wxLogin.unban(user.id)
    const logins = Array.from({ length: 10 }, () => app.inject(post(mock.mintCode('lou'))))
    await new Promise(resolve => setTimeout(resolve, delay))
    await app.wxLogin.ban(user.id)
    const answers = await Promise.all(logins)
    t.ok(answers.every(res => res.statusCode === 200 || res.json().code === 'FST_WX_LOGIN_BANNED'), `ban after ${delay} ms: each login succeeded or was refused as banned`)
    for (const res of answers) {
      if (res.statusCode !== 200) { refused++; continue }
      before++
      t.equal((await app.inject({ url: '/api/me', headers: bearer(res.json().token) })).statusCode, 403, 'a session issued around the ban is refused')
    }
  }
  t.ok(before > 0 && refused > 0, `the ban raced the logins: ${before} got a token first, ${refused} were refused`)
})

t.test('a ban whose instance died half way is finished by the replay', async t => {
  const { app, dbUrl, login } = await buildTestApp(t, 'bans_unfinished')
  const { token, user } = await login('max')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
  // What a crash between the ban row and the end of the sessions leaves behind.
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  await db.query('INSERT INTO wx_bans (user_id, banned_until, reason, created_at, sessions_ended) VALUES (?, NULL, NULL, ?, 0)', [String(user.id), Date.now()])
  let refused = false
  for (let i = 0; i < 60 && !refused; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    refused = (await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode === 403
  }
  t.ok(refused, 'the session is ended within the replay interval')
  const [rows] = await db.query('SELECT sessions_ended FROM wx_bans WHERE user_id = ?', [String(user.id)]) as [Array<{ sessions_ended: number }>, unknown]
  t.equal(rows[0]!.sessions_ended, 1, 'and the ban is marked finished')
})

t.test('a login stored after its ban finished, by an instance that died before looking again: the replay ends it', async t => {
  const { app, dbUrl, login } = await buildTestApp(t, 'bans_late_login')
  const { token, user } = await login('nia')
  const { token: expiredBanToken, user: pardoned } = await login('ola')
  const { token: bystander } = await login('pip')
  const { user: longBanned } = await login('quin')
  // What that crash leaves: the ban ran revokeAll and was marked finished
  // before the login's session INSERT landed, and no second check followed.
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const ban = 'INSERT INTO wx_bans (user_id, banned_until, reason, created_at, sessions_ended) VALUES (?, ?, NULL, ?, 1)'
  await db.query(ban, [String(user.id), null, Date.now()])
  await db.query(ban, [String(pardoned.id), Date.now() - 1000, Date.now() - 60_000])
  await db.query(ban, [String(longBanned.id), null, Date.now() - LATE_LOGIN_WINDOW_MS - 60_000])
  const live = async (userId: number) => {
    const [rows] = await db.query('SELECT COUNT(*) AS n FROM wx_sessions WHERE user_id = ? AND revoked_at IS NULL', [String(userId)]) as [Array<{ n: number }>, unknown]
    return Number(rows[0]!.n)
  }
  t.equal(await live(user.id), 1, 'the banned user has a live session row')

  let refused = false
  for (let i = 0; i < 60 && !refused; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    refused = (await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode === 403
  }
  t.ok(refused, 'the session is refused within the replay interval')
  t.equal(await live(user.id), 0, 'and its row is revoked')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(expiredBanToken) })).statusCode, 200, 'a user whose ban has ended keeps the session')
  t.equal(await live(pardoned.id), 1, 'and its row')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(bystander) })).statusCode, 200, 'an unbanned user is untouched')
  t.equal(await live(longBanned.id), 1, 'a finished ban older than the window is not looked at again (the documented bound)')
})

t.test('hooks refuse a user with 403 FST_WX_LOGIN_REFUSED, never a 400', async t => {
  const refuse = new Set<string>()
  const { app, mock } = await buildTestApp(t, 'bans_hooks', {
    plugin: {
      onLogin: ({ identity }) => {
        if (refuse.has(identity.openid)) throw new errors.LoginRefused()
      }
    }
  })
  const code = mock.mintCode('ned')
  refuse.add(mock.openid('ned'))
  const res = await app.inject(post(code))
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 'FST_WX_LOGIN_REFUSED', message: 'This user may not log in' })

  const custom = await buildTestApp(t, 'bans_hooks_status', {
    plugin: {
      findUser: async () => { throw Object.assign(new Error('not a member'), { statusCode: 403 }) },
      autoRegister: false
    }
  })
  const own = await custom.app.inject(post(custom.mock.mintCode('ola')))
  t.equal(own.statusCode, 403, 'an error of the hook\'s own with statusCode 403')
  t.match(own.json(), { code: 'FST_WX_LOGIN_REFUSED' })

  const banned = await buildTestApp(t, 'bans_hooks_banned', {
    plugin: { onLogin: () => { throw new errors.Banned(Date.UTC(2030, 0, 1)) } }
  })
  const b = await banned.app.inject(post(banned.mock.mintCode('pia')))
  t.match(b.json(), { statusCode: 403, code: 'FST_WX_LOGIN_BANNED', until: '2030-01-01T00:00:00.000Z' }, 'or with the ban error, from the app\'s own ban list')
})

t.test('memoryStores ban too; stores without bans say so', async t => {
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(wxLogin, { appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, stores: memoryStores() })
  const first = (await app.inject(post(mock.mintCode('quin')))).json()
  await app.wxLogin.ban(first.user.id, { until: Date.now() + 60_000 })
  t.equal((await app.inject(post(mock.mintCode('quin')))).statusCode, 403)
  await app.wxLogin.unban(first.user.id)
  t.equal((await app.inject(post(mock.mintCode('quin')))).statusCode, 200)

  const { bans: _bans, ...withoutBans } = memoryStores()
  const bare = Fastify()
  t.teardown(() => bare.close())
  await bare.register(wxLogin, { appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, stores: withoutBans })
  await t.rejects(bare.wxLogin.ban(1), /these stores have no `bans`/)
  t.equal((await bare.inject(post(mock.mintCode('rae')))).statusCode, 200, 'logins are not checked against bans there')
})
