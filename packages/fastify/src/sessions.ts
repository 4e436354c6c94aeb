import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from './clock.js'
import { events, sessionsEnded } from './events.js'
import { sessionIdOf } from './session-id.js'
import { policyIsActive, sessionsOverLimit, type SessionPolicy } from './session-policy.js'
import { generateToken, hashToken, isWellFormedToken } from './token.js'
import type { StoreGuard } from './store/guard.js'
import type { LocalSession, LocalSessionCache } from './store/local-cache.js'
import type { RevokedSession, SessionDetails, StoredSession, WxLoginStores } from './store/types.js'
import type { EndReason, SessionRecord, WxSession, WxSessionInfo, WxUser } from './types.js'
import { errors } from './errors.js'

export interface SessionManagerOptions {
  stores: WxLoginStores
  clock: Clock
  tokenTtl: number
  idleTtl: number
  /** A session is refreshed up to this long after its first login. */
  maxLifetime: number
  /** A refreshed token's old value keeps working this long (requests in flight). */
  refreshGrace: number
  /** Ended sessions are kept this long, to answer why a token is refused. */
  endedRetention: number
  /** last-seen is written at most this often per session (sliding expiry). */
  lastSeenInterval: number
  policy: SessionPolicy
  log: FastifyBaseLogger
  /** Turns store failures into 503s. */
  store: StoreGuard
  /** In-process copies; used only while `localCacheLive()` says the invalidation channel is up. */
  localCache?: LocalSessionCache
  localCacheLive?: () => boolean
}

export interface IssuedToken { token: string, expiresAt: number }

/** Why a token is refused: the 401/403 answers name it. */
export type Refusal = 'invalid' | 'expired' | 'idle' | EndReason

/** A token's check: its live session, or why it is refused (with when a ban ends). */
export type Verdict = { session: WxSession } | { refused: Refusal, until?: number | null }

export interface SessionManager {
  /** Opens a session; throws FST_WX_LOGIN_SESSION_LIMIT when the policy refuses it. */
  issue (user: WxUser, details?: SessionDetails): Promise<IssuedToken & { sessionId: string }>
  /** From this process's cache only: a live session, or undefined (ask `check`). */
  peek (token: string): WxSession | undefined
  check (token: string): Promise<Verdict>
  verify (token: string): Promise<WxSession | null>
  /** A new token for the same session, the old one living `refreshGrace` longer. */
  refresh (token: string): Promise<IssuedToken | { refused: Refusal, until?: number | null }>
  revoke (token: string): Promise<void>
  revokeAll (userId: string | number, reason?: EndReason): Promise<number>
  /** Ends one session (of `userId` only, when given); false when there was none live. */
  revokeSession (sessionId: string, userId?: string | number): Promise<boolean>
  list (userId: string | number): Promise<WxSessionInfo[]>
  /** Drops local copies of sessions another instance revoked. */
  forgetLocal (tokenHashes: string[]): void
  /** Finishes revocations whose cache copies may remain (recorded in MySQL by any instance). */
  replayRevocations (): Promise<void>
  prune (): Promise<number>
  close (): Promise<void>
}

// Last-seen updates are written together, this often: at 100k active sessions, about 4 statements a second (500 hashes each).
const TOUCH_BATCH_MS = 1000
const REPLAY_BATCH = 500
// This instance's unfinished revocations are retried this often (no call is made while Redis is benched).
const REVOCATION_RETRY_MS = 100
// At most one replay started by a request every this many ms while the cache is not trusted.
const REPLAY_KICK_MS = 100

/**
 * Tokens live in three places: the session store (MySQL) is the record,
 * the cache (Redis) a shared copy, and this process a local copy.
 * Reads go local -> Redis -> MySQL.
 *
 * A revocation is written to the record first, as pending; then the cache
 * drops its copies and keeps a marker that refuses late writes of them,
 * every instance is told to drop its local copy, and the record's pending
 * flag is cleared. If the cache step fails (Redis away, or this process
 * dies), the flag stays: this instance retries it every REVOCATION_RETRY_MS,
 * and every instance finishes it from the record (replay.ts); until then
 * this instance skips the cache for it.
 * No write path can bring a copy back: cache writes are refused by the
 * marker, last-seen is written to the record only, and local copies read
 * before an invalidation was heard are refused.
 *
 * Nor can a failover: a revocation is finished only once the primary's
 * replicas have it, and after any cache failure this instance sees (a
 * command, a dropped connection, a cluster node leaving or joining) it
 * trusts no copy, in Redis or local, until it has replayed the pending
 * revocations from the record. Revocations pending elsewhere are read
 * from the record at each replay and skip the cache here too.
 */
export function createSessionManager (options: SessionManagerOptions): SessionManager {
  const { stores, clock, tokenTtl, idleTtl, lastSeenInterval, log, localCache } = options
  const { sessions, cache } = stores
  const record = options.store
  const now = clock.now
  const localLive = options.localCacheLive ?? (() => false)
  /** Revoked here; the cache has not yet confirmed its copies are gone. */
  const unconfirmed = new Map<string, RevokedSession>()
  let cancelRetry: (() => void) | undefined
  /** token hash -> last use seen here and not yet written. */
  const pendingTouches = new Map<string, number>()
  let cancelTouch: (() => void) | undefined
  let closed = false
  /** Revoked by any instance (read from the record), cache copies not confirmed gone. */
  let pendingElsewhere = new Set<string>()
  // A cache that counts no failures is always trusted; one that does, from the first replay on.
  const counted = cache?.failures !== undefined
  /** The cache's failure count at the last complete replay. */
  let replayedThrough = -1
  let replaying: Promise<void> | undefined
  let lastKick = -Infinity
  const cacheTrusted = (): boolean => !counted || cache!.failures === replayedThrough

  const deadline = (s: LocalSession): number => Math.min(s.expiresAt, s.lastSeenAt + idleTtl)
  const toSession = (s: LocalSession): WxSession => ({ sessionId: s.sessionId, user: s.user, expiresAt: s.expiresAt, lastSeenAt: s.lastSeenAt })
  const live = (stored: StoredSession): boolean => stored.revokedAt === null && stored.endReason === null

  function cacheFailed (err: unknown, what: string): void {
    log.warn({ err: { message: (err as Error).message } }, `wx-login: Redis ${what} failed; using MySQL`)
  }

  async function cacheAdd (session: SessionRecord): Promise<void> {
    const ttl = deadline(session) - now()
    if (cache === null || !cache.available || ttl <= 0) return
    try {
      await cache.add(session, ttl)
    } catch (err) {
      cacheFailed(err, 'write')
    }
  }

  /** Drops the cache's copies of revoked sessions, then clears their pending flag; whether the copies are gone. */
  async function dropCopies (revoked: RevokedSession[], retry = false): Promise<boolean> {
    if (cache === null || revoked.length === 0) return true
    const hashes = revoked.map(s => s.tokenHash)
    try {
      if (!retry && !cache.available) throw new Error('Redis unavailable')
      await cache.revoke(revoked, now(), { retry })
    } catch {
      return false // still pending in the record: the replay finishes it
    }
    for (const hash of hashes) {
      unconfirmed.delete(hash)
      pendingElsewhere.delete(hash)
    }
    await sessions.clearPending(hashes).catch((err: unknown) => {
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not clear finished revocations; they will be replayed')
    })
    return true
  }

  function forgetLocal (hashes: string[]): void {
    localCache?.invalidate(hashes)
    for (const hash of hashes) pendingTouches.delete(hash)
  }

  async function forget (revoked: RevokedSession[]): Promise<void> {
    forgetLocal(revoked.map(s => s.tokenHash))
    if (cache === null) return
    for (const session of revoked) unconfirmed.set(session.tokenHash, session)
    if (!await dropCopies(revoked)) retryUnconfirmed()
  }

  /** Retries this instance's unfinished revocations until their cache step is done. */
  function retryUnconfirmed (): void {
    if (cancelRetry !== undefined || unconfirmed.size === 0 || closed) return
    cancelRetry = clock.after(REVOCATION_RETRY_MS, () => {
      cancelRetry = undefined
      void dropCopies([...unconfirmed.values()], true).then(retryUnconfirmed)
    })
  }

  async function replay (): Promise<void> {
    if (cache === null) return
    const failures = cache.failures
    let pending: RevokedSession[]
    try {
      pending = await sessions.pendingRevocations(REPLAY_BATCH)
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not read pending revocations')
      return
    }
    const hashes = pending.map(s => s.tokenHash)
    forgetLocal(hashes)
    pendingElsewhere = new Set(hashes)
    if (!await dropCopies(pending) || pending.length === REPLAY_BATCH || cache.failures !== failures) return
    if (replayedThrough !== failures) {
      // Local copies may predate revocations whose broadcast never came.
      localCache?.clear()
      replayedThrough = failures ?? 0
    }
  }

  function replayRevocations (): Promise<void> {
    replaying ??= replay().finally(() => { replaying = undefined })
    return replaying
  }

  /** Starts a replay when the cache is back but not yet trusted. */
  function kickReplay (): void {
    const at = now()
    if (cache === null || !cache.available || replaying !== undefined || at - lastKick < REPLAY_KICK_MS) return
    lastKick = at
    void replayRevocations()
  }

  /** The session from the cache, else from the record (a live one is cached on the way). */
  async function load (tokenHash: string): Promise<{ stored: StoredSession | null, fromCache: boolean }> {
    const fromRecord = async (): Promise<{ stored: StoredSession | null, fromCache: false }> =>
      ({ stored: await record(sessions.find(tokenHash)), fromCache: false })
    if (cache === null || !cache.available || unconfirmed.has(tokenHash) || pendingElsewhere.has(tokenHash)) return await fromRecord()
    if (!cacheTrusted()) {
      kickReplay()
      return await fromRecord()
    }
    let cached: SessionRecord | null | undefined
    try {
      cached = await cache.get(tokenHash)
    } catch (err) {
      cacheFailed(err, 'read')
    }
    if (cached !== null && cached !== undefined) return { stored: { record: cached, revokedAt: null, endReason: null }, fromCache: true }
    const found = await fromRecord()
    if (cached === null && found.stored !== null && live(found.stored)) await cacheAdd(found.stored.record)
    return found
  }

  /** Why a stored session no longer counts at `at`, or null while it is live. */
  function endOf (stored: StoredSession, at: number): Refusal | null {
    if (stored.revokedAt !== null) return stored.endReason ?? 'revoked'
    if (stored.record.expiresAt <= at) return stored.endReason ?? 'expired'
    if (stored.record.lastSeenAt + idleTtl <= at) return 'idle'
    return null
  }

  /** A banned user's tokens answer 403 with the ban's end while it lasts; after, "revoked". */
  async function refusal (reason: Refusal, userId: string): Promise<Verdict> {
    if (reason !== 'banned') return { refused: reason }
    const ban = stores.bans === undefined ? null : await record(stores.bans.find(userId, now()))
    return ban === null ? { refused: 'revoked' } : { refused: 'banned', until: ban.until }
  }

  async function ended (revoked: RevokedSession[], reason: EndReason, userId?: string): Promise<number> {
    await forget(revoked)
    sessionsEnded({ reason, count: revoked.length, userId })
    return revoked.length
  }

  /** Applies the session policy to the user's live sessions, the new one included. */
  async function enforcePolicy (fresh: SessionRecord): Promise<void> {
    if (!policyIsActive(options.policy)) return
    const at = now()
    const excess = sessionsOverLimit(options.policy, await record(sessions.listActive(fresh.userId, at, at - idleTtl)))
    if (options.policy.sessionPolicy === 'reject-new') {
      if (!excess.some(s => s.tokenHash === fresh.tokenHash)) return
      const refused = await record(sessions.revoke(fresh.tokenHash, at, 'revoked'))
      await forget(refused === null ? [] : [refused])
      throw new errors.SessionLimit()
    }
    const evicted = await Promise.all(excess.map(s => record(sessions.revoke(s.tokenHash, at, 'replaced'))))
    await ended(evicted.filter(s => s !== null), 'replaced', fresh.userId)
  }

  /**
   * Last-seen goes to the record only. A Redis copy keeps the last-seen it
   * was written with and expires at that idle deadline; a copy that looks
   * idle asks the record (check), so nothing is lost by not refreshing it,
   * and a busy session costs no Redis command per touch.
   */
  async function writeTouches (tokenHashes: string[], lastSeenAt: number): Promise<void> {
    try {
      // A copy read from Redis keeps the last-seen it was cached with, so it
      // looks due every time it is read; the record writes only what is due.
      await sessions.touch(tokenHashes, lastSeenAt, lastSeenAt - lastSeenInterval)
    } catch (err) {
      // Sliding expiry is best effort: a missed touch only shortens a session.
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not record last-seen')
    }
  }

  function flushTouches (): Promise<void> {
    cancelTouch?.()
    cancelTouch = undefined
    if (pendingTouches.size === 0) return Promise.resolve()
    let lastSeenAt = 0
    for (const at of pendingTouches.values()) lastSeenAt = Math.max(lastSeenAt, at)
    const batch = [...pendingTouches.keys()]
    pendingTouches.clear()
    return writeTouches(batch, lastSeenAt)
  }

  /** Marks the session used; last-seen is written in batches, not per request. */
  function touchLater (session: LocalSession, at: number): void {
    session.lastSeenAt = at
    pendingTouches.set(session.tokenHash, at)
    cancelTouch ??= clock.after(TOUCH_BATCH_MS, () => { void flushTouches() })
  }

  /** A use this instance has not written yet counts too. */
  function withOwnUse (stored: StoredSession | null): StoredSession | null {
    const unwritten = stored === null ? undefined : pendingTouches.get(stored.record.tokenHash)
    if (unwritten !== undefined && unwritten > stored!.record.lastSeenAt) stored!.record.lastSeenAt = unwritten
    return stored
  }

  const localUsable = (): boolean => localLive() && cacheTrusted()

  /** The local copy of a live session, if this process holds one it may use. */
  function peekHash (tokenHash: string): WxSession | undefined {
    if (localCache === undefined || !localUsable()) return undefined
    const at = now()
    const session = localCache.get(tokenHash, at)
    if (session === undefined) return undefined
    // Another instance may have seen it used since: let the shared record decide.
    if (deadline(session) <= at) {
      localCache.invalidate([tokenHash])
      return undefined
    }
    if (at - session.lastSeenAt >= lastSeenInterval) {
      touchLater(session, at)
      localCache.seen(tokenHash, at)
    }
    return toSession(session)
  }

  function peek (token: string): WxSession | undefined {
    return isWellFormedToken(token) ? peekHash(hashToken(token)) : undefined
  }

  async function check (token: string): Promise<Verdict> {
    if (!isWellFormedToken(token)) return { refused: 'invalid' }
    const tokenHash = hashToken(token)
    const local = peekHash(tokenHash)
    if (local !== undefined) return { session: local }
    const ticket = localCache?.ticket() ?? 0
    const loaded = await load(tokenHash)
    let stored = withOwnUse(loaded.stored)
    let at = now()
    // A copy's last-seen may lag the record by a batch: an idle-looking copy asks the record.
    if (loaded.fromCache && stored !== null && deadline(stored.record) <= at && stored.record.expiresAt > at) {
      stored = withOwnUse(await record(sessions.find(tokenHash)))
      at = now()
    }
    if (stored === null) return { refused: 'invalid' }
    const reason = endOf(stored, at)
    if (reason !== null) return await refusal(reason, stored.record.userId)
    const session = stored.record
    if (at - session.lastSeenAt >= lastSeenInterval) touchLater(session, at)
    // A refreshed token in its grace period is read from the record each time, never cached.
    if (live(stored) && localCache !== undefined && localUsable() && !unconfirmed.has(tokenHash) && !pendingElsewhere.has(tokenHash)) {
      localCache.set(session, at, ticket)
    }
    return { session: toSession(session) }
  }

  return {
    async issue (user, details = { device: null, ip: null }) {
      const token = generateToken()
      const at = now()
      const tokenHash = hashToken(token)
      const session: SessionRecord = {
        tokenHash,
        sessionId: sessionIdOf(tokenHash),
        userId: String(user.id),
        user,
        createdAt: at,
        expiresAt: at + Math.min(tokenTtl, options.maxLifetime),
        lastSeenAt: at
      }
      await record(sessions.insert(session, details))
      await cacheAdd(session)
      await enforcePolicy(session)
      return { token, expiresAt: session.expiresAt, sessionId: session.sessionId }
    },

    peek,
    check,

    async verify (token) {
      const verdict = await check(token)
      return 'session' in verdict ? verdict.session : null
    },

    async refresh (token) {
      const verdict = await check(token)
      if (!('session' in verdict)) return verdict
      const current = verdict.session
      const at = now()
      const stored = await record(sessions.find(hashToken(token)))
      if (stored === null) return { refused: 'invalid' }
      const lifetimeEnd = stored.record.createdAt + options.maxLifetime
      if (at >= lifetimeEnd) return { refused: 'expired' }
      const fresh = generateToken()
      const next: SessionRecord = {
        ...stored.record,
        tokenHash: hashToken(fresh),
        sessionId: current.sessionId,
        expiresAt: Math.min(at + tokenTtl, lifetimeEnd),
        lastSeenAt: at
      }
      const old = await record(sessions.replace(stored.record.tokenHash, next, at + options.refreshGrace))
      // Refreshed (or ended) meanwhile by another request: say why, issue nothing.
      if (old === null) {
        const again = await check(token)
        return 'session' in again ? { refused: 'replaced' } : again
      }
      await forget([old])
      await cacheAdd(next)
      if (events.refresh.hasSubscribers) events.refresh.publish({ userId: next.userId, sessionId: next.sessionId })
      return { token: fresh, expiresAt: next.expiresAt }
    },

    async revoke (token) {
      if (!isWellFormedToken(token)) return
      const tokenHash = hashToken(token)
      const revoked = await record(sessions.revoke(tokenHash, now(), 'revoked'))
      forgetLocal([tokenHash])
      await ended(revoked === null ? [] : [revoked], 'revoked')
    },

    async revokeAll (userId, reason = 'revoked') {
      return await ended(await record(sessions.revokeAll(String(userId), now(), reason)), reason, String(userId))
    },

    async revokeSession (sessionId, userId) {
      const owner = userId === undefined ? undefined : String(userId)
      return await ended(await record(sessions.revokeSession(sessionId, now(), 'revoked', owner)), 'revoked', owner) > 0
    },

    async list (userId) {
      const at = now()
      const active = await record(sessions.listActive(String(userId), at, at - idleTtl))
      return active.map(({ tokenHash: _hash, ...info }) => info)
    },

    forgetLocal,
    replayRevocations,

    async prune () {
      const at = now()
      return await record(sessions.prune({ endedBefore: at - options.endedRetention, lastSeenBefore: at - idleTtl - options.endedRetention }))
    },

    async close () {
      await flushTouches()
      closed = true
      cancelRetry?.()
      if (unconfirmed.size > 0) await replayRevocations()
    }
  }
}
