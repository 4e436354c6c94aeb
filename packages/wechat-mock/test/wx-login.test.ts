import Fastify from 'fastify'
import t from 'tap'
import { DEMO_APP, startWechatMock, type WechatMock } from '../src/index.js'
import { createWx } from '../src/wx/index.js'
import { startMock } from './fixtures/mock.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

/** Trades a code at the mock the way a server would, to see whose code it is. */
async function openidOf (mock: WechatMock, code: string, app = DEMO_APP): Promise<unknown> {
  const url = `${mock.url}/sns/jscode2session?appid=${app.appId}&secret=${app.appSecret}&js_code=${code}&grant_type=authorization_code`
  const body = await (await fetch(url)).json() as { openid?: unknown, errcode?: unknown }
  return body.openid ?? body.errcode
}

/** What a promise-form wx call rejected with (a `{ errMsg }` object, not an Error). */
function rejection (promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection') }, (err: unknown) => err)
}

t.test('login() without callbacks resolves with a fresh code for the user', async (t) => {
  const mock = await startMock(t)
  const wx = createWx({ mockUrl: mock.url, user: 'alice' })
  const first = await wx.login()
  const second = await wx.login()
  t.equal(first.errMsg, 'login:ok')
  t.type(first.code, 'string')
  t.not(first.code, second.code, 'every call mints a new code')
  t.equal(await openidOf(mock, first.code), await openidOf(mock, second.code), 'both codes are alice’s')
  t.equal(wx.loginCount, 2)
})

t.test('login() with callbacks calls success then complete and returns undefined', async (t) => {
  const mock = await startMock(t)
  const wx = createWx({ mockUrl: mock.url + '/', user: 'alice' })
  const order: string[] = []
  const result = await new Promise<WechatMiniprogram.LoginSuccessCallbackResult>((resolve) => {
    const returned = wx.login({
      success: (res) => { order.push('success'); resolve(res) },
      complete: () => { order.push('complete') }
    })
    t.equal(returned, undefined)
  })
  await new Promise((resolve) => setImmediate(resolve))
  t.same(order, ['success', 'complete'])
  t.equal(result.errMsg, 'login:ok')
})

t.test('setUser() switches whose codes login() mints', async (t) => {
  const mock = await startMock(t)
  const wx = createWx({ mockUrl: mock.url, user: 'alice' })
  const alice = await openidOf(mock, (await wx.login()).code)
  wx.setUser('bob')
  t.equal(wx.user, 'bob')
  const bob = await openidOf(mock, (await wx.login()).code)
  t.type(alice, 'string')
  t.type(bob, 'string')
  t.not(alice, bob)
  t.throws(() => wx.setUser(''), TypeError)
})

t.test('appId picks the app when the mock serves several', async (t) => {
  const mock = await startMock(t, { apps: [DEMO_APP, OTHER_APP] })
  const wx = createWx({ mockUrl: mock.url, user: 'alice', appId: OTHER_APP.appId })
  const { code } = await wx.login()
  t.type(await openidOf(mock, code, OTHER_APP), 'string')

  const ambiguous = createWx({ mockUrl: mock.url, user: 'alice' })
  t.match(await rejection(ambiguous.login()), { errMsg: /^login:fail .*appid/ }, 'the mock’s message reaches errMsg')
  t.equal(ambiguous.loginCount, 1, 'failed calls count too')
})

t.test('login() fails with errMsg when the mock cannot be reached', async (t) => {
  const mock = await startWechatMock()
  const url = mock.url
  await mock.close()
  const wx = createWx({ mockUrl: url, user: 'alice' })
  t.match(await rejection(wx.login()), { errMsg: /^login:fail .*ECONNREFUSED/ })
  const failed = await new Promise<WechatMiniprogram.GeneralCallbackResult>((resolve) => {
    wx.login({ fail: resolve })
  })
  t.match(failed.errMsg, /^login:fail /)
})

t.test('login() fails when the answer carries no code, with the reason when there is one', async (t) => {
  const mock = await startMock(t)
  // The mock's root answers 404 with no code: stands in for a wrong mockUrl.
  const wx = createWx({ mockUrl: mock.url + '/nowhere', user: 'alice' })
  t.match(await rejection(wx.login()), { errMsg: /^login:fail .*not found/i })
  const text = Fastify()
  text.post('/mock/login', async (_request, reply) => reply.code(502).type('text/html').send('<h1>Bad gateway</h1>'))
  const textUrl = await text.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => text.close())
  const behindProxy = createWx({ mockUrl: textUrl, user: 'alice' })
  t.match(await rejection(behindProxy.login()), { errMsg: 'login:fail HTTP 502' })
})

t.test('checkSession() succeeds in both forms', async (t) => {
  const wx = createWx({ mockUrl: 'http://127.0.0.1:9', user: 'alice' })
  t.same(await wx.checkSession(), { errMsg: 'checkSession:ok' })
  const res = await new Promise((resolve) => { wx.checkSession({ success: resolve }) })
  t.same(res, { errMsg: 'checkSession:ok' })
  t.equal(wx.checkSessionCount, 2)
})

t.test('after expireSession(), checkSession() fails until the next successful login()', async (t) => {
  const mock = await startMock(t)
  const wx = createWx({ mockUrl: mock.url, user: 'alice' })
  wx.expireSession()
  t.same(await rejection(wx.checkSession()), { errMsg: 'checkSession:fail session time out, need relogin' })
  const failed = await new Promise((resolve) => { wx.checkSession({ fail: resolve }) })
  t.same(failed, { errMsg: 'checkSession:fail session time out, need relogin' })
  const broken = createWx({ mockUrl: 'http://127.0.0.1:9', user: 'alice' })
  broken.expireSession()
  await rejection(broken.login())
  t.match(await rejection(broken.checkSession()), { errMsg: /^checkSession:fail/ }, 'a failed login does not renew it')
  await wx.login()
  t.same(await wx.checkSession(), { errMsg: 'checkSession:ok' })
  t.equal(wx.checkSessionCount, 3)
})

t.test('createWx() checks its options', async (t) => {
  t.throws(() => createWx({ mockUrl: '', user: 'alice' }), TypeError)
  t.throws(() => createWx({ mockUrl: 'http://127.0.0.1:9', user: '' }), TypeError)
})
