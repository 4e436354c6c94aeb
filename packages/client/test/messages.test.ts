// A time zone of the users this is written for, so a ban's end is shown in a known local time;
// set before any Date is made (Node re-reads TZ when it changes).
process.env.TZ = 'Asia/Shanghai'

import { createWx } from '@wx-login/wechat-mock/wx'
import Fastify from 'fastify'
import t from 'tap'
import { type LoginError, type NetworkError, SessionEndedError, WxLoginError, type WxResponse } from '../src/index.js'
import { messageFor } from '../src/messages.js'
import { startTestServer } from './fixtures/server.js'

// One login per code, then 429: the limiter's `retry-after` reaches the text.
const server = await startTestServer(t, 'messages', { rateLimit: { perIp: false, perCode: { max: 1, timeWindow: 30_000 }, perUserPhone: false } })

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(() => { throw new Error('expected a rejection') }, (err: unknown) => err)

t.test('a login WeChat refuses: the code’s text, in Chinese by default and in English', async (t) => {
  server.mock.addFault({ path: '/sns/jscode2session', errcode: 40226, times: 1 })
  const err = await rejection(server.newClient().auth.login()) as LoginError
  t.equal(err.code, 'FST_WX_LOGIN_USER_BLOCKED')
  t.equal(messageFor(err), '微信判定本次登录存在风险，已拦截。')
  t.equal(messageFor(err, 'zh-CN'), '微信判定本次登录存在风险，已拦截。')
  t.equal(messageFor(err, 'en'), 'WeChat blocked this sign-in as risky.')
})

t.test('a ban says until when, as YYYY-MM-DD HH:mm in local time; without an end, just that it is banned', async (t) => {
  const year = new Date().getUTCFullYear() + 1
  const { auth } = server.newClient({}, server.newWx('mallory'))
  const { user } = await auth.login()
  await server.app.wxLogin.ban(user.id, { until: new Date(Date.UTC(year, 5, 15, 2, 30)) })
  t.teardown(() => server.app.wxLogin.unban(user.id))

  // A plugin route: its answer carries `until` (a host route's depends on the host's error handler).
  const ended = await rejection(auth.listSessions()) as SessionEndedError
  t.ok(ended instanceof SessionEndedError)
  t.equal(messageFor(ended), `该账号已被封禁，将于 ${year}-06-15 10:30 解封。`, 'UTC 02:30 is 10:30 in Shanghai')
  t.equal(messageFor(ended, 'en'), `This account is banned until ${year}-06-15 10:30.`)
  const later = await rejection(auth.request({ url: '/api/me' })) as SessionEndedError
  t.equal(later.res, undefined, 'a call after the session ended has only the reason and until')
  t.equal(messageFor(later), messageFor(ended))
  const refused = await rejection(auth.login()) as LoginError
  t.equal(refused.code, 'FST_WX_LOGIN_BANNED')
  t.equal(messageFor(refused), messageFor(ended), 'a refused login: until from the answer’s body')

  process.env.TZ = 'UTC'
  t.teardown(() => { process.env.TZ = 'Asia/Shanghai' })
  t.equal(messageFor(ended), `该账号已被封禁，将于 ${year}-06-15 02:30 解封。`, 'the device’s zone, whatever it is')

  await server.app.wxLogin.ban(user.id)
  const forever = await rejection(auth.login()) as LoginError
  t.equal(messageFor(forever), '该账号已被封禁。')
  t.equal(messageFor(new SessionEndedError('x', 'banned', 'not a date')), '该账号已被封禁。', 'an unreadable until is left out')
})

t.test('a session ended elsewhere: the reason’s text, with or without the answer', async (t) => {
  const { auth } = server.newClient()
  const { token } = await auth.login()
  await server.app.wxLogin.revoke(token)
  const ended = await rejection(auth.request({ url: '/api/me' })) as SessionEndedError
  t.equal(ended.code, 'FST_WX_LOGIN_TOKEN_REVOKED')
  t.equal(messageFor(ended), '当前登录已被注销，请重新登录。')
  t.equal(messageFor(await rejection(auth.request({ url: '/api/me' }))), '当前登录已被注销，请重新登录。')
  t.equal(messageFor(new SessionEndedError('x', 'replaced')), '你的账号已在其他设备登录，请重新登录。')
  t.equal(messageFor(new SessionEndedError('x', 'idle'), 'en'), 'You were signed out after a long time without use. Please sign in again.')
})

t.test('an answer that request() resolved with: its code, and the wait its retry-after gives', async (t) => {
  const { auth } = server.newClient()
  const code = await server.newWx().login().then((r) => r.code)
  const post = (): Promise<WxResponse> => auth.request({ url: '/auth/wechat/login', method: 'POST', data: { code }, auth: false })
  t.equal((await post()).statusCode, 200)
  const limited = await post()
  t.equal(limited.statusCode, 429)
  t.match(messageFor(limited), /^登录过于频繁，请 (29|30) 秒后再试。$/)
  t.match(messageFor(limited, 'en'), /^Too many sign-in attempts\. Please try again in (29|30) s\.$/)

  const answer = (statusCode: number, header: Record<string, string>, data: unknown = {}): WxResponse => ({ statusCode, header, data })
  t.equal(messageFor(answer(429, { 'Retry-After': '3600' })), '操作过于频繁，请 60 分钟后再试。', 'any header case; a long wait in minutes')
  t.equal(messageFor(answer(429, { 'retry-after': '61' })), '操作过于频繁，请 2 分钟后再试。', 'rounded up')
  t.equal(messageFor(answer(429, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' })), '操作过于频繁，请稍后再试。', 'a date form is not read')
  t.equal(messageFor(answer(503, { 'retry-after': '5' }, { code: 'FST_WX_LOGIN_WECHAT_BUSY' }), 'en'), 'WeChat is busy. Please try again in 5 s.')
})

t.test('answers without a code of ours: by status, as Fastify and proxies send them', async (t) => {
  const { auth } = server.newClient()
  const notFound = await rejection(server.newClient({ loginPath: 'nowhere' }).auth.login()) as LoginError
  t.equal(messageFor(notFound), '请求的内容不存在。', 'Fastify’s 404')
  t.equal(messageFor(await auth.request({ url: '/api/text-500', auth: false })), '服务器开小差了，请稍后再试。', 'a text 500')
  const invalid = await auth.request({ url: '/auth/wechat/login', method: 'POST', data: 'code=1', auth: false })
  t.equal(invalid.statusCode, 400)
  t.equal(messageFor(invalid), '请求参数有误，请重试或更新小程序。', 'the plugin’s INVALID_BODY, not the bare 400')
  const status = (statusCode: number): string => messageFor(new WxLoginError('x', { statusCode }))
  t.equal(status(400), '请求参数有误，请重试。')
  t.equal(status(409), '操作冲突，请刷新后重试。')
  t.equal(status(413), '提交的内容过大，请精简后重试。')
  t.equal(status(415), '请求格式不受支持，请更新小程序后重试。')
  t.equal(status(418), '请求未能完成，请稍后再试。')
  t.equal(status(502), '服务器开小差了，请稍后再试。')
})

t.test('the client’s own failures', async (t) => {
  const noToken = await rejection(server.newClient({ loginPath: '/api/no-token' }).auth.login()) as LoginError
  t.equal(messageFor(noToken), '服务器返回了无法识别的结果，请稍后再试。', 'a 200 without a token')
  const wxLogin = await rejection(server.newClient({}, createWx({ mockUrl: 'http://127.0.0.1:9', user: 'alice' })).auth.login()) as LoginError
  t.equal(messageFor(wxLogin), '微信登录失败，请稍后再试。', 'wx.login failed')
  t.equal(messageFor(await rejection(server.newClient({ loginData: () => { throw new Error('no profile') } }).auth.login())), '登录失败，请稍后再试。', 'loginData() threw')

  const app = Fastify()
  const dead = await app.listen({ port: 0, host: '127.0.0.1' })
  await app.close()
  const refused = await rejection(server.newClient({ baseURL: dead }).auth.login()) as NetworkError
  t.equal(messageFor(refused), '网络连接失败，请检查网络后重试。')
  t.equal(messageFor(refused, 'en'), 'No connection. Please check your network and try again.')

  const wx = server.newWx()
  await server.newClient({}, wx).auth.login()
  const timedOut = await rejection(server.newClient({ timeout: 150 }, wx).auth.request({ url: '/api/slow?ms=1000' })) as NetworkError
  t.equal(timedOut.isTimeout, true)
  t.equal(messageFor(timedOut), '网络请求超时，请检查网络后重试。')

  const missing = await rejection(server.newClient({}, wx).auth.endSession('no-such-session')) as WxLoginError
  t.equal(missing.code, 'FST_WX_LOGIN_SESSION_NOT_FOUND')
  t.equal(messageFor(missing), '该设备的登录不存在或已退出。')
})

t.test('anything else gets the generic text', async (t) => {
  for (const value of [undefined, null, 'boom', 42, new TypeError('x'), { code: 'ECONNRESET' }, { code: 'toString' }, { statusCode: '500' }]) {
    t.equal(messageFor(value), '出错了，请稍后再试。', String(value))
  }
  t.equal(messageFor(new Error('x'), 'en'), 'Something went wrong. Please try again later.')
})
