import { DEMO_APP, openidFor, startWechatMock } from '@wx-login/wechat-mock'
import t from 'tap'
import { MOCK_APP } from '../src/config.js'
import { buildDemoServer } from '../src/server.js'
import { bearer, startDemo } from './fixtures/demo.js'
import { closedPort, redisKeys } from './fixtures/services.js'

t.test('public routes: ping, the redirect to the playground, the page but not its sources', async t => {
  const { app } = await startDemo(t, 'public')
  t.same((await app.inject('/api/ping')).json(), { ok: true })

  const root = await app.inject('/')
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/playground/')

  const page = await app.inject('/playground/')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.match(page.body, /data-testid="login"/)
  t.equal((await app.inject('/playground')).statusCode, 301, 'the slash is added')
  t.equal((await app.inject('/playground/style.css')).statusCode, 200)
  t.equal((await app.inject('/playground/src/main.ts')).statusCode, 404, 'the TypeScript sources are not served')
  t.equal((await app.inject('/playground/tsconfig.json')).statusCode, 404)
})

t.test('the login flow on MySQL and Redis: login, /api/me, revoke on the server, 401', async t => {
  const { app, mock, redisPrefix } = await startDemo(t, 'flow')
  t.equal((await app.inject('/api/me')).statusCode, 401, 'no token')

  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('ann') } })
  t.equal(login.statusCode, 200)
  const { token, user } = login.json()
  t.equal(user.openid, openidFor(DEMO_APP.appId, 'ann'))
  t.equal((await redisKeys(`${redisPrefix}session:`)).length, 1, 'the session is cached under the demo\'s Redis prefix')

  const me = await app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal(me.statusCode, 200)
  t.same(me.json(), user)

  t.equal((await app.inject({ method: 'POST', url: '/api/demo/revoke' })).statusCode, 401, 'revoke needs a token')
  const revoke = await app.inject({ method: 'POST', url: '/api/demo/revoke', headers: bearer(token) })
  t.equal(revoke.statusCode, 204)
  const after = await app.inject({ url: '/api/me', headers: bearer(token) })
  t.equal(after.statusCode, 401)
  t.equal(after.json().code, 'FST_WX_LOGIN_TOKEN_REVOKED')
})

t.test('the mock proxies: a code for the demo app, and the calls the server made to WeChat', async t => {
  const { app } = await startDemo(t, 'proxy')
  const empty = await app.inject('/api/demo/calls')
  t.same(empty.json(), { total: 0, calls: [] })

  const minted = await app.inject({ method: 'POST', url: '/playground/mock/login', payload: { user: 'bob' } })
  t.equal(minted.statusCode, 200)
  const { code } = minted.json()
  t.type(code, 'string')
  const login = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })
  t.equal(login.json().user.openid, openidFor(MOCK_APP.appId, 'bob'), 'the code is for bob in the demo app')

  const calls = (await app.inject('/api/demo/calls')).json()
  t.equal(calls.total, 1)
  t.match(calls.calls[0], { method: 'GET', path: '/sns/jscode2session', errcode: 0, status: 200, query: { appid: MOCK_APP.appId, secret: '***', js_code: '***' } })
  t.notMatch(JSON.stringify(calls), MOCK_APP.appSecret, 'the secret never reaches the browser')
  t.same((await app.inject('/api/demo/calls?after=1')).json(), { total: 1, calls: [] }, 'after= skips the calls already seen')

  const phone = await app.inject({ method: 'POST', url: '/playground/mock/phone-code', payload: { user: 'bob', phoneNumber: '+86 13800138000' } })
  t.equal(phone.statusCode, 200)
  const traded = await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(login.json().token), payload: { code: phone.json().code } })
  t.match(traded.json(), { purePhoneNumber: '13800138000', countryCode: '86' }, 'a phone code the plugin trades for the number')
  const badPhone = await app.inject({ method: 'POST', url: '/playground/mock/phone-code', payload: { user: 'bob', phoneNumber: '<script>' } })
  t.equal(badPhone.statusCode, 400)

  const other = await app.inject({ method: 'POST', url: '/playground/mock/login', payload: { user: 'dan', appid: 'wxother' } })
  t.equal(other.statusCode, 200, 'an appid from the browser is dropped')
  const dan = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: other.json().code } })
  t.equal(dan.json().user.openid, openidFor(MOCK_APP.appId, 'dan'), 'the code is always for the demo app')

  for (const payload of [{}, { user: '' }, { user: 'x'.repeat(65) }, { user: { name: 'bob' } }]) {
    const res = await app.inject({ method: 'POST', url: '/playground/mock/login', payload })
    t.equal(res.statusCode, 400, `rejects ${JSON.stringify(payload).slice(0, 40)}`)
  }
  t.equal((await app.inject('/api/demo/calls?after=-1')).statusCode, 400)
})

t.test('the mock proxies answer 404 against real WeChat and 502 when the mock is gone', async t => {
  const { app: real } = await startDemo(t, 'realwx', { mockUrl: null })
  const login = await real.inject({ method: 'POST', url: '/playground/mock/login', payload: { user: 'bob' } })
  t.equal(login.statusCode, 404)
  t.match(login.json().message, /real WeChat.*WX_APPID/)
  t.equal((await real.inject('/api/demo/calls')).statusCode, 404)

  const { app: orphan } = await startDemo(t, 'nomock', { mockUrl: `http://127.0.0.1:${await closedPort()}` })
  const gone = await orphan.inject({ method: 'POST', url: '/playground/mock/login', payload: { user: 'bob' } })
  t.equal(gone.statusCode, 502)
  t.equal(gone.json().message, 'The WeChat mock did not answer')
  t.equal((await orphan.inject('/api/demo/calls')).statusCode, 502)
})

t.test('memory backend: the whole flow with neither MySQL nor Redis', async t => {
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  const app = await buildDemoServer({ ...MOCK_APP, apiBase: mock.url, mockUrl: mock.url, backend: { kind: 'memory', problems: [] } })
  t.teardown(() => app.close())
  t.equal(app.hasDecorator('mysql'), false, 'no MySQL client')
  t.equal(app.hasDecorator('redis'), false, 'no Redis client')

  const { code } = (await app.inject({ method: 'POST', url: '/playground/mock/login', payload: { user: 'cat' } })).json()
  const { token, user } = (await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })).json()
  t.same((await app.inject({ url: '/api/me', headers: bearer(token) })).json(), user)
  t.equal((await app.inject({ method: 'POST', url: '/api/demo/revoke', headers: bearer(token) })).statusCode, 204)
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 401)
})
