import { startWechatMock } from '@wx-login/wechat-mock'
import t from 'tap'
import { buildTestApp, type TestApp } from './fixtures/app.js'
import { clearRedisPrefix, REDIS_URL, startOwnRedis, testRedis } from './fixtures/services.js'

const STABLE_TOKEN = '/cgi-bin/stable_token'
const PHONE = '/wxa/business/getuserphonenumber'
const forceRefreshOf = (mock: TestApp['mock']): unknown[] => mock.calls(STABLE_TOKEN).map(call => (call.body as { force_refresh: unknown }).force_refresh)

// ioredis as an application would configure it for a cache: reconnect
// forever, do not queue commands while offline.
const resilient = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 }

t.test('four instances sharing one Redis ask at once: one stable_token call', async t => {
  const mock = await startWechatMock()
  const redisPrefix = 'wxl-test:token_shared:'
  t.teardown(async () => { await mock.close(); await clearRedisPrefix(redisPrefix) })
  const instances = await Promise.all([0, 1, 2, 3].map(i => buildTestApp(t, `token_shared_${i}`, { mock, plugin: { redisPrefix } })))

  const asks = instances.flatMap(({ app }) => [app.wxLogin.accessToken(), app.wxLogin.accessToken()])
  const tokens = await Promise.all(asks)
  t.equal(new Set(tokens).size, 1, 'every instance got the same token')
  t.equal(mock.calls(STABLE_TOKEN).length, 1, 'exactly one stable_token call at WeChat')
  t.same(forceRefreshOf(mock), [false], 'normal mode')

  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  const shared = JSON.parse((await redis.get(`${redisPrefix}access-token:${mock.apps[0]!.appId}`))!)
  t.equal(shared.token, tokens[0], 'the token is shared through Redis')
  t.ok(await redis.pttl(`${redisPrefix}access-token:${mock.apps[0]!.appId}`) > 7000_000, 'with its remaining lifetime as TTL')
  t.equal(await redis.exists(`${redisPrefix}access-token:${mock.apps[0]!.appId}:lock`), 0, 'the lock is released')

  // A fifth instance, started later, reads it from Redis.
  const late = await buildTestApp(t, 'token_shared_late', { mock, plugin: { redisPrefix } })
  t.equal(await late.app.wxLogin.accessToken(), tokens[0])
  t.equal(mock.calls(STABLE_TOKEN).length, 1, 'still one call')
  for (const { logs } of [...instances, late]) t.notOk(logs.join('').includes(tokens[0]!), 'the token is never logged')
})

t.test('a token close to its expiry is refreshed ahead of it', async t => {
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  const { app } = await buildTestApp(t, 'token_expiry', { mock, plugin: { now: () => mock.now() } })
  const first = await app.wxLogin.accessToken()
  mock.advanceTime(3600_000)
  t.equal(await app.wxLogin.accessToken(), first, 'an hour later: still cached')
  t.equal(mock.calls(STABLE_TOKEN).length, 1)

  mock.advanceTime(3500_000)
  const second = await app.wxLogin.accessToken()
  t.not(second, first, '100 s before expiry: a new token')
  t.equal(mock.calls(STABLE_TOKEN).length, 2)
  t.same(forceRefreshOf(mock), [false, false], 'no force_refresh needed')
})

t.test('a token WeChat rejects is dropped, refetched and the call retried once', async t => {
  const { app, mock, login } = await buildTestApp(t, 'token_rejected')
  const { token } = await login('alice')
  const phone = (number: string) => app.inject({
    method: 'POST', url: '/auth/wechat/phone', headers: { authorization: `Bearer ${token}` }, payload: { code: mock.mintPhoneCode('alice', number) }
  })

  t.equal((await phone('13800138000')).statusCode, 200)
  t.equal(mock.calls(STABLE_TOKEN).length, 1)

  // WeChat says 40001 while stable_token keeps returning that token: force_refresh.
  mock.addFault({ path: PHONE, errcode: 40001 })
  const forced = await phone('13800138001')
  t.equal(forced.statusCode, 200, '40001 recovers')
  t.equal(forced.json().purePhoneNumber, '13800138001')
  t.same(forceRefreshOf(mock), [false, false, true], 'plain refetch first, force_refresh only when it returned the bad token')

  // Someone else force-refreshed: our token is really dead, a plain refetch replaces it.
  const res = await fetch(`${mock.url}${STABLE_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: mock.apps[0]!.appId, secret: mock.apps[0]!.appSecret, force_refresh: true })
  })
  t.equal(res.status, 200)
  mock.clearCalls()
  t.equal((await phone('13800138002')).statusCode, 200, 'a replaced token recovers')
  t.same(forceRefreshOf(mock).slice(0, 1), [false], 'with a plain refetch')
  t.same(mock.calls(PHONE).map(call => call.errcode), [40001, 0], 'the call is retried once')

  // Still rejected after the new token: no loop, a 502.
  mock.clearCalls()
  mock.addFault({ path: PHONE, errcode: 42001, times: 2 })
  const twice = await phone('13800138003')
  t.equal(twice.statusCode, 502)
  t.equal(twice.json().code, 'FST_WX_LOGIN_WECHAT_ERROR')
  t.equal(mock.calls(PHONE).length, 2, 'one retry only')
})

t.test('stable_token errors', async t => {
  const { app, mock } = await buildTestApp(t, 'token_errors', { plugin: { wechatRetries: 1 } })
  const cases: Array<[Parameters<typeof mock.addFault>[0], string]> = [
    [{ path: STABLE_TOKEN, errcode: 40125 }, 'FST_WX_LOGIN_CONFIG'],
    [{ path: STABLE_TOKEN, errcode: -1, times: 2 }, 'FST_WX_LOGIN_WECHAT_BUSY'],
    [{ path: STABLE_TOKEN, errcode: 45009 }, 'FST_WX_LOGIN_WECHAT_ERROR'],
    [{ path: STABLE_TOKEN, status: 500 }, 'FST_WX_LOGIN_WECHAT_UNREACHABLE']
  ]
  for (const [fault, code] of cases) {
    mock.clearFaults()
    mock.addFault(fault)
    await t.rejects(app.wxLogin.accessToken(), { code }, code)
  }
  mock.clearFaults()
  mock.addFault({ path: STABLE_TOKEN, errcode: -1 })
  t.type(await app.wxLogin.accessToken(), 'string', 'one busy answer is retried')
  await t.rejects(app.wxLogin.accessToken('wx-not-ours'), { code: 'FST_WX_LOGIN_UNKNOWN_APP' })
})

t.test('Redis down: each instance fetches directly, with a warning, without invalidating the others', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  const redisPrefix = 'wxl-test:token_outage:'
  const a = await buildTestApp(t, 'token_outage_a', { mock, redisUrl: redis.url, redis: resilient, plugin: { redisPrefix } })
  const b = await buildTestApp(t, 'token_outage_b', { mock, redisUrl: redis.url, redis: resilient, plugin: { redisPrefix } })
  await redis.stop()

  const fromA = await Promise.all([a.app.wxLogin.accessToken(), a.app.wxLogin.accessToken(), a.app.wxLogin.accessToken()])
  t.equal(mock.calls(STABLE_TOKEN).length, 1, 'one call for three concurrent asks in one instance')
  const fromB = await b.app.wxLogin.accessToken()
  t.equal(mock.calls(STABLE_TOKEN).length, 2, 'one more for the other instance')
  t.equal(fromB, fromA[0], 'stable_token normal mode hands both the same token')
  t.same(forceRefreshOf(mock), [false, false], 'no instance forced a refresh')
  t.match(a.logs.join(''), /Redis unavailable; fetching the access_token directly/, 'a warning')

  // A's token still works after B fetched: nobody was invalidated.
  const { token } = await a.login('alice')
  const phone = await a.app.inject({
    method: 'POST', url: '/auth/wechat/phone', headers: { authorization: `Bearer ${token}` }, payload: { code: mock.mintPhoneCode('alice', '13800138000') }
  })
  t.equal(phone.statusCode, 200)
  t.equal(mock.calls(STABLE_TOKEN).length, 2)

  // Back up, so the apps can close their clients cleanly.
  await redis.start()
  await new Promise(resolve => setTimeout(resolve, 300))
})

t.test('Redis hung: the token is fetched directly after a short wait', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, mock, logs } = await buildTestApp(t, 'token_hung', { redisUrl: redis.url, plugin: { redisTimeout: 100 } })
  redis.pause()
  t.teardown(() => redis.resume())
  const started = Date.now()
  t.type(await app.wxLogin.accessToken(), 'string')
  t.ok(Date.now() - started < 1000, 'in under a second')
  t.equal(mock.calls(STABLE_TOKEN).length, 1)
  t.match(logs.join(''), /Redis unavailable/)
})

t.test('a refresh lock held by a hung instance delays the token by the wait deadline, not the lock\'s lifetime', async t => {
  const { app, mock, redisPrefix, logs } = await buildTestApp(t, 'token_lock_held', { plugin: { wechatTimeout: 1000 } })
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  const key = `${redisPrefix}access-token:${mock.apps[0]!.appId}`
  // Another instance took the lock and hangs; the lock would live a minute.
  await redis.set(`${key}:lock`, 'hung-instance', 'PX', 60_000)

  const started = Date.now()
  const token = await app.wxLogin.accessToken()
  const waited = Date.now() - started
  t.ok(waited >= 900, 'it waited for the holder up to the deadline (wechatTimeout)')
  t.ok(waited < 5000, 'then fetched directly, well before the lock lapses')
  t.same(forceRefreshOf(mock), [false], 'one stable_token call, normal mode')
  t.match(logs.join(''), /held the access_token lock too long; fetching the access_token directly/)
  t.equal(await redis.exists(key), 0, 'cached in this instance only: sharing is the holder\'s job')
  t.equal(await redis.get(`${key}:lock`), 'hung-instance', 'the lock is left to its holder')

  t.equal(await app.wxLogin.accessToken(), token, 'asked again: from memory')
  t.equal(mock.calls(STABLE_TOKEN).length, 1)
})
