import type { FastifyBaseLogger } from 'fastify'
import { generateToken, hashToken, isWellFormedToken } from './token.js'
import type { StoreGuard } from './store/guard.js'
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
}

export interface IssuedToken { token: string, expiresAt: number }

export interface SessionManager {
  issue (user: WxUser): Promise<IssuedToken>
  verify (token: string): Promise<WxSession | null>
  revoke (token: string): Promise<void>
  revokeAll (userId: string | number): Promise<number>
  prune (): Promise<number>
  close (): Promise<void>
}

/**
 * Tokens live in two places: the session store (MySQL) is the record,
 * the cache (Redis) a copy. Reads try the cache and fall back to the record;
 * revocations write the record first, so the cache can only ever be behind
 * by the cache deletes still pending retry, which reads treat as misses.
 */
export function createSessionManager (options: SessionManagerOptions): SessionManager {
  const { stores, now, tokenTtl, idleTtl, touchInterval, log } = options
  const record = options.store
  const { sessions, cache } = stores
  const pendingDeletes = new Set<string>()
  let retryTimer: NodeJS.Timeout | undefined

  const deadline = (s: SessionRecord): number => Math.min(s.expiresAt, s.lastSeenAt + idleTtl)

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
    }, 1000)
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

  async function cacheDelete (hashes: string[]): Promise<void> {
    if (cache === null || hashes.length === 0) return
    for (const hash of hashes) pendingDeletes.add(hash)
    await flushPendingDeletes()
  }

  async function load (tokenHash: string): Promise<SessionRecord | null> {
    if (cache !== null && cache.available && !pendingDeletes.has(tokenHash)) {
      try {
        const cached = await cache.get(tokenHash)
        if (cached !== null) return cached
        const stored = await record(sessions.find(tokenHash))
        if (stored !== null && deadline(stored) > now()) await cacheSet(stored)
        return stored
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_WX_LOGIN_STORE_UNAVAILABLE') throw err
        cacheFailed(err, 'read')
      }
    }
    return await record(sessions.find(tokenHash))
  }

  async function touch (session: SessionRecord, at: number): Promise<void> {
    session.lastSeenAt = at
    try {
      await sessions.touch(session.tokenHash, at)
    } catch (err) {
      // Sliding expiry is best effort: a missed touch only shortens a session.
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not record last-seen')
      return
    }
    await cacheSet(session)
  }

  async function revokeHashes (hashes: string[]): Promise<void> {
    await cacheDelete(hashes)
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
        await revokeHashes(excess)
      }
      return { token, expiresAt: session.expiresAt }
    },

    async verify (token) {
      if (!isWellFormedToken(token)) return null
      const session = await load(hashToken(token))
      if (session === null) return null
      const at = now()
      if (deadline(session) <= at) return null
      if (at - session.lastSeenAt >= touchInterval) await touch(session, at)
      return { user: session.user, expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt }
    },

    async revoke (token) {
      if (!isWellFormedToken(token)) return
      const tokenHash = hashToken(token)
      await record(sessions.revoke(tokenHash, now()))
      await revokeHashes([tokenHash])
    },

    async revokeAll (userId) {
      const hashes = await record(sessions.revokeAll(String(userId), now()))
      await revokeHashes(hashes)
      return hashes.length
    },

    async prune () {
      return await record(sessions.prune(now()))
    },

    async close () {
      clearTimeout(retryTimer)
      await flushPendingDeletes()
    }
  }
}
