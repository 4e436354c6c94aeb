import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { errors } from '../errors.js'

export interface EncryptedUserData {
  encryptedData: string
  iv: string
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function base64 (value: unknown): Buffer | null {
  if (typeof value !== 'string' || value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return null
  return Buffer.from(value, 'base64')
}

/**
 * Opens WeChat's encryptedData: AES-128-CBC with PKCS#7, key =
 * base64-decode(session_key). The plaintext must be JSON whose
 * watermark.appid is the app the session_key belongs to.
 *
 * Malformed input is the client's fault (400); a well-formed blob that does
 * not open almost always means the session_key rotated since it was made.
 */
export function decryptUserData (sessionKey: string, input: EncryptedUserData, appId: string): Record<string, unknown> {
  const data = base64(input?.encryptedData)
  const iv = base64(input?.iv)
  if (data === null || iv === null || iv.length !== 16 || data.length % 16 !== 0) throw new errors.EncryptedDataInvalid()
  let plaintext: unknown
  try {
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
    plaintext = JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'))
  } catch {
    throw new errors.SessionKeyStale()
  }
  if (plaintext === null || typeof plaintext !== 'object' || Array.isArray(plaintext)) throw new errors.SessionKeyStale()
  const watermark = (plaintext as { watermark?: { appid?: unknown } }).watermark
  if (watermark?.appid !== appId) throw new errors.WatermarkMismatch()
  return plaintext as Record<string, unknown>
}

/** rawData's signature is hex(SHA1(rawData + session_key)); compared in constant time. */
export function rawDataSignatureMatches (sessionKey: string, rawData: string, signature: string): boolean {
  if (typeof rawData !== 'string' || typeof signature !== 'string') return false
  const expected = createHash('sha1').update(rawData + sessionKey).digest()
  const given = Buffer.from(signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** What /wxa/checksession and /wxa/resetusersessionkey expect: hex(HMAC-SHA256(key = session_key, "")). */
export function sessionKeySignature (sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex')
}
