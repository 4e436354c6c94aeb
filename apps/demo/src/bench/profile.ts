import { basename } from 'node:path'

// V8 .cpuprofiles (what `node --cpu-prof` and the inspector's Profiler write),
// reduced to CPU time per request by function, so a route's profile can be
// set against the public route's: what remains is what the route adds.
interface ProfileNode { id: number, hitCount?: number, callFrame: { functionName: string, url: string, lineNumber: number } }
export interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples?: number[] }

/** Self time by function, µs per request, over profiles of runs that served `requests` in all. */
export function selfTimePerRequest (profiles: CpuProfile[], requests: number): Map<string, number> {
  const us = new Map<string, number>()
  for (const profile of profiles) {
    const samples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0)
    const perSample = samples === 0 ? 0 : (profile.endTime - profile.startTime) / samples
    for (const node of profile.nodes) {
      const n = node.hitCount ?? 0
      if (n === 0) continue
      const { functionName, url, lineNumber } = node.callFrame
      const where = url === '' ? '' : ` ${url.includes('node_modules') ? url.replace(/^.*node_modules\//, '') : basename(url)}:${lineNumber + 1}`
      const frame = `${functionName === '' ? '(anonymous)' : functionName}${where}`
      us.set(frame, (us.get(frame) ?? 0) + n * perSample / requests)
    }
  }
  return us
}

export interface FrameCost { frame: string, us: number, baseline: number }

/** The functions whose self time per request grew most over the baseline's. */
export function addedCost (route: Map<string, number>, baseline: Map<string, number>, count: number): FrameCost[] {
  return [...route]
    .filter(([frame]) => frame !== '(idle)')
    .map(([frame, us]) => ({ frame, us, baseline: baseline.get(frame) ?? 0 }))
    .sort((a, b) => (b.us - b.baseline) - (a.us - a.baseline))
    .slice(0, count)
}
