import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto'

/** A fresh session_key: 16 random bytes, base64, as WeChat hands them out. */
export function newSessionKey (): string {
  return randomBytes(16).toString('base64')
}

/** The signature /wxa/checksession and /wxa/resetusersessionkey expect: hex HMAC-SHA256 of "" keyed by session_key. */
export function sessionKeySignature (sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex')
}

/** rawData's signature as wx.getUserInfo gives it: hex(sha1(rawData + session_key)). */
export function rawDataSignature (rawData: string, sessionKey: string): string {
  return createHash('sha1').update(rawData + sessionKey).digest('hex')
}

export interface EncryptedUserData {
  encryptedData: string
  iv: string
  rawData: string
  signature: string
}

/**
 * Encrypts data as WeChat does for open-data APIs: AES-128-CBC, PKCS#7, key = base64-decode(session_key),
 * with a watermark naming the app, so servers can (and must) check it.
 */
export function encryptUserData (data: object, sessionKey: string, appId: string, timestampS: number): EncryptedUserData {
  const rawData = JSON.stringify(data)
  const plaintext = JSON.stringify({ ...data, watermark: { appid: appId, timestamp: timestampS } })
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return {
    encryptedData: encrypted.toString('base64'),
    iv: iv.toString('base64'),
    rawData,
    signature: rawDataSignature(rawData, sessionKey)
  }
}
