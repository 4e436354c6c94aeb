import type { SessionRecord, WxIdentity, WxUser } from '../types.js'
import type { SessionKeyStore } from './session-key-store.js'
import type { WxPhoneNumber } from '../wechat/phone.js'

/** Where WeChat identities become users. The MySQL one is the default. */
export interface UserStore {
  find (identity: WxIdentity): Promise<WxUser | null>
  findById (id: string | number): Promise<WxUser | null>
  /** Creates the user unless a concurrent login already did; never two rows. */
  create (identity: WxIdentity): Promise<{ user: WxUser, created: boolean }>
  /** Stores the number from POST {prefix}/phone on the user; optional. */
  savePhone? (userId: string | number, phone: WxPhoneNumber, at: number): Promise<void>
}

/** The record of sessions: the source of truth for revocation. */
export interface SessionStore {
  insert (record: SessionRecord): Promise<void>
  /** A session that is not revoked (it may be expired: the caller checks). */
  find (tokenHash: string): Promise<SessionRecord | null>
  /** Slides the idle expiry of these sessions (never backwards). */
  touch (tokenHashes: string[], lastSeenAt: number): Promise<void>
  revoke (tokenHash: string, at: number): Promise<void>
  /** Revokes every live session of the user; returns their hashes. */
  revokeAll (userId: string, at: number): Promise<string[]>
  /** Live sessions of a user, newest first. */
  listActive (userId: string, now: number): Promise<Array<{ tokenHash: string, createdAt: number }>>
  /** Deletes rows that expired or were revoked before `before`. */
  prune (before: number): Promise<number>
}

/** A fast, losable copy of live sessions (Redis by default). */
export interface SessionCache {
  /** Whether a call is worth trying now; false skips straight to the record. */
  readonly available: boolean
  get (tokenHash: string): Promise<SessionRecord | null>
  set (record: SessionRecord, ttlMs: number): Promise<void>
  /** Deletes the copies and tells every instance to drop its local ones. */
  delete (tokenHashes: string[]): Promise<void>
  /** Hears revocations made by any instance. Without it, no local cache is kept. */
  listen? (handlers: InvalidationHandlers): InvalidationChannel
}

export interface InvalidationHandlers {
  onInvalidate (tokenHashes: string[]): void
  /** Messages may have been missed: drop every local copy. */
  onReset (): void
}

export interface InvalidationChannel {
  /** Whether revocations are known to be arriving right now. */
  readonly live: boolean
  close (): Promise<void>
}

export interface WxLoginStores {
  users: UserStore
  sessions: SessionStore
  /** null: no cache, every check reads the session store. */
  cache: SessionCache | null
  /** Sealed session_keys (with `sessionKeyEncryptionKey`); optional. */
  sessionKeys?: SessionKeyStore
}
