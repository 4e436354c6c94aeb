import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { memoryStores } from '../src/index.js'
import { buildTestApp } from './fixtures/app.js'
import { countSessions, REDIS_URL, testRedis } from './fixtures/services.js'

const LOGIN = '/auth/wechat/login'
const CODE2SESSION = '/sns/jscode2session'
const post = (app: FastifyInstance, code: string) => app.inject({ method: 'POST', url: LOGIN, payload: { code } })

t.test('a code replayed after its exchange completed is refused, on this instance and on another', async t => {
  const first = await buildTestApp(t, 'replay')
  const second = await buildTestApp(t, 'replay_b', { instanceOf: first })
  const code = first.mock.mintCode('alice')
  t.equal((await post(first.app, code)).statusCode, 200)

  for (const [where, app] of [['this instance', first.app], ['another instance', second.app]] as const) {
    const replay = await post(app, code)
    t.equal(replay.statusCode, 401, `refused on ${where}`)
    t.equal(replay.json().code, 'FST_WX_LOGIN_CODE_USED')
  }
  t.equal(first.mock.calls(CODE2SESSION).length, 1, 'WeChat saw the code once')
  t.equal(await countSessions(first.dbUrl), 1, 'the replays made no session')
})

t.test('a used code is remembered as long as WeChat could accept it, without its session_key; then WeChat refuses it', async t => {
  const { app, mock, redisPrefix, dbUrl } = await buildTestApp(t, 'replay_record')
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  const code = mock.mintCode('bob')
  t.equal((await post(app, code)).statusCode, 200)

  const [key, ...others] = await redis.keys(`${redisPrefix}code:*`)
  t.equal(others.length, 0, 'one key for the code')
  const ttl = await redis.pttl(key!)
  t.ok(ttl > 290_000 && ttl <= 300_000, 'kept 5 minutes, the life of a code')
  const record = (await redis.get(key!))!
  t.same(JSON.parse(record), { openid: mock.openid('bob'), unionid: mock.unionid('bob') }, 'the identity only')
  t.notOk(record.includes(mock.sessionKey('bob')!), 'never the session_key')
  t.notOk(key!.includes(code), 'nor the code itself')

  // Past the record (lapsed, or Redis flushed), WeChat's own answers guard the code.
  await redis.del(key!)
  t.equal((await post(app, code)).json().code, 'FST_WX_LOGIN_CODE_USED', 'within 5 minutes: 40163')
  mock.advanceTime(5 * 60_000)
  await redis.del(key!)
  t.equal((await post(app, code)).json().code, 'FST_WX_LOGIN_CODE_INVALID', 'later: 40029, expired')
  t.same(mock.calls(CODE2SESSION).map(call => call.errcode), [0, 40163, 40029])
  t.equal(await countSessions(dbUrl), 1, 'one session, from the first post')
})

t.test('without Redis (custom stores), WeChat\'s 40163 refuses a replay', async t => {
  const { app, mock } = await buildTestApp(t, 'replay_no_redis', { plugin: { stores: memoryStores() } })
  const code = mock.mintCode('carol')
  t.equal((await post(app, code)).statusCode, 200)
  const replay = await post(app, code)
  t.equal(replay.statusCode, 401)
  t.equal(replay.json().code, 'FST_WX_LOGIN_CODE_USED')
  t.same(mock.calls(CODE2SESSION).map(call => call.errcode), [0, 40163])
})
