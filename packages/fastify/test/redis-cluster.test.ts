import type { Cluster } from 'ioredis'
import t from 'tap'
import { hashToken } from '../src/index.js'
import { bearer, buildTestApp, type TestApp } from './fixtures/app.js'
import { trafficThroughFailover } from './fixtures/failover-traffic.js'
import { startRedisCluster } from './fixtures/redis-cluster.js'
import { waitFor } from './fixtures/wait.js'

const LOGIN = '/auth/wechat/login'

// Three primaries, three replicas, on private ports; one cluster for the whole file.
const cluster = await startRedisCluster(t)

async function twoInstances (name: string, plugin: Record<string, unknown> = {}): Promise<[TestApp, TestApp]> {
  const a = await buildTestApp(t, name, { redisClient: () => cluster.client(), plugin })
  const b = await buildTestApp(t, `${name}_b`, { instanceOf: a, redisClient: () => cluster.client(), plugin })
  return [a, b]
}


t.test('two instances on a cluster: login, cold and warm checks, logout and logout-all seen by the other', async t => {
  const [a, b] = await twoInstances('cluster_sessions')
  const me = async (x: TestApp, token: string) => (await x.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode

  const tokens = await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map(user => a.login(user)))
  const primaries = await Promise.all(tokens.map(x => cluster.primaryOf(`${a.redisPrefix}session:{${hashToken(x.token)}}`)))
  t.ok(new Set(primaries).size > 1, `the sessions' copies live on ${new Set(primaries).size} different primaries`)
  for (const { token } of tokens) {
    t.equal(await me(b, token), 200, 'cold on B: from the cluster')
    t.equal(await me(b, token), 200, 'warm on B: from its local cache')
  }

  const [one, two] = tokens as [typeof tokens[0], typeof tokens[1]]
  t.equal((await a.app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(one.token) })).statusCode, 204)
  const delay = await waitFor(async () => await me(b, one.token) === 401, 2000)
  t.ok(delay < 200, `logout on A refused by B after ${delay} ms`)

  const again = await b.login('bob')
  t.equal(await me(a, again.token), 200)
  t.equal((await b.app.inject({ method: 'POST', url: '/auth/wechat/logout-all', headers: bearer(two.token) })).statusCode, 204)
  const allDelay = await waitFor(async () => await me(a, two.token) === 401 && await me(a, again.token) === 401, 2000)
  t.ok(allDelay < 200, `logout-all on B refused by A after ${allDelay} ms`)
  for (const { token } of tokens.slice(2)) t.equal(await me(a, token), 200, 'the others stay logged in')
})

t.test('a ban on one instance is refused by the other, sessions and logins', async t => {
  const [a, b] = await twoInstances('cluster_ban')
  const { token, user } = await a.login('mallory')
  t.equal((await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
  t.equal((await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200, 'held locally by B')
  await a.app.wxLogin.ban(user.id, { reason: 'test' })
  const delay = await waitFor(async () => (await b.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode === 403, 2000)
  t.ok(delay < 200, `the banned user's session is refused by B after ${delay} ms`)
  const relogin = await b.app.inject({ method: 'POST', url: LOGIN, payload: { code: a.mock.mintCode('mallory') } })
  t.equal(relogin.statusCode, 403, 'and B refuses the login')
})

t.test('the code exchange and the access_token lock are shared over the cluster', async t => {
  const [a, b] = await twoInstances('cluster_locks', { rateLimit: false })
  const code = a.mock.mintCode('grace')
  a.mock.addFault({ path: '/sns/jscode2session', delayMs: 200 })
  const answers = await Promise.all([a.app, b.app, a.app, b.app].map(app => app.inject({ method: 'POST', url: LOGIN, payload: { code } })))
  t.same(answers.map(r => r.statusCode), [200, 200, 200, 200], 'four posts of one code on two instances')
  t.equal(a.mock.calls('/sns/jscode2session').length, 1, 'one code2Session call')
  const replay = await b.app.inject({ method: 'POST', url: LOGIN, payload: { code } })
  t.equal(replay.json().code, 'FST_WX_LOGIN_CODE_USED', 'a replay is refused')

  const tokens = await Promise.all([a, b, a, b].map(x => x.app.wxLogin.accessToken()))
  t.equal(new Set(tokens).size, 1)
  t.equal(a.mock.calls('/cgi-bin/stable_token').length, 1, 'one stable_token call for both instances')
  const redis = cluster.client()
  t.equal(await redis.exists(`${a.redisPrefix}access-token:${a.mock.apps[0]!.appId}:lock`), 0, 'the lock is released')
})

t.test('rate limits are counted once over the cluster', async t => {
  const rateLimit = { perIp: { max: 3, timeWindow: 60_000 }, perCode: false as const }
  const [a, b] = await twoInstances('cluster_rate', { rateLimit })
  const post = (x: TestApp) => x.app.inject({ method: 'POST', url: LOGIN, remoteAddress: '10.9.9.9', payload: { code: a.mock.mintCode('heidi') } })
  t.same([(await post(a)).statusCode, (await post(b)).statusCode, (await post(a)).statusCode, (await post(b)).statusCode], [200, 200, 200, 429])
})

t.test('a primary killed during traffic: answered throughout, no logout lost, no revoked token accepted', async t => {
  // As an application would configure ioredis for a cache: give up on a command fast.
  const client = (): Cluster => cluster.client({ redisOptions: { maxRetriesPerRequest: 1 } })
  const a = await buildTestApp(t, 'cluster_failover', { redisClient: client, plugin: { rateLimit: false } })
  const b = await buildTestApp(t, 'cluster_failover_b', { instanceOf: a, redisClient: client, plugin: { rateLimit: false } })
  let killed = 0
  let victim = ''
  const reader = cluster.client()
  await trafficThroughFailover(t, {
    instances: [a, b],
    async killPrimaryOf (key) {
      victim = key
      killed = await cluster.primaryOf(key)
      await cluster.kill(killed)
    },
    async recovered () {
      await cluster.waitForFailover(victim, killed)
    },
    cachedCopy: key => reader.get(key)
  })
})
