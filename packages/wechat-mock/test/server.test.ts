import { networkInterfaces } from 'node:os'
import t from 'tap'
import { buildWechatMock, DEMO_APP, startWechatMock } from '../src/index.js'
import { get, withQuery } from './fixtures/http.js'

t.test('buildWechatMock serves through inject without listening, controls on .wechat', async (t) => {
  const app = buildWechatMock()
  t.teardown(() => app.close())
  const code = app.wechat.mintCode('alice')
  const res = await app.inject({
    method: 'GET',
    url: '/sns/jscode2session',
    query: { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code, grant_type: 'authorization_code' }
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.same(res.json(), { openid: app.wechat.openid('alice'), session_key: app.wechat.sessionKey('alice'), unionid: app.wechat.unionid('alice') })
  t.equal(app.server.listening, false)
})

t.test('the demo app is documented and stable', async (t) => {
  t.same(DEMO_APP, { appId: 'wxd0e1f2a3b4c5d6e7', appSecret: 'de305ec7e7a1b2c3d4e5f60718293a4b', unionGroup: 'demo' })
  t.match(DEMO_APP.appId, /^wx[0-9a-f]{16}$/)
  t.match(DEMO_APP.appSecret, /^[0-9a-f]{32}$/)
  t.ok(Object.isFrozen(DEMO_APP), 'tests cannot change it for each other')
})

t.test('bad app lists fail at build time with a clear message', async (t) => {
  t.throws(() => buildWechatMock({ apps: [] }), /at least one app/)
  t.throws(() => buildWechatMock({ apps: [{ appId: '', appSecret: 's' }] }), /non-empty appId/)
  t.throws(() => buildWechatMock({ apps: [{ appId: 'wx1', appSecret: '' }] }), /wx1 needs a non-empty appSecret/)
  t.throws(() => buildWechatMock({ apps: [{ appId: 'wx1', appSecret: 's', unionGroup: '' }] }), /unionGroup/)
  t.throws(() => buildWechatMock({ apps: [{ appId: 'wx1', appSecret: 's' }, { appId: 'wx1', appSecret: 't' }] }), /listed twice/)
})

t.test('the mock keeps its own copy of the apps', async (t) => {
  const apps = [{ appId: 'wx1', appSecret: 's' }]
  const app = buildWechatMock({ apps })
  t.teardown(() => app.close())
  const first = apps[0]
  if (first !== undefined) first.appSecret = 'changed'
  t.equal(app.wechat.apps[0]?.appSecret, 's')
})

t.test('the request log masks secrets, codes and tokens', async (t) => {
  const lines: string[] = []
  const mock = await startWechatMock({ logger: { stream: { write: (line) => { lines.push(line) } } } })
  t.teardown(() => mock.close())
  const code = mock.mintCode('alice')
  await get(withQuery(`${mock.url}/sns/jscode2session`, { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code }))
  await get(withQuery(`${mock.url}/cgi-bin/token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret }))
  const log = lines.join('')
  t.match(log, /"url":"\/sns\/jscode2session\?appid=wxd0e1f2a3b4c5d6e7&secret=\*\*\*&js_code=\*\*\*"/, 'the request is logged, masked')
  t.notMatch(log, DEMO_APP.appSecret)
  t.notMatch(log, code)
})

t.test('logger: true and an explicit host/port are accepted', async (t) => {
  const mock = await startWechatMock({ logger: false, host: '127.0.0.1', port: 0 })
  t.teardown(() => mock.close())
  t.equal(mock.server.server.listening, true)
  const withLogger = buildWechatMock({ logger: true })
  t.teardown(() => withLogger.close())
  t.ok(withLogger.log, 'has a logger')
})

const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.address === '::1'))

t.test('an IPv6 host gives a bracketed URL', { skip: hasIpv6Loopback ? false : 'no IPv6 loopback here' }, async (t) => {
  const mock = await startWechatMock({ host: '::1' })
  t.teardown(() => mock.close())
  t.match(mock.url, /^http:\/\/\[::1\]:\d+$/)
  t.equal((await get(`${mock.url}/mock/clock`)).status, 200)
})

t.test('close() stops the server', async (t) => {
  const mock = await startWechatMock()
  await mock.close()
  await t.rejects(get(`${mock.url}/mock/clock`), 'connection refused')
})
