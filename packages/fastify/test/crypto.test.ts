import { randomBytes } from 'node:crypto'
import { encryptUserData } from '@wx-login/wechat-mock'
import t from 'tap'
import { parseEncryptionKey, sessionKeyBox } from '../src/crypto/session-key-box.js'
import { decryptUserData, rawDataSignatureMatches } from '../src/crypto/user-data.js'

const identity = { appId: 'wx1', openid: 'o1' }

t.test('sessionKeyEncryptionKey: 32 bytes as a Buffer, hex or base64', async t => {
  const key = randomBytes(32)
  t.same(parseEncryptionKey(key), key)
  t.same(parseEncryptionKey(key.toString('hex')), key)
  t.same(parseEncryptionKey(key.toString('base64')), key)
  t.same(parseEncryptionKey(key.toString('base64url')), key)
  for (const bad of [randomBytes(16), randomBytes(16).toString('hex'), 'a'.repeat(44), 'x', 42, null]) {
    t.throws(() => parseEncryptionKey(bad), /sessionKeyEncryptionKey must be 32 bytes/)
  }
})

t.test('the box opens only what it sealed, for the same identity', async t => {
  const box = sessionKeyBox(randomBytes(32))
  const sealed = box.seal('c2Vzc2lvbl9rZXlfMTIzNA==', identity)
  t.equal(box.open(sealed, identity), 'c2Vzc2lvbl9rZXlfMTIzNA==')
  t.not(box.seal('c2Vzc2lvbl9rZXlfMTIzNA==', identity).toString('hex'), sealed.toString('hex'), 'a fresh nonce each time')
  t.equal(box.open(sealed, { appId: 'wx1', openid: 'o2' }), null, 'bound to its identity')
  t.equal(sessionKeyBox(randomBytes(32)).open(sealed, identity), null, 'another key')
  const tampered = Buffer.from(sealed)
  tampered[20]! ^= 1
  t.equal(box.open(tampered, identity), null, 'tampered')
  t.equal(box.open(Buffer.from([2, ...sealed.subarray(1)]), identity), null, 'unknown version')
  t.equal(box.open(Buffer.alloc(5), identity), null, 'too short')
})

t.test('decryptUserData checks its input and the watermark', async t => {
  const sessionKey = randomBytes(16).toString('base64')
  const data = encryptUserData({ nickName: 'A' }, sessionKey, 'wx1', 1700000000)
  t.match(decryptUserData(sessionKey, data, 'wx1'), { nickName: 'A', watermark: { appid: 'wx1', timestamp: 1700000000 } })
  t.throws(() => decryptUserData(sessionKey, data, 'wx2'), { code: 'FST_WX_LOGIN_WATERMARK_MISMATCH', statusCode: 400 })
  for (const input of [undefined, {}, { encryptedData: data.encryptedData }, { encryptedData: 'abc', iv: data.iv }, { encryptedData: data.encryptedData, iv: 42 }]) {
    t.throws(() => decryptUserData(sessionKey, input as never, 'wx1'), { code: 'FST_WX_LOGIN_ENCRYPTED_DATA_INVALID' })
  }
  t.throws(() => decryptUserData(randomBytes(16).toString('base64'), data, 'wx1'), { code: 'FST_WX_LOGIN_SESSION_KEY_STALE' }, 'another key')

  // Valid JSON that is not an object.
  const { createCipheriv } = await import('node:crypto')
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encryptedData = Buffer.concat([cipher.update('[1,2]'), cipher.final()]).toString('base64')
  t.throws(() => decryptUserData(sessionKey, { encryptedData, iv: iv.toString('base64') }, 'wx1'), { code: 'FST_WX_LOGIN_SESSION_KEY_STALE' })

  t.equal(rawDataSignatureMatches(sessionKey, data.rawData, data.signature), true)
  t.equal(rawDataSignatureMatches(sessionKey, data.rawData, data.signature.toUpperCase()), true)
  t.equal(rawDataSignatureMatches(sessionKey, 42 as never, data.signature), false)
})
