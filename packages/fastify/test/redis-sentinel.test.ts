import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import { trafficThroughFailover } from './fixtures/failover-traffic.js'
import { startRedisSentinel } from './fixtures/redis-sentinel.js'

// One primary, one replica, three sentinels, on private ports.
const sentinel = await startRedisSentinel(t)

t.test('two instances on a Sentinel-managed primary share sessions and revocations', async t => {
  const a = await buildTestApp(t, 'sentinel_sessions', { redisClient: () => sentinel.client() })
  const b = await buildTestApp(t, 'sentinel_sessions_b', { instanceOf: a, redisClient: () => sentinel.client() })
  const { token } = await a.login('alice')
  t.equal((await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
  t.equal((await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200, 'warm on B')
  t.equal((await a.app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(token) })).statusCode, 204)
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal((await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 401, 'the logout on A is refused by B')
})

t.test('the primary killed during traffic: answered throughout, no logout lost, no revoked token accepted', async t => {
  // As an application would configure ioredis for a cache: give up on a command fast.
  const client = () => sentinel.client({ maxRetriesPerRequest: 1, retryStrategy: () => 100 })
  const a = await buildTestApp(t, 'sentinel_failover', { redisClient: client, plugin: { rateLimit: false } })
  const b = await buildTestApp(t, 'sentinel_failover_b', { instanceOf: a, redisClient: client, plugin: { rateLimit: false } })
  let killed = 0
  const reader = sentinel.client()
  await trafficThroughFailover(t, {
    instances: [a, b],
    async killPrimaryOf () {
      killed = await sentinel.primary()
      await sentinel.kill(killed)
    },
    async recovered () {
      await sentinel.waitForFailover(killed)
    },
    cachedCopy: key => reader.get(key)
  })
})
