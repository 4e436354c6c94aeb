import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import { startWechatMock } from '@wx-login/wechat-mock'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import t, { type Test } from 'tap'
import wxLogin, { type WxLoginOptions } from '../src/index.js'
import { bearer } from './fixtures/app.js'
import { bootError } from './fixtures/boot.js'
import { clearRedisPrefix, createDatabase, ignoreRedisErrors, MYSQL_URL, REDIS_URL } from './fixtures/services.js'

/** Logs a user in, checks the token on a protected route, and logs out. */
async function loginRoundTrip (t: Test, app: FastifyInstance, code: string): Promise<void> {
  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })
  t.equal(login.statusCode, 200, 'login')
  const { token, user } = login.json()
  const me = await app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal(me.statusCode, 200, 'authenticated')
  t.equal(me.json().id, user.id)
}

/** An app on a database of its own; `register` brings the clients and the plugin. */
async function withApp (t: Test, name: string, register: (app: FastifyInstance, options: WxLoginOptions, dbUrl: string) => Promise<void>): Promise<{ app: FastifyInstance, mock: Awaited<ReturnType<typeof startWechatMock>> }> {
  const db = await createDatabase(`wxl_fastify_${name}`)
  const mock = await startWechatMock()
  const app = Fastify()
  const redisPrefix = `wxl-test:${name}:`
  await register(app, { appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, redisPrefix }, db.url)
  app.get('/api/me', { onRequest: app.wxLogin.authenticate }, async request => request.user)
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await mock.close()
    await db.drop()
    await clearRedisPrefix(redisPrefix)
  })
  return { app, mock }
}

t.test('a plain mysql2 pool and ioredis client, without @fastify/mysql or @fastify/redis', async t => {
  let pool: mysql.Pool | undefined
  let redis: Redis | undefined
  const { app, mock } = await withApp(t, 'explicit_clients', async (app, options, dbUrl) => {
    pool = mysql.createPool(dbUrl)
    redis = ignoreRedisErrors(new Redis(REDIS_URL))
    await app.register(wxLogin, { ...options, mysql: pool, redis })
  })
  t.teardown(async () => { await pool!.end(); redis!.disconnect() })
  t.notOk(app.hasDecorator('mysql'), 'no app.mysql')
  t.notOk(app.hasDecorator('redis'), 'no app.redis')
  await loginRoundTrip(t, app, mock.mintCode('ivan'))
  const [rows] = await pool!.query('SELECT COUNT(*) AS n FROM wx_sessions') as [Array<{ n: number }>, unknown]
  t.equal(rows[0]!.n, 1, 'the session row is in the given pool\'s database')
  t.ok((await redis!.keys('wxl-test:explicit_clients:*')).length > 0, 'the session copy is in the given Redis')

  await app.close()
  const [alive] = await pool!.query('SELECT 1 AS one') as [Array<{ one: number }>, unknown]
  t.equal(alive[0]!.one, 1, 'closing the app leaves the pool to its owner')
  t.equal(await redis!.ping(), 'PONG', 'and the Redis client')
})

t.test('a @fastify/redis namespace', async t => {
  const { app, mock } = await withApp(t, 'redis_namespace', async (app, options, dbUrl) => {
    await app.register(fastifyMysql, { promise: true, connectionString: dbUrl })
    await app.register(fastifyRedis, { url: REDIS_URL, namespace: 'sessions' })
    ignoreRedisErrors(app.redis.sessions!)
    await app.register(wxLogin, { ...options, redis: { namespace: 'sessions' } })
  })
  await loginRoundTrip(t, app, mock.mintCode('judy'))
  t.ok((await app.redis.sessions!.keys('wxl-test:redis_namespace:*')).length > 0, 'the copies are in the namespace\'s Redis')
})

t.test('the clients\' options are checked, and a missing one is named', async t => {
  const good = { appId: 'wx1', appSecret: 's' }
  t.match((await bootError({ ...good, mysql: 'mysql://localhost' }))?.message, /^@wx-login\/fastify: mysql must be a mysql2 promise pool \(with query and execute\)/)
  t.match((await bootError({ ...good, mysql: { query () {} } }))?.message, /mysql must be a mysql2 promise pool/)
  t.match((await bootError({ ...good, redis: 'redis://localhost' }))?.message, /redis must be an ioredis client or \{ namespace \}/)
  t.match((await bootError({ ...good, redis: { get () {} } }))?.message, /redis must be an ioredis client or \{ namespace \}/)
  t.match((await bootError({ ...good, redis: { namespace: '' } }))?.message, /redis.namespace must be the name of a @fastify\/redis namespace/)
  t.match((await bootError({ ...good, redis: { namespace: 'sessions' } }))?.message, /redis: \{ namespace: 'sessions' \} names no client: register @fastify\/redis with \{ namespace: 'sessions' \}/)

  const pool = mysql.createPool(`${MYSQL_URL}/test`)
  t.teardown(() => pool.end())
  t.match((await bootError({ ...good, mysql: pool }))?.message, /register @fastify\/redis before this plugin, or pass `redis`/)
  t.match((await bootError(good))?.message, /register @fastify\/mysql with \{ promise: true \} before this plugin, or pass `mysql`/)
})
