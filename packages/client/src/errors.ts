import type { ServerResponse, TokenRefusal } from './types.js'

export interface WxLoginErrorDetails {
  /** The wx API's `errMsg`, when a wx call failed (`'request:fail timeout'`, …). */
  errMsg?: string
  /** The HTTP status, when the server answered. */
  statusCode?: number
  /** The server's error code (`FST_WX_LOGIN_…`), when its answer carried one. */
  code?: string
  /** The server's answer, when there was one. */
  res?: ServerResponse
}

/** Base class of every error the client rejects with. */
export class WxLoginError extends Error {
  declare readonly errMsg?: string
  declare readonly statusCode?: number
  declare readonly code?: string
  declare readonly res?: ServerResponse

  constructor (message: string, details: WxLoginErrorDetails = {}) {
    super(message)
    this.name = 'WxLoginError'
    this.errMsg = details.errMsg
    this.statusCode = details.statusCode
    this.code = details.code
    this.res = details.res
  }
}

/** Logging in failed: `wx.login()` failed (`errMsg`) or the server refused the code (`statusCode`, `code`, `res`). */
export class LoginError extends WxLoginError {
  constructor (message: string, details?: WxLoginErrorDetails) {
    super(message, details)
    this.name = 'LoginError'
  }
}

/** The server still answered with an auth error after a fresh login and one retry. */
export class AuthError extends WxLoginError {
  constructor (message: string, details?: WxLoginErrorDetails) {
    super(message, details)
    this.name = 'AuthError'
  }
}

/** A wx network call failed without an answer: no connection, timeout or abort. `errMsg` says which. */
export class NetworkError extends WxLoginError {
  constructor (message: string, details?: WxLoginErrorDetails) {
    super(message, details)
    this.name = 'NetworkError'
  }

  /** True when the call timed out (`errMsg` ends with `timeout`). */
  get isTimeout (): boolean {
    return /timeout/i.test(this.errMsg ?? '')
  }
}

/**
 * The server ended this session (`reason`: revoked, replaced or banned by default; see `reloginOn`).
 * The client cleared the token and does not log in by itself: the app decides, then calls `login()`.
 */
export class SessionEndedError extends WxLoginError {
  declare readonly reason: TokenRefusal
  /** When a ban ends by itself (ISO date-time), if the server said. */
  declare readonly until?: string

  constructor (message: string, reason: TokenRefusal, until?: string, details?: WxLoginErrorDetails) {
    super(message, details)
    this.name = 'SessionEndedError'
    this.reason = reason
    this.until = until
  }
}
