import type { Authenticate } from './authenticate.js'
import type { IssuedToken } from './sessions.js'
import type { WxSession, WxUser } from './types.js'
import type { WechatServerApi } from './wechat-services.js'

/** What the plugin adds to the Fastify instance as `app.wxLogin`. */
export interface WxLoginApi extends WechatServerApi {
  /** Hook for protected routes: `{ onRequest: app.wxLogin.authenticate }`; or `await` it. */
  authenticate: Authenticate
  /** The live session of a token, or null. Slides the idle expiry like a request. */
  verify (token: string): Promise<WxSession | null>
  /** Revokes one token (logout). */
  revoke (token: string): Promise<void>
  /** Revokes every session of a user; returns how many. */
  revokeAll (userId: string | number): Promise<number>
  /**
   * Issues a token without a WeChat login (tests, admin tools): for a user
   * object, or for the id of a user in the built-in users table.
   */
  issueToken (user: string | number | WxUser): Promise<IssuedToken>
  /** Deletes expired and revoked session rows; returns how many. */
  pruneSessions (): Promise<number>
}
