/** The mock's clock: a base clock (injectable) plus an offset tests can only move forward. */
export interface MockClock {
  /** Current mock time in milliseconds since the epoch. */
  now(): number
  /** Moves the clock forward; returns the new time. */
  advance(ms: number): number
}

export function createClock (base: () => number = Date.now): MockClock {
  let offsetMs = 0
  return {
    now: () => base() + offsetMs,
    advance (ms: number): number {
      // Going back in time would resurrect expired codes and tokens: WeChat never does that.
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`advanceMs must be a finite number >= 0, got ${ms}`)
      }
      offsetMs += ms
      return base() + offsetMs
    }
  }
}
