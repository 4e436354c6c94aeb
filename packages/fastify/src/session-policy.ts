import type { ActiveSession } from './store/types.js'
import type { WxDevice } from './types.js'

export interface SessionPolicy {
  /** Live sessions per user; 0 = unlimited. */
  maxSessionsPerUser: number
  /** Live sessions per user on one kind of device (phone, pc, devtools, other); 0 = unlimited. */
  maxSessionsPerPlatform: number
  /** Past a limit: end the oldest sessions ('evict-oldest'), or refuse the new login ('reject-new'). */
  sessionPolicy: 'evict-oldest' | 'reject-new'
}

const KINDS: Record<string, string> = { ios: 'phone', android: 'phone', ohos: 'phone', windows: 'pc', mac: 'pc', devtools: 'devtools' }

/** The kind of device a session runs on, from the platform the client reported. */
export function deviceKind (device: WxDevice | null): string {
  return KINDS[device?.platform?.toLowerCase() ?? ''] ?? 'other'
}

export const policyIsActive = (policy: SessionPolicy): boolean =>
  policy.maxSessionsPerUser > 0 || policy.maxSessionsPerPlatform > 0

/**
 * The sessions beyond the limits. `live` is newest first. With evict-oldest
 * the newest sessions are kept; with reject-new the oldest are, so the
 * excess then holds the new login when it does not fit.
 */
export function sessionsOverLimit (policy: SessionPolicy, live: ActiveSession[]): ActiveSession[] {
  const byPriority = policy.sessionPolicy === 'evict-oldest' ? live : [...live].reverse()
  const perKind = new Map<string, number>()
  let kept = 0
  const excess: ActiveSession[] = []
  for (const session of byPriority) {
    const kind = deviceKind(session.device)
    const ofKind = perKind.get(kind) ?? 0
    const fits = (policy.maxSessionsPerUser === 0 || kept < policy.maxSessionsPerUser) &&
      (policy.maxSessionsPerPlatform === 0 || ofKind < policy.maxSessionsPerPlatform)
    if (!fits) {
      excess.push(session)
      continue
    }
    kept++
    perKind.set(kind, ofKind + 1)
  }
  return excess
}
