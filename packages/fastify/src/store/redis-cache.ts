import type { FastifyBaseLogger } from 'fastify'
import type { RedisFaults } from '../redis/faults.js'
import { sessionIdOf } from '../session-id.js'
import type { SessionRecord, WxUser } from '../types.js'
import type { RevokedSession, SessionCache } from './types.js'
import { ClusterSubscriber } from './cluster-subscriber.js'
import { InvalidationListener, type RedisSubscriber } from './invalidation.js'
import type { RedisClient } from './redis-client.js'

// s: the session id; entries written before it existed derive it from the hash.
interface CacheEntry { s?: string, u: string, d: WxUser, c: number, e: number, l: number }

export interface RedisCacheOptions {
  prefix: string
  /** The plugin's one Redis fault policy: bounded commands, a bench window after a failure. */
  faults: RedisFaults
  log: FastifyBaseLogger
  /** Longest wait for replicas to acknowledge a revocation, ms. */
  replicaAckTimeout: number
}

// A copy is written only while no revocation marker stands for the session:
// a read that started before a revocation cannot put its copy back after it.
const ADD = `if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

// The marker outlives every copy that could be written (the session's remaining life).
// Answers how many replicas this node streams to: they must hold it too.
const REVOKE = `redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
redis.call('DEL', KEYS[1])
return tonumber(string.match(redis.call('INFO', 'replication'), 'connected_slaves:(%d+)')) or 0`

const MIN_TTL_MS = 1000

/**
 * Redis as a shared copy of live sessions in front of the session record.
 * A session's copy and its revocation marker share a hash tag, so each
 * script touches one slot. Every command goes through the plugin's fault
 * policy: a hung or dead Redis costs one short wait, then none, never a 5xx.
 *
 * Replication is asynchronous: a primary can acknowledge a revocation and
 * die before its replica has it, and the promoted replica would then serve
 * the revoked copy again. So a revocation counts as done only once every
 * replica connected to the key's primary acknowledged it (WAIT, sent in a
 * pipeline with a command on the same key so a cluster routes it to that
 * primary); until then it stays pending in the record and is replayed.
 */
export function redisSessionCache (redis: RedisClient, options: RedisCacheOptions): SessionCache {
  const { faults } = options
  const copyKey = (tokenHash: string): string => `${options.prefix}session:{${tokenHash}}`
  const markerKey = (tokenHash: string): string => `${options.prefix}revoked:{${tokenHash}}`
  const channel = `${options.prefix}revoked`
  const ttl = (ms: number): number => Math.max(1, Math.ceil(ms))

  /** Whether `replicas` replicas of the primary serving the session's keys acknowledged its writes. */
  async function replicated (run: RedisFaults['call'], tokenHash: string, replicas: number): Promise<boolean> {
    const answers = await run(() => redis.pipeline()
      .exists(markerKey(tokenHash))
      .call('WAIT', replicas, options.replicaAckTimeout)
      .exec())
    const [err, acknowledged] = answers?.[1] ?? [new Error('no answer'), 0]
    return err === null && Number(acknowledged) >= replicas
  }

  // A cluster's subscriber stays on one node and moves when it goes; one server's (or Sentinel's primary's) is a duplicate connection.
  const subscriber = (): RedisSubscriber => redis.isCluster === true && redis.nodes !== undefined
    ? new ClusterSubscriber({ nodes: role => redis.nodes!(role) })
    : redis.duplicate()

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

    get failures () {
      return faults.failures
    },

    async revoke (sessions: RevokedSession[], now: number, revokeOptions) {
      if (sessions.length === 0) return
      const run = revokeOptions?.retry === true ? faults.attempt : faults.call
      // One script per session keeps every command within one cluster slot.
      const unreplicated = await Promise.all(sessions.map(async s => {
        const replicas = Number(await run(() =>
          redis.eval(REVOKE, 2, copyKey(s.tokenHash), markerKey(s.tokenHash), Math.max(MIN_TTL_MS, s.expiresAt - now))))
        return replicas > 0 && !await replicated(run, s.tokenHash, replicas)
      }))
      await run(() => redis.publish(channel, sessions.map(s => s.tokenHash).join(',')))
      if (unreplicated.includes(true)) throw new Error('Redis replicas did not acknowledge the revocation in time')
    },

    listen (handlers) {
      return new InvalidationListener(subscriber(), { channel, log: options.log, heartbeat: 1000, ...handlers })
    }
  }
}
