import { createHash } from 'node:crypto'
import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import { resilientCounterStore, type CounterRedis } from './store.js'

export interface RateLimitWindow {
  /** Requests allowed per window. */
  max: number
  /** The window, ms. */
  timeWindow: number
}

export interface LoginRateLimitOptions {
  /** Logins per client IP (Fastify's `request.ip`: set `trustProxy` behind a proxy). false: off. */
  perIp: RateLimitWindow | false
  /** Logins per code (a double tap and a retry fit; a hammered code does not). false: off. */
  perCode: RateLimitWindow | false
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

export interface LoginLimiters {
  onRequest: Hook[]
  preHandler: Hook[]
}

const codeOf = (request: FastifyRequest): string => {
  const code = (request.body as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? createHash('sha256').update(code).digest('hex') : '-'
}

interface LimitCheck { isExceeded?: boolean, ttlInSeconds?: number }
type CreateRateLimit = (options: object) => (request: FastifyRequest) => Promise<LimitCheck>

/** A hook that counts the request under `key` and refuses it past the limit. */
function limiter (check: (request: FastifyRequest) => Promise<LimitCheck>) {
  return async function rateLimited (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await check(request)
    if (result.isExceeded === true) {
      reply.header('retry-after', String(result.ttlInSeconds ?? 60))
      throw new errors.RateLimited()
    }
  }
}

/**
 * Login rate limits through @fastify/rate-limit, counted in Redis so every
 * instance shares them. Registered in the login routes' own scope only.
 * Its `createRateLimit` checks are used rather than its hooks: a request may
 * pass only one of those hooks, and login has two limits (IP, then code).
 */
export async function loginRateLimits (
  app: FastifyInstance,
  options: LoginRateLimitOptions,
  redis: CounterRedis | null,
  redisPrefix: string,
  redisTimeout: number
): Promise<LoginLimiters> {
  const limiters: LoginLimiters = { onRequest: [], preHandler: [] }
  if (options.perIp === false && options.perCode === false) return limiters
  await app.register(fastifyRateLimit, {
    global: false,
    store: resilientCounterStore(redis, `${redisPrefix}rate:`, redisTimeout)
  })
  const createRateLimit = (app as unknown as { createRateLimit: CreateRateLimit }).createRateLimit
  if (options.perIp !== false) {
    limiters.onRequest.push(limiter(createRateLimit({ ...options.perIp, keyGenerator: (request: FastifyRequest) => `ip:${request.ip}` })))
  }
  if (options.perCode !== false) {
    limiters.preHandler.push(limiter(createRateLimit({ ...options.perCode, keyGenerator: (request: FastifyRequest) => `code:${codeOf(request)}` })))
  }
  return limiters
}
