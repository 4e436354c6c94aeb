import t from 'tap'
import { Agent, request } from 'undici'
import { bearer, buildTestApp } from './fixtures/app.js'
import { startOwnRedis } from './fixtures/services.js'

t.test('Redis hung: logins go on and tokens are checked, each in under a second', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const { app, login } = await buildTestApp(t, 'faults_hung_login', { redisUrl: redis.url })
  const before = await login('alice')
  redis.pause()
  t.teardown(() => redis.resume())
  for (const user of ['alice', 'bob']) {
    const started = Date.now()
    const { token } = await login(user)
    t.ok(Date.now() - started < 1000, `login of ${user} in under a second while Redis hangs`)
    t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
  }
  t.equal((await app.inject({ url: '/api/me', headers: bearer(before.token) })).statusCode, 200, 'an older token too')
})

t.test('a WeChat outage never blocks requests that only check tokens', async t => {
  const { app, mock, login } = await buildTestApp(t, 'faults_wechat_down')
  const { token } = await login('carol')
  await mock.server.close()
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
  t.equal((await app.inject({ url: '/auth/wechat/session', headers: bearer(token) })).statusCode, 200)
})

t.test('graceful shutdown: app.close() lets an in-flight login finish', async t => {
  const { app, mock } = await buildTestApp(t, 'faults_shutdown')
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  mock.addFault({ path: '/sns/jscode2session', delayMs: 400 })
  // A client of its own, closed after the answer: a kept-alive socket would hold close() open.
  const client = new Agent()
  const inFlight = request(`${url}/auth/wechat/login`, {
    dispatcher: client, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: mock.mintCode('dave') })
  })
  await new Promise(resolve => setTimeout(resolve, 100))
  const closing = app.close()
  const res = await inFlight
  t.equal(res.statusCode, 200, 'the login that was under way completes')
  t.match(((await res.body.json()) as { token: string }).token, /^[A-Za-z0-9_-]{43}$/)
  await client.close()
  const started = Date.now()
  await closing
  t.ok(Date.now() - started < 2000, 'close() then finishes promptly')
  await t.rejects(fetch(`${url}/api/ping`), 'no new requests after close')
})
