import diagnosticsChannel from 'node:diagnostics_channel'
import type { EndReason } from './types.js'

/**
 * What the plugin tells observers, through Node's diagnostics_channel (the
 * convention undici and Fastify use): subscribe to count logins, refreshes,
 * ended sessions, bans and WeChat calls. Messages carry ids and outcomes,
 * never a token, a code, a secret or a session_key.
 */
export const events = {
  /** `{ userId, appId, sessionId, isNewUser }` */
  login: diagnosticsChannel.channel('wx-login:login'),
  /** `{ userId, sessionId }` */
  refresh: diagnosticsChannel.channel('wx-login:refresh'),
  /** `{ reason, count, userId? }`: sessions ended by a logout, revocation, ban or the session policy. */
  sessionEnd: diagnosticsChannel.channel('wx-login:session-end'),
  /** `{ userId, until }` (until: epoch ms or null) */
  ban: diagnosticsChannel.channel('wx-login:ban'),
  /** `{ path, errcode, durationMs }`: every call to WeChat's server API; errcode 0 on success, -2 when no answer came. */
  wechat: diagnosticsChannel.channel('wx-login:wechat')
} as const

export interface SessionEndEvent { reason: EndReason, count: number, userId?: string }

export function sessionsEnded (event: SessionEndEvent): void {
  if (event.count > 0 && events.sessionEnd.hasSubscribers) events.sessionEnd.publish(event)
}
