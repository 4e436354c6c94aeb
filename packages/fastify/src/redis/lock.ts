import { randomBytes } from 'node:crypto'
import type { RedisFaults } from './faults.js'

/** The slice of ioredis a lock needs. */
export interface LockRedis {
  set (key: string, value: string, mode: 'PX', ttlMs: number, condition: 'NX'): Promise<unknown>
  eval (script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>
}

/** Waiting for another holder took longer than the caller allowed. */
export class LockWaitTimeout extends Error {
  constructor (ms: number) {
    super(`another instance held the lock for more than ${ms} ms`)
    this.name = 'LockWaitTimeout'
  }
}

export interface LockThenPollOptions<T> {
  key: string
  /** How long a holder may keep the lock before another may take it, ms. */
  ttl: number
  /** Longest wait for another holder's result, ms; then `LockWaitTimeout`. */
  wait: number
  /** Pause between looks at the other holder's result, ms. */
  poll: number
  now: () => number
  /** The lock's value; a caller that leaves its result in the lock's key recognises its own value by this prefix. */
  ownerPrefix?: string
  /** Looks for what another holder left, after the lock was found taken; undefined keeps waiting. */
  lookup: () => Promise<T | undefined>
  /** Runs with the lock held. */
  holding: (owner: string) => Promise<T>
  /**
   * Leave the key when `holding` succeeds (it replaced the lock with its
   * result); default false: release it. A `holding` that throws always
   * releases the lock if it still holds it, so another may try again; a
   * result it wrote before throwing stays.
   */
  keep?: boolean
}

// Deletes the lock only if this caller still holds it.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * One holder at a time across instances (SET NX PX); the others poll for
 * the holder's result, up to a deadline. Every Redis command goes through
 * `faults`: a failed or benched Redis ends the wait at once with
 * `RedisUnavailable`, so no caller hangs on a lock it cannot see.
 */
export async function lockThenPoll<T> (redis: LockRedis, faults: RedisFaults, options: LockThenPollOptions<T>): Promise<T> {
  const owner = `${options.ownerPrefix ?? ''}${randomBytes(12).toString('hex')}`
  const until = options.now() + options.wait
  const release = (): Promise<unknown> => faults.call(() => redis.eval(RELEASE, 1, options.key, owner)).catch(() => undefined)
  for (;;) {
    if (await faults.call(() => redis.set(options.key, owner, 'PX', options.ttl, 'NX')) === 'OK') {
      let result: T
      try {
        result = await options.holding(owner)
      } catch (err) {
        await release()
        throw err
      }
      if (options.keep !== true) await release()
      return result
    }
    const found = await options.lookup()
    if (found !== undefined) return found
    if (options.now() >= until) throw new LockWaitTimeout(options.wait)
    await sleep(options.poll)
  }
}
