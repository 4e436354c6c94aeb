import { Redis } from 'ioredis'
import t from 'tap'
import { buildTestApp } from './fixtures/app.js'
import { REDIS_URL, startOwnRedis } from './fixtures/services.js'

const LOGIN = '/auth/wechat/login'

t.test('logins are limited per IP, shared by instances through Redis', async t => {
  const rateLimit = { perIp: { max: 3, timeWindow: 60_000 }, perCode: false as const }
  const a = await buildTestApp(t, 'rate_ip', { plugin: { rateLimit } })
  const b = await buildTestApp(t, 'rate_ip_b', { mock: a.mock, plugin: { rateLimit, redisPrefix: a.redisPrefix } })
  const post = (app: typeof a.app, ip: string) => app.inject({ method: 'POST', url: LOGIN, remoteAddress: ip, payload: { code: a.mock.mintCode('alice') } })
  t.equal((await post(a.app, '10.1.1.1')).statusCode, 200)
  t.equal((await post(b.app, '10.1.1.1')).statusCode, 200)
  t.equal((await post(a.app, '10.1.1.1')).statusCode, 200)
  const limited = await post(b.app, '10.1.1.1')
  t.equal(limited.statusCode, 429, 'the 4th login from one IP, on another instance')
  t.equal(limited.json().code, 'FST_WX_LOGIN_RATE_LIMITED')
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${retryAfter}`)
  t.equal((await post(a.app, '10.1.1.2')).statusCode, 200, 'another IP is not affected')
  t.equal(a.mock.calls('/sns/jscode2session').length, 4, 'the limited login never reached WeChat')
})

t.test('logins are limited per code', async t => {
  const { app, mock } = await buildTestApp(t, 'rate_code', { plugin: { rateLimit: { perIp: false, perCode: { max: 2, timeWindow: 60_000 } } } })
  const code = mock.mintCode('bob')
  const post = () => app.inject({ method: 'POST', url: LOGIN, payload: { code } })
  t.equal((await post()).statusCode, 200)
  t.equal((await post()).json().code, 'FST_WX_LOGIN_CODE_USED', 'a replay is refused, and counted')
  const third = await post()
  t.equal(third.statusCode, 429)
  t.equal(third.json().code, 'FST_WX_LOGIN_RATE_LIMITED')
  t.equal((await app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('bob') } })).statusCode, 200, 'a new code is fine')
})

t.test('rateLimit: false turns the limits off', async t => {
  const { app, mock, redisPrefix } = await buildTestApp(t, 'rate_off', { plugin: { rateLimit: false } })
  for (let i = 0; i < 5; i++) {
    t.equal((await app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('carl') } })).statusCode, 200)
  }
  const redis = new Redis(REDIS_URL)
  t.teardown(() => redis.quit())
  t.same(await redis.keys(`${redisPrefix}rate:*`), [], 'nothing counted')
})

t.test('Redis down: limits are counted per instance and logins go on', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, mock } = await buildTestApp(t, 'rate_down', {
    redisUrl: redis.url,
    plugin: { rateLimit: { perIp: { max: 2, timeWindow: 60_000 }, perCode: false } }
  })
  redis.pause()
  t.teardown(() => redis.resume())
  const post = () => app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('dora') } })
  const started = Date.now()
  t.equal((await post()).statusCode, 200)
  t.equal((await post()).statusCode, 200)
  t.equal((await post()).statusCode, 429, 'still limited, on this instance\'s own count')
  t.ok(Date.now() - started < 2000, 'without waiting on the hung Redis')
})
