/**
 * The plugin's time: every time read and every timer goes through one of
 * these, so tests (and the interleaving model) can drive both.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now (): number
  /** Runs `task` once after `ms`; never keeps the process alive. Returns a cancel function. */
  after (ms: number, task: () => void): () => void
}

export function systemClock (now: () => number = Date.now): Clock {
  return {
    now,
    after (ms, task) {
      const timer = setTimeout(task, ms)
      timer.unref()
      return () => clearTimeout(timer)
    }
  }
}
