import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from './clock.js'

/** How often every instance finishes what the record says is unfinished. */
export const REPLAY_INTERVAL_MS = 2000

/**
 * Revocations and bans are written to the record (MySQL) first and marked
 * finished once their effects are in place (cache copies dropped, sessions
 * ended). Whatever an instance left unfinished (it crashed, Redis was
 * away), every instance finishes from the record, this often: MySQL is the
 * record, so no restart loses a logout or a ban. Each task is one cheap,
 * indexed SELECT when there is nothing to do.
 */
export function startReplay (clock: Clock, log: FastifyBaseLogger, tasks: Array<() => Promise<void>>): { stop (): void } {
  let cancel: (() => void) | undefined
  let stopped = false

  async function replay (): Promise<void> {
    for (const task of tasks) {
      try {
        await task()
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, 'wx-login: replay of unfinished revocations failed; will retry')
      }
    }
  }

  function schedule (): void {
    if (stopped) return
    cancel = clock.after(REPLAY_INTERVAL_MS, () => { void replay().finally(schedule) })
  }

  schedule()
  return {
    stop () {
      stopped = true
      cancel?.()
    }
  }
}
