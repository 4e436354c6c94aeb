import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from './clock.js'
import { generateToken, hashToken, isWellFormedToken } from './token.js'
import type { StoreGuard } from './store/guard.js'
import type { LocalSessionCache } from './store/local-cache.js'
import type { RevokedSession, WxLoginStores } from './store/types.js'
import type { SessionRecord, WxSession, WxUser } from './types.js'

export interface SessionManagerOptions {
  stores: WxLoginStores
  clock: Clock
  tokenTtl: number
  idleTtl: number
  /** last-seen is written at most this often per session (sliding expiry). */
  touchInterval: number
  maxSessionsPerUser: number
  log: FastifyBaseLogger
  /** Turns store failures into 503s. */
  store: StoreGuard
  /** In-process copies; used only while `localCacheLive()` says the invalidation channel is up. */
  localCache?: LocalSessionCache
  localCacheLive?: () => boolean
}

export interface IssuedToken { token: string, expiresAt: number }

export interface SessionManager {
  issue (user: WxUser): Promise<IssuedToken>
  /** From this process's cache only: a live session, or undefined (ask `verify`). */
  peek (token: string): WxSession | undefined
  verify (token: string): Promise<WxSession | null>
  revoke (token: string): Promise<void>
  revokeAll (userId: string | number): Promise<number>
  /** Drops local copies of sessions another instance revoked. */
  forgetLocal (tokenHashes: string[]): void
  /** Finishes revocations whose cache copies may remain (recorded in MySQL by any instance). */
  replayRevocations (): Promise<void>
  prune (): Promise<number>
  close (): Promise<void>
}

// Last-seen updates are written together, this often.
const TOUCH_BATCH_MS = 100
const REPLAY_BATCH = 500
// This instance's own unfinished revocations are retried this often: other
// instances' caches learn of them only once the cache step is done.
const REVOCATION_RETRY_MS = 100
// Untrusted cache: a replay is started by reads at most this often.
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
 * dies), the flag stays and every instance retries it from the record every
 * REVOCATION_REPLAY_MS; until then this instance skips the cache for it.
 * No write path can bring a copy back: cache writes are refused by the
 * marker, last-seen writes only update copies that still exist, and local
 * copies read before an invalidation was heard are refused.
 *
 * Nor can a failover: a revocation is finished only once the primary's
 * replicas have it, and after any cache failure this instance sees (a
 * command, a dropped connection, a cluster node leaving or joining) it
 * trusts no copy, in Redis or local, until it has replayed the pending
 * revocations from the record. Revocations pending elsewhere are read
 * from the record at each replay and skip the cache here too.
 */
export function createSessionManager (options: SessionManagerOptions): SessionManager {
  const { stores, clock, tokenTtl, idleTtl, touchInterval, log, localCache } = options
  const { sessions, cache } = stores
  const record = options.store
  const now = clock.now
  const localLive = options.localCacheLive ?? (() => false)
  /** Revoked here; the cache has not yet confirmed its copies are gone. */
  const unconfirmed = new Map<string, RevokedSession>()
  let cancelRetry: (() => void) | undefined
  const pendingTouches = new Map<string, SessionRecord>()
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

  const deadline = (s: SessionRecord): number => Math.min(s.expiresAt, s.lastSeenAt + idleTtl)
  const toSession = (s: SessionRecord): WxSession => ({ user: s.user, expiresAt: s.expiresAt, lastSeenAt: s.lastSeenAt })

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

  /** Retries this instance's unfinished revocations until their cache step is done (cheap while Redis is away: no call is made). */
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

  /** The session from the cache, else from the record (cached on the way). */
  async function load (tokenHash: string): Promise<{ session: SessionRecord | null, fromCache: boolean }> {
    const fromRecord = async (): Promise<{ session: SessionRecord | null, fromCache: false }> =>
      ({ session: await record(sessions.find(tokenHash)), fromCache: false })
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
    if (cached !== null && cached !== undefined) return { session: cached, fromCache: true }
    const stored = await fromRecord()
    if (cached === null && stored.session !== null) await cacheAdd(stored.session)
    return stored
  }

  async function writeTouches (batch: SessionRecord[], lastSeenAt: number): Promise<void> {
    try {
      await sessions.touch(batch.map(s => s.tokenHash), lastSeenAt)
    } catch (err) {
      // Sliding expiry is best effort: a missed touch only shortens a session.
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not record last-seen')
      return
    }
    if (cache === null || !cache.available) return
    const at = now()
    await Promise.all(batch.filter(s => deadline(s) > at).map(s =>
      cache.refresh(s, deadline(s) - at).catch((err: unknown) => cacheFailed(err, 'write'))))
  }

  function flushTouches (): Promise<void> {
    cancelTouch?.()
    cancelTouch = undefined
    if (pendingTouches.size === 0) return Promise.resolve()
    const batch = [...pendingTouches.values()]
    pendingTouches.clear()
    return writeTouches(batch, Math.max(...batch.map(s => s.lastSeenAt)))
  }

  /** Marks the session used; last-seen is written in batches, not per request. */
  function touchLater (session: SessionRecord, at: number): void {
    session.lastSeenAt = at
    pendingTouches.set(session.tokenHash, session)
    cancelTouch ??= clock.after(TOUCH_BATCH_MS, () => { void flushTouches() })
  }

  /** A use this instance has not written yet counts too. */
  function withOwnUse (session: SessionRecord | null): SessionRecord | null {
    const unwritten = session === null ? undefined : pendingTouches.get(session.tokenHash)
    if (unwritten !== undefined && unwritten.lastSeenAt > session!.lastSeenAt) session!.lastSeenAt = unwritten.lastSeenAt
    return session
  }

  const localUsable = (): boolean => localLive() && cacheTrusted()

  function peek (token: string): WxSession | undefined {
    if (localCache === undefined || !localUsable()) return undefined
    const at = now()
    const session = localCache.get(token, at)
    if (session === undefined) return undefined
    // Another instance may have seen it used since: let the shared record decide.
    if (deadline(session) <= at) {
      localCache.invalidate([session.tokenHash])
      return undefined
    }
    if (at - session.lastSeenAt >= touchInterval) touchLater(session, at)
    return toSession(session)
  }

  return {
    async issue (user) {
      const token = generateToken()
      const at = now()
      const session: SessionRecord = {
        tokenHash: hashToken(token),
        userId: String(user.id),
        user,
        createdAt: at,
        expiresAt: at + tokenTtl,
        lastSeenAt: at
      }
      await record(sessions.insert(session))
      await cacheAdd(session)
      if (options.maxSessionsPerUser > 0) {
        const live = await record(sessions.listActive(session.userId, at))
        const excess = live.slice(options.maxSessionsPerUser)
        const revoked = await Promise.all(excess.map(s => record(sessions.revoke(s.tokenHash, at))))
        await forget(revoked.filter(s => s !== null))
      }
      return { token, expiresAt: session.expiresAt }
    },

    peek,

    async verify (token) {
      const local = peek(token)
      if (local !== undefined) return local
      if (!isWellFormedToken(token)) return null
      const tokenHash = hashToken(token)
      const ticket = localCache?.ticket() ?? 0
      const loaded = await load(tokenHash)
      let session = withOwnUse(loaded.session)
      let at = now()
      // A copy's last-seen may lag the record by a batch: an idle-looking copy asks the record.
      if (loaded.fromCache && session !== null && deadline(session) <= at && session.expiresAt > at) {
        session = withOwnUse(await record(sessions.find(tokenHash)))
        at = now()
      }
      if (session === null || deadline(session) <= at) return null
      if (at - session.lastSeenAt >= touchInterval) touchLater(session, at)
      if (localCache !== undefined && localUsable() && !unconfirmed.has(tokenHash) && !pendingElsewhere.has(tokenHash)) localCache.set(token, session, at, ticket)
      return toSession(session)
    },

    async revoke (token) {
      if (!isWellFormedToken(token)) return
      const tokenHash = hashToken(token)
      const revoked = await record(sessions.revoke(tokenHash, now()))
      forgetLocal([tokenHash])
      if (revoked !== null) await forget([revoked])
    },

    async revokeAll (userId) {
      const revoked = await record(sessions.revokeAll(String(userId), now()))
      await forget(revoked)
      return revoked.length
    },

    forgetLocal,
    replayRevocations,

    async prune () {
      return await record(sessions.prune(now()))
    },

    async close () {
      await flushTouches()
      closed = true
      cancelRetry?.()
      if (unconfirmed.size > 0) await replayRevocations()
    }
  }
}
