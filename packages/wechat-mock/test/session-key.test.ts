import { createHmac } from 'node:crypto'
import t from 'tap'
import { DEMO_APP, sessionKeySignature } from '../src/index.js'
import { get, withQuery } from './fixtures/http.js'
import { startMock } from './fixtures/mock.js'
import { accessToken } from './fixtures/token.js'

const hmac = (sessionKey: string): string => createHmac('sha256', sessionKey).update('').digest('hex')

function sessionUrl (url: string, endpoint: 'checksession' | 'resetusersessionkey', params: Record<string, string | undefined>): string {
  return withQuery(`${url}/wxa/${endpoint}`, { sig_method: 'hmac_sha256', ...params })
}

t.test('checksession accepts the HMAC-SHA256 of "" keyed by the current session_key', async (t) => {
  const mock = await startMock(t)
  mock.mintCode('alice')
  const token = await accessToken(mock.url)
  const openid = mock.openid('alice')
  const key = mock.sessionKey('alice') as string
  t.equal(sessionKeySignature(key), hmac(key), 'the exported helper is the documented signature')
  const answer = await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid, signature: hmac(key) }))
  t.equal(answer.status, 200)
  t.match(answer.contentType, /^application\/json/)
  t.same(answer.json, { errcode: 0, errmsg: 'ok' })
})

t.test('checksession: 87009 for a stale key after a new wx.login, 40003 for an unknown openid, 40097 for bad args', async (t) => {
  const mock = await startMock(t)
  mock.mintCode('alice')
  const oldKey = mock.sessionKey('alice') as string
  mock.mintCode('alice')
  const token = await accessToken(mock.url)
  const openid = mock.openid('alice')
  const stale = await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid, signature: hmac(oldKey) }))
  t.equal(stale.json.errcode, 87009)
  t.match(stale.json.errmsg, /^invalid signature rid: /)
  const unknown = await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid: mock.openid('bob'), signature: hmac(oldKey) }))
  t.equal(unknown.json.errcode, 40003, 'a user who never logged in')
  const wrongMethod = await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid, signature: hmac(oldKey), sig_method: 'md5' }))
  t.equal(wrongMethod.json.errcode, 40097)
  const noSignature = await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid }))
  t.equal(noSignature.json.errcode, 40097)
  t.equal((await get(sessionUrl(mock.url, 'checksession', { openid, signature: 'x' }))).json.errcode, 41001)
  t.equal((await get(sessionUrl(mock.url, 'checksession', { access_token: 'forged', openid, signature: 'x' }))).json.errcode, 40001)
})

t.test('resetusersessionkey gives a new key; the old one stops verifying', async (t) => {
  const mock = await startMock(t)
  mock.mintCode('alice')
  const token = await accessToken(mock.url)
  const openid = mock.openid('alice')
  const oldKey = mock.sessionKey('alice') as string
  const reset = await get(sessionUrl(mock.url, 'resetusersessionkey', { access_token: token, openid, signature: hmac(oldKey) }))
  t.match(reset.json, { errcode: 0, errmsg: 'ok', openid, session_key: String })
  const newKey = reset.json.session_key as string
  t.not(newKey, oldKey)
  t.equal(Buffer.from(newKey, 'base64').length, 16)
  t.equal(mock.sessionKey('alice'), newKey)
  t.equal((await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid, signature: hmac(oldKey) }))).json.errcode, 87009)
  t.equal((await get(sessionUrl(mock.url, 'checksession', { access_token: token, openid, signature: hmac(newKey) }))).json.errcode, 0)
  const again = await get(sessionUrl(mock.url, 'resetusersessionkey', { access_token: token, openid, signature: hmac(oldKey) }))
  t.equal(again.json.errcode, 87009, 'resetting needs the current key')
  mock.advanceTime(7200 * 1000)
  t.equal((await get(sessionUrl(mock.url, 'resetusersessionkey', { access_token: token, openid, signature: hmac(newKey) }))).json.errcode, 42001)
  t.equal(DEMO_APP.appId, mock.apps[0]?.appId)
})
