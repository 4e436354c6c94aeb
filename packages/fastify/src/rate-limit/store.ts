import type { RedisFaults } from '../redis/faults.js'

/** The slice of ioredis the counters need. */
export interface CounterRedis {
  eval (script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>
}

/** A window's count so far (this request included) and the ms until it ends. */
export interface WindowCount {
  current: number
  ttl: number
}

export interface WindowCounter {
  /** Counts one hit on `key` in a fixed window of `timeWindow` ms that starts at the key's first hit. */
  incr (key: string, timeWindow: number): Promise<WindowCount>
}

// INCR and set the window on the first hit, atomically; answers [count, ttl ms].
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`

const LOCAL_MAX_KEYS = 10_000

/**
 * Fixed-window counters shared by every instance through Redis, that never
 * stall a request on a hung or dead Redis: each call goes through the
 * plugin's fault policy, and while Redis is away this instance counts on its own.
 */
export function resilientWindowCounter (redis: CounterRedis | null, prefix: string, faults: RedisFaults, clock: () => number): WindowCounter {
  const local = new Map<string, { current: number, resetAt: number }>()

  function countLocally (key: string, timeWindow: number): WindowCount {
    const now = clock()
    let entry = local.get(key)
    if (entry === undefined || entry.resetAt <= now) {
      local.delete(key)
      if (local.size >= LOCAL_MAX_KEYS) local.delete(local.keys().next().value!)
      entry = { current: 0, resetAt: now + timeWindow }
      local.set(key, entry)
    }
    entry.current++
    return { current: entry.current, ttl: entry.resetAt - now }
  }

  return {
    async incr (key, timeWindow) {
      if (redis === null || !faults.available) return countLocally(key, timeWindow)
      try {
        const [current, ttl] = await faults.call(() => redis.eval(INCR_SCRIPT, 1, `${prefix}${key}`, timeWindow)) as [number, number]
        return { current, ttl }
      } catch {
        return countLocally(key, timeWindow)
      }
    }
  }
}
