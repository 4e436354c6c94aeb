import type { FastifyReply, FastifyRequest } from 'fastify'
import type { WindowCounter } from './store.js'

export interface RateLimitWindow {
  /** Requests allowed per window. */
  max: number
  /** The window, ms. */
  timeWindow: number
}

export type RateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * A hook that counts the request under its key and, past `max` in the
 * window, throws `refuse()` with `retry-after` set to the seconds left.
 * A hook of our own rather than @fastify/rate-limit's: that one's
 * decorator is inherited from a host app that registers it, store and all.
 */
export function rateLimitHook (
  counter: WindowCounter,
  window: RateLimitWindow,
  keyOf: (request: FastifyRequest) => string,
  refuse: () => Error
): RateLimitHook {
  return async function rateLimited (request, reply) {
    const { current, ttl } = await counter.incr(keyOf(request), window.timeWindow)
    if (current > window.max) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(ttl / 1000))))
      throw refuse()
    }
  }
}
