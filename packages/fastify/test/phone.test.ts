import mysql from 'mysql2/promise'
import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { bearer, buildTestApp } from './fixtures/app.js'
import type { PhoneNumberEvent } from '../src/index.js'
import { createPhoneNumberLookup } from '../src/wechat/phone.js'
import type { WechatHttp, WechatReply } from '../src/wechat/http.js'

const PHONE = '/wxa/business/getuserphonenumber'

t.test('POST /phone trades the button code for the number and stores it on the user', async t => {
  const { app, mock, dbUrl, logs, login } = await buildTestApp(t, 'phone_basic')
  const { token, user } = await login('alice')
  const code = mock.mintPhoneCode('alice', '+86 13800138000')
  const res = await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
  t.same(mock.calls(PHONE)[0]?.body, { code: '***', openid: mock.openid('alice') }, 'the openid goes along')

  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT phone_number, pure_phone_number, country_code, phone_at FROM wx_users WHERE id = ?', [user.id]) as [Array<Record<string, unknown>>, unknown]
  t.match(rows[0], { phone_number: '13800138000', pure_phone_number: '13800138000', country_code: '86' }, 'stored on the user row')
  t.ok(Number(rows[0]!.phone_at) > 0)

  const abroad = await app.inject({
    method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code: mock.mintPhoneCode('alice', '+1 2025550123') }
  })
  t.same(abroad.json(), { phoneNumber: '+12025550123', purePhoneNumber: '2025550123', countryCode: '1' })

  const reused = await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code } })
  t.equal(reused.statusCode, 400, 'a used code is not a 401: the login is fine')
  t.equal(reused.json().code, 'FST_WX_LOGIN_PHONE_CODE_INVALID')

  const accessToken = await app.wxLogin.accessToken()
  const all = logs.join('')
  t.notOk(all.includes(code), 'the phone code is never logged')
  t.notOk(all.includes(accessToken), 'nor the access_token')
})

t.test('POST /phone refuses anonymous and malformed requests', async t => {
  const { app, mock, login } = await buildTestApp(t, 'phone_input')
  const { token } = await login('bob')
  const anonymous = await app.inject({ method: 'POST', url: '/auth/wechat/phone', payload: { code: mock.mintPhoneCode('bob', '13800138000') } })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.json().code, 'FST_WX_LOGIN_TOKEN_MISSING')
  for (const payload of [{}, { code: '' }, { code: null }, { code: 'has space' }, { code: 'x'.repeat(129) }]) {
    const res = await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().code, 'FST_WX_LOGIN_INVALID_BODY')
  }
  t.equal(mock.calls(PHONE).length, 0, 'WeChat is never asked')
})

t.test('getuserphonenumber errors map like login\'s', async t => {
  const { app, mock, login } = await buildTestApp(t, 'phone_errors', { plugin: { wechatRetries: 1 } })
  const { token } = await login('carol')
  const post = () => app.inject({
    method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code: mock.mintPhoneCode('carol', '13800138000') }
  })
  const cases: Array<[Parameters<typeof mock.addFault>[0], number, string]> = [
    [{ path: PHONE, errcode: 40029 }, 400, 'FST_WX_LOGIN_PHONE_CODE_INVALID'],
    [{ path: PHONE, errcode: 45011 }, 429, 'FST_WX_LOGIN_RATE_LIMITED'],
    [{ path: PHONE, errcode: -1, times: 2 }, 503, 'FST_WX_LOGIN_WECHAT_BUSY'],
    [{ path: PHONE, errcode: 40013 }, 500, 'FST_WX_LOGIN_CONFIG'],
    [{ path: PHONE, errcode: 40999 }, 502, 'FST_WX_LOGIN_WECHAT_ERROR'],
    [{ path: PHONE, drop: true }, 502, 'FST_WX_LOGIN_WECHAT_UNREACHABLE']
  ]
  for (const [fault, status, code] of cases) {
    mock.clearFaults()
    mock.addFault(fault)
    const res = await post()
    t.equal(res.statusCode, status, `${fault.errcode ?? 'drop'}: ${status}`)
    t.equal(res.json().code, code)
  }
  mock.clearFaults()
  mock.clearCalls()
  mock.addFault({ path: PHONE, errcode: -1 })
  t.equal((await post()).statusCode, 200, 'one busy answer is retried')
  t.equal(mock.calls(PHONE).length, 2)
})

t.test('with custom user hooks, onPhoneNumber gets the number', async t => {
  const events: PhoneNumberEvent[] = []
  const users = new Map<string, { id: string }>()
  const { app, mock } = await buildTestApp(t, 'phone_hooks', {
    plugin: {
      findUser: async identity => users.get(identity.openid) ?? null,
      createUser: async identity => { const user = { id: `u-${identity.openid}` }; users.set(identity.openid, user); return user },
      onPhoneNumber: event => { events.push(event) }
    }
  })
  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('dave') } })
  const { token } = login.json()
  const res = await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(token), payload: { code: mock.mintPhoneCode('dave', '13900139000') } })
  t.equal(res.statusCode, 200)
  t.equal(events.length, 1)
  t.equal(events[0]!.user.id, `u-${mock.openid('dave')}`)
  t.same(events[0]!.phone, { phoneNumber: '13900139000', purePhoneNumber: '13900139000', countryCode: '86' })
  t.ok(events[0]!.request, 'with the request')

  const viaApi = await app.wxLogin.getPhoneNumber(events[0]!.user, mock.mintPhoneCode('dave', '13900139001'))
  t.equal(viaApi.purePhoneNumber, '13900139001', 'the API does the same')
  t.equal(events[1]!.request, undefined)
})

t.test('an answer without phone_info, or stamped for another app, is refused', async t => {
  const silent = { info () {}, warn () {}, error () {}, debug () {}, fatal () {}, trace () {}, child () { return silent }, level: 'info', silent () {} } as unknown as FastifyBaseLogger
  const answers: WechatReply[] = [
    { errcode: 0 },
    { errcode: 0, phone_info: { phoneNumber: '1', purePhoneNumber: '1' } },
    { errcode: 0, phone_info: { phoneNumber: '1', purePhoneNumber: '1', countryCode: '86', watermark: { appid: 'wx-other' } } }
  ]
  for (const answer of answers) {
    const http = { post: async () => answer } as unknown as WechatHttp
    const lookup = createPhoneNumberLookup({ http, accessTokens: { get: async () => 't', call: async (_appId, request) => await request('t') }, log: silent, retries: 0, backoff: 1 })
    await t.rejects(lookup({ appId: 'wx-ours', openid: 'o1' }, 'code'), { code: 'FST_WX_LOGIN_WECHAT_ERROR' })
  }
})
