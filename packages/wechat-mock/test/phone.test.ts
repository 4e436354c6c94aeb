import t from 'tap'
import { START_MS, startMock } from './fixtures/mock.js'
import { post, postRaw, withQuery } from './fixtures/http.js'
import { accessToken } from './fixtures/token.js'
import { DEMO_APP, type MockApp } from '../src/index.js'

const phoneUrl = (url: string, token: string | undefined): string =>
  withQuery(`${url}/wxa/business/getuserphonenumber`, { access_token: token })

t.test('a phone code trades for phone_info with a watermark naming the app', async (t) => {
  const mock = await startMock(t)
  const token = await accessToken(mock.url)
  const { json: { code } } = await post(`${mock.url}/mock/phone-code`, { user: 'alice', phoneNumber: '+86 13800138000' })
  const answer = await post(phoneUrl(mock.url, token), { code })
  t.equal(answer.status, 200)
  t.match(answer.contentType, /^application\/json/)
  t.same(answer.json, {
    errcode: 0,
    errmsg: 'ok',
    phone_info: {
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
      watermark: { timestamp: START_MS / 1000, appid: DEMO_APP.appId }
    }
  })
})

t.test('numbers: a bare number is mainland China; other countries keep their code in phoneNumber', async (t) => {
  const mock = await startMock(t)
  const token = await accessToken(mock.url)
  const bare = mock.mintPhoneCode('alice', '13900139000')
  t.match((await post(phoneUrl(mock.url, token), { code: bare })).json.phone_info, { phoneNumber: '13900139000', countryCode: '86' })
  const us = mock.mintPhoneCode('bob', '+1 2025550123')
  t.match((await post(phoneUrl(mock.url, token), { code: us })).json.phone_info, {
    phoneNumber: '+12025550123', purePhoneNumber: '2025550123', countryCode: '1'
  })
  const bad = await post(`${mock.url}/mock/phone-code`, { user: 'alice', phoneNumber: 'call me' })
  t.equal(bad.status, 400)
  t.match(bad.json.message, /phoneNumber/)
})

t.test('a phone code is single use and lives 5 minutes (40029 otherwise)', async (t) => {
  const mock = await startMock(t)
  const token = await accessToken(mock.url)
  const code = mock.mintPhoneCode('alice', '13800138000')
  t.equal((await post(phoneUrl(mock.url, token), { code })).json.errcode, 0)
  t.equal((await post(phoneUrl(mock.url, token), { code })).json.errcode, 40029, 'second use')
  const late = mock.mintPhoneCode('alice', '13800138000')
  mock.advanceTime(5 * 60_000)
  const fresh = await accessToken(mock.url)
  t.equal((await post(phoneUrl(mock.url, fresh), { code: late })).json.errcode, 40029, 'expired')
  t.equal((await post(phoneUrl(mock.url, fresh), { code: 'unknown' })).json.errcode, 40029, 'unknown')
  t.equal((await post(phoneUrl(mock.url, fresh), {})).json.errcode, 40029, 'missing code')
})

t.test('a phone code only works with an access_token of its own app', async (t) => {
  const shop: MockApp = { appId: 'wx1111111111111111', appSecret: 's1' }
  const blog: MockApp = { appId: 'wx2222222222222222', appSecret: 's2' }
  const mock = await startMock(t, { apps: [shop, blog] })
  const code = mock.mintPhoneCode('alice', '13800138000', blog.appId)
  t.equal((await post(phoneUrl(mock.url, await accessToken(mock.url, shop)), { code })).json.errcode, 40029)
  const answer = await post(phoneUrl(mock.url, await accessToken(mock.url, blog)), { code })
  t.match(answer.json, { errcode: 0, phone_info: { watermark: { appid: blog.appId } } })
})

t.test('access_token problems: 41001 missing, 40001 invalid, 42001 expired; bad bodies 47001', async (t) => {
  const mock = await startMock(t)
  const code = mock.mintPhoneCode('alice', '13800138000')
  t.equal((await post(phoneUrl(mock.url, undefined), { code })).json.errcode, 41001)
  t.equal((await post(phoneUrl(mock.url, 'forged'), { code })).json.errcode, 40001)
  const token = await accessToken(mock.url)
  t.equal((await postRaw(phoneUrl(mock.url, token), 'code=1')).json.errcode, 47001)
  mock.advanceTime(7200 * 1000)
  t.equal((await post(phoneUrl(mock.url, token), { code })).json.errcode, 42001)
})
