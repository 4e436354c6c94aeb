import { hash, randomBytes } from 'node:crypto'

// 32 bytes from the CSPRNG, base64url: 43 characters, 256 bits of entropy.
const TOKEN_BYTES = 32
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

export function generateToken (): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

/** Cheap shape check, so garbage never reaches a store. */
export function isWellFormedToken (token: string): boolean {
  return TOKEN_PATTERN.test(token)
}

/** The only form of a token the server ever stores: hex SHA-256. */
// crypto.hash: one call, no Hash object; a third of createHash's cost on the hot path.
export function hashToken (token: string): string {
  return hash('sha256', token)
}
