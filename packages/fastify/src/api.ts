import type { Authenticate } from './authenticate.js'
import type { BanOptions } from './bans.js'
import type { IssuedToken } from './sessions.js'
import type { WxLoginUser, WxSession, WxSessionInfo } from './types.js'
import type { WechatServerApi } from './wechat-services.js'

/** What the plugin adds to the Fastify instance as `app.wxLogin`. */
export interface WxLoginApi extends WechatServerApi {
  /** Hook for protected routes: `{ onRequest: app.wxLogin.authenticate }`; or `await` it. */
  authenticate: Authenticate
  /**
   * Hook for routes that serve both visitors and users: sets the user, or
   * leaves it null for a missing, invalid, expired, revoked or banned token.
   * Never answers 401 or 403; a store failure still answers 503.
   */
  optionalAuthenticate: Authenticate
  /** The live session of a token, or null. Slides the idle expiry like a request. */
  verify (token: string): Promise<WxSession | null>
  /** Revokes one token (logout). */
  revoke (token: string): Promise<void>
  /** Revokes every session of a user; returns how many. */
  revokeAll (userId: string | number): Promise<number>
  /**
   * Ends every session of the user and refuses their logins with 403
   * FST_WX_LOGIN_BANNED (with `until`), on every instance, until `until` or `unban`.
   */
  ban (userId: string | number, options?: BanOptions): Promise<void>
  /** Lifts a ban; the user logs in again as usual. */
  unban (userId: string | number): Promise<void>
  /** The user's live sessions (devices), newest first: for admin tools and `GET {prefix}/sessions`. */
  listSessions (userId: string | number): Promise<WxSessionInfo[]>
  /**
   * Ends one session by its id (reason REVOKED); with `userId`, only if it is
   * that user's. Resolves false when no such live session exists.
   */
  revokeSession (sessionId: string, userId?: string | number): Promise<boolean>
  /**
   * Issues a token without a WeChat login (tests, admin tools): for a user
   * object, or for the id of a user in the built-in users table.
   */
  issueToken (user: string | number | WxLoginUser): Promise<IssuedToken>
  /** Deletes expired and revoked session rows; returns how many. */
  pruneSessions (): Promise<number>
}
