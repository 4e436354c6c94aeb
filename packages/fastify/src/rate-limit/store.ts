import { withTimeout } from '../store/with-timeout.js'

/** The slice of ioredis the counters need. */
export interface CounterRedis {
  readonly status: string
  eval (script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>
}

type IncrCallback = (err: Error | null, result: { current: number, ttl: number }) => void

// INCR and set the window on the first hit, atomically; answers [count, ttl ms].
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`

const LOCAL_MAX_KEYS = 10_000

/**
 * A @fastify/rate-limit store shared by every instance through Redis, that
 * never stalls a login on a hung or dead Redis: each call is bounded, and
 * while Redis is away this instance counts on its own.
 */
export function resilientCounterStore (redis: CounterRedis | null, prefix: string, timeout: number) {
  const local = new Map<string, { current: number, resetAt: number }>()
  let benchedUntil = 0

  function countLocally (key: string, cb: IncrCallback, timeWindow: number): void {
    const now = Date.now()
    let entry = local.get(key)
    if (entry === undefined || entry.resetAt <= now) {
      local.delete(key)
      if (local.size >= LOCAL_MAX_KEYS) local.delete(local.keys().next().value!)
      entry = { current: 0, resetAt: now + timeWindow }
      local.set(key, entry)
    }
    entry.current++
    cb(null, { current: entry.current, ttl: entry.resetAt - now })
  }

  return class ResilientCounterStore {
    incr (key: string, cb: IncrCallback, timeWindow: number): void {
      if (redis === null || redis.status !== 'ready' || Date.now() < benchedUntil) return countLocally(key, cb, timeWindow)
      withTimeout(redis.eval(INCR_SCRIPT, 1, `${prefix}${key}`, timeWindow), timeout, 'Redis').then(
        result => {
          const [current, ttl] = result as [number, number]
          cb(null, { current, ttl })
        },
        () => {
          benchedUntil = Date.now() + 1000
          countLocally(key, cb, timeWindow)
        })
    }

    child (): ResilientCounterStore {
      return this
    }
  }
}
