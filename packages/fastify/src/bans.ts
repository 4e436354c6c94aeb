import { errors } from './errors.js'
import { events } from './events.js'
import type { IssuedToken, SessionManager } from './sessions.js'
import type { StoreGuard } from './store/guard.js'
import type { BanStore, SessionDetails } from './store/types.js'
import type { WxUser } from './types.js'

export interface BanOptions {
  /** When the ban ends (a Date or epoch ms); left out, it lasts until `unban`. */
  until?: Date | number
  /** Why, for your admin tools (at most 255 characters); never sent to the client. */
  reason?: string
}

export interface Bans {
  ban (userId: string | number, options?: BanOptions): Promise<void>
  unban (userId: string | number): Promise<void>
  /** Throws FST_WX_LOGIN_BANNED (403) while the user is banned. */
  check (userId: string | number): Promise<void>
  /** Issues a session, then takes it back if a ban was written meanwhile. */
  issueUnlessBanned (user: WxUser, details?: SessionDetails): Promise<IssuedToken & { sessionId: string }>
  /** Ends the sessions of bans some instance saved but did not finish (it crashed). */
  finishPending (): Promise<void>
}

const FINISH_BATCH = 100
// How long after a ban the replay still looks for a session stored by a
// login that raced it and died before its second check. Such a login's
// INSERT lands within its own round trip (or a lock wait, 50 s by default);
// looking at recent bans only keeps the replay one cheap query with many bans.
export const LATE_LOGIN_WINDOW_MS = 10 * 60 * 1000

function banUntil (until: BanOptions['until']): number | null {
  if (until === undefined) return null
  const at = until instanceof Date ? until.getTime() : until
  if (typeof at !== 'number' || !Number.isFinite(at)) throw new TypeError('@wx-login/fastify: ban `until` must be a Date or epoch milliseconds')
  return at
}

/**
 * Bans live in the record (MySQL) and end every session of the user, with
 * the same guarantees as revokeAll. The ban row is written first, so a
 * login running meanwhile either sees it or has its session revoked; it is
 * marked finished once the sessions are ended, so a crash in between is
 * finished by any instance's replay (replay.ts). For ten minutes the
 * replay also ends a banned user's session stored by a login whose instance
 * died before its second check: nothing else would look at that row again.
 */
export function createBans (store: BanStore | undefined, sessions: SessionManager, guard: StoreGuard, now: () => number): Bans {
  function required (): BanStore {
    if (store === undefined) throw new Error('@wx-login/fastify: these stores have no `bans`; add a BanStore to use ban()')
    return store
  }

  async function check (userId: string | number): Promise<void> {
    if (store === undefined) return
    const ban = await guard(store.find(String(userId), now()))
    if (ban !== null) throw new errors.Banned(ban.until)
  }

  return {
    async ban (userId, options = {}) {
      const until = banUntil(options.until)
      const reason = options.reason ?? null
      if (reason !== null && (typeof reason !== 'string' || reason.length > 255)) throw new TypeError('@wx-login/fastify: ban `reason` must be a string of at most 255 characters')
      const bans = required()
      await guard(bans.save(String(userId), { until, reason }, now()))
      await sessions.revokeAll(userId, 'banned')
      await guard(bans.sessionsEnded(String(userId)))
      if (events.ban.hasSubscribers) events.ban.publish({ userId: String(userId), until })
    },

    async unban (userId) {
      await guard(required().remove(String(userId)))
    },

    check,

    async issueUnlessBanned (user, details) {
      const issued = await sessions.issue(user, details)
      // A ban written while this login ran may have ended the user's sessions
      // just before this one was stored: look again, and take it back.
      await check(user.id).catch(async (err: unknown) => {
        await sessions.revoke(issued.token)
        throw err
      })
      return issued
    },

    async finishPending () {
      if (store === undefined) return
      const at = now()
      for (const userId of await store.unfinished(FINISH_BATCH, at, at - LATE_LOGIN_WINDOW_MS)) {
        await sessions.revokeAll(userId, 'banned')
        await store.sessionsEnded(userId)
      }
    }
  }
}
