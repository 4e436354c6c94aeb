import type { SessionStore } from '@fastify/session'
import type { WxUser } from '@wx-login/fastify'
import type { Redis } from 'ioredis'

/** The anchors' sessions live a day: none expires during a run. */
export const SESSION_COOKIE_MAX_AGE = 24 * 60 * 60 * 1000

/** User k of the bench, the same for the plugin and every anchor. */
export const benchUser = (k: number): WxUser => ({ id: k + 1, appId: 'wx-bench', openid: `o-bench-${k}`, unionid: null })

/**
 * A @fastify/session store over ioredis, following its store interface
 * (get/set/destroy with callbacks): one GET per request that carries a session.
 */
export function ioredisSessionStore (redis: Redis, prefix: string): SessionStore {
  return {
    get (sessionId, callback) {
      redis.get(prefix + sessionId).then(raw => callback(null, raw === null ? null : JSON.parse(raw)), callback)
    },
    set (sessionId, session, callback) {
      const ttl = session.cookie.originalMaxAge ?? SESSION_COOKIE_MAX_AGE
      redis.set(prefix + sessionId, JSON.stringify(session), 'PX', ttl).then(() => callback(), callback)
    },
    destroy (sessionId, callback) {
      redis.del(prefix + sessionId).then(() => callback(), callback)
    }
  }
}
