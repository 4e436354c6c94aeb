import type { TokenRefusal } from './types.js'

/**
 * A token as kept under `tokenKey`. `ttl` is its life in ms when it arrived,
 * measured on the server's clock (its `Date` header), so a device clock that
 * is off does not make a fresh token look expired. Without `ttl` (a token
 * stored by version 0.1 as a bare string) its expiry is unknown.
 */
export interface StoredToken {
  token: string
  /** The server's ISO date-time. */
  expiresAt?: string
  /** Device time (ms) the token arrived. */
  receivedAt?: number
  ttl?: number
}

/** Kept under `tokenKey` once the server ended the session: no silent login until `login()`. */
export interface EndedSession {
  ended: TokenRefusal
  until?: string
}

export function readStored (raw: unknown): StoredToken | EndedSession | null {
  if (typeof raw === 'string') return raw ? { token: raw } : null
  const stored = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<StoredToken & EndedSession>
  if (typeof stored.token === 'string' && stored.token) return stored as StoredToken
  return typeof stored.ended === 'string' ? stored as EndedSession : null
}

/** The record for a token the server just issued (`header`: its answer's headers). */
export function toStored (issued: { token: string, expiresAt?: string }, header: Record<string, string> | undefined, now: number): StoredToken {
  const serverNow = Date.parse(header ? header.Date || header.date || '' : '') || now
  return { token: issued.token, expiresAt: issued.expiresAt, receivedAt: now, ttl: Date.parse(issued.expiresAt || '') - serverNow }
}

/** Milliseconds the token has left on the device's clock; Infinity when unknown. */
export function timeLeft (stored: StoredToken, now: number): number {
  return (stored.ttl as number) > 0 ? (stored.receivedAt as number) + (stored.ttl as number) - now : Infinity
}
