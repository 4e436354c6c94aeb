import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import { REDIS_URL, startOwnRedis, testRedis } from './fixtures/services.js'

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

t.test('IPv6 counts per /64, and IPv4 mapped into IPv6 counts as the IPv4 address', async t => {
  const { app, mock, redisPrefix } = await buildTestApp(t, 'rate_ipv6', { plugin: { rateLimit: { perIp: { max: 3, timeWindow: 60_000 }, perCode: false } } })
  const post = (ip: string) => app.inject({ method: 'POST', url: LOGIN, remoteAddress: ip, payload: { code: mock.mintCode('ivan') } })
  for (const ip of ['2001:db8:1:2::2', '2001:db8:1:2::3', '2001:DB8:1:2:ffff:0:0:4']) t.equal((await post(ip)).statusCode, 200, ip)
  const rotated = await post('2001:0db8:0001:0002:abcd::5')
  t.equal(rotated.statusCode, 429, 'a fresh address in the same /64 gets no fresh budget')
  t.equal(rotated.json().code, 'FST_WX_LOGIN_RATE_LIMITED')
  t.equal((await post('2001:db8:1:3::2')).statusCode, 200, 'the next /64 is another client')

  t.equal((await post('10.3.3.3')).statusCode, 200)
  t.equal((await post('::ffff:10.3.3.3')).statusCode, 200)
  t.equal((await post('::FFFF:a03:303')).statusCode, 200)
  t.equal((await post('::ffff:10.3.3.3')).statusCode, 429, 'mapped and plain IPv4 share one budget')
  t.equal((await post('10.3.3.3')).statusCode, 429)

  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  t.equal(await redis.get(`${redisPrefix}rate:ip:2001:db8:1:2::/64`), '4', 'counted in Redis under the /64')
  t.equal(await redis.get(`${redisPrefix}rate:ip:10.3.3.3`), '5')
  t.equal(mock.calls('/sns/jscode2session').length, 7, 'the limited logins never reached WeChat')
})

t.test('a real IPv6 loopback client is counted under its /64', async t => {
  const { app, mock, redisPrefix } = await buildTestApp(t, 'rate_ipv6_socket', { plugin: { rateLimit: { perIp: { max: 1, timeWindow: 60_000 }, perCode: false } } })
  try {
    await app.listen({ host: '::1', port: 0 })
  } catch (err) {
    t.pass(`no IPv6 loopback here: ${(err as Error).message}`, { skip: true })
    return
  }
  const { port } = app.server.address() as { port: number }
  const post = () => fetch(`http://[::1]:${port}${LOGIN}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: mock.mintCode('ivy') })
  })
  t.equal((await post()).status, 200)
  const limited = await post()
  t.equal(limited.status, 429)
  t.ok(Number(limited.headers.get('retry-after')) > 0)
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  t.equal(await redis.get(`${redisPrefix}rate:ip:0:0:0:0::/64`), '2')
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
  const redis = testRedis(REDIS_URL)
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

t.test('Redis hung: the phone limit is counted per instance and does not stall', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, mock, login } = await buildTestApp(t, 'rate_phone_down', {
    redisUrl: redis.url,
    plugin: { rateLimit: { perIp: false, perCode: false, perUserPhone: { max: 1, timeWindow: 60_000 } } }
  })
  const { token } = await login('pete')
  await app.wxLogin.accessToken()
  redis.pause()
  t.teardown(() => redis.resume())
  const post = () => app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code: mock.mintPhoneCode('pete', '13800138000') } })
  const started = Date.now()
  t.equal((await post()).statusCode, 200)
  const limited = await post()
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'FST_WX_LOGIN_PHONE_RATE_LIMITED')
  t.ok(Date.now() - started < 3000, `without waiting on the hung Redis (${Date.now() - started} ms)`)
})
