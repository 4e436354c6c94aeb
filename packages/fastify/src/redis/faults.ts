import { TimeoutError, withTimeout } from '../store/with-timeout.js'

/** Redis did not answer in time, failed, or is benched after a recent failure. */
export class RedisUnavailable extends Error {
  constructor (reason: string) {
    super(`Redis unavailable: ${reason}`)
    this.name = 'RedisUnavailable'
  }
}

export interface RedisFaultOptions {
  /** Whether the client is connected (ioredis: `status === 'ready'`). */
  ready: () => boolean
  /** A command slower than this counts as a failure, ms. */
  timeout: number
  /** After a failure, Redis is skipped this long instead of being waited on again, ms. */
  cooldown: number
  now: () => number
}

/**
 * How the plugin treats Redis, written once for every caller (session
 * cache, rate limits, code sharing, access_token): each command is bounded,
 * and a failure benches Redis for `cooldown`, so a hung or dead Redis costs
 * one short wait per instance, then none. Callers fall back on their own
 * terms (MySQL, local counting, a direct WeChat call) on `RedisUnavailable`.
 */
export interface RedisFaults {
  /** Whether a command is worth trying now. */
  readonly available: boolean
  /**
   * How many failures this instance has seen (failed commands, dropped
   * connections, nodes leaving or joining a cluster; not slow answers). After a failover Redis may hold
   * older data than it acknowledged, so a change here means what it says
   * must be checked against the record again (see sessions.ts).
   */
  readonly failures: number
  /** Runs `command` bounded by the timeout; throws `RedisUnavailable` without running it while benched. */
  call<T> (command: () => Promise<T>): Promise<T>
  /** Like `call`, also while benched (still not while disconnected): for background work no request waits on. */
  attempt<T> (command: () => Promise<T>): Promise<T>
  /** A failure seen outside a command (the client's connection or topology events); benches Redis too. */
  noteFailure (): void
}

export function redisFaults (options: RedisFaultOptions): RedisFaults {
  let benchedUntil = 0
  let failures = 0
  const bench = (): void => { benchedUntil = options.now() + options.cooldown }
  const faults: RedisFaults = {
    get available () {
      return options.ready() && options.now() >= benchedUntil
    },
    get failures () {
      return failures
    },
    async call (command) {
      if (!faults.available) throw new RedisUnavailable('skipped after a recent failure')
      return await faults.attempt(command)
    },
    async attempt (command) {
      if (!options.ready()) throw new RedisUnavailable('not connected')
      try {
        return await withTimeout(command(), options.timeout, 'Redis')
      } catch (err) {
        // A slow answer benches Redis but is no sign its data went back in
        // time: that takes a reconnect or a topology change, which the
        // client's events report (plugin.ts). Counting it would make an
        // overloaded instance drop its trusted copies and load Redis more.
        if (err instanceof TimeoutError) bench()
        else faults.noteFailure()
        throw new RedisUnavailable((err as Error).message)
      }
    },
    noteFailure () {
      failures++
      bench()
    }
  }
  return faults
}
