import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { sessionOf } from '../authenticate.js'
import { errors } from '../errors.js'
import { clientKey } from './client-key.js'
import { rateLimitHook, type RateLimitHook, type RateLimitWindow } from './limiter.js'
import type { RedisFaults } from '../redis/faults.js'
import { resilientWindowCounter, type CounterRedis } from './store.js'

export type { RateLimitWindow } from './limiter.js'

export interface RateLimitOptions {
  /** Logins per client IP, IPv6 per /64 (Fastify's `request.ip`: set `trustProxy` behind a proxy). false: off. */
  perIp: RateLimitWindow | false
  /** Logins per code (a double tap and a retry fit; a hammered code does not). false: off. */
  perCode: RateLimitWindow | false
  /** Phone-number exchanges per user, each one billed by WeChat. false: off. */
  perUserPhone: RateLimitWindow | false
}

export interface RateLimits {
  /** Per IP, before the body is read. */
  loginOnRequest: RateLimitHook[]
  /** Per code, once the body is parsed and valid. */
  loginPreHandler: RateLimitHook[]
  /** Per user, after authenticate and body validation: every request counted here is a WeChat call. */
  phonePreHandler: RateLimitHook[]
}

const ipOf = (request: FastifyRequest): string => `ip:${clientKey(request.ip)}`

const codeOf = (request: FastifyRequest): string => {
  const code = (request.body as { code?: unknown } | undefined)?.code
  return `code:${typeof code === 'string' ? createHash('sha256').update(code).digest('hex') : '-'}`
}

const phoneUserOf = (request: FastifyRequest): string => `phone:${String(sessionOf(request)?.user.id)}`

/** The routes' rate limits, counted in Redis under `{redisPrefix}rate:` so every instance shares them. */
export function rateLimits (options: RateLimitOptions, redis: CounterRedis | null, redisPrefix: string, faults: RedisFaults, now: () => number): RateLimits {
  const counter = resilientWindowCounter(redis, `${redisPrefix}rate:`, faults, now)
  const hooks = (window: RateLimitWindow | false, keyOf: (request: FastifyRequest) => string, refuse: () => Error): RateLimitHook[] =>
    window === false ? [] : [rateLimitHook(counter, window, keyOf, refuse)]
  return {
    loginOnRequest: hooks(options.perIp, ipOf, () => new errors.RateLimited()),
    loginPreHandler: hooks(options.perCode, codeOf, () => new errors.RateLimited()),
    phonePreHandler: hooks(options.perUserPhone, phoneUserOf, () => new errors.PhoneRateLimited())
  }
}
