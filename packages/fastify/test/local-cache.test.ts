import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import Fastify from 'fastify'
import t from 'tap'
import wxLogin, { type SqlClient } from '../src/index.js'
import { startServerProcesses } from './fixtures/server-processes.js'
import { bearer, buildTestApp, type TestApp } from './fixtures/app.js'
import { ignoreRedisErrors, REDIS_URL, startOwnRedis, testRedis } from './fixtures/services.js'
import { waitFor } from './fixtures/wait.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Counts what the app sends to MySQL and Redis (the real clients, instrumented). */
function countRoundTrips (app: TestApp['app']): { mysql: number, redis: number } {
  const counts = { mysql: 0, redis: 0 }
  const db = (app as unknown as { mysql: SqlClient }).mysql
  for (const method of ['query', 'execute'] as const) {
    const original = db[method].bind(db)
    db[method] = (...args: Parameters<SqlClient['query']>) => { counts.mysql++; return original(...args) }
  }
  const redis = app.redis as unknown as { sendCommand: (...args: unknown[]) => unknown }
  const send = redis.sendCommand.bind(redis)
  redis.sendCommand = (...args: unknown[]) => { counts.redis++; return send(...args) }
  return counts
}


t.test('a warm request makes no MySQL query and no Redis round trip', async t => {
  const { app, login } = await buildTestApp(t, 'local_warm')
  const { token } = await login('alice')
  const me = () => app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal((await me()).statusCode, 200, 'cold: read from Redis, now held locally')
  const counts = countRoundTrips(app)
  for (let i = 0; i < 100; i++) t.equal((await me()).statusCode, 200)
  t.same(counts, { mysql: 0, redis: 0 }, '100 warm requests, zero round trips')
})

t.test('what a login costs for a known user, in round trips', async t => {
  const { app, mock, login } = await buildTestApp(t, 'local_login_cost')
  await login('bob')
  const counts = countRoundTrips(app)
  await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('bob') } })
  // MySQL: SELECT user, SELECT ban, INSERT session, SELECT ban again (a ban
  // written meanwhile takes the session back). Redis: two rate-limit
  // counters (IP, code), the code's lock and its shared answer, the
  // session's cache entry.
  t.same(counts, { mysql: 4, redis: 5 })

  const { app: lean, mock: leanMock, login: leanLogin } = await buildTestApp(t, 'local_login_cost_lean', { plugin: { rateLimit: false } })
  await leanLogin('bob')
  const leanCounts = countRoundTrips(lean)
  await lean.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: leanMock.mintCode('bob') } })
  t.same(leanCounts, { mysql: 4, redis: 3 }, 'without rate limits')
})

t.test('two server processes: a logout on one is refused by the other within moments (pub/sub)', async t => {
  const first = await buildTestApp(t, 'local_procs')
  const urls = await startServerProcesses(t, first, 2)
  const [urlA, urlB] = urls as [string, string]
  const status = async (url: string, token: string) => (await fetch(`${url}/api/me`, { headers: bearer(token) })).status
  const login = async (url: string, user: string) => {
    const res = await fetch(`${url}/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: first.mock.mintCode(user) }) })
    return await res.json() as { token: string, user: { id: number } }
  }

  const one = await login(urlA, 'carol')
  t.equal(await status(urlB, one.token), 200, 'B knows the token (and now holds it locally)')
  t.equal(await status(urlB, one.token), 200)
  t.equal((await fetch(`${urlA}/auth/wechat/logout`, { method: 'POST', headers: bearer(one.token) })).status, 204)
  const delay = await waitFor(async () => await status(urlB, one.token) === 401, 1000)
  t.ok(delay < 500, `logout seen by B after ${delay} ms`)

  const two = await login(urlA, 'dave')
  const three = await login(urlB, 'dave')
  for (const token of [two.token, three.token]) t.equal(await status(urlB, token), 200)
  t.equal((await fetch(`${urlA}/auth/wechat/logout-all`, { method: 'POST', headers: bearer(two.token) })).status, 204)
  const allDelay = await waitFor(async () => await status(urlB, three.token) === 401 && await status(urlB, two.token) === 401, 1000)
  t.ok(allDelay < 500, `logout-all seen by B after ${allDelay} ms`)

  // The application deletes a user: it calls revokeAll(userId) on any instance.
  const four = await login(urlB, 'erin')
  t.equal(await status(urlB, four.token), 200)
  await first.app.wxLogin.revokeAll(four.user.id)
  const deletedDelay = await waitFor(async () => await status(urlB, four.token) === 401, 1000)
  t.ok(deletedDelay < 500, `a deleted user is refused by B after ${deletedDelay} ms`)
})

t.test('the invalidation channel drops: the local cache is flushed and requests still authenticate', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, login, logs } = await buildTestApp(t, 'local_drop', { redisUrl: redis.url })
  const { token } = await login('finn')
  const me = () => app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal((await me()).statusCode, 200)
  const counts = countRoundTrips(app)
  t.equal((await me()).statusCode, 200)
  t.equal(counts.redis, 0, 'warm before the drop')

  const admin = testRedis(redis.url)
  t.teardown(() => admin.quit())
  await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
  await sleep(50)
  t.equal((await me()).statusCode, 200, 'still authenticated (from Redis) while the channel reconnects')
  t.ok(counts.redis > 0, 'read from Redis: the local copy was flushed')
  t.match(logs.join(''), /invalidation channel lost/)

  await waitFor(async () => { const before = counts.redis; await me(); await me(); return counts.redis === before }, 3000)
  const before = counts.redis
  t.equal((await me()).statusCode, 200)
  t.equal(counts.redis, before, 'warm again once the channel is back')
})

t.test('expiry: a locally held session dies on time', async t => {
  let now = Date.now()
  const { app, login } = await buildTestApp(t, 'local_expiry', { plugin: { now: () => now, tokenTtl: 60_000, idleTtl: 30_000 } })
  const { token } = await login('gus')
  const me = async () => (await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode
  t.equal(await me(), 200)
  t.equal(await me(), 200)
  now += 30_001
  t.equal(await me(), 401, 'idle expiry applies to the local copy')
})

t.test('a local copy that looks idle asks the shared record: use on another instance counts', async t => {
  let now = Date.now()
  const hour = 3600_000
  const plugin = { now: () => now, idleTtl: 2 * hour, localCache: { ttl: 24 * hour } }
  const a = await buildTestApp(t, 'local_idle_shared', { plugin })
  const b = Fastify()
  t.teardown(() => b.close())
  await b.register(fastifyMysql, { promise: true, connectionString: a.dbUrl })
  await b.register(fastifyRedis, { url: REDIS_URL })
  ignoreRedisErrors(b.redis)
  await b.register(wxLogin, { appId: a.mock.apps[0]!.appId, appSecret: a.mock.apps[0]!.appSecret, apiBase: a.mock.url, redisPrefix: a.redisPrefix, ...plugin })
  b.get('/api/me', { onRequest: b.wxLogin.authenticate }, async request => request.user)
  await b.ready()
  await sleep(100)

  const { token } = await a.login('hana')
  const onB = async () => (await b.inject({ url: '/api/me', headers: bearer(token) })).statusCode
  t.equal(await onB(), 200, 'B holds a copy')
  now += 1.5 * hour
  t.equal((await a.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200, 'used on A')
  await sleep(1200) // last-seen writes are batched every second
  now += 1.5 * hour
  t.equal(await onB(), 200, 'B\'s copy looks idle, but the record shows the use on A')
  now += 2 * hour + 1
  t.equal(await onB(), 401, 'idle everywhere: refused')
})
