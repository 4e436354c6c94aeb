import t from 'tap'
import { DEMO_APP, type MockApp } from '../src/index.js'
import { get, post, postRaw, withQuery } from './fixtures/http.js'
import { startMock } from './fixtures/mock.js'

const stableBody = (app: MockApp = DEMO_APP, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ grant_type: 'client_credential', appid: app.appId, secret: app.appSecret, ...extra })

/** Uses a token on an endpoint that checks it; a wrong signature (87009) means the token itself was accepted. */
async function tokenErrcode (url: string, token: string): Promise<unknown> {
  const answer = await get(withQuery(`${url}/wxa/checksession`, { access_token: token, openid: 'x', signature: 'x', sig_method: 'hmac_sha256' }))
  return answer.json.errcode
}

t.test('stable_token: the same token while valid, with the remaining expires_in', async (t) => {
  const mock = await startMock(t)
  const first = await post(`${mock.url}/cgi-bin/stable_token`, stableBody())
  t.equal(first.status, 200)
  t.match(first.contentType, /^application\/json/)
  t.match(first.json, { access_token: String, expires_in: 7200 })
  t.equal(first.json.errcode, undefined)
  mock.advanceTime(1000 * 1000)
  const second = await post(`${mock.url}/cgi-bin/stable_token`, stableBody({ ...DEMO_APP }, { force_refresh: false }))
  t.equal(second.json.access_token, first.json.access_token, 'same token')
  t.equal(second.json.expires_in, 6200, 'remaining lifetime')
  t.equal(await tokenErrcode(mock.url, first.json.access_token as string), 40003, 'the token is accepted (then the openid is not)')
})

t.test('stable_token renews on its own in the last 5 minutes; the old token lives out its time, then 42001', async (t) => {
  const mock = await startMock(t)
  const first = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  mock.advanceTime((7200 - 300) * 1000 - 1)
  const stillFirst = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  t.same(stillFirst, { access_token: first.access_token, expires_in: 300 }, 'a returned token has at least 300 s left')
  mock.advanceTime(1)
  const renewed = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  t.not(renewed.access_token, first.access_token)
  t.equal(renewed.expires_in, 7200)
  t.equal(await tokenErrcode(mock.url, first.access_token as string), 40003, 'the old token still works before expiry')
  mock.advanceTime(300 * 1000)
  t.equal(await tokenErrcode(mock.url, first.access_token as string), 42001, 'expired')
  t.equal(await tokenErrcode(mock.url, renewed.access_token as string), 40003, 'the new one works')
})

t.test('stable_token force_refresh rotates the token and the old one is invalid (40001)', async (t) => {
  const mock = await startMock(t)
  const first = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  const forced = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody(DEMO_APP, { force_refresh: true }))).json
  t.not(forced.access_token, first.access_token)
  t.equal(forced.expires_in, 7200)
  t.equal(await tokenErrcode(mock.url, first.access_token as string), 40001)
  t.equal(await tokenErrcode(mock.url, forced.access_token as string), 40003)
  const after = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  t.equal(after.access_token, forced.access_token, 'normal mode then returns the refreshed token')
})

t.test('an access_token expires after 7200 s: 42001', async (t) => {
  const mock = await startMock(t)
  const { access_token: token } = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  mock.advanceTime(7200 * 1000 - 1)
  t.equal(await tokenErrcode(mock.url, token as string), 40003)
  mock.advanceTime(1)
  t.equal(await tokenErrcode(mock.url, token as string), 42001)
  t.equal(await tokenErrcode(mock.url, 'never-issued'), 40001)
})

t.test('stable_token rejects bad requests with WeChat errcodes', async (t) => {
  const mock = await startMock(t)
  const url = `${mock.url}/cgi-bin/stable_token`
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['wrong grant_type', stableBody(DEMO_APP, { grant_type: 'authorization_code' }), 40002],
    ['missing grant_type', { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret }, 40002],
    ['missing appid', { grant_type: 'client_credential', secret: DEMO_APP.appSecret }, 41002],
    ['missing secret', { grant_type: 'client_credential', appid: DEMO_APP.appId }, 41004],
    ['unknown appid', stableBody({ appId: 'wx0000000000000000', appSecret: DEMO_APP.appSecret }), 40013],
    ['wrong secret', stableBody({ appId: DEMO_APP.appId, appSecret: 'nope' }), 40125],
    ['non-boolean force_refresh', stableBody(DEMO_APP, { force_refresh: 'yes' }), 47001]
  ]
  for (const [name, body, errcode] of cases) {
    const answer = await post(url, body)
    t.equal(answer.status, 200, `${name}: HTTP 200`)
    t.equal(answer.json.errcode, errcode, `${name}: ${errcode}`)
  }
  t.equal((await postRaw(url, '{not json')).json.errcode, 47001, 'a body that is not JSON: 47001')
  t.equal((await postRaw(url, '[1]')).json.errcode, 47001, 'a body that is not an object: 47001')
  t.equal((await post(url)).json.errcode, 47001, 'no body: 47001')
})

t.test('legacy /cgi-bin/token: each call issues a new token, the previous one lives 5 more minutes', async (t) => {
  const mock = await startMock(t)
  const tokenUrl = withQuery(`${mock.url}/cgi-bin/token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret })
  const first = await get(tokenUrl)
  t.match(first.contentType, /^application\/json/)
  t.match(first.json, { access_token: String, expires_in: 7200 })
  const second = (await get(tokenUrl)).json
  t.not(second.access_token, first.json.access_token)
  mock.advanceTime(5 * 60_000 - 1)
  t.equal(await tokenErrcode(mock.url, first.json.access_token as string), 40003, 'previous token valid during the overlap')
  mock.advanceTime(1)
  t.equal(await tokenErrcode(mock.url, first.json.access_token as string), 40001, 'previous token invalid after 5 minutes')
  t.equal(await tokenErrcode(mock.url, second.access_token as string), 40003, 'the latest token works')
})

t.test('legacy /cgi-bin/token: a third call ends the first token at once', async (t) => {
  const mock = await startMock(t)
  const tokenUrl = withQuery(`${mock.url}/cgi-bin/token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret })
  const first = (await get(tokenUrl)).json.access_token as string
  const second = (await get(tokenUrl)).json.access_token as string
  const third = (await get(tokenUrl)).json.access_token as string
  t.equal(await tokenErrcode(mock.url, first), 40001, 'two calls ago: invalid')
  t.equal(await tokenErrcode(mock.url, second), 40003, 'previous: in its overlap')
  t.equal(await tokenErrcode(mock.url, third), 40003)
})

t.test('legacy and stable tokens are independent', async (t) => {
  const mock = await startMock(t)
  const stable = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json.access_token as string
  const tokenUrl = withQuery(`${mock.url}/cgi-bin/token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret })
  await get(tokenUrl)
  await get(tokenUrl)
  await get(tokenUrl)
  t.equal(await tokenErrcode(mock.url, stable), 40003, 'legacy calls do not touch the stable token')
})

t.test('legacy /cgi-bin/token rejects bad requests with WeChat errcodes', async (t) => {
  const mock = await startMock(t)
  const base = `${mock.url}/cgi-bin/token`
  const cases: Array<[string, Record<string, string | undefined>, number]> = [
    ['missing grant_type', { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret }, 40002],
    ['missing appid', { grant_type: 'client_credential', secret: DEMO_APP.appSecret }, 41002],
    ['missing secret', { grant_type: 'client_credential', appid: DEMO_APP.appId }, 41004],
    ['unknown appid', { grant_type: 'client_credential', appid: 'wx0', secret: DEMO_APP.appSecret }, 40013],
    ['wrong secret', { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: 'nope' }, 40125]
  ]
  for (const [name, params, errcode] of cases) {
    t.equal((await get(withQuery(base, params))).json.errcode, errcode, `${name}: ${errcode}`)
  }
})

t.test('hours later, after the mock has tidied its memory, an old token is still reported expired (42001), not unknown', async (t) => {
  const mock = await startMock(t)
  const { access_token: token } = (await post(`${mock.url}/cgi-bin/stable_token`, stableBody())).json
  mock.advanceTime(3 * 3600 * 1000)
  mock.mintCode('alice') // minting codes is when the mock forgets what has expired
  t.equal(await tokenErrcode(mock.url, token as string), 42001)
  mock.advanceTime(2 * 86_400_000)
  mock.mintCode('alice')
  t.equal(await tokenErrcode(mock.url, token as string), 40001, 'a day after expiry it is forgotten')
})
