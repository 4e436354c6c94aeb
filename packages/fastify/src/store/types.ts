import type { EndReason, SessionRecord, WxDevice, WxIdentity, WxSessionInfo, WxUser } from '../types.js'
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

/** A session just revoked, with what its cache copies need to know. */
export interface RevokedSession { tokenHash: string, expiresAt: number }

/** What a session row keeps besides its cached record. */
export interface SessionDetails { device: WxDevice | null, ip: string | null }

/** A row as the record holds it, ended or not (ended rows are kept for `endedRetention`). */
export interface StoredSession {
  record: SessionRecord
  revokedAt: number | null
  /** Why it ended (or, for 'replaced' without revokedAt, why it ends at expiresAt). */
  endReason: EndReason | null
}

/** A live session in the record, for lists and the session policy. */
export interface ActiveSession extends WxSessionInfo { tokenHash: string }

export interface PruneCutoffs {
  /** Rows that ended (revoked or expired) before this go. */
  endedBefore: number
  /** Rows last used before this go (idle past idleTtl, then the retention). */
  lastSeenBefore: number
}

/**
 * The record of sessions: the source of truth for revocation. A revocation
 * stays "pending" until the cache has dropped its copies (`clearPending`),
 * so any instance can finish it after a crash or a Redis outage.
 */
export interface SessionStore {
  insert (record: SessionRecord, details: SessionDetails): Promise<void>
  /** The row of a token, live or ended (the caller checks), or null when unknown or pruned. */
  find (tokenHash: string): Promise<StoredSession | null>
  /**
   * Slides the idle expiry of these sessions (never backwards), writing only
   * rows last seen at or before `dueBy` (default: `lastSeenAt`): a use
   * already written within the interval is not written again.
   */
  touch (tokenHashes: string[], lastSeenAt: number, dueBy?: number): Promise<void>
  /** Revokes the token if live; returns it (pending), or null. */
  revoke (tokenHash: string, at: number, reason: EndReason): Promise<RevokedSession | null>
  /** Revokes every live token of the user; returns them (pending). */
  revokeAll (userId: string, at: number, reason: EndReason): Promise<RevokedSession[]>
  /** Revokes every live token of a session (of `userId` only, when given); returns them (pending). */
  revokeSession (sessionId: string, at: number, reason: EndReason, userId?: string): Promise<RevokedSession[]>
  /**
   * Refresh: stores `fresh` for the same session (device, ip and user copied
   * from the old row), and lets the old token live until `graceUntil`, then
   * end as replaced. Null when the old token is not live or already replaced.
   */
  replace (oldTokenHash: string, fresh: SessionRecord, graceUntil: number): Promise<RevokedSession | null>
  /** Revocations whose cache copies may still exist, oldest first; at most `limit`. */
  pendingRevocations (limit: number): Promise<RevokedSession[]>
  /** The cache has dropped these sessions' copies. */
  clearPending (tokenHashes: string[]): Promise<void>
  /** Live sessions of a user (used since `lastSeenAfter`, not ending), newest first. */
  listActive (userId: string, now: number, lastSeenAfter: number): Promise<ActiveSession[]>
  /** Deletes rows that ended long enough ago; never a revocation still pending. */
  prune (cutoffs: PruneCutoffs): Promise<number>
}

/** A fast, losable copy of live sessions (Redis by default). */
export interface SessionCache {
  /** Whether a call is worth trying now; false skips straight to the record. */
  readonly available: boolean
  /**
   * Counts failures of the cache seen by this instance. A cache that lost a
   * primary may have come back with older data (a revocation not yet
   * replicated): after a change, copies are trusted again only once this
   * instance has replayed the pending revocations. Absent: never changes.
   */
  readonly failures?: number
  get (tokenHash: string): Promise<SessionRecord | null>
  /** Caches a copy, unless the session was revoked (a marker outlives it). */
  add (record: SessionRecord, ttlMs: number): Promise<void>
  /**
   * Drops the copies, leaves markers that refuse late writes of them, and
   * tells every instance to drop its local ones. Throws unless all of it is
   * done (and, with replicas, replicated). `retry`: a background retry,
   * tried even while requests skip the cache after a recent failure.
   */
  revoke (sessions: RevokedSession[], now: number, options?: { retry?: boolean }): Promise<void>
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

/** A ban on a user: `until` null means until `unban`. */
export interface Ban { until: number | null, reason: string | null }

/**
 * Banned users. The MySQL one is the default. A ban is saved before the
 * user's sessions are ended and marked `sessionsEnded` after, so a ban
 * whose instance died half way is finished by another.
 */
export interface BanStore {
  save (userId: string, ban: Ban, at: number): Promise<void>
  sessionsEnded (userId: string): Promise<void>
  /**
   * At most `limit` users whose sessions may not all be ended: a ban saved
   * but not marked `sessionsEnded`, or a ban saved after `savedSince` and in
   * force at `now` whose user still has an unrevoked session (a login stored
   * after the ban ended the sessions, by an instance that died before its
   * second check).
   */
  unfinished (limit: number, now: number, savedSince: number): Promise<string[]>
  remove (userId: string): Promise<void>
  /** The user's ban in force at `now`, or null. */
  find (userId: string, now: number): Promise<Ban | null>
}

export interface WxLoginStores {
  users: UserStore
  sessions: SessionStore
  /** Bans; without it `ban()` is unavailable and logins are not checked. */
  bans?: BanStore
  /** null: no cache, every check reads the session store. */
  cache: SessionCache | null
  /** Sealed session_keys (with `sessionKeyEncryptionKey`); optional. */
  sessionKeys?: SessionKeyStore
}
