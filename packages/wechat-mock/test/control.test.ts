import { createDecipheriv, createHash } from 'node:crypto'
import t from 'tap'
import { DEMO_APP, MockInputError, type MockApp } from '../src/index.js'
import { get, post, withQuery } from './fixtures/http.js'
import { START_MS, startMock } from './fixtures/mock.js'

const shop: MockApp = { appId: 'wx1111111111111111', appSecret: 's1' }
const blog: MockApp = { appId: 'wx2222222222222222', appSecret: 's2' }

/** Decrypts as a server following WeChat's documentation would. */
function decrypt (encryptedData: string, iv: string, sessionKey: string): Record<string, unknown> {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'))
  const plaintext = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8')
  return JSON.parse(plaintext) as Record<string, unknown>
}

t.test('POST /mock/login returns a code as JSON; appid may be left out with one app', async (t) => {
  const mock = await startMock(t)
  const answer = await post(`${mock.url}/mock/login`, { user: 'alice' })
  t.equal(answer.status, 200)
  t.match(answer.contentType, /^application\/json/)
  t.match(answer.json, { code: /^[A-Za-z0-9_-]{16,}$/ })
  const explicit = await post(`${mock.url}/mock/login`, { user: 'alice', appid: DEMO_APP.appId })
  t.not(explicit.json.code, answer.json.code, 'a new code each time')
})

t.test('control calls fail with 400 JSON for an ambiguous or unknown app, or bad input', async (t) => {
  const mock = await startMock(t, { apps: [shop, blog] })
  const ambiguous = await post(`${mock.url}/mock/login`, { user: 'alice' })
  t.equal(ambiguous.status, 400)
  t.match(ambiguous.json, { statusCode: 400, message: /appid is required: this mock serves 2 apps/ })
  const unknown = await post(`${mock.url}/mock/login`, { user: 'alice', appid: 'wx0' })
  t.match(unknown, { status: 400, json: { message: /unknown appid wx0/ } })
  t.equal((await post(`${mock.url}/mock/login`, {})).status, 400, 'user is required')
  t.equal((await post(`${mock.url}/mock/login`, { user: '', appid: shop.appId })).status, 400, 'user must not be empty')
  t.equal((await post(`${mock.url}/mock/login`, { user: 'alice', appid: shop.appId })).status, 200)
  // A misspelt field must not be ignored (here it would silently mint for another app).
  t.equal((await post(`${mock.url}/mock/login`, { user: 'alice', appid: shop.appId, appId: blog.appId })).status, 400, 'unknown fields are refused')
  t.equal((await post(`${mock.url}/mock/phone-code`, { user: 'alice', appid: shop.appId, phoneNumber: '13800138000', phone: '1' })).status, 400)
  t.equal((await post(`${mock.url}/mock/encrypted-data`, { user: 'alice', appid: shop.appId, data: {}, iv: 'x' })).status, 400)
  t.equal((await post(`${mock.url}/mock/clock`, { advanceMs: 1, advance: 1 })).status, 400)
  t.throws(() => mock.mintCode('alice'), MockInputError)
  t.throws(() => mock.openid('alice', 'wx0'), /unknown appid/)
  t.throws(() => mock.mintCode('', shop.appId), /user must be a non-empty string/)
})

t.test('POST /mock/encrypted-data encrypts with the current session_key, as WeChat does', async (t) => {
  const mock = await startMock(t)
  mock.mintCode('alice')
  const data = { nickName: 'Alice', gender: 0, avatarUrl: 'https://example.test/a.png' }
  const answer = await post(`${mock.url}/mock/encrypted-data`, { user: 'alice', data })
  t.equal(answer.status, 200)
  const { encryptedData, iv, rawData, signature } = answer.json as Record<string, string>
  const sessionKey = mock.sessionKey('alice') as string
  t.equal(Buffer.from(iv as string, 'base64').length, 16, 'a 16-byte iv')
  t.same(decrypt(encryptedData as string, iv as string, sessionKey), { ...data, watermark: { appid: DEMO_APP.appId, timestamp: START_MS / 1000 } })
  t.equal(rawData, JSON.stringify(data))
  t.equal(signature, createHash('sha1').update(rawData + sessionKey).digest('hex'), 'signature = sha1(rawData + session_key)')
  const other = await post(`${mock.url}/mock/encrypted-data`, { user: 'alice', data })
  t.not(other.json.iv, iv, 'a random iv each time')
})

t.test('encrypted data made before a new wx.login does not decrypt with the new key', async (t) => {
  const mock = await startMock(t)
  mock.mintCode('alice')
  const before = mock.encryptedData('alice', { nickName: 'Alice' })
  mock.mintCode('alice')
  const newKey = mock.sessionKey('alice') as string
  t.throws(() => {
    const decoded = decrypt(before.encryptedData, before.iv, newKey)
    if (decoded.nickName !== 'Alice') throw new Error('garbage')
  }, 'the rotated key cannot read it')
})

t.test('encrypted data needs a logged-in user and an object', async (t) => {
  const mock = await startMock(t)
  const noSession = await post(`${mock.url}/mock/encrypted-data`, { user: 'alice', data: {} })
  t.match(noSession, { status: 400, json: { message: /has no session.*mint a login code first/ } })
  mock.mintCode('alice')
  t.equal((await post(`${mock.url}/mock/encrypted-data`, { user: 'alice', data: 'text' })).status, 400)
  t.throws(() => mock.encryptedData('alice', [1, 2]), /data must be an object/)
})

t.test('the clock moves forward over HTTP for cross-process expiry tests, never back', async (t) => {
  const mock = await startMock(t)
  t.same((await get(`${mock.url}/mock/clock`)).json, { now: START_MS })
  const code = mock.mintCode('alice')
  const moved = await post(`${mock.url}/mock/clock`, { advanceMs: 5 * 60_000 })
  t.same(moved.json, { now: START_MS + 5 * 60_000 })
  t.equal(mock.now(), START_MS + 5 * 60_000)
  const answer = await get(withQuery(`${mock.url}/sns/jscode2session`, { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code }))
  t.equal(answer.json.errcode, 40029)
  t.equal((await post(`${mock.url}/mock/clock`, { advanceMs: -1 })).status, 400)
  t.equal((await post(`${mock.url}/mock/clock`, {})).status, 400)
  t.throws(() => mock.advanceTime(Number.NaN), RangeError)
})

t.test('the default clock is the real one', async (t) => {
  const { startWechatMock } = await import('../src/index.js')
  const mock = await startWechatMock()
  t.teardown(() => mock.close())
  t.ok(Math.abs(mock.now() - Date.now()) < 1000)
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.same(mock.apps, [DEMO_APP])
})
