import { startWechatMock } from '@wx-login/wechat-mock'
import t from 'tap'
import { buildTestApp } from './fixtures/app.js'

const LOGIN = '/auth/wechat/login'
const CODE2SESSION = '/sns/jscode2session'

t.test('each code2Session answer maps to a stable code and status', async t => {
  const { app, mock } = await buildTestApp(t, 'wechat_errors', { plugin: { wechatRetries: 1, wechatTimeout: 300 } })
  const post = (code: string) => app.inject({ method: 'POST', url: LOGIN, payload: { code } })

  const cases: Array<[string, Parameters<typeof mock.addFault>[0], number, string]> = [
    ['high-risk user', { path: CODE2SESSION, errcode: 40226 }, 403, 'FST_WX_LOGIN_USER_BLOCKED'],
    ['WeChat rate limit', { path: CODE2SESSION, errcode: 45011 }, 429, 'FST_WX_LOGIN_RATE_LIMITED'],
    ['busy after the retries', { path: CODE2SESSION, errcode: -1, times: 2 }, 503, 'FST_WX_LOGIN_WECHAT_BUSY'],
    ['an errcode login does not know', { path: CODE2SESSION, errcode: 40999 }, 502, 'FST_WX_LOGIN_WECHAT_ERROR'],
    ['HTTP 500', { path: CODE2SESSION, status: 500 }, 502, 'FST_WX_LOGIN_WECHAT_UNREACHABLE'],
    ['HTTP 502', { path: CODE2SESSION, status: 502 }, 502, 'FST_WX_LOGIN_WECHAT_UNREACHABLE'],
    ['a dropped connection', { path: CODE2SESSION, drop: true }, 502, 'FST_WX_LOGIN_WECHAT_UNREACHABLE'],
    ['a slow answer', { path: CODE2SESSION, delayMs: 2000 }, 504, 'FST_WX_LOGIN_WECHAT_TIMEOUT']
  ]
  for (const [name, fault, status, code] of cases) {
    mock.clearFaults()
    mock.addFault(fault)
    const res = await post(mock.mintCode('alice'))
    t.equal(res.statusCode, status, `${name}: ${status}`)
    t.equal(res.json().code, code, `${name}: ${code}`)
    t.type(res.json().message, 'string')
  }
  mock.clearFaults()

  const busy = await (async () => { mock.addFault({ path: CODE2SESSION, errcode: -1, times: 2 }); return post(mock.mintCode('alice')) })()
  t.equal(busy.headers['retry-after'], '5', 'a 503 says when to retry')

  mock.clearCalls()
  mock.addFault({ path: CODE2SESSION, errcode: -1, times: 1 })
  const retried = await post(mock.mintCode('alice'))
  t.equal(retried.statusCode, 200, 'one busy answer is retried and the login succeeds')
  t.equal(mock.calls(CODE2SESSION).length, 2, 'exactly one retry')
})

t.test('codes WeChat rejects: invalid, expired, used', async t => {
  const { app, mock } = await buildTestApp(t, 'wechat_codes')
  const post = (code: string) => app.inject({ method: 'POST', url: LOGIN, payload: { code } })

  const unknown = await post('0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P')
  t.equal(unknown.statusCode, 401)
  t.equal(unknown.json().code, 'FST_WX_LOGIN_CODE_INVALID')

  // A code posted again within seconds shares the first answer (see duplicate-code.test.ts);
  // WeChat's 40163 is what a later replay meets.
  mock.addFault({ path: '/sns/jscode2session', errcode: 40163 })
  const used = await post(mock.mintCode('bob'))
  t.equal(used.statusCode, 401)
  t.equal(used.json().code, 'FST_WX_LOGIN_CODE_USED')

  const old = mock.mintCode('bob')
  mock.advanceTime(5 * 60_000 + 1)
  const expired = await post(old)
  t.equal(expired.statusCode, 401)
  t.equal(expired.json().code, 'FST_WX_LOGIN_CODE_INVALID')
})

t.test('wrong app credentials are a 500-class config error, logged without the secret', async t => {
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  const secret = 'f'.repeat(32)
  const { app, logs } = await buildTestApp(t, 'wechat_config', { mock, plugin: { appSecret: secret } })
  const res = await app.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('carol') } })
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_WX_LOGIN_CONFIG')
  t.notMatch(res.body, secret)
  const joined = logs.join('')
  t.match(joined, /"errcode":40125/, 'the errcode is logged')
  t.notMatch(joined, secret, 'the secret is not')

  const { app: wrongApp } = await buildTestApp(t, 'wechat_config_appid', { mock, plugin: { appId: 'wx0000000000000000' } })
  const bad = await wrongApp.inject({ method: 'POST', url: LOGIN, payload: { code: mock.mintCode('carol') } })
  t.equal(bad.statusCode, 500)
  t.equal(bad.json().code, 'FST_WX_LOGIN_CONFIG')
})

t.test('WeChat unreachable: 502, quickly', async t => {
  const mock = await startWechatMock()
  const url = mock.url
  const code = mock.mintCode('dan')
  await mock.close()
  const { app } = await buildTestApp(t, 'wechat_down', { plugin: { apiBase: url } })
  const res = await app.inject({ method: 'POST', url: LOGIN, payload: { code } })
  t.equal(res.statusCode, 502)
  t.equal(res.json().code, 'FST_WX_LOGIN_WECHAT_UNREACHABLE')
})
