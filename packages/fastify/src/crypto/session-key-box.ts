import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Seals session_keys for storage: AES-256-GCM, bound to the identity they belong to. */
export interface SessionKeyBox {
  seal (sessionKey: string, identity: { appId: string, openid: string }): Buffer
  /** The session_key, or null when the blob was not sealed by this key for this identity. */
  open (sealed: Buffer, identity: { appId: string, openid: string }): string | null
}

// Layout: version (1 byte) | nonce (12) | ciphertext | tag (16). The version
// byte leaves room for key rotation without guessing at the format.
const VERSION = 1
const NONCE_BYTES = 12
const TAG_BYTES = 16

/**
 * Reads `sessionKeyEncryptionKey`: 32 bytes, as a Buffer, 64 hex characters
 * or base64 (standard or url-safe). Throws a message naming the option.
 */
export function parseEncryptionKey (value: unknown): Buffer {
  let key: Buffer | undefined
  if (Buffer.isBuffer(value)) key = value
  else if (typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex')
  else if (typeof value === 'string' && /^[A-Za-z0-9+/_-]{43}=?$/.test(value)) key = Buffer.from(value, 'base64')
  if (key?.length !== 32) {
    throw new Error('@wx-login/fastify: sessionKeyEncryptionKey must be 32 bytes: a Buffer, 64 hex characters or base64 (e.g. `openssl rand -base64 32`)')
  }
  return Buffer.from(key)
}

// The identity is the additional authenticated data: a row copied onto
// another user cannot be opened as theirs.
const aad = (identity: { appId: string, openid: string }): Buffer => Buffer.from(`${identity.appId}\n${identity.openid}`)

export function sessionKeyBox (key: Buffer): SessionKeyBox {
  return {
    seal (sessionKey, identity) {
      const nonce = randomBytes(NONCE_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, nonce)
      cipher.setAAD(aad(identity))
      const ciphertext = Buffer.concat([cipher.update(sessionKey, 'utf8'), cipher.final()])
      return Buffer.concat([Buffer.from([VERSION]), nonce, ciphertext, cipher.getAuthTag()])
    },

    open (sealed, identity) {
      if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null
      const nonce = sealed.subarray(1, 1 + NONCE_BYTES)
      const tag = sealed.subarray(sealed.length - TAG_BYTES)
      const ciphertext = sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES })
        decipher.setAAD(aad(identity))
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
      } catch {
        return null
      }
    }
  }
}
