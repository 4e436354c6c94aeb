import type { FastifyBaseLogger } from 'fastify'
import type { RedisFaults } from '../redis/faults.js'
import { sessionIdOf } from '../session-id.js'
import type { SessionRecord, WxUser } from '../types.js'
import type { RevokedSession, SessionCache } from './types.js'
import { InvalidationListener } from './invalidation.js'
import type { RedisClient } from './redis-client.js'

// s: the session id; entries written before it existed derive it from the hash.
interface CacheEntry { s?: string, u: string, d: WxUser, c: number, e: number, l: number }

export interface RedisCacheOptions {
  prefix: string
  /** The plugin's one Redis fault policy: bounded commands, a bench window after a failure. */
  faults: RedisFaults
  log: FastifyBaseLogger
}

// A copy is written only while no revocation marker stands for the session:
// a read that started before a revocation cannot put its copy back after it.
const ADD = `if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

// Newer last-seen for a copy that still exists; a deleted copy stays deleted.
const REFRESH = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

// The marker outlives every copy that could be written (the session's remaining life).
const REVOKE = `redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return redis.call('DEL', KEYS[1])`

const MIN_TTL_MS = 1000

/**
 * Redis as a shared copy of live sessions in front of the session record.
 * A session's copy and its revocation marker share a hash tag, so each
 * script touches one slot. Every command goes through the plugin's fault
 * policy: a hung or dead Redis costs one short wait, then none, never a 5xx.
 */
export function redisSessionCache (redis: RedisClient, options: RedisCacheOptions): SessionCache {
  const { faults } = options
  const copyKey = (tokenHash: string): string => `${options.prefix}session:{${tokenHash}}`
  const markerKey = (tokenHash: string): string => `${options.prefix}revoked:{${tokenHash}}`
  const channel = `${options.prefix}revoked`
  const ttl = (ms: number): number => Math.max(1, Math.ceil(ms))

  const encode = (record: SessionRecord): string => JSON.stringify({
    s: record.sessionId,
    u: record.userId, d: record.user, c: record.createdAt, e: record.expiresAt, l: record.lastSeenAt
  } satisfies CacheEntry)

  return {
    get available () {
      return faults.available
    },

    async get (tokenHash) {
      const raw = await faults.call(() => redis.get(copyKey(tokenHash)))
      if (raw === null) return null
      const entry = JSON.parse(raw) as CacheEntry
      return { tokenHash, sessionId: entry.s ?? sessionIdOf(tokenHash), userId: entry.u, user: entry.d, createdAt: entry.c, expiresAt: entry.e, lastSeenAt: entry.l }
    },

    async add (record, ttlMs) {
      await faults.call(() => redis.eval(ADD, 2, copyKey(record.tokenHash), markerKey(record.tokenHash), encode(record), ttl(ttlMs)))
    },

    async refresh (record, ttlMs) {
      await faults.call(() => redis.eval(REFRESH, 1, copyKey(record.tokenHash), encode(record), ttl(ttlMs)))
    },

    async revoke (sessions: RevokedSession[], now: number) {
      if (sessions.length === 0) return
      // One script per session keeps every command within one cluster slot.
      await Promise.all(sessions.map(s => faults.call(() =>
        redis.eval(REVOKE, 2, copyKey(s.tokenHash), markerKey(s.tokenHash), Math.max(MIN_TTL_MS, s.expiresAt - now)))))
      await faults.call(() => redis.publish(channel, sessions.map(s => s.tokenHash).join(',')))
    },

    listen (handlers) {
      return new InvalidationListener(redis.duplicate(), { channel, log: options.log, heartbeat: 1000, ...handlers })
    }
  }
}
