import mysql from 'mysql2/promise'
import t from 'tap'
import { hashToken } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { REDIS_URL, testRedis } from './fixtures/services.js'

t.test('only SHA-256(token) is stored, in MySQL and in Redis', async t => {
  const { dbUrl, redisPrefix, login } = await buildTestApp(t, 'storage_hash')
  const { token } = await login('alice')
  const db = await mysql.createConnection(dbUrl)
  const redis = testRedis(REDIS_URL)
  t.teardown(async () => { await db.end(); await redis.quit() })

  const [rows] = await db.query('SELECT LOWER(HEX(token_hash)) AS h, user_data FROM wx_sessions') as [Array<{ h: string, user_data: string }>, unknown]
  t.equal(rows.length, 1)
  t.equal(rows[0]!.h, hashToken(token))
  const [dump] = await db.query('SELECT * FROM wx_sessions') as [unknown[], unknown]
  t.notMatch(JSON.stringify(dump), token, 'no raw token in the sessions table')
  t.notMatch(rows[0]!.user_data, /session_key/)

  const keys = await redis.keys(`${redisPrefix}session:*`)
  t.same(keys, [`${redisPrefix}session:{${hashToken(token)}}`])
  const everything = await redis.keys(`${redisPrefix}*`)
  for (const key of everything) {
    t.notMatch(key, token, `no raw token in the key ${key}`)
    const type = await redis.type(key)
    const value = type === 'string' ? await redis.get(key) : ''
    t.notMatch(value ?? '', token, `no raw token in the value of ${key}`)
  }
  const value = await redis.get(keys[0]!)
  t.notMatch(value ?? '', token)
  const ttl = await redis.pttl(keys[0]!)
  t.ok(ttl > 6 * 24 * 3600_000 && ttl <= 7 * 24 * 3600_000, 'cached for the idle window')
})

t.test('a flushed Redis costs nothing: the token is read from MySQL and cached again', async t => {
  const { app, redisPrefix, login } = await buildTestApp(t, 'storage_flush')
  const { token } = await login('bob')
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  const key = `${redisPrefix}session:{${hashToken(token)}}`
  await redis.del(key)
  const res = await app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.equal(await redis.exists(key), 1, 'the cache is warmed again')
})

t.test('50 concurrent first logins of one person make exactly one user row', async t => {
  const { app, mock, dbUrl } = await buildTestApp(t, 'storage_race')
  const codes = Array.from({ length: 50 }, () => mock.mintCode('zoe'))
  const answers = await Promise.all(codes.map(code =>
    app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })))
  t.same(answers.map(r => r.statusCode), codes.map(() => 200))
  const ids = new Set(answers.map(r => r.json().user.id))
  t.equal(ids.size, 1, 'every login got the same user')
  t.equal(answers.filter(r => r.json().isNewUser).length, 1, 'exactly one was new')
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT COUNT(*) AS n FROM wx_users') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 1)
})

t.test('idle and absolute expiry follow the clock', async t => {
  let now = Date.now()
  const hour = 3600_000
  const { app, login } = await buildTestApp(t, 'storage_expiry', {
    plugin: { now: () => now, tokenTtl: 10 * hour, idleTtl: 2 * hour }
  })
  const me = (token: string) => app.inject({ url: '/api/me', headers: bearer(token) })
  const { token, expiresAt } = await login('carl')
  t.equal(Date.parse(expiresAt), now + 10 * hour)

  // Use it every 90 minutes: the idle window slides, up to the absolute limit.
  for (let i = 0; i < 6; i++) {
    now += 1.5 * hour
    t.equal((await me(token)).statusCode, 200, `alive after ${(i + 1) * 1.5} h of use`)
  }
  now += 1.5 * hour
  const dead = await me(token)
  t.equal(dead.statusCode, 401, 'dead after 10 h whatever the use')
  t.equal(dead.json().code, 'FST_WX_LOGIN_TOKEN_EXPIRED')

  const idle = (await login('cleo')).token
  now += 2 * hour + 1
  const unused = await me(idle)
  t.equal(unused.statusCode, 401, 'dead after 2 idle hours')
  t.equal(unused.json().code, 'FST_WX_LOGIN_TOKEN_IDLE')
  t.equal(await app.wxLogin.pruneSessions(), 0, 'ended sessions are kept for endedRetention (7 days)')
  now += 7 * 24 * hour
  t.equal(await app.wxLogin.pruneSessions(), 2, 'then pruned')
})

t.test('maxSessionsPerUser revokes the oldest sessions', async t => {
  let now = Date.now()
  const { app, login } = await buildTestApp(t, 'storage_max', { plugin: { maxSessionsPerUser: 2, now: () => now++ } })
  const tokens = []
  for (let i = 0; i < 3; i++) tokens.push((await login('dora')).token)
  const status = await Promise.all(tokens.map(async token => (await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode))
  t.same(status, [401, 200, 200])
})

t.test('autoRegister: false answers an unknown person 403 not bound', async t => {
  const { app, mock, dbUrl } = await buildTestApp(t, 'storage_bound', { plugin: { autoRegister: false } })
  const res = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('eve') } })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'FST_WX_LOGIN_NOT_BOUND')
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  await db.query('INSERT INTO wx_users (appid, openid, created_at) VALUES (?, ?, ?)', [mock.apps[0]!.appId, mock.openid('eve'), Date.now()])
  const bound = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('eve') } })
  t.equal(bound.statusCode, 200, 'a user the application created can log in')
  t.equal(bound.json().isNewUser, false)
})

t.test('hooks map WeChat identities to the application\'s own users', async t => {
  const people = new Map<string, { id: string, nickname: string }>()
  const seen: string[] = []
  const { app, mock, dbUrl } = await buildTestApp(t, 'storage_hooks', {
    plugin: {
      findUser: async identity => people.get(identity.openid) ?? null,
      createUser: async identity => {
        const person = { id: `u-${people.size + 1}`, nickname: 'new friend' }
        people.set(identity.openid, person)
        return person
      },
      onLogin: ({ user, isNewUser }) => { seen.push(`${user.id}:${isNewUser}`) }
    },
    setup: app => app.get('/nick', { onRequest: app.wxLogin.authenticate }, async request => ({ nickname: (request.user as unknown as { nickname: string }).nickname }))
  })
  const post = () => app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('finn') } })
  const first = (await post()).json()
  const second = (await post()).json()
  t.equal(first.user.id, 'u-1')
  t.equal(first.isNewUser, true)
  t.equal(second.user.id, 'u-1')
  t.equal(second.isNewUser, false)
  t.same(seen, ['u-1:true', 'u-1:false'])
  t.same((await app.inject({ url: '/nick', headers: bearer(first.token) })).json(), { nickname: 'new friend' })
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT COUNT(*) AS n FROM wx_users') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 0, 'the built-in users table is not used')
})
