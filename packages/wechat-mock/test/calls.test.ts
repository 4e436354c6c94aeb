import t from 'tap'
import { DEMO_APP, REDACTED } from '../src/index.js'
import { del, get, post, withQuery } from './fixtures/http.js'
import { START_MS, startMock } from './fixtures/mock.js'
import { accessToken } from './fixtures/token.js'

t.test('GET /mock/calls lists WeChat calls with credentials redacted and the answer errcode', async (t) => {
  const mock = await startMock(t)
  const code = mock.mintCode('alice')
  await post(`${mock.url}/mock/login`, { user: 'bob' })
  const query = { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code, grant_type: 'authorization_code' }
  await get(withQuery(`${mock.url}/sns/jscode2session`, query))
  await get(withQuery(`${mock.url}/sns/jscode2session`, query))
  const token = await accessToken(mock.url)
  const phoneCode = mock.mintPhoneCode('alice', '13800138000')
  await post(withQuery(`${mock.url}/wxa/business/getuserphonenumber`, { access_token: token }), { code: phoneCode })

  const answer = await get(`${mock.url}/mock/calls`)
  t.equal(answer.status, 200)
  const calls = answer.json.calls as Array<Record<string, unknown>>
  t.same(calls.map((call) => call.path), ['/sns/jscode2session', '/sns/jscode2session', '/cgi-bin/stable_token', '/wxa/business/getuserphonenumber'],
    'WeChat calls only, not /mock/ ones')
  t.same(calls[0], {
    at: START_MS,
    method: 'GET',
    path: '/sns/jscode2session',
    query: { appid: DEMO_APP.appId, secret: REDACTED, js_code: REDACTED, grant_type: 'authorization_code' },
    body: null,
    errcode: 0,
    status: 200
  })
  t.equal(calls[1]?.errcode, 40163, 'the errcode WeChat answered')
  t.match(calls[2], { method: 'POST', body: { grant_type: 'client_credential', appid: DEMO_APP.appId, secret: REDACTED }, errcode: 0 })
  t.match(calls[3], { query: { access_token: REDACTED }, body: { code: REDACTED }, errcode: 0 })
  for (const secret of [DEMO_APP.appSecret, code, token, phoneCode]) t.notMatch(answer.text, secret, 'no credential anywhere')
})

t.test('calls filter by path and clear', async (t) => {
  const mock = await startMock(t)
  await get(`${mock.url}/sns/jscode2session`)
  await get(`${mock.url}/cgi-bin/token`)
  t.equal(((await get(`${mock.url}/mock/calls?path=/cgi-bin/token`)).json.calls as unknown[]).length, 1)
  t.equal(mock.calls('/sns/jscode2session').length, 1)
  t.equal(mock.calls().length, 2)
  t.same((await del(`${mock.url}/mock/calls`)).json, { ok: true })
  t.same(mock.calls(), [])
  await get(`${mock.url}/cgi-bin/token`)
  mock.clearCalls()
  t.same((await get(`${mock.url}/mock/calls`)).json, { calls: [] })
})

t.test('faulted calls are recorded too: errcode faults with their errcode, HTTP faults and drops without one', async (t) => {
  const mock = await startMock(t)
  mock.addFault({ path: '/cgi-bin/token', errcode: 45011 })
  mock.addFault({ path: '/cgi-bin/token', status: 503 })
  mock.addFault({ path: '/cgi-bin/token', drop: true })
  await get(`${mock.url}/cgi-bin/token`)
  await get(`${mock.url}/cgi-bin/token`)
  await t.rejects(get(`${mock.url}/cgi-bin/token`))
  t.match(mock.calls(), [
    { path: '/cgi-bin/token', errcode: 45011, status: 200 },
    { path: '/cgi-bin/token', errcode: null, status: 503 },
    { path: '/cgi-bin/token', errcode: null, status: null }
  ])
})

t.test('a call list entry is a copy: callers cannot rewrite history', async (t) => {
  const mock = await startMock(t)
  await get(`${mock.url}/cgi-bin/token`)
  const [first] = mock.calls()
  if (first !== undefined) first.path = '/changed'
  t.equal(mock.calls()[0]?.path, '/cgi-bin/token')
})
