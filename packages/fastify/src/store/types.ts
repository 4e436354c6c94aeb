import type { SessionRecord, WxIdentity, WxUser } from '../types.js'

/** Where WeChat identities become users. The MySQL one is the default. */
export interface UserStore {
  find (identity: WxIdentity): Promise<WxUser | null>
  findById (id: string | number): Promise<WxUser | null>
  /** Creates the user unless a concurrent login already did; never two rows. */
  create (identity: WxIdentity): Promise<{ user: WxUser, created: boolean }>
}

/** The record of sessions: the source of truth for revocation. */
export interface SessionStore {
  insert (record: SessionRecord): Promise<void>
  /** A session that is not revoked (it may be expired: the caller checks). */
  find (tokenHash: string): Promise<SessionRecord | null>
  touch (tokenHash: string, lastSeenAt: number): Promise<void>
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
  delete (tokenHashes: string[]): Promise<void>
}

export interface WxLoginStores {
  users: UserStore
  sessions: SessionStore
  /** null: no cache, every check reads the session store. */
  cache: SessionCache | null
}
