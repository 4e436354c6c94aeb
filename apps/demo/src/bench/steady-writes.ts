import type { Distribution } from './options.js'

/**
 * Last-seen rows a request that continuous traffic writes in steady state:
 * a session used r times a second is written once per interval plus the
 * wait for its next use, 1 / (interval + 1 / r) rows a second. Each
 * session's r follows the bench's distribution (wrk.ts: uniform, or Zipf
 * with weight 1/k for the k-th), so a Zipf tail of rarely used sessions,
 * written at nearly every use, counts as it would.
 */
export function steadyRowsPerRequest (sessions: number, dist: Distribution, intervalS: number, rate: number): number {
  if (dist === 'uniform') return sessions / (intervalS + sessions / rate) / rate
  let total = 0
  for (let k = 1; k <= sessions; k++) total += 1 / k
  let rows = 0
  for (let k = 1; k <= sessions; k++) rows += 1 / (intervalS + k * total / rate)
  return rows / rate
}
