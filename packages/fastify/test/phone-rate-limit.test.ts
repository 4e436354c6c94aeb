import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import { REDIS_URL, testRedis } from './fixtures/services.js'

const PHONE = '/wxa/business/getuserphonenumber'

t.test('POST /phone is limited per user, 10 an hour by default, shared by instances', async t => {
  const a = await buildTestApp(t, 'phone_rl')
  const b = await buildTestApp(t, 'phone_rl_b', { mock: a.mock, plugin: { redisPrefix: a.redisPrefix } })
  const alice = await a.login('alice')
  const bob = await a.login('bob')
  const post = (app: typeof a.app, token: string, payload: object) => app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload })
  const ask = (app: typeof a.app, user: string, token: string) => post(app, token, { code: a.mock.mintPhoneCode(user, '13800138000') })

  for (const payload of [{}, { code: '' }, { code: 'has space' }]) {
    t.equal((await post(a.app, alice.token, payload)).statusCode, 400, 'a malformed body never reaches WeChat, and is not counted')
  }
  for (let i = 0; i < 10; i++) t.equal((await ask(i % 2 === 0 ? a.app : b.app, 'alice', alice.token)).statusCode, 200, `exchange ${i + 1}`)
  const limited = await ask(b.app, 'alice', alice.token)
  t.equal(limited.statusCode, 429, 'the 11th in the hour, on either instance')
  t.equal(limited.json().code, 'FST_WX_LOGIN_PHONE_RATE_LIMITED')
  t.match(limited.json().message, /phone number/)
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After: ${retryAfter}`)
  t.equal(a.mock.calls(PHONE).length, 10, 'the refused request was never billed')

  t.equal((await ask(b.app, 'bob', bob.token)).statusCode, 200, 'another user is not affected')
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  t.equal(await redis.get(`${a.redisPrefix}rate:phone:${alice.user.id}`), '11', 'counted in Redis per user id')
})

t.test('perUserPhone counts attempts, failed ones too, and can be turned off', async t => {
  const limited = await buildTestApp(t, 'phone_rl_attempts', { plugin: { rateLimit: { perUserPhone: { max: 2, timeWindow: 60_000 } } } })
  const { token } = await limited.login('carol')
  const post = (app: typeof limited.app, code: string) => app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code } })
  t.equal((await post(limited.app, 'not-a-minted-code')).json().code, 'FST_WX_LOGIN_PHONE_CODE_INVALID')
  t.equal((await post(limited.app, limited.mock.mintPhoneCode('carol', '13800138000'))).statusCode, 200)
  const third = await post(limited.app, limited.mock.mintPhoneCode('carol', '13800138000'))
  t.equal(third.statusCode, 429, 'every call to WeChat counts')
  t.ok(Number(third.headers['retry-after']) <= 60)

  const off = await buildTestApp(t, 'phone_rl_off', { plugin: { rateLimit: { perUserPhone: false } } })
  const dave = await off.login('dave')
  for (let i = 0; i < 12; i++) {
    const res = await off.app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(dave.token), payload: { code: off.mock.mintPhoneCode('dave', '13800138000') } })
    t.equal(res.statusCode, 200)
  }
})
