import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTestApp, type TestAppOptions } from './fixtures/app.js'
import { REDIS_URL, testRedis } from './fixtures/services.js'

// A host app that registers @fastify/rate-limit for its own routes, with its
// own in-memory store, must not take over or break wx-login's limits.

const LOGIN = '/auth/wechat/login'
const rateLimit = { perIp: { max: 2, timeWindow: 60_000 }, perCode: false as const }

const hostLimit = (global: boolean) => async (app: FastifyInstance) => {
  await app.register(fastifyRateLimit, { global, max: 1000, timeWindow: 60_000 })
}

for (const global of [false, true]) {
  for (const order of ['before', 'after'] as const) {
    t.test(`host registers @fastify/rate-limit (global: ${global}) ${order} wx-login: our limits still count in our Redis`, async t => {
      const name = `host_rl_${global ? 'g' : 'r'}_${order}`
      const host: TestAppOptions = order === 'before'
        ? { before: hostLimit(global) }
        : { setup: app => { void app.register(hostLimit(global)) } }
      const a = await buildTestApp(t, name, { ...host, plugin: { rateLimit } })
      const b = await buildTestApp(t, `${name}_b`, { ...host, mock: a.mock, plugin: { rateLimit, redisPrefix: a.redisPrefix } })
      const redis = testRedis(REDIS_URL)
      t.teardown(() => redis.quit())
      const key = `${a.redisPrefix}rate:ip:10.7.7.7`
      const post = (app: FastifyInstance) => app.inject({ method: 'POST', url: LOGIN, remoteAddress: '10.7.7.7', payload: { code: a.mock.mintCode('hana') } })

      t.equal((await post(a.app)).statusCode, 200)
      t.equal(await redis.get(key), '1', 'counted under our Redis prefix')
      t.equal((await post(b.app)).statusCode, 200)
      t.equal(await redis.get(key), '2', 'the other instance counts in the same key')
      const limited = await post(a.app)
      t.equal(limited.statusCode, 429, 'the shared budget is spent')
      t.equal(limited.json().code, 'FST_WX_LOGIN_RATE_LIMITED')
      t.ok(Number(limited.headers['retry-after']) > 0)
      t.equal((await a.app.inject({ method: 'GET', url: '/api/ping' })).statusCode, 200, 'the host app runs on')
    })
  }
}

t.test('the host\'s own limiter refusing one of our routes still answers our 429', async t => {
  const { app } = await buildTestApp(t, 'host_rl_refuses', {
    before: async app => { await app.register(fastifyRateLimit, { global: true, max: 1, timeWindow: 60_000 }) },
    plugin: { rateLimit: false }
  })
  const post = () => app.inject({ method: 'POST', url: LOGIN, payload: {} })
  t.equal((await post()).statusCode, 400)
  const refused = await post()
  t.equal(refused.statusCode, 429)
  t.equal(refused.json().code, 'FST_WX_LOGIN_RATE_LIMITED')
  t.ok(Number(refused.headers['retry-after']) > 0, 'with the host limiter\'s wait')
})
