import type { Cluster } from 'ioredis'
import t from 'tap'
import { displayUrl } from '../src/config.js'
import { createRedisClient, deleteKeysUnder, describeRedis, readRedisTopology } from '../src/redis-topology.js'
import { probeRedis } from '../src/services.js'
import { startRedisCluster } from '../../../packages/fastify/test/fixtures/redis-cluster.js'
import { startRedisSentinel } from '../../../packages/fastify/test/fixtures/redis-sentinel.js'
import { bearer, startDemo } from './fixtures/demo.js'

const URL = 'redis://127.0.0.1:6379'

t.test('REDIS_CLUSTER_NODES, REDIS_SENTINELS + REDIS_SENTINEL_NAME, else REDIS_URL', async t => {
  t.same(readRedisTopology({}, URL), { kind: 'single', url: URL })
  t.same(readRedisTopology({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002' }, URL),
    { kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: '::1', port: 7002 }] })
  t.same(readRedisTopology({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster' }, URL),
    { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'mymaster' })
  t.throws(() => readRedisTopology({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' }, URL), /not both/)
  t.throws(() => readRedisTopology({ REDIS_SENTINELS: 'b:2' }, URL), /REDIS_SENTINEL_NAME/)
  t.throws(() => readRedisTopology({ REDIS_SENTINEL_NAME: 'm' }, URL), /REDIS_SENTINELS/)
  t.throws(() => readRedisTopology({ REDIS_CLUSTER_NODES: 'nohost' }, URL), /host:port/)
  t.throws(() => readRedisTopology({ REDIS_CLUSTER_NODES: 'a:99999' }, URL), /host:port/)
  t.throws(() => readRedisTopology({ REDIS_CLUSTER_NODES: ' , ' }, URL), /no node/)
  t.equal(describeRedis({ kind: 'cluster', nodes: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }] }, displayUrl), 'Cluster a:1,b:2')
  t.equal(describeRedis({ kind: 'sentinel', sentinels: [{ host: 's', port: 3 }], name: 'm' }, displayUrl), 'Sentinel m via s:3')
  t.equal(describeRedis({ kind: 'single', url: 'redis://:pw@h:6379' }, displayUrl), 'redis://:***@h:6379')
})

t.test('the demo on a Redis Cluster: probed, logs in, and its keys can be cleared on every primary', async t => {
  const cluster = await startRedisCluster(t)
  const topology = { kind: 'cluster' as const, nodes: cluster.startupNodes }
  t.same(await probeRedis(topology, 1500), { ok: true })
  const { app, mock, redisPrefix } = await startDemo(t, 'cluster', { redis: topology })
  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('ann') } })
  t.equal(login.statusCode, 200)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(login.json().token) })).statusCode, 200)

  const redis = createRedisClient(topology)
  t.teardown(() => redis.disconnect())
  await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map(k => redis.set(`${redisPrefix}extra:${k}`, '1')))
  await deleteKeysUnder(redis, redisPrefix)
  const primaries = (redis as Cluster).nodes('master')
  t.equal(primaries.length, 3)
  for (const primary of primaries) t.same(await primary.keys(`${redisPrefix}*`), [], 'nothing left on this primary')
})

t.test('the demo on a Sentinel-managed primary: probed and logs in', async t => {
  const sentinel = await startRedisSentinel(t)
  const topology = { kind: 'sentinel' as const, sentinels: sentinel.sentinels, name: sentinel.name }
  t.same(await probeRedis(topology, 1500), { ok: true })
  t.equal((await probeRedis({ ...topology, name: 'nobody' }, 1500)).ok, false, 'an unknown name is not a primary')
  const { app, mock } = await startDemo(t, 'sentinel', { redis: topology })
  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('bea') } })
  t.equal(login.statusCode, 200)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(login.json().token) })).statusCode, 200)
})
