import type { FastifyBaseLogger } from 'fastify'
import type { SessionRecord, WxUser } from '../types.js'
import type { SessionCache } from './types.js'
import { InvalidationListener } from './invalidation.js'
import type { RedisClient } from './redis-client.js'
import { withTimeout } from './with-timeout.js'

interface CacheEntry { u: string, d: WxUser, c: number, e: number, l: number }

export interface RedisCacheOptions {
  prefix: string
  /** A command slower than this counts as a Redis failure. */
  commandTimeout: number
  /** After a failure, skip Redis this long instead of waiting on it again. */
  cooldown: number
  log: FastifyBaseLogger
}

/**
 * Redis as a cache in front of the session record. Every call is bounded by
 * `commandTimeout`, and a failure benches Redis for `cooldown`, so a hung or
 * dead Redis costs one short wait, then none, never a 5xx.
 */
export function redisSessionCache (redis: RedisClient, options: RedisCacheOptions): SessionCache {
  let benchedUntil = 0
  const key = (tokenHash: string): string => `${options.prefix}session:${tokenHash}`
  const channel = `${options.prefix}revoked`

  async function call<T> (command: Promise<T>): Promise<T> {
    try {
      return await withTimeout(command, options.commandTimeout, 'Redis')
    } catch (err) {
      benchedUntil = Date.now() + options.cooldown
      throw err
    }
  }

  return {
    get available () {
      return redis.status === 'ready' && Date.now() >= benchedUntil
    },

    async get (tokenHash: string) {
      const raw = await call(redis.get(key(tokenHash)))
      if (raw === null) return null
      const entry = JSON.parse(raw) as CacheEntry
      return { tokenHash, userId: entry.u, user: entry.d, createdAt: entry.c, expiresAt: entry.e, lastSeenAt: entry.l }
    },

    async set (record: SessionRecord, ttlMs: number) {
      const entry: CacheEntry = { u: record.userId, d: record.user, c: record.createdAt, e: record.expiresAt, l: record.lastSeenAt }
      await call(redis.set(key(record.tokenHash), JSON.stringify(entry), 'PX', Math.max(1, Math.ceil(ttlMs))))
    },

    async delete (tokenHashes: string[]) {
      if (tokenHashes.length === 0) return
      await call(redis.del(...tokenHashes.map(key)))
      await call(redis.publish(channel, tokenHashes.join(',')))
    },

    listen (handlers) {
      return new InvalidationListener(redis.duplicate(), { channel, log: options.log, heartbeat: 1000, ...handlers })
    }
  }
}
