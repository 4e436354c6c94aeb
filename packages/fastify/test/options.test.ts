import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import Fastify from 'fastify'
import t from 'tap'
import { bootError as boot } from './fixtures/boot.js'
import wxLogin, { memoryStores, type SqlClient } from '../src/index.js'
import { clearRedisPrefix, ignoreRedisErrors, MYSQL_URL, REDIS_URL } from './fixtures/services.js'

const good = { appId: 'wxd0e1f2a3b4c5d6e7', appSecret: 's3cr3t', stores: memoryStores() }


t.test('a bad option fails register with a message that names it', async t => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /appId is required/],
    ['no appId', { ...good, appId: undefined }, /appId is required/],
    ['empty appSecret', { ...good, appSecret: '' }, /appSecret is required/],
    ['apiBase not a URL', { ...good, apiBase: 'api.weixin.qq.com' }, /apiBase must be an http\(s\) URL/],
    ['apiBase ftp', { ...good, apiBase: 'ftp://x' }, /apiBase must be an http\(s\) URL/],
    ['negative tokenTtl', { ...good, tokenTtl: -1 }, /tokenTtl must be a positive number/],
    ['idleTtl a string', { ...good, idleTtl: '7d' }, /idleTtl must be a positive number/],
    ['lastSeenInterval zero', { ...good, lastSeenInterval: 0 }, /lastSeenInterval must be a positive number of milliseconds/],
    ['lastSeenInterval past half of idleTtl', { ...good, idleTtl: 60_000, lastSeenInterval: 30_001 }, /lastSeenInterval must be at most half of idleTtl/],
    ['maxSessionsPerUser fraction', { ...good, maxSessionsPerUser: 1.5 }, /maxSessionsPerUser must be a whole number/],
    ['wechatRetries too many', { ...good, wechatRetries: 50 }, /wechatRetries must be a whole number from 0 to 5/],
    ['autoRegister a string', { ...good, autoRegister: 'yes' }, /autoRegister must be a boolean/],
    ['tablePrefix with SQL', { ...good, tablePrefix: 'x`; DROP' }, /tablePrefix must be a string matching/],
    ['prefix without slash', { ...good, prefix: 'auth' }, /prefix must be a string matching/],
    ['decoratorName not an identifier', { ...good, decoratorName: 'my user' }, /decoratorName must be a string matching/],
    ['findUser not a function', { ...good, findUser: 'x', createUser: async () => ({ id: 1 }) }, /findUser must be a function/],
    ['createUser alone', { ...good, createUser: async () => ({ id: 1 }) }, /createUser needs findUser/],
    ['findUser alone', { ...good, findUser: async () => null }, /findUser needs createUser/],
    ['now not a function', { ...good, now: 5 }, /now must be a function/],
    ['stores incomplete', { ...good, stores: { users: {} } }, /stores must be/],
    ['rateLimit a number', { ...good, rateLimit: 5 }, /rateLimit must be false or \{ perIp, perCode, perUserPhone \}/],
    ['rateLimit.perIp a string', { ...good, rateLimit: { perIp: 'x' } }, /rateLimit.perIp must be false or \{ max, timeWindow \}/],
    ['rateLimit.perCode.max negative', { ...good, rateLimit: { perCode: { max: -1 } } }, /rateLimit.perCode.max must be a positive number of requests/],
    ['rateLimit.perUserPhone true', { ...good, rateLimit: { perUserPhone: true } }, /rateLimit.perUserPhone must be false or \{ max, timeWindow \}/],
    ['rateLimit.perUserPhone.max zero', { ...good, rateLimit: { perUserPhone: { max: 0 } } }, /rateLimit.perUserPhone.max must be a positive number of requests/],
    ['rateLimit.perUserPhone.timeWindow a string', { ...good, rateLimit: { perUserPhone: { timeWindow: '1h' } } }, /rateLimit.perUserPhone.timeWindow must be a positive number of milliseconds/],
    ['localCache a string', { ...good, localCache: 'on' }, /localCache must be false or/],
    ['localCache.ttl zero', { ...good, localCache: { ttl: 0 } }, /localCache.ttl must be a positive number/],
    ['localCache.maxBytes past 4 GiB', { ...good, localCache: { maxBytes: 5 * 1024 ** 3 } }, /localCache.maxBytes must be at most 4 GiB/]
  ]
  for (const [name, options, message] of cases) {
    const err = await boot(options)
    t.match(err?.message, message, name)
    t.match(err?.message, /^@wx-login\/fastify: /, `${name}: says which plugin`)
  }
  t.equal(await boot({ ...good, findUser: async () => null, autoRegister: false }), null, 'findUser alone is fine without autoRegister')
})

t.test('without stores, @fastify/mysql and @fastify/redis must be registered first', async t => {
  const { stores: _stores, ...noStores } = good
  t.match((await boot(noStores))?.message, /register @fastify\/mysql with \{ promise: true \}/)

  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyMysql, { promise: true, connectionString: `${MYSQL_URL}/test` })
  await t.rejects(async () => { await app.register(wxLogin, noStores) }, /register @fastify\/redis before this plugin/)
})

t.test('migrate: false leaves the schema to the application', async t => {
  const app = Fastify()
  t.teardown(async () => { await app.close(); await clearRedisPrefix('wxl-test:opts:') })
  await app.register(fastifyMysql, { promise: true, connectionString: `${MYSQL_URL}/test` })
  await app.register(fastifyRedis, { url: REDIS_URL })
  ignoreRedisErrors(app.redis)
  await app.register(wxLogin, { appId: 'wx1', appSecret: 's', migrate: false, tablePrefix: 'wxl_never_', redisPrefix: 'wxl-test:opts:' })
  await app.ready()
  const [rows] = await (app as unknown as { mysql: SqlClient }).mysql.query("SHOW TABLES LIKE 'wxl_never_%'") as [unknown[], unknown]
  t.same(rows, [], 'no table was created')
})
