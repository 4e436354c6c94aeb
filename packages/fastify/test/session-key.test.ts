import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import { startWechatMock } from '@wx-login/wechat-mock'
import mysql from 'mysql2/promise'
import t from 'tap'
import wxLogin, { memoryStores } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { ignoreRedisErrors, REDIS_URL } from './fixtures/services.js'

const encryptionKey = randomBytes(32).toString('base64')
const CHECK = '/wxa/checksession'

t.test('the session_key is stored sealed on every login, never in the clear', async t => {
  const { mock, dbUrl, logs, login } = await buildTestApp(t, 'skey_stored', { plugin: { sessionKeyEncryptionKey: encryptionKey } })
  await login('alice')
  const first = mock.sessionKey('alice')!
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const read = async () => {
    const [rows] = await db.query('SELECT session_key_enc, updated_at FROM wx_session_keys WHERE openid = ?', [mock.openid('alice')]) as [Array<{ session_key_enc: Buffer, updated_at: number }>, unknown]
    return rows
  }
  const [row] = await read()
  t.ok(row, 'one row per identity')
  t.equal(row!.session_key_enc.length, 1 + 12 + 24 + 16, 'version, nonce, ciphertext, tag')
  t.notOk(row!.session_key_enc.includes(Buffer.from(first)), 'not the raw key')
  t.notOk(row!.session_key_enc.includes(Buffer.from(first, 'base64')), 'not its bytes either')

  await login('alice')
  const after = await read()
  t.equal(after.length, 1, 'replaced, not added')
  t.not(after[0]!.session_key_enc.toString('hex'), row!.session_key_enc.toString('hex'), 'the new key is stored')
  t.notOk(logs.join('').includes(mock.sessionKey('alice')!), 'never logged')
})

t.test('decryptData, verifySignature; a rotated key gives a clear error', async t => {
  const { app, mock, login } = await buildTestApp(t, 'skey_decrypt', { plugin: { sessionKeyEncryptionKey: encryptionKey } })
  const { user, token } = await login('bob')
  const me = (await app.inject({ url: '/api/me', headers: bearer(token) })).json()
  const data = mock.encryptedData('bob', { nickName: 'Bob', gender: 1 })
  const decrypted = await app.wxLogin.decryptData(me, data)
  t.match(decrypted, { nickName: 'Bob', gender: 1, watermark: { appid: mock.apps[0]!.appId } })
  t.equal(await app.wxLogin.verifySignature(user as never, data.rawData, data.signature), true)
  t.equal(await app.wxLogin.verifySignature(me, data.rawData + ' ', data.signature), false, 'other rawData')
  t.equal(await app.wxLogin.verifySignature(me, data.rawData, 'zz'), false, 'garbage signature')

  await t.rejects(app.wxLogin.decryptData(me, { encryptedData: 'not base64!', iv: data.iv }), { code: 'FST_WX_LOGIN_ENCRYPTED_DATA_INVALID', statusCode: 400 })
  await t.rejects(app.wxLogin.decryptData(me, { encryptedData: data.encryptedData, iv: 'AAAA' }), { code: 'FST_WX_LOGIN_ENCRYPTED_DATA_INVALID' })

  // wx.login() again on the phone: WeChat rotates the key; data made with the new key cannot be opened with ours.
  mock.mintCode('bob')
  const fresh = mock.encryptedData('bob', { nickName: 'Bob' })
  await t.rejects(app.wxLogin.decryptData(me, fresh), {
    code: 'FST_WX_LOGIN_SESSION_KEY_STALE', statusCode: 401, message: /log in again/
  })
  t.equal(await app.wxLogin.verifySignature(me, fresh.rawData, fresh.signature), false)
  t.equal(await app.wxLogin.checkSessionKey(me), false, 'WeChat agrees: our key is no longer current')
  await t.rejects(app.wxLogin.resetSessionKey(me), { code: 'FST_WX_LOGIN_SESSION_KEY_STALE' }, 'WeChat resets only a key we can prove')

  // Logging in again stores the current key: new data opens, old data does not.
  await login('bob')
  t.match(await app.wxLogin.decryptData(me, mock.encryptedData('bob', { n: 1 })), { n: 1 })
  await t.rejects(app.wxLogin.decryptData(me, data), { code: 'FST_WX_LOGIN_SESSION_KEY_STALE' })
})

t.test('checkSessionKey and resetSessionKey sign with HMAC-SHA256 of the stored key', async t => {
  const { app, mock, login } = await buildTestApp(t, 'skey_check', { plugin: { sessionKeyEncryptionKey: encryptionKey } })
  const { token } = await login('carol')
  const me = (await app.inject({ url: '/api/me', headers: bearer(token) })).json()
  t.equal(await app.wxLogin.checkSessionKey(me), true)
  t.match(mock.calls(CHECK)[0]?.query, { openid: mock.openid('carol'), sig_method: 'hmac_sha256', signature: /^[0-9a-f]{64}$/ })

  const before = mock.sessionKey('carol')
  await app.wxLogin.resetSessionKey(me)
  t.not(mock.sessionKey('carol'), before, 'WeChat issued a new key')
  t.equal(await app.wxLogin.checkSessionKey(me), true, 'and we stored it')
  t.match(await app.wxLogin.decryptData(me, mock.encryptedData('carol', { ok: true })), { ok: true })

  mock.addFault({ path: CHECK, errcode: 40003 })
  await t.rejects(app.wxLogin.checkSessionKey(me), { code: 'FST_WX_LOGIN_WECHAT_ERROR' })
  mock.addFault({ path: CHECK, errcode: -1, times: 3 })
  await t.rejects(app.wxLogin.checkSessionKey(me), { code: 'FST_WX_LOGIN_WECHAT_BUSY' })
  mock.addFault({ path: CHECK, errcode: 40001 })
  t.equal(await app.wxLogin.checkSessionKey(me), true, 'a rejected access_token is replaced')
})

t.test('without sessionKeyEncryptionKey nothing is stored and the API says so', async t => {
  const { app, mock, dbUrl, login } = await buildTestApp(t, 'skey_off')
  const { token } = await login('dave')
  const me = (await app.inject({ url: '/api/me', headers: bearer(token) })).json()
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT COUNT(*) AS n FROM wx_session_keys') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 0, 'no session_key stored')
  const calls: Array<() => Promise<unknown>> = [
    () => app.wxLogin.decryptData(me, mock.encryptedData('dave', {})),
    () => app.wxLogin.verifySignature(me, '{}', 'x'),
    () => app.wxLogin.checkSessionKey(me),
    () => app.wxLogin.resetSessionKey(me)
  ]
  for (const call of calls) {
    await t.rejects(call(), { code: 'FST_WX_LOGIN_SESSION_KEY_DISABLED', message: /sessionKeyEncryptionKey/ })
  }
})

t.test('a user without a stored key, or one sealed under another encryption key, must log in again', async t => {
  const { app, mock, dbUrl, login } = await buildTestApp(t, 'skey_missing', { plugin: { sessionKeyEncryptionKey: encryptionKey } })
  await t.rejects(app.wxLogin.decryptData({ id: 1, appId: mock.apps[0]!.appId, openid: 'o-never', unionid: null }, { encryptedData: 'AAAAAAAAAAAAAAAAAAAAAA==', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }), {
    code: 'FST_WX_LOGIN_SESSION_KEY_MISSING', statusCode: 401
  })

  const { user } = await login('erin')
  const other = Fastify()
  t.teardown(() => other.close())
  const fastifyMysql = (await import('@fastify/mysql')).default
  const fastifyRedis = (await import('@fastify/redis')).default
  await other.register(fastifyMysql, { promise: true, connectionString: dbUrl })
  await other.register(fastifyRedis, { url: REDIS_URL })
  ignoreRedisErrors(other.redis)
  await other.register(wxLogin, {
    appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, redisPrefix: 'wxl-test:skey_missing:', sessionKeyEncryptionKey: randomBytes(32)
  })
  await other.ready()
  await t.rejects(other.wxLogin.decryptData({ ...user, appId: mock.apps[0]!.appId }, mock.encryptedData('erin', {})), { code: 'FST_WX_LOGIN_SESSION_KEY_MISSING' })
})

t.test('session keys with memoryStores()', async t => {
  const mock = await startWechatMock()
  const app = Fastify()
  t.teardown(async () => { await app.close(); await mock.close() })
  await app.register(wxLogin, {
    appId: mock.apps[0]!.appId, appSecret: mock.apps[0]!.appSecret, apiBase: mock.url, stores: memoryStores(), sessionKeyEncryptionKey: randomBytes(32).toString('hex')
  })
  const login = async () => (await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode('frank') } })).json()
  const { user } = await login()
  t.match(await app.wxLogin.decryptData(user, mock.encryptedData('frank', { a: 1 })), { a: 1 })
  await login()
  t.match(await app.wxLogin.decryptData(user, mock.encryptedData('frank', { a: 2 })), { a: 2 }, 'the newer key replaces the older')
  t.type(await app.wxLogin.accessToken(), 'string', 'access_token without Redis')
})
