import t from 'tap'
import { DEMO_APP, openidFor, type MockApp } from '../src/index.js'
import { get, post, withQuery } from './fixtures/http.js'
import { startMock } from './fixtures/mock.js'

const shop: MockApp = { appId: 'wx1111111111111111', appSecret: 'shop-secret', unionGroup: 'acme' }
const blog: MockApp = { appId: 'wx2222222222222222', appSecret: 'blog-secret', unionGroup: 'acme' }
const solo: MockApp = { appId: 'wx3333333333333333', appSecret: 'solo-secret' }

function code2Session (url: string, app: MockApp, code: string | undefined, extra: Record<string, string | undefined> = {}): string {
  return withQuery(`${url}/sns/jscode2session`, {
    appid: app.appId, secret: app.appSecret, js_code: code, grant_type: 'authorization_code', ...extra
  })
}

t.test('a wx.login code trades for openid, session_key and unionid, as text/plain JSON', async (t) => {
  const mock = await startMock(t)
  const { json: { code } } = await post(`${mock.url}/mock/login`, { user: 'alice' })
  t.type(code, 'string')
  const answer = await get(code2Session(mock.url, DEMO_APP, code as string))
  t.equal(answer.status, 200)
  t.match(answer.contentType, /^text\/plain/, 'WeChat says text/plain although the body is JSON')
  t.same(answer.json, { openid: mock.openid('alice'), session_key: mock.sessionKey('alice'), unionid: mock.unionid('alice') })
  t.match(answer.json.openid, /^o[A-Za-z0-9_-]{27}$/)
  t.equal(Buffer.from(answer.json.session_key as string, 'base64').length, 16, 'session_key is 16 bytes, base64')
  t.equal(answer.json.errcode, undefined, 'success has no errcode')
})

t.test('openid is stable per (app, user); unionid is shared by the apps of one union group only', async (t) => {
  const mock = await startMock(t, { apps: [shop, blog, solo] })
  const login = async (user: string, app: MockApp): Promise<Record<string, unknown>> => {
    const code = mock.mintCode(user, app.appId)
    return (await get(code2Session(mock.url, app, code))).json
  }
  const aliceShop = await login('alice', shop)
  const aliceShopAgain = await login('alice', shop)
  const aliceBlog = await login('alice', blog)
  const aliceSolo = await login('alice', solo)
  const bobShop = await login('bob', shop)
  t.equal(aliceShop.openid, aliceShopAgain.openid)
  t.equal(aliceShop.openid, openidFor(shop.appId, 'alice'))
  t.not(aliceShop.openid, aliceBlog.openid, 'openids differ across apps')
  t.not(aliceShop.openid, bobShop.openid, 'openids differ across users')
  t.equal(aliceShop.unionid, aliceBlog.unionid, 'one unionid across the group')
  t.not(aliceShop.unionid, bobShop.unionid)
  t.notOk('unionid' in aliceSolo, 'no unionid outside an Open Platform group')
  t.equal(mock.unionid('alice', solo.appId), undefined)
})

t.test('each new code rotates the session_key; a code redeemed late still gets the current key', async (t) => {
  const mock = await startMock(t)
  const first = mock.mintCode('alice')
  const firstKey = mock.sessionKey('alice')
  const second = mock.mintCode('alice')
  const secondKey = mock.sessionKey('alice')
  t.not(firstKey, secondKey)
  t.equal((await get(code2Session(mock.url, DEMO_APP, first))).json.session_key, secondKey)
  t.equal((await get(code2Session(mock.url, DEMO_APP, second))).json.session_key, secondKey)
  t.equal(mock.sessionKey('nobody'), undefined, 'no key before the first code')
})

t.test('a code works once: the second use is 40163', async (t) => {
  const mock = await startMock(t)
  const code = mock.mintCode('alice')
  t.equal((await get(code2Session(mock.url, DEMO_APP, code))).json.openid, mock.openid('alice'))
  const again = await get(code2Session(mock.url, DEMO_APP, code))
  t.equal(again.status, 200, 'errors are HTTP 200')
  t.equal(again.json.errcode, 40163)
  t.match(again.json.errmsg, /^code been used rid: /)
})

t.test('a code lives 5 minutes: 40029 once older', async (t) => {
  const mock = await startMock(t)
  const fresh = mock.mintCode('alice')
  const stale = mock.mintCode('bob')
  mock.advanceTime(5 * 60_000 - 1)
  t.ok((await get(code2Session(mock.url, DEMO_APP, fresh))).json.openid, 'valid just before 5 minutes')
  mock.advanceTime(1)
  t.equal((await get(code2Session(mock.url, DEMO_APP, stale))).json.errcode, 40029, 'invalid at 5 minutes')
})

t.test('unknown codes and codes of another app are 40029', async (t) => {
  const mock = await startMock(t, { apps: [shop, blog] })
  t.equal((await get(code2Session(mock.url, shop, 'not-a-code'))).json.errcode, 40029)
  const blogCode = mock.mintCode('alice', blog.appId)
  t.equal((await get(code2Session(mock.url, shop, blogCode))).json.errcode, 40029)
  t.ok((await get(code2Session(mock.url, blog, blogCode))).json.openid, 'the failed attempt did not consume it')
})

t.test('bad or missing credentials and parameters answer WeChat errcodes', async (t) => {
  const mock = await startMock(t)
  const code = mock.mintCode('alice')
  const base = `${mock.url}/sns/jscode2session`
  const cases: Array<[string, Record<string, string | undefined>, number]> = [
    ['missing appid', { secret: DEMO_APP.appSecret, js_code: code }, 41002],
    ['missing secret', { appid: DEMO_APP.appId, js_code: code }, 41004],
    ['missing code', { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret }, 41008],
    ['empty code', { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: '' }, 41008],
    ['unknown appid', { appid: 'wx0000000000000000', secret: DEMO_APP.appSecret, js_code: code }, 40013],
    ['wrong secret', { appid: DEMO_APP.appId, secret: 'nope', js_code: code }, 40125],
    ['wrong grant_type', { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code, grant_type: 'password' }, 40002]
  ]
  for (const [name, params, errcode] of cases) {
    const answer = await get(withQuery(base, params))
    t.equal(answer.status, 200, `${name}: HTTP 200`)
    t.equal(answer.json.errcode, errcode, `${name}: ${errcode}`)
    t.type(answer.json.errmsg, 'string')
    t.notMatch(answer.text, DEMO_APP.appSecret, `${name}: the secret is not echoed`)
  }
  const repeated = await get(`${base}?appid=${DEMO_APP.appId}&appid=other&secret=${DEMO_APP.appSecret}&js_code=${code}`)
  t.equal(repeated.json.openid, mock.openid('alice'), 'a repeated parameter counts by its first value')
})
