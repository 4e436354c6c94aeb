import type { FastifyBaseLogger } from 'fastify'
import { generateToken, hashToken, isWellFormedToken } from './token.js'
import type { StoreGuard } from './store/guard.js'
import type { LocalSessionCache } from './store/local-cache.js'
import type { WxLoginStores } from './store/types.js'
import type { SessionRecord, WxSession, WxUser } from './types.js'

export interface SessionManagerOptions {
  stores: WxLoginStores
  now: () => number
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
  prune (): Promise<number>
  close (): Promise<void>
}

// A revocation seen this recently blocks re-caching a copy read just before it.
const TOMBSTONE_MS = 5000
// Last-seen updates from warm requests are written together, this often.
const TOUCH_BATCH_MS = 100
const RETRY_MS = 1000

/**
 * Tokens live in three places: the session store (MySQL) is the record,
 * the cache (Redis) a shared copy, and this process a local copy.
 * Reads go local -> Redis -> MySQL. Revocations write the record first, then
 * delete the Redis copy and broadcast the hashes so every instance drops its
 * local copy; cache deletes that fail are retried until Redis answers, and
 * this instance treats them as misses meanwhile.
 */
export function createSessionManager (options: SessionManagerOptions): SessionManager {
  const { stores, now, tokenTtl, idleTtl, touchInterval, log, localCache } = options
  const { sessions, cache } = stores
  const record = options.store
  const localLive = options.localCacheLive ?? (() => false)
  const pendingDeletes = new Set<string>()
  const pendingTouches = new Map<string, SessionRecord>()
  const tombstones = new Map<string, number>()
  let retryTimer: NodeJS.Timeout | undefined
  let touchTimer: NodeJS.Timeout | undefined

  const deadline = (s: SessionRecord): number => Math.min(s.expiresAt, s.lastSeenAt + idleTtl)
  const toSession = (s: SessionRecord): WxSession => ({ user: s.user, expiresAt: s.expiresAt, lastSeenAt: s.lastSeenAt })

  function cacheFailed (err: unknown, what: string): void {
    log.warn({ err: { message: (err as Error).message } }, `wx-login: Redis ${what} failed; using MySQL`)
  }

  async function cacheSet (session: SessionRecord): Promise<void> {
    if (cache === null || !cache.available) return
    try {
      await cache.set(session, deadline(session) - now())
    } catch (err) {
      cacheFailed(err, 'write')
    }
  }

  function scheduleRetry (): void {
    if (retryTimer !== undefined || pendingDeletes.size === 0) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void flushPendingDeletes()
    }, RETRY_MS)
    retryTimer.unref()
  }

  async function flushPendingDeletes (): Promise<void> {
    if (cache === null || pendingDeletes.size === 0) return
    const hashes = [...pendingDeletes]
    try {
      if (!cache.available) throw new Error('Redis unavailable')
      await cache.delete(hashes)
      for (const hash of hashes) pendingDeletes.delete(hash)
    } catch {
      scheduleRetry()
    }
  }

  function isTombstoned (tokenHash: string): boolean {
    const until = tombstones.get(tokenHash)
    if (until === undefined) return false
    if (until > Date.now()) return true
    tombstones.delete(tokenHash)
    return false
  }

  function forgetLocal (hashes: string[]): void {
    if (localCache === undefined) return
    localCache.invalidate(hashes)
    const until = Date.now() + TOMBSTONE_MS
    if (tombstones.size > 10_000) {
      for (const [hash, at] of tombstones) if (at <= Date.now()) tombstones.delete(hash)
    }
    for (const hash of hashes) tombstones.set(hash, until)
  }

  async function forget (hashes: string[]): Promise<void> {
    forgetLocal(hashes)
    for (const hash of hashes) pendingTouches.delete(hash)
    if (cache === null || hashes.length === 0) return
    for (const hash of hashes) pendingDeletes.add(hash)
    await flushPendingDeletes()
  }

  async function load (tokenHash: string): Promise<SessionRecord | null> {
    if (cache !== null && cache.available && !pendingDeletes.has(tokenHash)) {
      let cached: SessionRecord | null | undefined
      try {
        cached = await cache.get(tokenHash)
      } catch (err) {
        cacheFailed(err, 'read')
      }
      if (cached !== null && cached !== undefined) return cached
      const stored = await record(sessions.find(tokenHash))
      if (cached === null && stored !== null && deadline(stored) > now()) await cacheSet(stored)
      return stored
    }
    return await record(sessions.find(tokenHash))
  }

  async function writeTouches (batch: SessionRecord[], at: number): Promise<void> {
    try {
      await sessions.touch(batch.map(s => s.tokenHash), at)
    } catch (err) {
      // Sliding expiry is best effort: a missed touch only shortens a session.
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not record last-seen')
      return
    }
    await Promise.all(batch.map(cacheSet))
  }

  function flushTouches (): Promise<void> {
    clearTimeout(touchTimer)
    touchTimer = undefined
    if (pendingTouches.size === 0) return Promise.resolve()
    const batch = [...pendingTouches.values()]
    pendingTouches.clear()
    return writeTouches(batch, Math.max(...batch.map(s => s.lastSeenAt)))
  }

  /** Marks the session used; warm requests write in batches, not one by one. */
  function touchLater (session: SessionRecord, at: number): void {
    session.lastSeenAt = at
    pendingTouches.set(session.tokenHash, session)
    if (touchTimer === undefined) {
      touchTimer = setTimeout(() => { void flushTouches() }, TOUCH_BATCH_MS)
      touchTimer.unref()
    }
  }

  function peek (token: string): WxSession | undefined {
    if (localCache === undefined || !localLive()) return undefined
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
      await cacheSet(session)
      if (options.maxSessionsPerUser > 0) {
        const live = await record(sessions.listActive(session.userId, at))
        const excess = live.slice(options.maxSessionsPerUser).map(s => s.tokenHash)
        for (const hash of excess) await record(sessions.revoke(hash, at))
        await forget(excess)
      }
      return { token, expiresAt: session.expiresAt }
    },

    peek,

    async verify (token) {
      const local = peek(token)
      if (local !== undefined) return local
      if (!isWellFormedToken(token)) return null
      const tokenHash = hashToken(token)
      const session = await load(tokenHash)
      if (session === null) return null
      const at = now()
      if (deadline(session) <= at) return null
      if (at - session.lastSeenAt >= touchInterval) {
        session.lastSeenAt = at
        await writeTouches([session], at)
      }
      if (localCache !== undefined && localLive() && !isTombstoned(tokenHash) && !pendingDeletes.has(tokenHash)) {
        localCache.set(token, session, at)
      }
      return toSession(session)
    },

    async revoke (token) {
      if (!isWellFormedToken(token)) return
      const tokenHash = hashToken(token)
      await record(sessions.revoke(tokenHash, now()))
      await forget([tokenHash])
    },

    async revokeAll (userId) {
      const hashes = await record(sessions.revokeAll(String(userId), now()))
      await forget(hashes)
      return hashes.length
    },

    forgetLocal,

    async prune () {
      return await record(sessions.prune(now()))
    },

    async close () {
      clearTimeout(retryTimer)
      await flushTouches()
      await flushPendingDeletes()
    }
  }
}
