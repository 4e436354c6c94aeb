import t from 'tap'
import { request } from 'undici'
import { DEMO_APP } from '../src/index.js'
import { del, get, post, withQuery } from './fixtures/http.js'
import { startMock } from './fixtures/mock.js'

const sessionUrl = (url: string, code: string): string =>
  withQuery(`${url}/sns/jscode2session`, { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code, grant_type: 'authorization_code' })

t.test('an errcode fault answers HTTP 200 with that errcode for the next N calls, then normally', async (t) => {
  const mock = await startMock(t)
  const added = await post(`${mock.url}/mock/faults`, { path: '/sns/jscode2session', errcode: -1, times: 2 })
  t.same(added.json, { ok: true })
  const code = mock.mintCode('alice')
  for (const attempt of [1, 2]) {
    const answer = await get(sessionUrl(mock.url, code))
    t.equal(answer.status, 200)
    t.match(answer.contentType, /^text\/plain/, 'same Content-Type as the real answer')
    t.match(answer.json, { errcode: -1, errmsg: /^system error rid: / }, `attempt ${attempt}: system busy`)
  }
  t.equal((await get(sessionUrl(mock.url, code))).json.openid, mock.openid('alice'), 'the code was not consumed by the faults')
})

t.test('errcode faults take a custom errmsg; times defaults to 1; other paths are untouched', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/sns/jscode2session', errcode: 40226, errmsg: 'risky' })
  const tokenBody = { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret }
  t.type((await post(`${mock.url}/cgi-bin/stable_token`, tokenBody)).json.access_token, 'string', 'other path: normal')
  t.match((await get(sessionUrl(mock.url, 'x'))).json, { errcode: 40226, errmsg: /^risky rid: / })
  t.equal((await get(sessionUrl(mock.url, 'x'))).json.errcode, 40029, 'only once by default')
})

t.test('an errcode WeChat has no wording for in the mock still gets an errmsg', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/wxa/checksession', errcode: 61024 })
  t.match((await get(`${mock.url}/wxa/checksession`)).json, { errcode: 61024, errmsg: /^mock error rid: / })
})

t.test('faults on one path are used in the order they were added', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/cgi-bin/token', errcode: 45011 })
  mock.addFault({ path: '/cgi-bin/token', status: 502 })
  const tokenUrl = withQuery(`${mock.url}/cgi-bin/token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret })
  t.equal((await get(tokenUrl)).json.errcode, 45011)
  t.equal((await get(tokenUrl)).status, 502)
  t.equal((await get(tokenUrl)).status, 200)
})

t.test('a status fault answers that HTTP status with a small non-JSON body', async (t) => {
  const mock = await startMock(t)
  await post(`${mock.url}/mock/faults`, { path: '/cgi-bin/stable_token', status: 500 })
  const answer = await post(`${mock.url}/cgi-bin/stable_token`, { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: DEMO_APP.appSecret })
  t.equal(answer.status, 500)
  t.match(answer.contentType, /^text\/html/)
  t.same(answer.json, {}, 'not JSON')
  t.ok(answer.text.length < 200)
})

t.test('a delay fault answers normally after the delay', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/sns/jscode2session', delayMs: 300 })
  const code = mock.mintCode('alice')
  const started = performance.now()
  const answer = await get(sessionUrl(mock.url, code))
  t.ok(performance.now() - started >= 290, 'waited')
  t.equal(answer.json.openid, mock.openid('alice'))
  const quick = performance.now()
  await get(sessionUrl(mock.url, code))
  t.ok(performance.now() - quick < 290, 'only once')
})

t.test('a delay combines with an errcode', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/sns/jscode2session', delayMs: 200, errcode: -1 })
  const started = performance.now()
  t.equal((await get(sessionUrl(mock.url, 'x'))).json.errcode, -1)
  t.ok(performance.now() - started >= 190)
})

t.test('a client timeout shorter than the delay fails on the client', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/sns/jscode2session', delayMs: 500 })
  await t.rejects(fetch(sessionUrl(mock.url, 'x'), { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' })
})

t.test('a drop fault closes the connection without an answer', async (t) => {
  const mock = await startMock(t)
  await post(`${mock.url}/mock/faults`, { path: '/sns/jscode2session', drop: true })
  await t.rejects(request(sessionUrl(mock.url, 'x')), { code: 'UND_ERR_SOCKET' })
  t.equal((await get(sessionUrl(mock.url, 'x'))).json.errcode, 40029, 'the next call is answered')
})

t.test('DELETE /mock/faults clears pending faults; GET /mock/faults lists them', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/sns/jscode2session', errcode: -1, times: 5 })
  t.match((await get(`${mock.url}/mock/faults`)).json, { faults: [{ path: '/sns/jscode2session', kind: 'errcode', errcode: -1, remaining: 5 }] })
  t.same((await del(`${mock.url}/mock/faults`)).json, { ok: true })
  t.same((await get(`${mock.url}/mock/faults`)).json, { faults: [] })
  t.equal((await get(sessionUrl(mock.url, 'x'))).json.errcode, 40029)
  mock.addFault({ path: '/sns/jscode2session', errcode: -1 })
  mock.clearFaults()
  t.equal((await get(sessionUrl(mock.url, 'x'))).json.errcode, 40029)
})

t.test('bad faults are refused with 400 and a reason', async (t) => {
  const mock = await startMock(t)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ path: '/mock/login', errcode: -1 }, /fault path must be one of/],
    [{ path: '/sns/jscode2session' }, /needs one of errcode, status, delayMs, drop/],
    [{ path: '/sns/jscode2session', errcode: -1, status: 500 }, /at most one of/],
    [{ path: '/sns/jscode2session', errcode: 0 }, /non-zero/],
    [{ path: '/sns/jscode2session', status: 99 }, /between 200 and 599/],
    [{ path: '/sns/jscode2session', delayMs: -5 }, /delayMs/],
    [{ path: '/sns/jscode2session', errcode: -1, times: 0 }, /times/],
    [{ path: '/sns/jscode2session', errcode: -1, surprise: 1 }, /must NOT have additional properties/]
  ]
  for (const [fault, message] of cases) {
    const answer = await post(`${mock.url}/mock/faults`, fault)
    t.equal(answer.status, 400, JSON.stringify(fault))
    t.match(answer.json.message, message)
  }
  t.throws(() => mock.addFault({ path: '/sns/jscode2session', drop: 'yes' as unknown as boolean }), /drop must be a boolean/)
  t.same((await get(`${mock.url}/mock/faults`)).json, { faults: [] }, 'nothing was added')
})
