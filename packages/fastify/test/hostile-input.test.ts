import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import { startWechatMock } from '@wx-login/wechat-mock'
import Fastify from 'fastify'
import mysql from 'mysql2/promise'
import t from 'tap'
import wxLogin from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { clearRedisPrefix, createDatabase, ignoreRedisErrors, REDIS_URL } from './fixtures/services.js'
import { startTcpProxy } from './fixtures/tcp-proxy.js'

const LOGIN = '/auth/wechat/login'

t.test('malformed login bodies get a 4xx with a stable code, never a 5xx or a row', async t => {
  const { app, mock, dbUrl } = await buildTestApp(t, 'hostile_bodies')
  const json = { 'content-type': 'application/json' }
  const cases: Array<[string, { payload?: string, headers?: Record<string, string> }, number, string]> = [
    ['no body', {}, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['empty JSON body', { payload: '', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['broken JSON', { payload: '{"code":', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['an array', { payload: '[]', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['a string', { payload: '"abc"', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['null', { payload: 'null', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['no code', { payload: '{}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    // Fastify's default Ajv coerces 123 to "123": a well-formed, unknown code.
    ['code a number', { payload: '{"code":123}', headers: json }, 401, 'FST_WX_LOGIN_CODE_INVALID'],
    ['code an object', { payload: '{"code":{"$ne":""}}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['empty code', { payload: '{"code":""}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['code with NUL', { payload: '{"code":"abc\\u0000def"}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['code with unicode', { payload: '{"code":"代码😀"}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['code with spaces', { payload: '{"code":"a b"}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['very long code', { payload: JSON.stringify({ code: 'a'.repeat(5000) }), headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['prototype pollution', { payload: '{"code":"abc","__proto__":{"admin":true}}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['constructor pollution', { payload: '{"code":"abc","constructor":{"prototype":{"admin":true}}}', headers: json }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['form encoded', { payload: 'code=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'FST_WX_LOGIN_UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain (Fastify parses it as a string)', { payload: 'abc', headers: { 'content-type': 'text/plain' } }, 400, 'FST_WX_LOGIN_INVALID_BODY'],
    ['deep JSON', { payload: '{"code":"abc","x":' + '['.repeat(5000) + ']'.repeat(5000) + '}', headers: json }, 200, ''],
    ['huge body', { payload: JSON.stringify({ code: 'abc', pad: 'x'.repeat(2 * 1024 * 1024) }), headers: json }, 413, 'FST_WX_LOGIN_BODY_TOO_LARGE']
  ]
  for (const [name, request, status, code] of cases) {
    const res = await app.inject({ method: 'POST', url: LOGIN, ...request })
    if (status === 200) {
      // Deep but valid JSON with a bad code: parsed fine, refused by WeChat.
      t.equal(res.statusCode, 401, `${name}: refused as a bad code`)
      continue
    }
    t.equal(res.statusCode, status, `${name}: ${status}`)
    t.equal(res.json().code, code, `${name}: ${code}`)
    t.type(res.json().message, 'string', `${name}: a message`)
  }
  t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted')
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT (SELECT COUNT(*) FROM wx_users) + (SELECT COUNT(*) FROM wx_sessions) AS n') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 0, 'nothing was written')
  t.equal(mock.calls('/sns/jscode2session').length, 2, 'only the two well-formed codes reached WeChat')
})

t.test('malformed Authorization headers get 401 with a code, never a 5xx', async t => {
  const { app, login } = await buildTestApp(t, 'hostile_headers')
  const { token } = await login('mallory')
  const headers: Array<[string, Record<string, string>, string]> = [
    ['none', {}, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['empty', { authorization: '' }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['scheme only', { authorization: 'Bearer' }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['scheme and spaces', { authorization: 'Bearer    ' }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['wrong scheme', { authorization: `Basic ${token}` }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['token without scheme', { authorization: token }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['short token', { authorization: 'Bearer abc' }, 'FST_WX_LOGIN_TOKEN_INVALID'],
    ['token plus junk', { authorization: `Bearer ${token}x` }, 'FST_WX_LOGIN_TOKEN_INVALID'],
    ['wrong alphabet', { authorization: `Bearer ${'+'.repeat(43)}` }, 'FST_WX_LOGIN_TOKEN_INVALID'],
    ['unknown well-formed token', { authorization: `Bearer ${'A'.repeat(43)}` }, 'FST_WX_LOGIN_TOKEN_INVALID'],
    ['SQL', { authorization: "Bearer ' OR 1=1 --" }, 'FST_WX_LOGIN_TOKEN_INVALID'],
    ['very long', { authorization: `Bearer ${'a'.repeat(8000)}` }, 'FST_WX_LOGIN_TOKEN_MISSING'],
    ['unicode', { authorization: 'Bearer 令牌令牌' }, 'FST_WX_LOGIN_TOKEN_INVALID']
  ]
  for (const [name, h, code] of headers) {
    const res = await app.inject({ url: '/api/me', headers: h })
    t.equal(res.statusCode, 401, `${name}: 401`)
    t.equal(res.json().code, code, `${name}: ${code}`)
  }
  const lower = await app.inject({ url: '/api/me', headers: { authorization: `bearer ${token}` } })
  t.equal(lower.statusCode, 200, 'the scheme is case-insensitive')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200)
})

t.test('MySQL down: logins answer 503 with a clear code, quickly, and recover by themselves', async t => {
  const proxy = await startTcpProxy(3306)
  t.teardown(() => proxy.close())
  const db = await createDatabase('wxl_fastify_hostile_mysql')
  t.teardown(() => db.drop())
  const mock = await startWechatMock()
  const app = Fastify()
  t.teardown(async () => { await app.close(); await mock.close(); await clearRedisPrefix('wxl-test:hostile_mysql:') })
  await app.register(fastifyMysql, { promise: true, connectionString: `mysql://root@127.0.0.1:${proxy.port}/wxl_fastify_hostile_mysql`, connectTimeout: 1000 })
  await app.register(fastifyRedis, { url: REDIS_URL })
  ignoreRedisErrors(app.redis)
  await app.register(wxLogin, { appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, redisPrefix: 'wxl-test:hostile_mysql:' })
  const login = () => app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('oscar') } })
  const cached = (await login()).json().token

  const direct = await mysql.createConnection(db.url)
  t.teardown(() => direct.end())
  const rowCounts = async () => (await direct.query('SELECT (SELECT COUNT(*) FROM wx_users) AS users, (SELECT COUNT(*) FROM wx_sessions) AS sessions') as [Array<{ users: number, sessions: number }>, unknown])[0][0]

  const before = await rowCounts()
  proxy.cut()
  const newcomer = await app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('pia') } })
  t.equal(newcomer.statusCode, 503, 'a first login during the outage')
  const started = Date.now()
  const res = await login()
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'FST_WX_LOGIN_STORE_UNAVAILABLE')
  t.equal(res.headers['retry-after'], '5')
  t.ok(Date.now() - started < 2000, 'no hanging request')
  t.equal((await app.inject({ url: '/auth/wechat/session', headers: bearer(cached) })).statusCode, 200, 'a cached session keeps working')
  const unknown = await app.inject({ url: '/auth/wechat/session', headers: bearer('B'.repeat(43)) })
  t.equal(unknown.statusCode, 503, 'an uncached token cannot be checked: 503, not 401')

  t.same(await rowCounts(), before, 'no half-written user or session row')
  proxy.restore()
  t.equal((await login()).statusCode, 200, 'logins recover when MySQL returns')
})

t.test('log output never holds a token, code, session_key or the secret', async t => {
  const { app, mock, logs, login } = await buildTestApp(t, 'hostile_logs')
  const secrets: string[] = [mock.apps[0]!.appSecret]
  for (const user of ['pat', 'quinn']) {
    const code = mock.mintCode(user)
    secrets.push(code)
    const res = await app.inject({ method: 'POST', url: LOGIN, payload: { code } })
    secrets.push(res.json().token, mock.sessionKey(user)!)
    await app.inject({ url: '/api/me', headers: bearer(res.json().token) })
  }
  const { token } = await login('ray')
  secrets.push(token)
  await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(token) })
  await app.inject({ url: '/api/me', headers: bearer(token) })
  mock.addFault({ path: '/sns/jscode2session', errcode: 40125 })
  const failed = mock.mintCode('sam')
  secrets.push(failed)
  await app.inject({ method: 'POST', url: LOGIN, payload: { code: failed } })
  const output = logs.join('')
  t.ok(output.length > 0, 'something was logged')
  for (const secret of secrets) t.notOk(output.includes(secret), 'no secret value in the logs')
  t.notMatch(output, /session_key|js_code|secret=/)
})
