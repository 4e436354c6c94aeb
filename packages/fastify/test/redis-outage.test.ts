import t from 'tap'
import { hashToken } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { startOwnRedis, testRedis } from './fixtures/services.js'

// ioredis as an application would configure it for a cache: reconnect
// forever, do not queue commands while offline.
const resilient = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 }

t.test('Redis stopped: tokens are checked against MySQL and logins go on', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, login } = await buildTestApp(t, 'outage_stopped', { redisUrl: redis.url, redis: resilient })
  const before = await login('alice')

  await redis.stop()
  const started = Date.now()
  const me = await app.inject({ url: '/api/me', headers: bearer(before.token) })
  t.equal(me.statusCode, 200, 'authenticated from MySQL')
  t.ok(Date.now() - started < 1000, 'in under a second')
  const during = await login('alice')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(during.token) })).statusCode, 200, 'a login during the outage works')

  const out = await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(before.token) })
  t.equal(out.statusCode, 204, 'logout during the outage')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(before.token) })).statusCode, 401)

  await redis.start()
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal((await app.inject({ url: '/api/me', headers: bearer(before.token) })).statusCode, 401, 'the logout holds after Redis returns')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(during.token) })).statusCode, 200)
})

t.test('Redis hung: a logout made during the hang holds once Redis resumes with the old entry', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, redisPrefix, login } = await buildTestApp(t, 'outage_hung', { redisUrl: redis.url, plugin: { redisTimeout: 100 } })
  const { token } = await login('bob')
  const key = `${redisPrefix}session:{${hashToken(token)}}`

  redis.pause()
  const started = Date.now()
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200, 'answered while Redis hangs')
  t.ok(Date.now() - started < 1000, 'in under a second')
  t.equal((await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(token) })).statusCode, 204)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 401, 'refused right away')
  redis.resume()

  const direct = testRedis(redis.url)
  t.teardown(() => direct.quit())
  for (let i = 0; i < 40 && await direct.exists(key) === 1; i++) await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(await direct.exists(key), 0, 'the stale Redis entry is deleted once Redis answers')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 401, 'and the logout holds')
})
